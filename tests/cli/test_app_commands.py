"""The commands that open the full-screen app say, once its screen is gone, where a session that could not
be saved was kept (issue 13: an answer is never lost, and the user is told where it is)."""

from __future__ import annotations

import sqlite3

import pytest

from coach.cli import main
from coach.tui.app import CoachApp
from tests.practice.test_storage_faults import full_disk


@pytest.fixture
def quit_on_a_full_disk(monkeypatch):  # type: ignore[no-untyped-def]
    """`app.run()` as the commands call it, headless: the user types a note, then quits while every
    write to the history fails."""
    run = CoachApp.run

    async def type_then_quit(pilot):  # type: ignore[no-untyped-def]
        await pilot.pause()
        with full_disk(sqlite3.OperationalError("database or disk is full")):
            await pilot.press(*"my notes", "ctrl+q")
            await pilot.pause()

    monkeypatch.setattr(CoachApp, "run", lambda self: run(self, headless=True, auto_pilot=type_then_quit))
    monkeypatch.setenv("TEXTUAL_DRIVER", "textual.drivers.headless_driver:HeadlessDriver")


def test_mentor_says_where_the_session_was_kept_when_quitting_could_not_save_it(
    quit_on_a_full_disk, isolated_home, capsys
):
    code = main(["mentor", "upmarket-pricing", "--learner", "Sam"])
    err = capsys.readouterr().err
    (kept,) = (isolated_home / "unsaved").glob("*.json")
    assert code == 0
    assert f"they are kept in {kept}" in " ".join(err.split())
