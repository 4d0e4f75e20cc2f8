"""Snapshots of the main screens at 80x24 (regenerate with `pytest --snapshot-update`
after a deliberate UI change, and look at the SVGs before committing them).

Nothing in a snapshot may depend on the wall clock: the app runs on a FixedClock, and
`steady` stops the cursor blinking and refuses notifications (both expire in real time)."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta, timezone

import pytest
from textual.widgets import TextArea
from textual.widgets._toast import Toast

from coach.practice.store import Store
from coach.tui.app import make_app
from tests.tui.helpers import FixedClock, settle

ANSWER = "We need a load test and monitoring before we sell to business customers. [bold]Not markup[/]"


@pytest.fixture
def app(library, isolated_home):
    # Only the scenario these screens show, so adding scenarios to the library does not
    # change the snapshots (editing this one rightly does).
    one = copy.copy(library)
    one.scenarios = {"upmarket-pricing": library.scenarios["upmarket-pricing"]}
    return make_app(one, Store(), clock=FixedClock())


async def _brief(pilot):  # type: ignore[no-untyped-def]
    await pilot.press("enter")
    await pilot.pause()


async def _interview(pilot):  # type: ignore[no-untyped-def]
    await _brief(pilot)
    await pilot.press("ctrl+s")
    await pilot.pause()
    await pilot.press("ctrl+t")
    pilot.app.screen.query_one("#answer", TextArea).insert(ANSWER)
    await pilot.pause()


async def _feedback(pilot):  # type: ignore[no-untyped-def]
    await _interview(pilot)
    await pilot.press("ctrl+s")
    await settle(pilot)
    pilot.app.screen.query_one("#answer", TextArea).insert("The billing engine must meter usage events.")
    await pilot.press("ctrl+s")
    await settle(pilot)


async def _summary(pilot):  # type: ignore[no-untyped-def]
    await _feedback(pilot)
    from coach.tui.screens import FeedbackScreen, SummaryScreen

    for _ in range(12):
        if isinstance(pilot.app.screen, SummaryScreen):
            break
        await pilot.press("enter" if isinstance(pilot.app.screen, FeedbackScreen) else "ctrl+n")
        if not isinstance(pilot.app.screen, FeedbackScreen):
            await pilot.press("ctrl+n")
        await settle(pilot)


def steady(steps=None):  # type: ignore[no-untyped-def]
    """Run the steps, then make the screen independent of when the snapshot is taken."""

    async def run_before(pilot):  # type: ignore[no-untyped-def]
        if steps is not None:
            await steps(pilot)
        await settle(pilot)
        for editor in pilot.app.screen.query("TextArea, Input"):
            editor.cursor_blink = False  # the cursor stays drawn instead of blinking on a timer
        toasts = [str(t.render()) for t in pilot.app.screen.query(Toast)]
        assert not toasts, f"a notification in a snapshot expires on the wall clock: {toasts}"

    return run_before


def test_catalogue(snap_compare, app):
    assert snap_compare(app, terminal_size=(80, 24), run_before=steady())


def test_briefing(snap_compare, app):
    assert snap_compare(app, terminal_size=(80, 24), run_before=steady(_brief))


def test_interview(snap_compare, app):
    assert snap_compare(app, terminal_size=(80, 24), run_before=steady(_interview))


def test_feedback(snap_compare, app):
    assert snap_compare(app, terminal_size=(80, 24), run_before=steady(_feedback))


def test_summary(snap_compare, app):
    assert snap_compare(app, terminal_size=(80, 24), run_before=steady(_summary))


def test_history(snap_compare, library, isolated_home):
    """Charts with dated axes and the target line, the overview and progress against a plan.
    Everything on this screen is fixed: the sessions' dates, the day (now) and the plan."""
    from coach.library.formats import Level
    from coach.practice import plan as plans
    from coach.practice.resume import persist
    from tests.practice.test_history import play

    one = copy.copy(library)
    one.scenarios = {"upmarket-pricing": library.scenarios["upmarket-pricing"]}
    store = Store()
    start = datetime(2026, 1, 5, 12, tzinfo=timezone.utc)
    for days, label in ((0, "weak"), (3, "strong"), (9, "middling")):
        persist(store, play(one, "upmarket-pricing", label, started=start + timedelta(days=days)))
    now = datetime(2026, 1, 15, 12, tzinfo=timezone.utc)
    today = now.astimezone().date()
    plans.save_plan(plans.build_plan(store, one, Level.senior_tpm, today + timedelta(days=20), today))
    app = make_app(one, store, clock=FixedClock(), now=lambda: now)

    async def open_history(pilot):  # type: ignore[no-untyped-def]
        await pilot.press("ctrl+r")
        await settle(pilot)
        pilot.app.screen.query_one("#history").scroll_home(animate=False)
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 34), run_before=steady(open_history))  # down to the dates
