"""The app on a full disk: the interview goes on, every answer is kept, and the learner is told (issue 13)."""

from __future__ import annotations

import json
import sqlite3

from coach.practice.store import Store
from coach.tui.app import make_app
from coach.tui.screens import FeedbackScreen, InterviewScreen, SummaryScreen
from tests.practice.test_storage_faults import full_disk, strong_answers
from tests.tui.helpers import FixedClock, screen_text, settle
from tests.tui.test_tui import SIZE, editor, start_interview


async def answer_the_stage(pilot, answer: str) -> None:  # type: ignore[no-untyped-def]
    editor(pilot.app).insert(answer)
    await pilot.press("ctrl+s")
    await settle(pilot)
    if isinstance(pilot.app.screen, FeedbackScreen):  # study mode: the stage's feedback, then on
        await pilot.press("enter")
        await settle(pilot)


async def test_a_full_disk_during_an_interview_is_said_in_it_and_every_stage_can_still_be_answered(
    library, isolated_home
):
    answers = strong_answers(library).strip().split("\n\n")
    app = make_app(library, Store(), clock=FixedClock())
    async with app.run_test(size=SIZE) as pilot:
        await start_interview(pilot)
        with full_disk(sqlite3.OperationalError("database or disk is full")):
            await pilot.press(*"half")  # the draft saved as it is typed fails first
            app.screen._save_draft()  # what half a second of quiet typing runs
            await settle(pilot)
            assert isinstance(app.screen, InterviewScreen)
            (kept,) = (isolated_home / "unsaved").glob("*.json")
            shown = " ".join(screen_text(app).split())
            assert "Not saved Your history could not be saved (database or disk is full)." in shown
            assert f"Your answers are kept in memory and in {kept}; keep going." in shown
            assert "Free some disk space" in shown
            await pilot.press(*(["backspace"] * 4))
            for answer in answers[:-1]:
                await answer_the_stage(pilot, answer)
            assert isinstance(app.screen, InterviewScreen)
            assert screen_text(app).count("Not saved") == 1  # said once, not at every failed save
            await answer_the_stage(pilot, answers[-1])
            assert isinstance(app.screen, SummaryScreen)  # the interview went to its end
            record = json.loads(kept.read_text(encoding="utf-8"))
            assert record["state"]["status"] == "finished"
            assert [a for rec in record["state"]["records"] for a in rec["answers"]] == answers
            await pilot.press("ctrl+q")  # quitting on a full disk does not crash either
    assert app.unsaved is not None and app.unsaved.kept_in == kept  # run_app says where it is, once the screen is gone
    assert f"they are kept in {kept}. Free some disk space" in app.unsaved.message(leaving=True)


async def test_when_the_disk_has_room_again_the_next_save_says_so_and_removes_the_kept_file(library, isolated_home):
    answers = strong_answers(library).strip().split("\n\n")
    store = Store()
    app = make_app(library, store, clock=FixedClock())
    async with app.run_test(size=SIZE) as pilot:
        await start_interview(pilot)
        with full_disk(OSError(28, "No space left on device")):
            await answer_the_stage(pilot, answers[0])
            assert "Not saved" in screen_text(app)
            (kept,) = (isolated_home / "unsaved").glob("*.json")
        await answer_the_stage(pilot, answers[1])
        assert "Saved again\nYour session is in your history again." in screen_text(app)
        assert not kept.exists() and app.unsaved is None
        stored = json.loads(store.load_state(app.session.state.id))
        assert [rec["answers"] for rec in stored["records"][:2]] == [[answers[0]], [answers[1]]]
