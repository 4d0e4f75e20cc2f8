"""History: storage, crash recovery, concurrency, export/import, recommendations, reports."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from coach.cli import main
from coach.formats import Level
from coach.history import export_lines, import_file, is_outdated, recommend, rescore, timeline
from coach.practice import persist
from coach.session import Session
from coach.store import MIGRATIONS, Store, StoreError


def play(library, scenario_id: str, label: str = "strong", started: datetime | None = None,
         target: Level | None = None) -> Session:
    """A finished session answered with the scenario's own calibration answers."""
    s = Session.new(library, scenario_id, target)
    if started:
        s.state.started = started.isoformat(timespec="seconds")
    s.start()
    while not s.finished:
        stage = s.stage
        pick = next((c.answer for c in stage.calibration if c.label == label), None)
        s.submit(pick) if pick else s.skip()
    return s


# --------------------------------------------------------------------------- storage


def test_new_database_is_versioned_marked_and_in_wal_mode(isolated_home):
    store = Store()
    assert store.path == isolated_home / "history.sqlite3"
    db = sqlite3.connect(store.path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert db.execute("PRAGMA application_id").fetchone()[0] == 0x54504D43
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    Store().close()  # reopening an up-to-date database migrates nothing and works


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_damaged_database_is_refused_and_left_untouched(isolated_home):
    path = isolated_home / "history.sqlite3"
    path.write_bytes(os.urandom(4096))
    before = _digest(path)
    with pytest.raises(StoreError, match="not a usable coach history database.*left untouched"):
        Store()
    assert _digest(path) == before


def test_foreign_database_is_refused_and_left_untouched(isolated_home, capsys):
    path = isolated_home / "history.sqlite3"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE invoices (id INTEGER)")
    db.commit()
    db.close()
    before = _digest(path)
    assert main(["history"]) == 2
    assert "belongs to another program" in capsys.readouterr().err
    assert _digest(path) == before


def test_newer_schema_is_refused(isolated_home):
    Store().close()
    db = sqlite3.connect(isolated_home / "history.sqlite3")
    db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="newer coach"):
        Store()


def test_two_processes_writing_at_once_do_not_corrupt(isolated_home):
    Store().close()
    code = (
        "import sys; from coach.store import Store; s = Store(); tag = sys.argv[1]\n"
        "for i in range(60):\n"
        "    s.save_session('{}', id=f'{tag}-{i}', scenario='x', title='t', target='tpm', mode='study',"
        " started='2026-01-01T00:00:00+00:00', status='answering', score=None)\n"
        "    s.save_draft(f'{tag}-{i}', 'stage', 'draft ' * 50)\n"
    )
    env = dict(os.environ)
    procs = [subprocess.Popen([sys.executable, "-c", code, tag], env=env) for tag in ("a", "b")]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    db = sqlite3.connect(isolated_home / "history.sqlite3")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("SELECT count(*) FROM sessions").fetchone()[0] == 120
    assert db.execute("SELECT count(*) FROM drafts").fetchone()[0] == 120


# --------------------------------------------------------------------------- crash recovery


def wait_for_commits(store: Store, done, timeout: float = 60) -> None:  # type: ignore[no-untyped-def]
    """Wait until done() holds, looking again after each write another process makes to the database:
    inotify (Linux) says when a file in its folder is written, and taking the write lock then waits until
    that writer has committed. Elsewhere it looks every 50 ms."""
    import ctypes
    import select

    libc = ctypes.CDLL(None, use_errno=True)
    watch = libc.inotify_init1(os.O_CLOEXEC) if hasattr(libc, "inotify_init1") else -1
    if watch >= 0:
        libc.inotify_add_watch(watch, bytes(store.path.parent), 0x2 | 0x100)  # IN_MODIFY | IN_CREATE
    deadline = time.monotonic() + timeout
    try:
        while not done():
            remaining = deadline - time.monotonic()
            assert remaining > 0, "the expected write never came"
            if watch < 0:
                select.select([], [], [], min(0.05, remaining))
            elif select.select([watch], [], [], remaining)[0]:
                os.read(watch, 65536)
                with store.transaction():  # waits for the writer's transaction to end
                    pass
    finally:
        if watch >= 0:
            os.close(watch)


@pytest.mark.serial
def test_a_killed_coach_resumes_with_the_draft_intact(isolated_home, library):
    env = dict(os.environ, COACH_HOME=str(isolated_home))
    store = Store()  # the database exists before the coach starts, so its writes are seen
    proc = subprocess.Popen([sys.executable, "-m", "coach", "practice", "upmarket-pricing", "--plain"],
                            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            text=True, env=env)
    assert proc.stdin is not None
    proc.stdin.write("We need a billing engine that meters usage,\n")
    proc.stdin.write("and load testing before business customers arrive.\n")  # no blank line: mid-answer
    proc.stdin.flush()

    def draft_saved() -> bool:
        rows = store.unfinished()
        draft = store.draft(rows[0].id) if rows else None
        return draft is not None and "load testing" in draft[1]

    wait_for_commits(store, draft_saved)
    os.kill(proc.pid, signal.SIGKILL)  # no chance to clean up
    proc.wait(timeout=30)
    session_id = store.unfinished()[0].id

    resumed = subprocess.run([sys.executable, "-m", "coach", "practice", "--resume", session_id, "--plain"],
                             input="/quit\n", capture_output=True, text=True, env=env, timeout=60)
    assert "your saved draft: 'We need a billing engine that meters usage,\\nand load testing before" in resumed.stdout

    from coach.practice import resume

    back = resume(store, library, session_id)
    assert back.state.draft == "We need a billing engine that meters usage,\nand load testing before business customers arrive."


# --------------------------------------------------------------------------- export and import


def test_export_and_import_round_trip_and_twice_adds_nothing(isolated_home, library, tmp_path, monkeypatch):
    store = Store()
    sessions = [play(library, "upmarket-pricing"), play(library, "data-product", "middling")]
    for s in sessions:
        persist(store, s)
    export = tmp_path / "sessions.jsonl"
    export.write_text("\n".join(export_lines(store)) + "\n")

    monkeypatch.setenv("COACH_HOME", str(tmp_path / "other-machine"))
    other = Store()
    first = import_file(other, export)
    again = import_file(other, export)
    assert (first.added, first.unchanged) == (2, 0)
    assert (again.added, again.unchanged) == (0, 2)
    for s in sessions:
        assert json.loads(other.load_state(s.state.id)) == json.loads(s.dump())


def test_import_reports_bad_lines_and_keeps_the_good(isolated_home, library, tmp_path, capsys):
    store = Store()
    good = play(library, "upmarket-pricing")
    persist(store, good)
    lines = list(export_lines(store))
    store.delete_session(good.state.id)
    path = tmp_path / "mixed.jsonl"
    path.write_text("{broken\n" + '{"format": "something-else"}\n' + lines[0] + "\n")
    assert main(["import", str(path)]) == 1
    captured = capsys.readouterr()
    assert "added 1 session(s), 0 already present" in captured.out
    assert "line 1:" in captured.err and "line 2: not a TPM Coach session export (skipped)" in captured.err


# --------------------------------------------------------------------------- recommendations and re-scoring


def test_recommendation_brings_back_a_weak_competency_sooner(isolated_home, library):
    store = Store()
    now = datetime(2026, 6, 10, tzinfo=timezone.utc)
    # trade-offs practised well two days ago (rests three weeks); data work practised badly three days ago
    persist(store, play(library, "roadmap-negotiation", "strong", started=now - timedelta(days=2)))
    persist(store, play(library, "data-product", "weak", started=now - timedelta(days=3)))
    rec = recommend(store, library, now=now)
    latest = {comp: series[-1] for comp, series in timeline(store, library).items()}
    assert rec.competency != "trade-offs", "practised well two days ago: it rests"
    assert latest[rec.competency].scenario == "data-product" and latest[rec.competency].score < 2
    assert "due" in rec.reason and "weak score" in rec.reason
    assert rec.scenario != "data-product", "another scenario that exercises it, not the one just played"


def test_recommendation_when_nothing_is_due_picks_an_unpractised_competency(isolated_home, library):
    store = Store()
    now = datetime(2026, 6, 10, tzinfo=timezone.utc)
    persist(store, play(library, "roadmap-negotiation", "strong", started=now - timedelta(hours=2)))
    rec = recommend(store, library, now=now)
    assert rec.reason.startswith("You have not practised")


def test_rescore_after_a_rubric_change_shows_the_difference(isolated_home, library):
    import copy

    store = Store()
    s = play(library, "upmarket-pricing", "middling")
    persist(store, s)
    # the rubric gains a paraphrase and a new version: the old session is outdated
    changed = copy.copy(library)
    changed.rubrics = dict(library.rubrics)
    old = library.rubrics["trade-offs"]
    rubric = old.item.model_copy(update={"version": 2})
    changed.rubrics["trade-offs"] = type(old)(rubric, old.path, old.origin)
    from coach.history import load_session

    reloaded = load_session(store, changed, s.state.id)
    assert is_outdated(reloaded)
    deltas = rescore(reloaded)
    assert {d.stage for d in deltas} >= {"strategy", "billing", "roadmap"}
    assert reloaded.state.rubric_versions["trade-offs"] == 2 and not is_outdated(reloaded)


def test_timeline_orders_sessions_oldest_first(isolated_home, library):
    store = Store()
    base = datetime(2026, 6, 1, tzinfo=timezone.utc)
    persist(store, play(library, "upmarket-pricing", "weak", started=base))
    persist(store, play(library, "upmarket-pricing", "strong", started=base + timedelta(days=7)))
    series = timeline(store, library)["architecture"]
    assert [p.started[:10] for p in series] == ["2026-06-01", "2026-06-08"]
    assert series[0].score < series[1].score


# --------------------------------------------------------------------------- reports


def test_html_report_is_self_contained_escaped_and_highlighted(isolated_home, library):
    from coach.reports import session_html

    s = Session.new(library, "upmarket-pricing")
    s.start()
    s.submit("<script>alert(1)</script> [bold]We need a billing engine[/] and load testing & monitoring.")
    while not s.finished:
        s.skip()
    page = session_html(s)
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "[bold]" in page  # shown as typed, not interpreted
    assert "<mark>billing engine</mark>" in page and "<mark>load testing</mark>" in page
    assert "Model answer" in page and "Takeaways" in page and "Transcript" in page
    assert "src=" not in page and "<link" not in page, "no external files"


def test_report_command_formats(isolated_home, library, capsys, tmp_path):
    store = Store()
    s = play(library, "upmarket-pricing")
    persist(store, s)
    assert main(["report", s.state.id, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["session"]["id"] == s.state.id and data["summary"]["scenario"] == "upmarket-pricing"
    assert main(["report", s.state.id]) == 0
    assert capsys.readouterr().out.startswith("# Moving upmarket")
    out = tmp_path / "progress.html"
    assert main(["report", "--progress", "--format", "html", "-o", str(out)]) == 0
    assert "<svg" in out.read_text() and "Architecture fluency" in out.read_text()
    assert main(["report", "nope"]) == 2
    assert "no session 'nope' in the history (see `coach history`)" in capsys.readouterr().err


def test_history_and_next_commands(isolated_home, library, capsys):
    store = Store()
    s = play(library, "upmarket-pricing")
    persist(store, s)
    assert main(["history"]) == 0
    out = capsys.readouterr().out
    assert s.state.id in out and "finished" in out
    assert main(["next"]) == 0
    assert capsys.readouterr().out.startswith("Practise next: ")


# --------------------------------------------------------------------------- the history screen


async def test_history_screen_shows_sessions_trends_and_reopens_one(isolated_home, library):
    from coach.tui.app import make_app
    from coach.tui.screens import HistoryScreen, SummaryScreen
    from tests.tui_helpers import FixedClock, screen_text, settle

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
