"""Mentor-led practice: live mock interviews, reviews of exports, cohorts, serving."""

from __future__ import annotations

import os
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
from coach.history import export_lines, import_file, load_session
from coach.mentor import mentor_view, prefill, read_export, side_by_side, stage_review
from coach.practice import persist
from coach.session import Mode, Override, Session
from coach.store import Store
from coach.tui.app import make_app
from coach.tui.mentor import Checklist, MentorScreen, MentorSummaryScreen
from tests.test_history import play
from tests.tui_helpers import FixedClock, screen_text, settle

SIZE = (110, 36)


def test_mentor_view_keeps_the_automatic_report_and_applies_ticks_and_overrides(library):
    s = Session.new(library, "upmarket-pricing")
    s.start()
    s.submit("We need a billing engine and load testing.")
    rec = s.state.records[0]
    auto = rec.report
    review = stage_review(s, "strategy")
    prefill(review, auto)
    assert "architecture.scale-resilience.billing-engine" in review.ticked
    review.ticked.append("stakeholder-alignment.strategy-link.business-goal")
    review.overrides["communication.clarity"] = Override(level=1, reason="Rambled for five minutes")
    mine = mentor_view(s, "strategy", auto, review)
    assert auto.concept("stakeholder-alignment.strategy-link.business-goal").found is False  # untouched
    assert mine.concept("stakeholder-alignment.strategy-link.business-goal").found is True
    clarity = next(c for c in mine.criteria if c.ref == "communication.clarity")
    assert clarity.level == 1
    row = next(r for r in side_by_side(s) if r["ref"] == "communication.clarity")
    assert row["reason"] == "Rambled for five minutes" and row["mentor"] == 1


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
        assert any(l.startswith("[x] Sees billing as a major investment") for l in labels)  # pre-ticked
        assert any(l.startswith("[ ] Names the business goal") for l in labels)

        await pilot.press("f3")
        await pilot.pause()
        assert app.focused is checklist
        checklist.highlighted = next(i for i, l in enumerate(labels) if "Names the business goal" in l)
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
    assert "## Mentor's review by Jo" in md and "Long and unstructured aloud" in md and "Lead with your recommendation." in md
    assert exports[0].with_suffix(".html").exists()


async def test_review_round_trip_shows_the_override_in_the_mentees_history(library, isolated_home, tmp_path, monkeypatch):
    mentee = Store()
    s = play(library, "tech-debt-case", "middling")
    persist(mentee, s)
    export = tmp_path / "sam.jsonl"
    export.write_text("\n".join(export_lines(mentee, learner="Sam")) + "\n")

    monkeypatch.setenv("COACH_HOME", str(tmp_path / "mentor-home"))
    reviewed = tmp_path / "sam.reviewed.jsonl"
    app = make_app(library, Store(), review_items=read_export(export), review_output=reviewed, mentor_name="Jo",
                   clock=FixedClock())
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
    result = import_file(mentee, reviewed)
    assert (result.added, result.reviewed) == (0, 1)
    again = import_file(mentee, reviewed)
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


def test_cohort_table_from_several_files(library, isolated_home, tmp_path, capsys):
    store = Store()
    files = []
    for name, label in (("Ana", "strong"), ("Ben", "weak")):
        s = play(library, "upmarket-pricing", label)
        s.state.learner = name
        persist(store, s)
        path = tmp_path / f"{name.lower()}.jsonl"
        path.write_text("\n".join(export_lines(store, [s.state.id])) + "\n")
        files.append(str(path))
    assert main(["cohort", *files, "--format", "md"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("| LEARNER | ") and "Architecture fluency" in out[0]
    ana = next(l for l in out if l.startswith("| Ana |"))
    ben = next(l for l in out if l.startswith("| Ben |"))
    assert float(ana.split("|")[2]) > float(ben.split("|")[2])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.serial
def test_serve_binds_localhost_and_serves_the_app_page(isolated_home):
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "coach", "serve", "--port", str(port)], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, env=dict(os.environ, PYTHONUNBUFFERED="1"))
    assert proc.stdout is not None
    try:
        output, deadline = b"", time.monotonic() + 60
        while b"Serving" not in output:  # textual-serve says so as it starts, just before binding the port
            assert select.select([proc.stdout], [], [], max(0.0, deadline - time.monotonic()))[0], "no Serving line"
            chunk = os.read(proc.stdout.fileno(), 4096)
            assert chunk, f"the server ended: {output!r}"
            output += chunk
        page = None
        while page is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as response:
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
    app = make_app(library, Store(), review_items=read_export(export), review_output=reviewed, mentor_name="Jo",
                   clock=FixedClock())
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
