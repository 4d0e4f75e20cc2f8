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
from coach.library.formats import Level
from coach.practice.history import (
    export_lines,
    import_file,
    is_outdated,
    load_session,
    recommend,
    rescore,
    timeline,
    verify_pending,
)
from coach.practice.resume import persist
from coach.practice.session import Session
from coach.practice.store import MIGRATIONS, Store, StoreError


def play(
    library, scenario_id: str, label: str = "strong", started: datetime | None = None, target: Level | None = None
) -> Session:
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
        "import sys; from coach.practice.store import Store; s = Store(); tag = sys.argv[1]\n"
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
    proc = subprocess.Popen(
        [sys.executable, "-m", "coach", "practice", "upmarket-pricing", "--plain"],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
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

    resumed = subprocess.run(
        [sys.executable, "-m", "coach", "practice", "--resume", session_id, "--plain"],
        input="/quit\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert "  | We need a billing engine that meters usage,\n  | and load testing before" in resumed.stdout

    from coach.practice.resume import resume

    back = resume(store, library, session_id)
    assert (
        back.state.draft
        == "We need a billing engine that meters usage,\nand load testing before business customers arrive."
    )


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
    first = import_file(other, library, export)
    again = import_file(other, library, export)
    assert (first.added, first.unchanged) == (2, 0)
    assert (again.added, again.unchanged) == (0, 2)
    for s in sessions:  # as exported but for the scores (recomputed when verified), awaiting verification
        unscored = json.loads(s.dump()) | {"unverified": True}
        unscored["records"] = [{k: v for k, v in rec.items() if k != "report"} for rec in unscored["records"]]
        assert json.loads(other.load_state(s.state.id)) == unscored
    assert len(verify_pending(other, library)) == 2
    for s in sessions:  # verified: the same scores, recomputed here
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
    from coach.practice.history import load_session

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


# --------------------------------------------------------------------------- sessions run for a mentee


def _mentee_session(library, started: datetime) -> Session:
    """A mock interview a mentor ran for Sam, reviewed with an override."""
    from coach.practice.mentor import finish, stage_review
    from coach.practice.review import Override

    s = play(library, "data-product", "weak", started=started)
    s.state.learner = "Sam"
    first = s.state.records[0]
    stage_review(s, first.stage).overrides[first.report.criteria[0].ref] = Override(level=4, reason="Said it aloud")
    finish(s, "Well done")
    return s


def test_a_mock_interview_for_a_mentee_does_not_feed_my_progress(isolated_home, library, capsys):
    store = Store()
    now = datetime(2026, 6, 10, tzinfo=timezone.utc)
    mine = play(library, "roadmap-negotiation", "strong", started=now - timedelta(days=2))
    persist(store, mine)
    alone = recommend(store, library, now=now)
    assert main(["next"]) == 0
    next_alone = capsys.readouterr().out
    assert main(["report", "--progress"]) == 0
    progress_alone = capsys.readouterr().out

    sams = _mentee_session(library, now - timedelta(days=1))
    persist(store, sams)
    ids = {p.session_id for series in timeline(store, library).values() for p in series}
    assert ids == {mine.state.id}
    assert recommend(store, library, now=now) == alone
    assert main(["next"]) == 0
    assert capsys.readouterr().out == next_alone
    assert main(["report", "--progress"]) == 0
    assert capsys.readouterr().out == progress_alone

    assert main(["history"]) == 0  # still listed, marked as Sam's
    lines = capsys.readouterr().out.splitlines()
    assert "LEARNER" in lines[0]
    sam_line = next(line for line in lines if line.startswith(sams.state.id))
    my_line = next(line for line in lines if line.startswith(mine.state.id))
    assert "Sam" in sam_line and "Sam" not in my_line


def test_history_shows_the_mentors_final_score_beside_the_automatic_one(isolated_home, library, capsys):
    store = Store()
    s = _mentee_session(library, datetime(2026, 6, 1, tzinfo=timezone.utc))
    persist(store, s)
    auto, mentor = s.summary().score, s.summary(reviewed=True).score
    assert auto != mentor
    assert main(["history"]) == 0
    line = next(line for line in capsys.readouterr().out.splitlines() if line.startswith(s.state.id))
    assert f"{mentor:g} (auto {auto:g})" in line
    assert main(["history", "--json"]) == 0
    row = json.loads(capsys.readouterr().out)[0]
    assert (row["learner"], row["score"], row["mentor_score"]) == ("Sam", auto, mentor)


def test_a_review_imported_back_stays_in_the_mentees_own_progress(isolated_home, library, tmp_path, monkeypatch):
    from coach.practice.mentor import finish

    store = Store()
    s = play(library, "data-product", "weak")
    persist(store, s)
    export = tmp_path / "sam.jsonl"
    export.write_text("\n".join(export_lines(store, learner="Sam")) + "\n")
    # the mentor reviews it on their machine and sends it back
    monkeypatch.setenv("COACH_HOME", str(tmp_path / "mentor-home"))
    mentor_store = Store()
    import_file(mentor_store, library, export)
    reviewed = load_session(mentor_store, library, s.state.id)
    finish(reviewed, "Good")
    persist(mentor_store, reviewed)
    assert timeline(mentor_store, library) == {}, "Sam's session is not the mentor's progress"
    back = tmp_path / "sam.reviewed.jsonl"
    back.write_text("\n".join(export_lines(mentor_store)) + "\n")
    monkeypatch.setenv("COACH_HOME", str(isolated_home))
    assert import_file(store, library, back).reviewed == 1
    assert load_session(store, library, s.state.id).state.review.comment == "Good"
    ids = {p.session_id for series in timeline(store, library).values() for p in series}
    assert ids == {s.state.id}, "the mentee's own session, reviewed, still counts for the mentee"


def test_a_mock_interview_sent_to_the_mentee_counts_for_them_with_mine(
    isolated_home, library, tmp_path, monkeypatch, capsys
):
    """The mentor runs a mock interview for Sam and sends it; on Sam's machine it is Sam's own with --mine,
    and an import without --mine says why it does not count and how to claim it."""
    mentor_store = Store()
    sams = _mentee_session(library, datetime(2026, 6, 1, tzinfo=timezone.utc))
    persist(mentor_store, sams)
    mock = tmp_path / "sam-mock.jsonl"
    mock.write_text("\n".join(export_lines(mentor_store)) + "\n")

    monkeypatch.setenv("COACH_HOME", str(tmp_path / "sam-home"))
    sam_store = Store()
    assert main(["import", str(mock)]) == 0
    out = capsys.readouterr().out
    assert "1 of them were run for another learner" in out and "--mine" in out
    assert timeline(sam_store, library) == {}
    assert main(["import", "--mine", "--verify", str(mock)]) == 0
    assert "1 now counted as yours" in capsys.readouterr().out
    ids = {p.session_id for series in timeline(sam_store, library).values() for p in series}
    assert ids == {sams.state.id}
    assert load_session(sam_store, library, sams.state.id).state.review.comment == "Well done"


# --------------------------------------------------------------------------- results that agree with themselves


def play_stages(library, scenario_id: str, labels: dict[str, str]) -> Session:
    """A finished session: the stages in ``labels`` answered with that calibration answer, the rest skipped."""
    s = Session.new(library, scenario_id)
    s.start()
    while not s.finished:
        label = labels.get(s.stage.id)
        s.submit(next(c.answer for c in s.stage.calibration if c.label == label)) if label else s.skip()
    return s


def test_progress_and_cohort_count_only_the_stages_played(isolated_home, library, capsys, tmp_path):
    store = Store()
    s = play_stages(library, "upmarket-pricing", {"strategy": "strong"})  # the other questions skipped
    persist(store, s)
    strategy = next(r for rec, r in s.final_reports() if rec.stage == "strategy")
    shown = {c.competency: c.score for c in strategy.competencies}

    # progress: one point per competency the answered stage assessed, at its score (no zeros)
    assert {comp: [p.score for p in series] for comp, series in timeline(store, library).items()} == {
        comp: [score] for comp, score in shown.items()
    }
    assert main(["report", "--progress"]) == 0
    progress = capsys.readouterr().out
    for comp, score in shown.items():
        from coach.library.formats import Competency

        assert f"| {Competency(comp).title} | 1 | " in progress and f"| {score:.2f} |" in progress
    assert "| 0.00 |" not in progress

    # cohort: the same scores; a competency only the skipped questions assess is "-", not 0
    path = tmp_path / "ana.jsonl"
    path.write_text("\n".join(export_lines(store, [s.state.id], learner="Ana")) + "\n")
    assert main(["cohort", str(path), "--format", "md"]) == 0
    header, _, ana = capsys.readouterr().out.splitlines()[:3]
    cells = dict(
        zip([h.strip() for h in header.split("|")[1:-1]], [c.strip() for c in ana.split("|")[1:-1]], strict=True)
    )
    from coach.library.formats import Competency

    assert {Competency(comp).title: f"{score:.2f}" for comp, score in shown.items()}.items() <= cells.items()
    assert "0.00" not in cells.values()


def test_rescoring_an_unfinished_session_does_not_count_the_time_away(isolated_home, library, capsys):
    """Sessions are restored one way: re-scoring restarts the stage clock as resuming does,
    so saving the re-scored session never adds the hours since it was last saved."""
    from tests.tui.helpers import FixedClock

    store = Store()
    s = Session.new(library, "upmarket-pricing", clock=FixedClock(1_000.0))  # saved long ago
    s.start()
    persist(store, s)
    assert main(["rescore", s.state.id, "--apply"]) == 0
    capsys.readouterr()
    back = load_session(store, library, s.state.id)
    assert back.state.records[0].seconds < 600, "the time since the last save was counted as answering"
