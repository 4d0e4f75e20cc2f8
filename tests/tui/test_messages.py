"""Screens post messages and the app reacts: each message does what its key did, and a key
pressed twice before the first message is handled still opens one screen."""

from __future__ import annotations

import pytest
from textual.widgets import Select

from coach.library.formats import Level
from coach.practice.resume import persist
from coach.practice.store import Store
from coach.tui.app import make_app
from coach.tui.messages import OpenBriefing, OpenSession, PractiseNext, StartInterview
from coach.tui.screens import BriefingScreen, CatalogueScreen, HistoryScreen, InterviewScreen, SummaryScreen
from tests.practice.test_history import play
from tests.tui.helpers import FixedClock, screen_text, settle

SIZE = (100, 34)


@pytest.fixture
def app(library, isolated_home):
    return make_app(library, Store(), clock=FixedClock())


async def test_open_briefing_and_start_interview_do_what_enter_and_ctrl_s_did(app):
    async with app.run_test(size=SIZE) as pilot:
        app.screen.post_message(OpenBriefing("upmarket-pricing", Level.senior_tpm))
        await pilot.pause()
        assert isinstance(app.screen, BriefingScreen)
        assert app.screen.query_one("#target", Select).value is Level.senior_tpm
        app.screen.post_message(StartInterview(app.session))
        await settle(pilot)
        assert isinstance(app.screen, InterviewScreen)
        assert app.session.state.status == "answering"
        assert [row.id for row in app.store.sessions()] == [app.session.state.id]  # started and saved


async def test_a_key_pressed_twice_opens_one_screen(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("/", *"upmarket", "enter")
        await pilot.press("enter", "enter")
        await pilot.pause()
        assert [type(s) for s in app.screen_stack[1:]] == [CatalogueScreen, BriefingScreen]
        await pilot.press("ctrl+s", "ctrl+s")
        await settle(pilot)
        assert [type(s) for s in app.screen_stack[1:]] == [CatalogueScreen, InterviewScreen]


async def test_open_session_reopens_a_stored_one_and_explains_a_missing_one(library, isolated_home):
    store = Store()
    done = play(library, "upmarket-pricing", "strong")
    persist(store, done)
    app = make_app(library, store, clock=FixedClock())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+r")
        await settle(pilot)
        app.screen.post_message(OpenSession("no-such-session"))
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)  # no traceback: a message, and the history stays
        assert any("Could not resume that session" in n.message for n in app._notifications)
        app.screen.post_message(OpenSession(done.state.id))
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen) and app.session.state.id == done.state.id


async def test_practise_next_goes_back_to_the_catalogue_then_briefs(library, isolated_home):
    just = play(library, "upmarket-pricing", "middling")
    app = make_app(library, Store(), session=just, clock=FixedClock())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        app.screen.post_message(PractiseNext("data-product"))
        await pilot.pause()
        assert [type(s) for s in app.screen_stack[1:]] == [CatalogueScreen, BriefingScreen]
        assert app.session is not just and app.session.scenario.id == "data-product"
        assert "What will be assessed" in screen_text(app)


async def test_summary_export_failing_says_why_and_keeps_the_app(library, isolated_home):
    just = play(library, "upmarket-pricing", "middling")
    (isolated_home / "exports").write_text("a file where the folder should be")
    app = make_app(library, Store(), session=just, clock=FixedClock())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        assert any("Could not save the report" in n.message for n in app._notifications)


async def test_a_screen_replaced_as_soon_as_it_opens_does_not_crash_the_app(app):
    """The briefing replaced by the interview in the same moment it opened (keys pressed twice on a busy
    machine): its header's pending title update found no title widget and ended the app with NoMatches."""
    async with app.run_test(size=SIZE) as pilot:
        session = app.new_session("upmarket-pricing")
        app.push_screen(BriefingScreen(session))
        session.start()
        app.switch_screen(InterviewScreen(session))
        await settle(pilot)
        assert isinstance(app.screen, InterviewScreen) and app.is_running
