"""The app draws its catalogue before loading what the catalogue does not need (issue 15, start-up):
the scorer, the sessions' code, reports and the other screens are imported only when first used."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFERRED = [
    "coach.practice.history",
    "coach.practice.session",
    "coach.render.html",
    "coach.scoring.engine",
    "coach.tui.screens.interview",
    "coach.tui.screens.summary",
    "jinja2",
]

# `coach` as it starts (coach.cli.group), noting which of DEFERRED are loaded when the catalogue's first
# frame is handed to the driver (what a terminal would draw), then going on to open a briefing.
PROBE = f"""
import sys
from textual.app import App
import coach.cli
from coach.cli.common import Sources, open_store
from coach.tui.app import make_app

seen = []
display = App._display

def noting(app, screen, renderable):
    tables = screen.query("#scenarios")
    if renderable is not None and not seen and tables and tables.first().row_count:
        seen.append([name for name in {DEFERRED!r} if name in sys.modules])
    return display(app, screen, renderable)

App._display = noting

async def drive(pilot):
    while not seen:
        await pilot.pause()
    print("AT FIRST FRAME", seen[0])
    await pilot.press("enter")
    await pilot.pause()
    print("THEN", type(pilot.app.screen).__name__)
    pilot.app.exit()

make_app(Sources().load(), open_store(writable=False)).run(headless=True, auto_pilot=drive)
"""


def test_the_catalogue_is_drawn_before_what_it_does_not_need_is_imported(tmp_path):
    env = dict(os.environ, COACH_HOME=str(tmp_path), PYTHONPATH=str(ROOT))
    run = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "AT FIRST FRAME []" in run.stdout
    assert "THEN BriefingScreen" in run.stdout  # and all of it loads when needed
