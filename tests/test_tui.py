"""The Textual UI driven by key presses, asserting on what the screen shows."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, TextArea

from coach.store import Store
from coach.tui.app import make_app
from coach.tui.screens import (BriefingScreen, CatalogueScreen, FeedbackScreen, HelpScreen, InterviewScreen,
                               ResumeScreen, SummaryScreen)
from tests.tui_helpers import FixedClock, screen_text, settle

SIZE = (100, 34)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def app(library, isolated_home, clock):
    return make_app(library, Store(), clock=clock)


async def find(pilot, query: str = "upmarket") -> None:  # type: ignore[no-untyped-def]
    """Search the catalogue as a user would and go back to the list."""
    await pilot.press("/", *query, "enter")


async def start_interview(pilot) -> None:  # type: ignore[no-untyped-def]
    await find(pilot)
    await pilot.press("enter")  # catalogue: open the highlighted scenario's briefing
    assert isinstance(pilot.app.screen, BriefingScreen)
    await pilot.press("ctrl+s")  # briefing: start
    await pilot.pause()
    assert isinstance(pilot.app.screen, InterviewScreen)


def editor(app) -> TextArea:  # type: ignore[no-untyped-def]
    return app.screen.query_one("#answer", TextArea)


async def test_a_whole_interview_by_keyboard(app):
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, CatalogueScreen)
        assert "Moving upmarket: engagement pricing" in screen_text(app)

        await find(pilot)
        await pilot.press("enter")
        shown = screen_text(app)
        assert "Interviewer: Marta Lindqvist, Staff engineer and tech lead" in shown
        assert "GIF support in task notes" in shown and "What will be assessed" in shown
        await pilot.press("ctrl+s")
        await pilot.pause()
        shown = screen_text(app)
        assert "So, we're moving upmarket" in shown and "1/4 · hints 0/3" in shown and "5:00 left" in shown

        await pilot.press("ctrl+t")  # a hint
        assert "Think of three areas of investment" in screen_text(app) and "hints 1/3" in screen_text(app)

        await pilot.press(*"We need a load test")  # typing works
        editor(app).insert(" and monitoring with alerting before we sell to business customers.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        shown = screen_text(app)
        assert "You\nWe need a load test and monitoring" in shown
        assert "Marta Lindqvist (follow-up)\nYou haven't mentioned billing." in shown
        assert editor(app).text == ""

        editor(app).insert("The billing engine must meter usage events and invoice them.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FeedbackScreen)  # study mode: feedback after the stage
        shown = screen_text(app)
        assert "Score " in shown and "✓ Sees billing as a major investment: “billing engine”" in shown
        assert "Your answer (credited words highlighted" in shown
        await pilot.press("m")
        assert "Model answer" in screen_text(app)
        await pilot.press("enter")
        assert isinstance(app.screen, InterviewScreen)
        assert "Let's go deeper on billing" in screen_text(app)

        for _ in range(12):  # skip the rest, reading each feedback screen
            if isinstance(app.screen, SummaryScreen):
                break
            if isinstance(app.screen, FeedbackScreen):
                await pilot.press("enter")
            else:
                await pilot.press("ctrl+n", "ctrl+n")
            await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        shown = screen_text(app)
        assert "Overall " in shown and "target: Technical Product Manager" in shown
        assert "Competencies" in shown and "Work on next" in shown
        assert "What the strategy means for engineering" in shown  # the stages table
        await pilot.press("enter")  # a stage's feedback from the summary
        assert isinstance(app.screen, FeedbackScreen)


async def test_keys_typed_right_before_submit_are_part_of_the_answer(app):
    async with app.run_test(size=SIZE) as pilot:
        await start_interview(pilot)
        from textual import events

        burst = "We need a load test and monitoring before launch"
        editor_widget = editor(app)
        for char in burst:  # queued on the editor unprocessed, as a fast terminal delivers them
            editor_widget.post_message(events.Key(char if char != " " else "space", char))
        app.screen.action_submit()  # what ctrl+s runs, while those keys are still queued
        await settle(pilot)
        assert app.session.state.records[0].answers[0] == burst


async def test_user_text_is_never_markup(app):
    nasty = "[bold]not bold[/] [/foo] [ unclosed [link=x]and **markdown** `code` [red]load test[/red]"
    async with app.run_test(size=SIZE) as pilot:
        await start_interview(pilot)
        editor(app).insert(nasty)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert nasty in screen_text(app)
        editor(app).insert("[/] more [b")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FeedbackScreen)
        assert nasty + "\n\n[/] more [b" in screen_text(app)


async def test_time_up_warns_and_keeps_the_answer(app, clock):
    async with app.run_test(size=SIZE) as pilot:
        await start_interview(pilot)
        editor(app).insert("Half of my answer")
        clock.now += 6 * 60
        app.screen._update_status()
        await pilot.pause()
        assert "time is up (+1:00) · finish and submit" in screen_text(app)
        assert editor(app).text == "Half of my answer" and not editor(app).read_only


async def test_quit_and_hangup_save_the_draft(library, isolated_home, clock):
    store = Store()
    app = make_app(library, store, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await start_interview(pilot)
        await pilot.press(*"unsaved words")
        session_id = app.session.state.id
        app._on_hangup()  # what SIGHUP and SIGTERM call
    assert store.draft(session_id) == ("strategy", "unsaved words")
    assert [s.id for s in store.unfinished()] == [session_id]


async def test_unfinished_session_is_offered_and_resumed_with_its_draft(library, isolated_home, clock):
    store = Store()
    first = make_app(library, store, clock=clock)
    async with first.run_test(size=SIZE) as pilot:
        await start_interview(pilot)
        editor(first).insert("my half-written answer")
        await pilot.press("ctrl+q")
    second = make_app(library, store, clock=clock)
    async with second.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(second.screen, ResumeScreen)
        assert "You have an unfinished session" in screen_text(second)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(second.screen, InterviewScreen)
        assert editor(second).text == "my half-written answer"


async def test_catalogue_filters_and_search(app):
    async with app.run_test(size=SIZE) as pilot:
        table = app.screen.query_one("#scenarios", DataTable)
        assert table.row_count == len(app.library.scenarios)
        await pilot.press("/")
        assert isinstance(app.focused, Input)
        await pilot.press(*"upmarket")
        assert table.row_count == 1
        await pilot.press(*"zzz")
        assert table.row_count == 0 and "No scenario matches" in screen_text(app)
        await pilot.press("escape")
        assert table.row_count == len(app.library.scenarios)


async def test_target_level_chosen_in_the_catalogue_carries_into_the_session(app):
    from textual.widgets import Select

    from coach.formats import Level

    async with app.run_test(size=SIZE) as pilot:
        app.screen.query_one("#target", Select).value = Level.senior_tpm
        await pilot.pause()
        await find(pilot)
        await pilot.press("enter")
        assert isinstance(app.screen, BriefingScreen)
        assert app.session.state.target is Level.senior_tpm
        assert app.screen.query_one("#target", Select).value is Level.senior_tpm


async def test_help_lists_every_key(app):
    async with app.run_test(size=SIZE) as pilot:
        await start_interview(pilot)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        shown = screen_text(app)
        for expected in ("ctrl+s  Submit your answer", "ctrl+t  Reveal the next hint", "ctrl+n  Skip this question",
                         "f1  List every key", "ctrl+q  Quit; your answer and session are saved", "ctrl+p"):
            assert expected in shown
        await pilot.press("escape")
        assert isinstance(app.screen, InterviewScreen)


async def test_a_huge_paste_is_scored_off_the_ui_thread(app):
    import threading

    threads = []
    async with app.run_test(size=SIZE) as pilot:
        await start_interview(pilot)
        session = app.session
        submit = session.submit

        def recording_submit(answer: str):  # type: ignore[no-untyped-def]
            threads.append(threading.current_thread())
            return submit(answer)

        session.submit = recording_submit  # type: ignore[method-assign]
        editor(app).insert("We need a load test and a billing engine. " * 1200)  # ~50,000 characters
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert threads and threads[0] is not threading.main_thread()
        assert not app.screen.busy
        assert "follow-up" in screen_text(app) or isinstance(app.screen, FeedbackScreen)


async def test_command_palette_offers_the_coach_commands(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.press(*"Practise")
        await settle(pilot)  # the palette searches in a worker
        from textual.command import CommandPalette

        assert isinstance(app.screen, CommandPalette)
        options = app.screen.query_one("CommandList")
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert any("Practise: Moving upmarket" in label for label in labels)
