"""The app's history screen (the practice history itself is tested in tests/practice/test_history.py)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from coach.cli import main
from coach.practice.history import summarise
from coach.practice.resume import persist
from coach.practice.store import Store
from tests.practice.test_history import play

# --------------------------------------------------------------------------- the history screen


async def test_history_screen_shows_sessions_trends_and_reopens_one(isolated_home, library):
    from coach.tui.app import make_app
    from coach.tui.screens import HistoryScreen, SummaryScreen
    from tests.tui.helpers import FixedClock, screen_text, settle

    store = Store()
    persist(store, play(library, "upmarket-pricing", "weak"))
    persist(store, play(library, "upmarket-pricing", "strong"))
    app = make_app(library, store, clock=FixedClock())
    async with app.run_test(size=(100, 34)) as pilot:
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        shown = screen_text(app)
        assert "Practise next (p):" in shown
        assert "Architecture fluency" in shown and "(target TPM)" in shown
        assert shown.count("Moving upmarket: engagement pricing") >= 2
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert "Overall " in screen_text(app)


async def test_summary_history_screen_and_next_command_name_the_same_scenario(isolated_home, library, capsys):
    from coach.tui.app import make_app
    from coach.tui.screens import HistoryScreen, SummaryScreen
    from tests.tui.helpers import FixedClock, screen_text, settle

    store = Store()
    now = datetime.now(timezone.utc)
    persist(store, play(library, "roadmap-negotiation", "strong", started=now - timedelta(days=40)))
    persist(store, play(library, "data-product", "weak", started=now - timedelta(days=3)))
    just = play(library, "upmarket-pricing", "middling")  # finished, not yet saved as finished
    before_saving = summarise(just, store)
    persist(store, just)
    summary = summarise(just, store)
    assert summary.next_scenario and (summary.next_scenario, summary.next_reason) == (
        before_saving.next_scenario,
        before_saving.next_reason,
    )  # the session counts before it is saved

    assert main(["next"]) == 0
    assert capsys.readouterr().out.startswith(f"Practise next: {summary.next_scenario} (")
    title = library.scenario(summary.next_scenario).title
    app = make_app(library, store, session=just, clock=FixedClock())
    async with app.run_test(size=(100, 34)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        assert f"Practise next (n): {summary.next_scenario}. {summary.next_reason}" in screen_text(app)
        await pilot.press("escape", "ctrl+r")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        assert f"Practise next (p): {title}. {summary.next_reason}" in screen_text(app)


async def test_history_screen_lists_sessions_around_a_stored_bad_date_and_marks_unverified_scores(
    isolated_home, library
):
    """A session stored with started = "not-a-date" (tests/data/hostile/bad-records.jsonl, as an older coach
    imported it) left the screen blank; and a score nobody recomputed must not look like one that was."""
    import json

    from coach.tui.app import make_app
    from coach.tui.screens import HistoryScreen
    from tests.conftest import DATA
    from tests.tui.helpers import FixedClock, screen_text, settle

    store = Store()
    persist(store, play(library, "upmarket-pricing", "strong"))
    for line in (5, 8):  # "not-a-date", and year 1 in UTC+14 (out of range in any zone west of it)
        bad = json.loads((DATA / "hostile" / "bad-records.jsonl").read_text().splitlines()[line])["state"]
        store.save_session(
            json.dumps(bad), id=bad["id"], scenario=bad["scenario"], title="Bad date", target="tpm", mode="study",
            started=bad["started"], status="finished", score=100.0,
        )  # fmt: skip
    assert main(["import", str(DATA / "hostile" / "forged-scores.jsonl")]) == 0
    app = make_app(library, store, clock=FixedClock())
    async with app.run_test(size=(120, 34)) as pilot:
        await pilot.press("ctrl+r")
        await settle(pilot)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        shown = screen_text(app)
        assert "Practise next (p):" in shown and "not-a-date" in shown and "0001-01-01T00:00:00+14:00" in shown
        assert "100 (as exported, not verified)" in shown and "A scenario you do not have" in shown


async def test_the_app_verifies_imported_sessions_in_the_background_and_the_history_follows(
    isolated_home, library, monkeypatch
):
    """Imported without --verify, a forged 100 awaits verification: the history screen says so and counts it
    nowhere; the app's background worker recomputes it from the answers, and the open screen then shows the
    recomputed score, counted, with nothing left awaiting. (The worker is held until the screen is read.)"""
    import threading

    from coach.practice import history
    from coach.tui.app import make_app
    from tests.conftest import DATA
    from tests.tui.helpers import FixedClock, screen_text, settle

    assert main(["import", str(DATA / "hostile" / "forged-scores.jsonl")]) == 0
    gate, real = threading.Event(), history.verify_pending

    def held(*args, **kwargs):  # type: ignore[no-untyped-def]
        gate.wait(timeout=120)
        return real(*args, **kwargs)

    monkeypatch.setattr(history, "verify_pending", held)
    store = Store()
    app = make_app(library, store, clock=FixedClock())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+r")
        for _ in range(1000):  # until the history is shown (not settle: it would wait for the held worker)
            await pilot.pause()
            if app.screen.query("#sessions") and app.screen.query_one("#sessions").row_count:
                break
        shown = screen_text(app)
        assert "1 imported session(s) awaiting verification, not counted yet" in shown
        assert shown.count("100 (as exported, not verified)") == 1 and "No finished sessions yet." in shown
        assert shown.count("awaiting verification") == 2  # the line above, and forged0001's score
        gate.set()
        await settle(pilot)  # the verification; its message asks the screen to read the history again
        await settle(pilot)
        shown = screen_text(app)
        assert "awaiting verification" not in shown and "No finished sessions yet." not in shown
        assert shown.count("100 (as exported, not verified)") == 1  # forged0002: its scenario is not in the library
        assert store.row("forged0001").verified and store.row("forged0001").score < 30
        assert any("Verified 1 imported session(s)" in n.message for n in app._notifications)


async def test_a_history_that_cannot_be_read_says_so_instead_of_a_blank_screen(isolated_home, library, monkeypatch):
    import sqlite3

    from coach.tui.app import make_app
    from coach.tui.screens import HistoryScreen
    from tests.tui.helpers import FixedClock, screen_text, settle

    store = Store()
    persist(store, play(library, "upmarket-pricing", "strong"))

    def damaged() -> None:
        raise sqlite3.DatabaseError("database disk image is malformed")

    monkeypatch.setattr(store, "sessions", damaged)
    app = make_app(library, store, clock=FixedClock())
    async with app.run_test(size=(100, 34)) as pilot:
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        assert "Could not read your history: database disk image is malformed" in screen_text(app)
        await pilot.press("escape")  # and the app goes on
        assert not isinstance(app.screen, HistoryScreen)
