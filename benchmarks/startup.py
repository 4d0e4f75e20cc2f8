"""How long `coach` takes to show its catalogue, against an empty Textual app, on this machine.

    python benchmarks/startup.py [--runs 7] [--json]

Each run is a new process, timed from its launch to the moment its first screen is drawn (the
catalogue with its scenarios, or the empty app's blank screen); then it exits. Both run
headless, so the terminal's own drawing speed is left out. The coach starts the way
`coach` does: the command line module, the catalogue from the library's index (after the first
run, see coach/library/index.py; the library itself loads once the catalogue is drawn), the
history, then the app.

Target (issue 15): the catalogue in at most 1.5 times the empty app's time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RATIO_TARGET = 1.5

# Both scripts note when the app first hands a frame to its driver (App._display, which a terminal
# would receive) once ``FIRST_SCREEN`` holds, then exit: the time the first screen appears, not what
# runs after it is drawn.
NOTE_FIRST_FRAME = """
import time
from textual.app import App

drawn = []
display = App._display

def noting(app, screen, renderable):
    if renderable is not None and not drawn and FIRST_SCREEN(screen):
        drawn.append(time.time())
    return display(app, screen, renderable)

App._display = noting

async def shown(pilot):
    while not drawn:
        await pilot.pause()
    pilot.app.exit()
"""

EMPTY_APP = (
    "FIRST_SCREEN = lambda screen: True\n"
    + NOTE_FIRST_FRAME
    + "App().run(headless=True, auto_pilot=shown)\nprint(drawn[0])\n"
)

# what `coach` does (coach.cli.main, then coach.cli.start.open_catalogue), up to the first frame of the
# catalogue with its scenarios and the highlighted one's card
COACH = (
    """
import coach.cli
from coach.cli.start import catalogue_sources
from coach.tui.app import make_app

def FIRST_SCREEN(screen):
    tables, cards = screen.query("#scenarios"), screen.query("#detail-text")
    return tables and tables.first().row_count and cards and str(cards.first().render()).strip()
"""
    + NOTE_FIRST_FRAME
    + "make_app(*catalogue_sources()).run(headless=True, auto_pilot=shown)\nprint(drawn[0])\n"
)


def seconds(script: str, env: dict[str, str]) -> float:
    """Seconds from launching a new process to the moment its first screen is drawn (the time it
    printed, on the same clock); what it does after that does not count."""
    start = time.time()
    run = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=False)
    if run.returncode:
        raise RuntimeError(run.stderr.strip()[-800:])
    return float(run.stdout.split()[-1]) - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="runs of each (median)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="coach-startup-") as home:
        env = dict(os.environ, COACH_HOME=home, PYTHONPATH=str(ROOT), XDG_CACHE_HOME=str(Path(home) / "cache"))
        env.pop("COACH_PATH", None)
        # Both run from compiled bytecode, as an installed coach does (pip compiles it): with
        # PYTHONDONTWRITEBYTECODE set, the coach's own modules would be compiled again on every run while
        # Textual's come compiled from site-packages. The bytecode is kept in the temporary folder.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(Path(home) / "pycache")
        seconds(EMPTY_APP, env)  # compiles Textual's bytecode
        seconds(COACH, env)  # the first run after an install or a library change fills the cache and the index
        empty, coach = [], []
        for _ in range(args.runs):  # interleaved, so a busy moment of the machine spoils both alike
            empty.append(seconds(EMPTY_APP, env))
            coach.append(seconds(COACH, env))
    figures = {"empty_app_s": statistics.median(empty), "coach_catalogue_s": statistics.median(coach)}
    figures["ratio"] = figures["coach_catalogue_s"] / figures["empty_app_s"]
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    verdict = "PASS" if figures["ratio"] <= RATIO_TARGET else "FAIL"
    print(f"empty Textual app: {figures['empty_app_s']:.3f} s median of {args.runs}")
    print(f"coach catalogue:   {figures['coach_catalogue_s']:.3f} s median of {args.runs}")
    print(f"ratio:             {figures['ratio']:.2f} (target <= {RATIO_TARGET:g}) {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
