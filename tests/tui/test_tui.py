"""The Textual UI driven by key presses, asserting on what the screen shows."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, TextArea

from coach.practice.store import Store
from coach.tui.app import make_app
from coach.tui.screens import (
    BriefingScreen,
    CatalogueScreen,
    FeedbackScreen,
    HelpScreen,
    InterviewScreen,
    ResumeScreen,
    SummaryScreen,
)
from tests.tui.helpers import FixedClock, screen_text, settle

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
        assert "Score " in shown  # and the evidence: the clause that earned the credit (wrapped to the screen)
        assert "✓ Sees billing as a major investment: “The billing engine must meter usage events" in " ".join(
            shown.split()
        )
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
        assert "Overall " in shown and "target: TPM" in shown
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

    from coach.library.formats import Level

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
        for expected in (
            "ctrl+s  Submit your answer",
            "ctrl+t  Reveal the next hint",
            "ctrl+n  Skip this question",
            "f1  List every key",
            "ctrl+q  Quit; your answer and session are saved",
            "ctrl+p",
        ):
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


async def test_enter_opens_a_focused_select(app):
    from textual.widgets import Select

    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("/", "tab", "tab")  # from the search box past the area filter to the competency filter
        competency = app.screen.query_one("#competency", Select)
        assert app.focused is competency
        await pilot.press("enter")
        assert competency.expanded  # the catalogue's Enter binding no longer swallows it
        await pilot.press("down", "enter")
        assert not competency.expanded and competency.value is not Select.NULL  # Enter picked an option
        await pilot.press("escape")  # clear the filters; back on the list
        await pilot.press("tab", "tab")  # the list, the detail pane, then the target select
        target = app.screen.query_one("#target", Select)
        assert app.focused is target
        await pilot.press("enter")
        assert target.expanded
        await pilot.press("escape", "escape")  # close it, clear, back to the list
        await find(pilot)
        await pilot.press("enter")
        assert isinstance(app.screen, BriefingScreen)
        for select_id in ("target", "mode"):
            await pilot.press("tab")
            select = app.screen.query_one(f"#{select_id}", Select)
            assert app.focused is select
            await pilot.press("enter")
            assert select.expanded
            await pilot.press("escape")
            assert not select.expanded and app.focused is select


def _shape(widget) -> tuple:  # type: ignore[no-untyped-def]
    """What a focus indicator can change beyond colour: border kinds and text style."""
    return tuple(edge[0] for edge in widget.styles.border), str(widget.styles.text_style)


async def _assert_focus_visible(app, pilot, where: str) -> int:  # type: ignore[no-untyped-def]
    """Focus each kind of focusable widget on the screen in turn; returns how many were checked.
    (The focus styles are by kind, so the second of a kind on a screen proves nothing more.)"""
    widgets = list({type(w): w for w in reversed(app.screen.focus_chain)}.values())
    app.set_focus(None)
    await pilot.pause()
    blurred = [_shape(w) for w in widgets]
    for widget, before in zip(widgets, blurred, strict=True):
        widget.focus()
        await pilot.pause()
        assert _shape(widget) != before, f"{where}: focus on {widget!r} shows only as a colour"
    return len(widgets)


async def test_focus_is_visible_by_shape_on_every_control(library, isolated_home, clock):
    from coach.practice.session import Mode, Session

    app = make_app(library, Store(), clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        assert await _assert_focus_visible(app, pilot, "catalogue") == 4  # search, selects, list, detail
        app.screen.query_one("#scenarios", DataTable).focus()
        await find(pilot)
        await pilot.press("enter")
        assert await _assert_focus_visible(app, pilot, "briefing") == 2  # the text, the selects
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert await _assert_focus_visible(app, pilot, "interview") == 2  # the conversation and the answer
    mentor = make_app(
        library, Store(), clock=clock, mentor_session=Session.new(library, "upmarket-pricing", None, Mode.interview)
    )
    async with mentor.run_test(size=(80, 24)) as pilot:
        for tab in ("f2", "f3", "f4", "f5"):  # tabs, option lists, checklist, selects, inputs, text areas
            await pilot.press(tab)
            assert await _assert_focus_visible(mentor, pilot, f"mentor {tab}") >= 2


async def test_the_theme_chosen_is_remembered(library, isolated_home):
    first = make_app(library, Store())
    async with first.run_test(size=SIZE) as pilot:
        assert first.theme == "textual-dark"
        first.theme = "nord"  # what the palette's "Change theme" does
        await pilot.pause()
    second = make_app(library, Store())
    async with second.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert second.theme == "nord"
    (isolated_home / "settings.json").write_text("{not json", encoding="utf-8")
    third = make_app(library, Store())
    async with third.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert third.theme == "textual-dark"  # a damaged settings file is ignored
        third.theme = "gruvbox"
        await pilot.pause()
    assert '"theme": "gruvbox"' in (isolated_home / "settings.json").read_text(encoding="utf-8")


async def test_history_screen_lists_sessions_newest_started_first(library, isolated_home, clock):
    from coach.practice.resume import persist
    from coach.practice.session import Session

    store = Store()
    ids = []
    for started in ("2026-06-01T09:00:00+00:00", "2026-06-08T09:00:00+00:00"):
        s = Session.new(library, "upmarket-pricing")
        s.state.started = started
        s.start()
        while not s.finished:
            s.skip()
        persist(store, s)
        ids.append(s.state.id)
    # the older one saved again last (a rescore, an import) stays in its place
    store.db.execute("UPDATE sessions SET updated = '2030-01-01T00:00:00+00:00' WHERE id = ?", (ids[0],))
    app = make_app(library, store, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+r")
        await settle(pilot)
        table = app.screen.query_one("#sessions", DataTable)
        shown = [table.coordinate_to_cell_key((row, 0)).row_key.value for row in range(table.row_count)]
        assert shown == [ids[1], ids[0]] == [r.id for r in store.sessions()]


# --------------------------------------------------------------------------- the summary


def finished_session(library, labels: dict[str, str]):  # type: ignore[no-untyped-def]
    """upmarket-pricing with these stages answered by their calibration answers, the rest skipped."""
    from coach.practice.session import Session

    s = Session.new(library, "upmarket-pricing")
    s.start()
    while not s.finished:
        label = labels.get(s.stage.id)
        s.submit(next(c.answer for c in s.stage.calibration if c.label == label)) if label else s.skip()
    return s


def headline_in_view(app) -> bool:  # type: ignore[no-untyped-def]
    box, headline = app.screen.query_one("#summary"), app.screen.query_one("#summary-parts .headline")
    return box.scrollable_content_region.contains_region(headline.region)


async def test_summary_opens_at_its_headline_and_home_or_pageup_bring_it_back(library, isolated_home, clock):
    session = finished_session(
        library, {"strategy": "strong", "billing": "middling", "agility": "middling", "roadmap": "strong"}
    )
    app = make_app(library, Store(), session=session, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        box = app.screen.query_one("#summary")
        assert box.max_scroll_y > 0, "at 80x24 the summary is longer than the screen"
        assert box.scroll_y == 0 and headline_in_view(app)
        assert isinstance(app.focused, DataTable)  # Enter still opens the highlighted stage
        await pilot.press("down")  # moving in the stages table brings the table into view
        await pilot.pause()
        assert not headline_in_view(app)
        await pilot.press("home")
        await pilot.pause()
        assert box.scroll_y == 0 and headline_in_view(app)
        await pilot.press("end")
        await pilot.pause()
        assert box.scroll_y == box.max_scroll_y and not headline_in_view(app)
        while box.scroll_y > 0:  # a page at a time, however long the library's feedback makes the summary
            before = box.scroll_y
            await pilot.press("pageup")
            await pilot.pause()
            assert box.scroll_y < before
        assert headline_in_view(app)


async def test_skipped_stages_show_as_skipped_not_zero(library, isolated_home, clock):
    session = finished_session(library, {"strategy": "strong"})
    app = make_app(library, Store(), session=session, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#stages", DataTable)
        rows = {str(table.get_row_at(i)[0]): [str(c) for c in table.get_row_at(i)[1:]] for i in range(table.row_count)}
        assert rows["The billing engine"] == ["skipped", "-"]
        strategy = rows["What the strategy means for engineering"]
        assert strategy[0] != "skipped" and float(strategy[0]) > 0
        assert f"Overall {strategy[0]}/100" in screen_text(app)  # the skips do not pull the overall down
        await pilot.press("down", "enter")  # the skipped stage's feedback
        await pilot.pause()
        assert isinstance(app.screen, FeedbackScreen)
        shown = screen_text(app)
        assert "Skipped: this question is not assessed" in shown and "Meters usage events reliably: " in shown
        assert "Score " not in shown and "✗" not in shown and "0/4" not in shown


def test_feedback_screen_marks_the_same_rows_as_the_reports(library):
    from coach.render.text import criterion_rows, level_note
    from coach.scoring.engine import Scorer
    from coach.tui.widgets.report import report_sections

    sc = library.scenario("risky-rollout")
    scorer = Scorer(library)
    for stage in sc.stages:
        for cal in stage.calibration:
            report = scorer.score_stage(sc, stage, cal.answer)
            shown = [
                (str(w.content), w.has_class("hit"))
                for w in report_sections(report, cal.answer, False)
                if w.has_class("concept")
            ]
            assert shown == [(row.line(), row.hit) for crit in report.criteria for row in criterion_rows(crit)]
            heads = [str(w.content) for w in report_sections(report, cal.answer, False) if w.has_class("criterion")]
            assert all(level_note(c) in head for c, head in zip(report.criteria, heads, strict=True))


async def test_skipping_with_text_typed_sends_it_instead_of_throwing_it_away(app):
    """ctrl+n twice after typing: the words typed are the stage's answer (as /skip in plain mode), not lost."""
    async with app.run_test(size=SIZE) as pilot:
        await start_interview(pilot)
        await pilot.press(*"We ship to two pilot customers first")
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert "Press ctrl+n again to send what you wrote and move on" in screen_text(app)
        await pilot.press("ctrl+n")
        await settle(pilot)
        first = app.session.state.records[0]
        assert first.answers == ["We ship to two pilot customers first"] and not first.skipped
        assert app.session.state.records[-1].stage != first.stage or app.session.finished
