"""The TUI's layering: screens, widgets and messages never import the app (they post
messages to it), so app.py can import every screen without cycles."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import coach.tui

TUI = Path(coach.tui.__file__).parent
BELOW_THE_APP = sorted([*TUI.glob("screens/*.py"), *TUI.glob("widgets/*.py"), TUI / "messages.py"])


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, wherever the import stands (TYPE_CHECKING blocks included)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


@pytest.mark.parametrize("path", BELOW_THE_APP, ids=lambda p: str(p.relative_to(TUI)))
def test_screens_widgets_and_messages_never_import_the_app(path: Path):
    assert "coach.tui.app" not in imported_modules(path)


def test_every_screen_has_its_own_module():
    names = {p.stem for p in TUI.glob("screens/*.py")}
    assert {"catalogue", "briefing", "interview", "feedback", "summary", "history", "dialogs", "mentor"} <= names
    assert not (TUI / "screens.py").exists() and not (TUI / "mentor.py").exists()


def test_importing_the_screens_loads_no_app():
    code = "import sys, coach.tui.screens; print('coach.tui.app' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
