"""CI runs what the README's Quick start promises: the test command verbatim, then every static gate."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _quick_start_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Quick start.*?```sh\n(.*?)```", readme, re.S)
    assert block, "README.md has a Quick start sh block"
    return [line.split("#")[0].strip() for line in block.group(1).splitlines() if line.strip()]


def test_ci_runs_the_readme_test_command_then_the_static_gates() -> None:
    script = [line.strip() for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()]
    commands = _quick_start_commands()
    assert commands[1] == "pip install -e '.[test]' && pytest" and commands[1] in script
    assert len(commands) >= 3, "the Quick start lists the static checks after the test command"
    gates = [gate.strip() for gate in commands[2].split("&&")]
    assert gates == ["ruff check .", "ruff format --check .", "mypy", "lint-imports"]
    # each gate is its own line after the tests, so `set -e` fails CI on any finding
    positions = [script.index(gate) for gate in gates]
    assert positions == sorted(positions) and positions[0] > script.index(commands[1])
    assert "set -euo pipefail" in script
