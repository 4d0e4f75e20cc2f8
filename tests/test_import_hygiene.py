"""The domain core never imports Textual, so the CLI and tests can use it alone."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import coach

CORE = sorted(
    m.name
    for m in pkgutil.walk_packages(coach.__path__, "coach.")
    if not m.name.startswith("coach.tui") and m.name != "coach.__main__"
)


@pytest.mark.parametrize("module", CORE)
def test_core_module_imports_without_textual(module: str):
    code = f"import sys, {module}; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
