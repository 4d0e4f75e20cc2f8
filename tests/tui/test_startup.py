"""The app draws its catalogue before loading what the catalogue does not need (issue 15, start-up):
click, pydantic and the library itself (the catalogue comes from the library's index), the scorer, the
sessions' code, reports and the other screens are loaded only once it is drawn, or when first used."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
from pathlib import Path

from textual import events
from textual.widgets import DataTable

from coach.library.index import LibraryLoad
from coach.library.loader import Library
from coach.practice.store import Store
from coach.tui.app import make_app
from coach.tui.screens import CatalogueScreen, ResumeScreen
from tests.tui.helpers import FixedClock, screen_text, settle
from tests.tui.test_tui import find, start_interview

ROOT = Path(__file__).resolve().parents[2]
DEFERRED = [
    "click",
    "pydantic",
    "coach.library.formats",
    "coach.library.loader",
    "coach.practice.history",
    "coach.practice.session",
    "coach.render.html",
    "coach.scoring.engine",
    "coach.tui.screens.interview",
    "coach.tui.screens.summary",
    "jinja2",
]

# `coach` as it starts (coach.cli.main, then coach.cli.start), noting which of DEFERRED are loaded when the catalogue's first
# frame is handed to the driver (what a terminal would draw), then going on to open a briefing.
PROBE = f"""
import sys
from textual.app import App
import coach.cli
from coach.cli.start import catalogue_sources
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

make_app(*catalogue_sources()).run(headless=True, auto_pilot=drive)
"""


def test_the_catalogue_is_drawn_before_what_it_does_not_need_is_imported(tmp_path):
    env = dict(os.environ, COACH_HOME=str(tmp_path), PYTHONPATH=str(ROOT))
    # an earlier start wrote the library's cache and index
    prime = "from coach.library.index import LibraryLoad; LibraryLoad().library()"
    subprocess.run([sys.executable, "-c", prime], env=env, check=True, timeout=120)
    run = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "AT FIRST FRAME []" in run.stdout
    assert "THEN BriefingScreen" in run.stdout  # and all of it loads when needed


class SlowLoad(LibraryLoad):
    """The library of a slow start: it is loaded only once the test lets it."""

    def __init__(self) -> None:
        super().__init__()
        self.go = threading.Event()

    def library(self) -> Library:
        assert self.go.wait(60), "the test never let the library load"
        return super().library()


async def test_a_scenario_opened_before_the_library_is_loaded_opens_once_it_is(isolated_home):
    LibraryLoad().library()  # an earlier start wrote the index
    load = SlowLoad()
    app = make_app(load, Store(), clock=FixedClock())
    async with app.run_test() as pilot:
        try:
            await pilot.pause()
            table = app.screen.query_one("#scenarios", DataTable)
            assert table.row_count and not load.loaded  # the catalogue, drawn from the index
            await find(pilot)
            # Enter, faster than the load: the app waits for the library, its queue of keys held meanwhile
            # (so these keys are posted as a terminal would, not pressed by the pilot, which waits for the app)
            app.post_message(events.Key("enter", "\r"))
            for _ in range(10_000):  # until the app is waiting: the list shows that it loads
                if table.loading:
                    break
                await asyncio.sleep(0)
            assert isinstance(app.screen, CatalogueScreen) and table.loading
            app.post_message(events.Key("f1", None))  # a key meant for the briefing, pressed before it is shown
        finally:
            load.go.set()
        await settle(pilot)
        await pilot.pause()
        # nothing was lost, nor done out of order: the briefing opened, then F1 listed its keys
        assert [type(s).__name__ for s in app.screen_stack[-3:]] == ["CatalogueScreen", "BriefingScreen", "HelpScreen"]
        assert app.session is not None and app.session.scenario.id == "upmarket-pricing"
        assert not table.loading


async def test_an_unfinished_session_is_offered_once_the_library_is_loaded(library, isolated_home):
    store = Store()
    first = make_app(library, store, clock=FixedClock())
    async with first.run_test() as pilot:
        await start_interview(pilot)
        await pilot.press("ctrl+q")
    LibraryLoad().library()  # an earlier start wrote the index
    second = make_app(LibraryLoad(), store, clock=FixedClock())
    async with second.run_test() as pilot:
        await settle(pilot)
        await pilot.pause()
        assert isinstance(second.screen, ResumeScreen)
        assert "You have an unfinished session" in screen_text(second)


async def test_resizing_the_catalogue_keeps_the_highlighted_scenario_and_fits_its_titles(library, isolated_home):
    app = make_app(library, Store(), clock=FixedClock())
    async with app.run_test(size=(80, 30)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#scenarios", DataTable)
        longest = max((sc.item.title for sc in library.scenarios.values()), key=len)
        assert longest not in screen_text(app)  # cut to fit 80 columns
        await pilot.press("down", "down", "down")
        highlighted = app.screen.current_id()
        await pilot.resize_terminal(200, 30)
        await settle(pilot)
        assert app.screen.current_id() == highlighted and table.cursor_row == 3
        assert longest in screen_text(app)  # whole, now that there is room


async def test_a_dialog_opened_from_the_catalogue_has_its_styles(library, isolated_home):
    """The catalogue's styles are parsed before its first frame, the other screens' when the first opens."""
    app = make_app(library, Store(), clock=FixedClock())
    async with app.run_test(size=(100, 34)) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        help_box = app.screen.query_one("#help")
        assert app.screen.styles.align == ("center", "middle")
        assert help_box.styles.width is not None and help_box.styles.width.value == 76
