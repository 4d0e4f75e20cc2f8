"""Notifications never outlive their screen, and none covers the answer box."""

from __future__ import annotations

from textual.widgets import TextArea
from textual.widgets._toast import Toast

from coach.practice.store import Store
from coach.tui.app import make_app
from coach.tui.screens import FeedbackScreen, InterviewScreen
from tests.tui.helpers import FixedClock, screen_text, settle

SIZE = (100, 34)  # pilots show no notifications unless asked: run_test(notifications=True)


async def _interview(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("/", *"upmarket", "enter", "enter", "ctrl+s")
    await pilot.pause()
    assert isinstance(pilot.app.screen, InterviewScreen)


def toasts(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(t.render()) for t in app.screen.query(Toast)]


async def test_skip_warning_is_gone_on_the_next_screen(library, isolated_home):
    app = make_app(library, Store(), clock=FixedClock())
    app.NOTIFICATION_TIMEOUT = 600  # toasts expire on the wall clock; a slow machine must not see it go early
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await _interview(pilot)
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert "Press ctrl+n again to skip this question" in screen_text(app)  # in the status line,
        assert toasts(app) == []  # not in a toast over the answer box
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(app.screen, FeedbackScreen)
        await pilot.pause()
        assert toasts(app) == []
        await pilot.press("enter")  # back to the interview: the old warning does not come back either
        await settle(pilot)
        assert isinstance(app.screen, InterviewScreen) and toasts(app) == []


async def test_time_up_is_said_without_covering_the_answer_box(library, isolated_home):
    clock = FixedClock()
    app = make_app(library, Store(), clock=clock)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await _interview(pilot)
        await pilot.press(*"Half of my answer")
        clock.now += 6 * 60
        app.screen._update_status()  # what the status line's one-second timer calls
        await pilot.pause()
        editor = app.screen.query_one("#answer", TextArea)
        assert "Time is up\nYour answer is kept; finish your thought and submit with ctrl+s." in screen_text(app)
        assert "time is up (+1:00)" in screen_text(app)
        assert not [t for t in app.screen.query(Toast) if t.region.overlaps(editor.region)]
        assert editor.text == "Half of my answer" and app.focused is editor
        clock.now += 60
        app.screen._update_status()  # said once, not every second
        await pilot.pause()
        assert screen_text(app).count("Your answer is kept") == 1
