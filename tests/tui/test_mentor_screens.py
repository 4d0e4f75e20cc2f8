"""Mentor-led practice: live mock interviews, reviews of exports, cohorts, serving."""

from __future__ import annotations

import os
import re
import select
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from textual.widgets import Input, Select, TextArea

from coach.cli import main
from coach.practice.history import export_lines, import_file, load_session
from coach.practice.mentor import read_export, side_by_side
from coach.practice.resume import persist
from coach.practice.session import Mode, Session
from coach.practice.store import Store
from coach.tui.app import make_app
from coach.tui.screens.mentor import Checklist, MentorScreen, MentorSummaryScreen
from tests.practice.test_history import play
from tests.tui.helpers import FixedClock, screen_text, settle

SIZE = (110, 36)


async def test_live_mentor_flow_tick_override_notes_export(library, isolated_home):
    store = Store()
    session = Session.new(library, "upmarket-pricing", mode=Mode.interview)
    app = make_app(library, store, mentor_session=session, mentor_name="Jo", clock=FixedClock())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, MentorScreen)
        shown = screen_text(app)
        assert "Read out:" in shown and "So, we're moving upmarket" in shown
        assert "You haven't mentioned billing" in shown  # follow-ups to choose from

        await pilot.press("f5")
        app.screen.query_one("#typed", TextArea).insert("We need a billing engine that meters usage and a load test.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        checklist = app.screen.query_one("#checklist", Checklist)
        labels = [str(checklist.get_option_at_index(i).prompt) for i in range(checklist.option_count)]
        assert any(label.startswith("[x] Sees billing as a major investment") for label in labels)  # pre-ticked
        assert any(label.startswith("[ ] Names the business goal") for label in labels)

        await pilot.press("f3")
        await pilot.pause()
        assert app.focused is checklist
        checklist.highlighted = next(i for i, label in enumerate(labels) if "Names the business goal" in label)
        await pilot.press("space")  # the mentor heard it
        assert str(checklist.get_option_at_index(checklist.highlighted).prompt).startswith("[x]")

        await pilot.press("f4")
        await pilot.pause()
        app.screen.query_one("#level-communication--clarity", Select).value = 1
        await pilot.pause()
        await pilot.press("ctrl+n")  # no reason yet: refused
        await settle(pilot)
        assert session.stage.id == "strategy"
        app.screen.query_one("#reason-communication--clarity", Input).value = "Long and unstructured aloud"
        await pilot.press("f5")
        app.screen.query_one("#notes", TextArea).insert("Good instincts on billing; practise opening with the answer.")
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert session.stage.id != "strategy"

        await pilot.press("ctrl+e")
        await settle(pilot)
        assert isinstance(app.screen, MentorSummaryScreen)
        shown = screen_text(app)
        assert "Automatic " in shown and "yours " in shown
        assert "Long and unstructured aloud" in shown  # side by side, with the reason
        app.screen.query_one("#comment", TextArea).insert("Lead with your recommendation.")
        await pilot.press("ctrl+e")
        await settle(pilot)

    saved = load_session(store, library, session.state.id)
    assert saved.state.review is not None and saved.state.review.mentor == "Jo" and saved.state.review.reviewed
    assert saved.state.review.stages["strategy"].notes.startswith("Good instincts")
    exports = list((isolated_home / "exports").glob("*-mentor.md"))
    assert exports, "the mentee's report was exported"
    md = exports[0].read_text()
    assert (
        "## Mentor's review by Jo" in md
        and "Long and unstructured aloud" in md
        and "Lead with your recommendation." in md
    )
    assert exports[0].with_suffix(".html").exists()


async def test_review_round_trip_shows_the_override_in_the_mentees_history(
    library, isolated_home, tmp_path, monkeypatch
):
    mentee = Store()
    s = play(library, "tech-debt-case", "middling")
    persist(mentee, s)
    export = tmp_path / "sam.jsonl"
    export.write_text("\n".join(export_lines(mentee, learner="Sam")) + "\n")

    monkeypatch.setenv("COACH_HOME", str(tmp_path / "mentor-home"))
    reviewed = tmp_path / "sam.reviewed.jsonl"
    app = make_app(
        library, Store(), review_items=read_export(export), review_output=reviewed, mentor_name="Jo", clock=FixedClock()
    )
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, MentorScreen)
        assert "The mentee's answer:" in screen_text(app)
        await pilot.press("f4")
        await pilot.pause()
        first = s.state.records[0].report.criteria[0].ref.replace(".", "--")
        app.screen.query_one(f"#level-{first}", Select).value = 4
        app.screen.query_one(f"#reason-{first}", Input).value = "Strong diagnosis, said aloud in the debrief"
        await pilot.press("ctrl+e")
        await settle(pilot)
        await pilot.press("ctrl+e")
        await settle(pilot)
    assert reviewed.exists()

    monkeypatch.setenv("COACH_HOME", str(isolated_home))
    result = import_file(mentee, library, reviewed)
    assert (result.added, result.reviewed) == (0, 1)
    again = import_file(mentee, library, reviewed)
    assert again.unchanged == 1
    back = load_session(mentee, library, s.state.id)
    assert back.state.review.mentor == "Jo"
    assert any(r["reason"] == "Strong diagnosis, said aloud in the debrief" for r in side_by_side(back))

    from coach.tui.screens import SummaryScreen

    app = make_app(library, mentee, session=back, clock=FixedClock())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        shown = screen_text(app)
        assert "Mentor's review by Jo" in shown and "Strong diagnosis, said aloud in the debrief" in shown


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.serial
def test_serve_binds_localhost_and_serves_the_app_page(isolated_home):
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "coach", "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=dict(os.environ, PYTHONUNBUFFERED="1"),
    )
    assert proc.stdout is not None
    try:
        output, deadline = b"", time.monotonic() + 60
        while not (printed := re.search(rb"open (http://127\.0\.0\.1:\d+/\?token=[\w-]+)\n", output)):
            assert select.select([proc.stdout], [], [], max(0.0, deadline - time.monotonic()))[0], "no Serving line"
            chunk = os.read(proc.stdout.fileno(), 4096)
            assert chunk, f"the server ended: {output!r}"
            output += chunk
        page = None
        while page is None:
            try:
                with urllib.request.urlopen(printed[1].decode(), timeout=10) as response:  # with its token
                    page = response.read().decode("utf-8", "replace")
            except urllib.error.URLError as exc:
                assert isinstance(exc.reason, ConnectionRefusedError) and time.monotonic() < deadline, exc
                with pytest.raises(subprocess.TimeoutExpired):  # the port is a moment away, unless it died
                    proc.wait(timeout=0.05)
        assert "TPM Coach" in page and "<html" in page.lower()
    finally:
        proc.terminate()
        proc.wait(timeout=15)


async def test_review_steps_through_every_session_in_the_file(library, isolated_home, tmp_path, monkeypatch):
    mentee = Store()
    first, second = play(library, "tech-debt-case", "middling"), play(library, "data-product", "weak")
    for s in (first, second):
        persist(mentee, s)
    export = tmp_path / "all.jsonl"
    export.write_text("\n".join(export_lines(mentee, learner="Sam")) + "\n")
    reviewed = tmp_path / "all.reviewed.jsonl"
    monkeypatch.setenv("COACH_HOME", str(tmp_path / "mentor-home"))
    app = make_app(
        library, Store(), review_items=read_export(export), review_output=reviewed, mentor_name="Jo", clock=FixedClock()
    )
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        titles = []
        for _ in range(2):
            titles.append(app.session.scenario.id)
            await pilot.press("ctrl+e")
            await settle(pilot)
            await pilot.press("ctrl+e")
            await settle(pilot)
    assert sorted(titles) == ["data-product", "tech-debt-case"]
    states = [state for state, _ in read_export(reviewed)]
    assert len(states) == 2 and all(s.review and s.review.reviewed for s in states)


# --------------------------------------------------------------------------- the mentor's work is recorded right


async def type_keys(pilot, words: str) -> None:
    """Type ``words`` key by key, as a person at the keyboard would."""
    await pilot.press(*["space" if ch == " " else ch for ch in words])


async def test_advice_typed_on_the_final_screen_is_exported_and_kept(library, isolated_home):
    store = Store()
    session = Session.new(library, "upmarket-pricing", mode=Mode.interview)
    session.state.learner = "Sam"
    app = make_app(library, store, mentor_session=session, mentor_name="Jo", clock=FixedClock())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert isinstance(app.screen, MentorSummaryScreen)
        await type_keys(pilot, "Lead with it")  # straight away: the advice box has focus
        app.screen.query_one("#side-by-side").focus()  # the table cannot take typing: it goes to the advice
        await pilot.pause()
        await type_keys(pilot, " always")
        await pilot.press("ctrl+e")
        await settle(pilot)
    saved = load_session(store, library, session.state.id)
    assert saved.state.review.comment == "Lead with it always"
    md = next((isolated_home / "exports").glob("*-mentor.md"))
    assert "Lead with it always" in md.read_text()
    html = md.with_suffix(".html").read_text()
    assert "Lead with it always" in html
    # the report says whose it is
    assert "Sam" in md.read_text().split("## Summary")[0]
    assert "Sam" in html.split("<h2>Summary</h2>")[0]


async def test_advice_typed_on_the_final_screen_survives_quitting(library, isolated_home):
    store = Store()
    session = Session.new(library, "upmarket-pricing", mode=Mode.interview)
    app = make_app(library, store, mentor_session=session, mentor_name="Jo", clock=FixedClock())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("f5")
        await pilot.pause()
        app.screen.query_one("#notes", TextArea).focus()
        await type_keys(pilot, "Calm opening")
        await pilot.press("ctrl+e")
        await settle(pilot)
        await type_keys(pilot, "Practise pricing")
        await pilot.press("escape")  # back to the stages: the advice is kept
        await pilot.pause()
        await pilot.press("ctrl+e")
        await settle(pilot)
        await type_keys(pilot, " daily")
        await pilot.press("ctrl+q")
        await pilot.pause()
    saved = load_session(store, library, session.state.id)
    assert saved.state.review.comment == "Practise pricing daily"
    assert saved.state.review.stages["strategy"].notes == "Calm opening"


async def test_review_notes_typed_after_f5_or_on_any_tab_reach_the_reviewed_file(
    library, isolated_home, tmp_path, monkeypatch
):
    mentee = Store()
    s = play(library, "tech-debt-case", "middling")
    persist(mentee, s)
    export = tmp_path / "sam.jsonl"
    export.write_text("\n".join(export_lines(mentee, learner="Sam")) + "\n")
    monkeypatch.setenv("COACH_HOME", str(tmp_path / "mentor-home"))
    reviewed = tmp_path / "sam.reviewed.jsonl"
    app = make_app(
        library, Store(), review_items=read_export(export), review_output=reviewed, mentor_name="Jo", clock=FixedClock()
    )
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        first = app.screen.stage_id
        await pilot.press("f5")
        await pilot.pause()
        assert app.focused is app.screen.query_one("#notes", TextArea)
        await type_keys(pilot, "Clear diagnosis")
        app.screen.query_one("#typed", TextArea).focus()  # the mentee's answer is read-only here
        await pilot.pause()
        await type_keys(pilot, " and")
        for tab in ("f2", "f3", "f4"):  # a key typed on any tab lands in the notes
            await pilot.press(tab)
            await pilot.pause()
            await type_keys(pilot, "x")
        await type_keys(pilot, "!")  # the notes have the focus now: typing carries on at the end
        await pilot.press("ctrl+e")
        await settle(pilot)
        await type_keys(pilot, "Keep going")
        await pilot.press("ctrl+e")
        await settle(pilot)
    state = read_export(reviewed)[0][0]
    assert state.review.stages[first].notes == "Clear diagnosis andxxx!"
    assert state.review.comment == "Keep going"
    assert state.records[0].answers == s.state.records[0].answers  # the answer is untouched


def _yours(app, title: str) -> str:
    """The Scores tab's line for one criterion."""
    lines = [str(w.render()) for w in app.screen.query("#scores Static")]
    return next(line for line in lines if line.startswith(title + ":"))


async def test_scores_tab_shows_the_mentors_live_scores(library, isolated_home):
    session = Session.new(library, "upmarket-pricing", mode=Mode.interview)
    app = make_app(library, Store(), mentor_session=session, mentor_name="Jo", clock=FixedClock())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("f5")
        app.screen.query_one("#typed", TextArea).insert("We need a billing engine that meters usage and a load test.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        auto = session.state.records[0].report
        crit = next(c for c in auto.criteria if any(not k.found for k in c.concepts))
        await pilot.press("f4")
        await pilot.pause()
        before = _yours(app, crit.title)
        assert f"automatic {crit.level}/4 · yours {crit.level}/4" in before

        await pilot.press("f3")  # tick every concept of that criterion the score missed
        await pilot.pause()
        checklist = app.screen.query_one("#checklist", Checklist)
        for i, ref in enumerate(checklist.refs):
            if ref.startswith(crit.ref + ".") and ref not in checklist.ticked:
                checklist.highlighted = i
                await pilot.press("space")
        await pilot.press("f4")
        await pilot.pause()
        ticked = _yours(app, crit.title)
        assert ticked != before and f"automatic {crit.level}/4" in ticked
        assert "yours 4/4" in ticked or int(ticked.split("yours ")[1][0]) > crit.level

        app.screen.query_one(f"#level-{crit.ref.replace('.', '--')}", Select).value = 0
        await pilot.pause()
        assert "yours 0/4 (your override)" in _yours(app, crit.title)
        headline = str(app.screen.query_one("#scores .headline").render())
        assert headline.startswith(f"Automatic {auto.score:g}/100 · yours ")


async def test_review_says_which_learner_and_session_is_on_screen(library, isolated_home, tmp_path, monkeypatch):
    mentee = Store()
    first, second = play(library, "tech-debt-case", "middling"), play(library, "data-product", "weak")
    for s in (first, second):
        persist(mentee, s)
    export = tmp_path / "all.jsonl"
    export.write_text("\n".join(export_lines(mentee, learner="Sam")) + "\n")
    items = read_export(export)
    monkeypatch.setenv("COACH_HOME", str(tmp_path / "mentor-home"))
    app = make_app(
        library, Store(), review_items=items, review_output=tmp_path / "out.jsonl", mentor_name="Jo", clock=FixedClock()
    )
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for n in (1, 2):
            title = app.session.scenario.title
            assert isinstance(app.screen, MentorScreen)
            heading = app.screen.sub_title
            assert heading.startswith(f"Reviewing Sam · session {n} of 2 · ") and heading.endswith(f" · {title}")
            assert items[n - 1][0].started[:4] in heading  # the date it was played
            await pilot.press("ctrl+e")
            await settle(pilot)
            assert "Sam" in app.screen.sub_title and f"session {n} of 2" in app.screen.sub_title
            await pilot.press("ctrl+e")
            await settle(pilot)


def test_mentor_command_runs_the_interview_for_the_mentee(library, isolated_home, monkeypatch):
    import coach.cli.mentor
    import coach.tui.app

    opened = {}

    class NoTerminalApp:
        unsaved = None  # what the command reads after run(): the last save worked
        return_code = 0

        def run(self) -> None:
            pass

    def fake_make_app(lib, store, **kwargs):  # type: ignore[no-untyped-def]
        opened.update(kwargs)
        return NoTerminalApp()

    monkeypatch.setattr(coach.cli.mentor, "require_terminal", lambda: None)
    monkeypatch.setattr(coach.tui.app, "make_app", fake_make_app)
    assert main(["mentor", "upmarket-pricing", "--name", "Jo", "--learner", "Sam"]) == 0
    assert opened["mentor_session"].state.learner == "Sam"
    assert main(["mentor", "upmarket-pricing", "--name", "Jo"]) == 0
    assert opened["mentor_session"].state.learner == "mentee", "never counted as the mentor's own practice"


async def test_notes_and_overrides_made_before_scoring_the_typed_answer_are_kept(library, isolated_home):
    store = Store()
    session = Session.new(library, "upmarket-pricing", mode=Mode.interview)
    app = make_app(library, store, mentor_session=session, mentor_name="Jo", clock=FixedClock())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await type_keys(pilot, "Nervous start")  # on the Question tab: lands in the notes
        await pilot.press("f4")
        await pilot.pause()
        app.screen.query_one("#level-communication--clarity", Select).value = 1
        app.screen.query_one("#reason-communication--clarity", Input).value = "Rambled"
        await pilot.press("f5")
        app.screen.query_one("#typed", TextArea).insert("We need a billing engine and a load test.")
        await pilot.press("ctrl+s")  # scoring shows the stage again
        await settle(pilot)
        assert app.screen.query_one("#notes", TextArea).text == "Nervous start"
        assert app.screen.query_one("#level-communication--clarity", Select).value == 1
        await pilot.press("ctrl+e")
        await settle(pilot)
        await pilot.press("ctrl+e")
        await settle(pilot)
    review = load_session(store, library, session.state.id).state.review
    assert review.stages["strategy"].notes == "Nervous start"
    assert review.stages["strategy"].overrides["communication.clarity"].reason == "Rambled"


async def test_reviewing_a_file_with_a_climbing_id_writes_nothing_outside_the_exports_folder(
    library, isolated_home, tmp_path
):
    """tests/data/hostile/traversal-id.jsonl: the id /../../../tmp/x made the mentor's export write
    exports/upmarket-pricing-/../../../tmp/x-mentor.md, outside the data folder. The line is now refused
    (named, skipped), so there is nothing to review and nothing is written anywhere."""
    from coach.practice.mentor import sessions_in
    from tests.conftest import DATA

    path = DATA / "hostile" / "traversal-id.jsonl"
    before = set(isolated_home.parent.rglob("*"))
    app = make_app(library, Store(), review_items=read_export(path), review_output=tmp_path / "x.reviewed.jsonl")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for _ in range(2):
            await pilot.press("ctrl+e")
            await settle(pilot)
    written = {p for p in set(isolated_home.parent.rglob("*")) - before if p.is_file()}
    assert {p.name for p in written} <= {"history.sqlite3", "history.sqlite3-wal", "history.sqlite3-shm"}, written
    assert [p.split(": ")[1] for p in sessions_in(path, library).problems] == ["state.id"]
