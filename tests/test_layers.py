"""The layer order paths < library < scoring < practice < render < cli/tui, checked two ways:
importing a layer never loads a higher one, and `lint-imports` (which also sees imports made
inside functions) keeps the contracts in pyproject.toml."""

from __future__ import annotations

import importlib
import json
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ORDER = ["coach.library", "coach.scoring", "coach.practice", "coach.render"]
HIGHER = {layer: ORDER[i + 1 :] + ["coach.cli", "coach.tui"] for i, layer in enumerate(ORDER)}
ROOT = Path(__file__).resolve().parent.parent


def modules_of(layer: str) -> list[str]:
    package = importlib.import_module(layer)
    return sorted(m.name for m in pkgutil.walk_packages(package.__path__, layer + "."))


@pytest.mark.parametrize("layer", ORDER[:3])
def test_importing_a_layer_never_imports_a_higher_one(layer: str):
    imports = "; ".join(f"import {m}" for m in modules_of(layer))
    code = f"import json, sys; {imports}; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    loaded = {".".join(name.split(".")[:2]) for name in json.loads(out.stdout)}  # coach.scoring.engine -> coach.scoring
    assert not loaded & set(HIGHER[layer]), f"{layer} imports {sorted(loaded & set(HIGHER[layer]))}"


@pytest.mark.skipif(shutil.which("lint-imports") is None, reason="import-linter is in the test extra")
def test_import_contracts_are_kept():
    out = subprocess.run(["lint-imports"], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stdout[-3000:]


def test_the_session_does_not_import_the_history_built_on_it():
    """No cycle inside practice: history builds on sessions, so the session module never imports
    history, not even inside a function (a lazy import would hide the cycle from the layers)."""
    import ast

    tree = ast.parse((ROOT / "coach" / "practice" / "session.py").read_text(encoding="utf-8"))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    assert not {name for name in imported if name and name.startswith("coach.practice.history")}
