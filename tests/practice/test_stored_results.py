"""Each session's results are stored when it is saved (schema 2), and the history reads them instead of
re-reading every session: `coach next`, `coach report --progress` and the history screen (issue 15)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from coach.cli import main
from coach.practice.history import export_lines, import_file, session_points, timeline, verify_pending
from coach.practice.resume import persist
from coach.practice.session import Session
from coach.practice.store import MIGRATIONS, SCHEMA_VERSION, Store, StoreError
from tests.practice.test_history import play

OLD_DATABASE = Path(__file__).resolve().parent.parent / "data" / "history-v1.sqlite3"


@pytest.fixture
def old_database(isolated_home: Path) -> Path:
    """A copy of a history written by the coach before results were stored (schema 1): three finished
    sessions, one unfinished with a draft, one mock interview run for a learner named Sam."""
    target = isolated_home / "history.sqlite3"
    shutil.copyfile(OLD_DATABASE, target)
    return target


def expected_timeline(store: Store, library) -> dict[str, list[tuple[str, float, str | None]]]:  # type: ignore[no-untyped-def]
    """What every finished session of the user's own says when read whole, as the history did before."""
    out: dict[str, list[tuple[str, float, str | None]]] = {}
    rows = [r for r in store.sessions(status="finished", limit=1000) if not r.learner]
    for row in sorted(reversed(rows), key=lambda r: r.started):  # in the order they were saved
        for comp, point in session_points(Session.restore(library, store.load_state(row.id))):
            out.setdefault(comp, []).append((point.session_id, point.score, point.level))
    return out


def points(store: Store, library) -> dict[str, list[tuple[str, float, str | None]]]:  # type: ignore[no-untyped-def]
    return {c: [(p.session_id, p.score, p.level) for p in s] for c, s in timeline(store, library).items()}


def test_an_old_database_is_upgraded_in_one_step_after_a_backup(old_database, isolated_home, library):
    store = Store()
    assert store.db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,) == (3,)
    (backup,) = (isolated_home / "backups").glob("history-*-schema1.sqlite3")
    copy = sqlite3.connect(backup)
    assert copy.execute("PRAGMA user_version").fetchone() == (1,)
    assert copy.execute("SELECT count(*) FROM sessions").fetchone() == (5,)
    # whose each session is, now a column (no state is read to list them)
    assert [(r.id, r.learner) for r in store.sessions()][:2] == [("fixture05", "Sam"), ("fixture04", "")]
    assert store.draft("fixture04")[1] == "half an answer about the rollout"  # type: ignore[index]

    # the sessions saved before results were stored get them worked out once, the first time they are read
    assert [r.id for r in store.pending_results()] == ["fixture01", "fixture02", "fixture03"]
    assert points(store, library) == expected_timeline(store, library) != {}
    assert store.pending_results() == []
    assert {r.session_id for r in store.results()} == {"fixture01", "fixture02", "fixture03"}  # Sam's is not ours
    assert points(store, library) == expected_timeline(store, library)


def test_a_failed_upgrade_leaves_the_database_as_it_was(old_database, monkeypatch):
    before = sqlite3.connect(old_database).execute("SELECT id, state FROM sessions ORDER BY id").fetchall()
    import coach.practice.store

    broken = [*MIGRATIONS[:-1], [*MIGRATIONS[-1], "INSERT INTO no_such_table VALUES (1)"]]  # fails at the very end
    monkeypatch.setattr(coach.practice.store, "MIGRATIONS", broken)
    with pytest.raises(StoreError, match="could not be upgraded for this coach .*; it was left as it was"):
        Store()
    db = sqlite3.connect(old_database)
    assert db.execute("PRAGMA user_version").fetchone() == (1,)
    assert db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'results'").fetchone() == (0,)
    assert "learner" not in [c[1] for c in db.execute("PRAGMA table_info(sessions)")]
    assert db.execute("SELECT id, state FROM sessions ORDER BY id").fetchall() == before


def test_a_finished_session_is_saved_with_its_results(isolated_home, library):
    store = Store()
    session = play(library, "upmarket-pricing", "middling")
    persist(store, session)
    stored = {(r.competency, r.score, r.level) for r in store.results()}
    assert stored == {(c.competency, c.score, c.level) for c in session.competencies()} != set()
    level = store.db.execute("SELECT level FROM sessions WHERE id = ?", (session.state.id,)).fetchone()
    assert level == (session.summary().level,)

    unfinished = Session.new(library, "tech-debt-case")
    unfinished.start()
    persist(store, unfinished)
    assert {r.session_id for r in store.results()} == {session.state.id}
    assert [r.id for r in store.pending_results()] == []  # an unfinished session has no results to wait for


def test_imported_sessions_get_their_results_worked_out_once(isolated_home, library, tmp_path):
    source = Store(tmp_path / "elsewhere.sqlite3")
    for label in ("strong", "weak"):
        persist(source, play(library, "goal-to-spec", label))
    export = tmp_path / "export.jsonl"
    export.write_text("".join(line + "\n" for line in export_lines(source)))

    store = Store()
    import_file(store, library, export)
    assert store.pending_results() == []  # awaiting verification: no results worked out from the file's scores
    assert points(store, library) == {}
    assert len(verify_pending(store, library)) == 2  # verified, and their results stored with them
    assert store.pending_results() == []
    assert points(store, library) == expected_timeline(store, library) != {}


@pytest.fixture
def counted_restores(monkeypatch):  # type: ignore[no-untyped-def]
    """How many sessions are restored from their stored state (the slow, per-session read)."""
    restored: list[str] = []
    real = Session.restore.__func__  # type: ignore[attr-defined]

    def counting(cls, library, data, *args, **kwargs):  # type: ignore[no-untyped-def]
        restored.append("one")
        return real(cls, library, data, *args, **kwargs)

    monkeypatch.setattr(Session, "restore", classmethod(counting))
    return restored


def watch_state_reads(db: sqlite3.Connection, reads: list[str]) -> sqlite3.Connection:
    """Note in ``reads`` each statement of ``db`` that reads sessions' whole stored states (30 KB
    each: reading every one is what made the history slow at 10,000 sessions)."""

    def authorize(action: int, table: str | None, column: str | None, *_: object) -> int:
        if action == sqlite3.SQLITE_READ and (table, column) == ("sessions", "state"):
            reads.append(f"{table}.{column}")
        return sqlite3.SQLITE_OK

    db.set_authorizer(authorize)
    return db


@pytest.fixture
def state_reads(monkeypatch) -> list[str]:  # type: ignore[no-untyped-def]
    """The reads of stored states on every connection opened from now on (see watch_state_reads)."""
    reads: list[str] = []
    real = Store._connect
    monkeypatch.setattr(Store, "_connect", staticmethod(lambda *a, **kw: watch_state_reads(real(*a, **kw), reads)))
    return reads


@pytest.fixture
def history_of_three(isolated_home, library) -> Store:  # type: ignore[no-untyped-def]
    store = Store()
    for scenario, label in (("upmarket-pricing", "strong"), ("tech-debt-case", "weak"), ("goal-to-spec", "middling")):
        persist(store, play(library, scenario, label))
    return store


@pytest.mark.parametrize(
    "argv, shows",
    [(["next"], "Practise next: "), (["report", "--progress"], "3 session(s) · ")],
    ids=["next", "progress"],
)
def test_next_and_progress_read_the_stored_results_not_every_session(
    history_of_three, counted_restores, state_reads, capsys, argv, shows
):
    assert main(argv) == 0
    assert shows in capsys.readouterr().out
    assert counted_restores == [] and state_reads == []


async def test_the_history_screen_reads_the_stored_results_not_every_session(
    history_of_three, counted_restores, state_reads, library
):
    from coach.tui.app import make_app
    from coach.tui.screens import HistoryScreen
    from tests.tui.helpers import FixedClock, screen_text, settle

    watch_state_reads(history_of_three.db, state_reads)
    app = make_app(library, history_of_three, clock=FixedClock())
    async with app.run_test(size=(100, 34)) as pilot:
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        assert "Architecture fluency" in screen_text(app)  # the trends are there
        assert "3 session(s) · " in screen_text(app)  # and the overview
    assert counted_restores == [] and state_reads == []


def test_the_time_practised_is_summed_without_reading_the_sessions_rows(history_of_three):
    """A row's `seconds` lies after its 30 KB state, in the state's last overflow page: summed over
    the rows, every state's pages are read (0.11 s at 10,000 sessions). An index holds it."""
    store = history_of_three

    def plan_of(read):  # type: ignore[no-untyped-def]
        statements: list[str] = []
        store.db.set_trace_callback(statements.append)
        read()
        store.db.set_trace_callback(None)
        (sql,) = statements
        return " ".join(row[-1] for row in store.db.execute(f"EXPLAIN QUERY PLAN {sql}"))

    assert "COVERING INDEX sessions_seconds" in plan_of(store.practice_seconds)
    assert store.practice_seconds() == sum(r[0] for r in store.db.execute("SELECT seconds FROM sessions"))
    # and the index does not lead the results astray: read in the order they are kept, not sorted anew
    assert "TEMP B-TREE" not in plan_of(store.results)


def test_the_last_points_of_each_trend_are_the_newest(history_of_three, library):
    full, newest = timeline(history_of_three, library), timeline(history_of_three, library, last=1)
    assert newest == {comp: series[-1:] for comp, series in full.items()} and len(newest) > 1


def timed_history(store: Store, library, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Ten minutes of the user's own practice, twenty of a mock interview run for Sam, and five
    minutes in an imported session awaiting verification."""
    for minutes, learner in ((10, ""), (20, "Sam")):
        session = play(library, "upmarket-pricing")
        session.state.learner = learner
        for record in session.state.records:  # the whole time on the first question
            record.seconds = 0.0
        session.state.records[0].seconds = minutes * 60.0
        persist(store, session)
    source = Store(tmp_path / "elsewhere.sqlite3")
    imported = play(library, "goal-to-spec")
    for record in imported.state.records:
        record.seconds = 0.0
    imported.state.records[0].seconds = 300.0
    persist(source, imported)
    export = tmp_path / "export.jsonl"
    export.write_text("".join(line + "\n" for line in export_lines(source)))
    import_file(store, library, export)


def test_a_schema_2_history_is_upgraded_with_each_sessions_time_and_whether_it_awaits_verification(
    isolated_home, library, tmp_path, capsys
):
    store = Store()
    timed_history(store, library, tmp_path)
    # as the coach before schema 3 left it: neither is kept beside the state
    for sql in (
        "DROP INDEX sessions_seconds",
        "ALTER TABLE sessions DROP COLUMN unverified",
        "ALTER TABLE sessions DROP COLUMN seconds",
    ):
        store.db.execute(sql)
    store.db.execute("PRAGMA user_version = 2")
    store.close()

    store = Store()
    assert store.db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,) == (3,)
    assert list((isolated_home / "backups").glob("history-*-schema2.sqlite3")) != []
    assert store.practice_seconds() == 15 * 60  # the user's own sessions: not Sam's
    assert [(scenario, learner) for _, scenario, learner in store.unverified()] == [("goal-to-spec", "")]
    assert main(["report", "--progress"]) == 0
    assert "2 session(s) · 15 min practised · current streak: 1 day(s) · 1 imported session(s) awaiting" in (
        capsys.readouterr().out
    )
    verify_pending(store, library)
    assert store.unverified() == []


def test_saving_and_importing_keep_each_sessions_time_and_whether_it_awaits_verification(
    isolated_home, library, tmp_path
):
    store = Store()
    timed_history(store, library, tmp_path)
    assert store.practice_seconds() == 15 * 60
    assert [scenario for _, scenario, _ in store.unverified()] == ["goal-to-spec"]
    assert [r.verified for r in store.sessions()].count(False) == 1
    verify_pending(store, library)
    assert (store.unverified(), store.practice_seconds()) == ([], 15 * 60)
