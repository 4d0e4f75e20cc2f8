"""Practice history in SQLite: sessions, their full state, and drafts as they are typed.

The database lives in the user data folder (COACH_HOME moves it). WAL mode and a busy
timeout let two coach processes share it; `PRAGMA application_id` marks the file as
ours, so a damaged or foreign file is reported and never overwritten.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import threading
import time
import urllib.parse
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import NamedTuple

from coach import paths

# the learner named in a stored state, in SQL (a state that is not JSON names nobody)
_LEARNER_OF_STATE = "CASE WHEN json_valid({state}) THEN coalesce(json_extract({state}, '$.learner'), '') ELSE '' END"
# a session whose scores are as another coach exported them (see SessionState.unverified), in SQL
_UNVERIFIED_OF_STATE = "(json_valid({state}) AND coalesce(json_extract({state}, '$.unverified'), 0))"
# the seconds spent answering in a stored state (its records'), in SQL (never an error: it runs in a migration)
_SECONDS_OF_STATE = """(SELECT coalesce(sum(CASE WHEN r.type = 'object' THEN json_extract(r.value, '$.seconds') END), 0)
    FROM json_each(CASE WHEN json_valid({state}) THEN {state} ELSE '{{}}' END, '$.records') AS r)"""
# what the columns kept beside a state are set to as it is saved (the parameter :state), in SQL: reading
# the history reads them, never every state
_KEPT_OF_SAVED = {
    column: of_state.format(state=":state")
    for column, of_state in (
        ("learner", _LEARNER_OF_STATE),
        ("unverified", _UNVERIFIED_OF_STATE),
        ("seconds", _SECONDS_OF_STATE),
    )
}
APPLICATION_ID = 0x54504D43  # "TPMC"
MIGRATIONS: list[list[str]] = [
    [  # version 1
        """CREATE TABLE sessions (
            id TEXT PRIMARY KEY,
            scenario TEXT NOT NULL,
            title TEXT NOT NULL,
            target TEXT NOT NULL,
            mode TEXT NOT NULL,
            started TEXT NOT NULL,
            updated TEXT NOT NULL,
            status TEXT NOT NULL,
            score REAL,
            state TEXT NOT NULL
        )""",
        "CREATE INDEX sessions_updated ON sessions(updated)",
        """CREATE TABLE drafts (
            session_id TEXT PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
            stage TEXT NOT NULL,
            text TEXT NOT NULL,
            updated TEXT NOT NULL
        )""",
    ],
    [  # version 2: each session's results kept beside its state, so the history never re-reads every state
        "ALTER TABLE sessions ADD COLUMN learner TEXT NOT NULL DEFAULT ''",
        f"UPDATE sessions SET learner = {_LEARNER_OF_STATE.format(state='state')}",
        "ALTER TABLE sessions ADD COLUMN level TEXT",
        # 1 once `level` and the session's rows in `results` are those of its state (see Store.pending_results)
        "ALTER TABLE sessions ADD COLUMN summarised INTEGER NOT NULL DEFAULT 0",
        """CREATE TABLE results (
            session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            competency TEXT NOT NULL,
            score REAL NOT NULL,
            level TEXT,
            PRIMARY KEY (session_id, competency)
        )""",
        "CREATE INDEX sessions_started ON sessions(started)",
    ],
    [  # version 3: whether a session awaits verification and its time answering, beside its state too (a
        # state is 30 KB: reading every one made the history's progress take seconds at 10,000 sessions)
        "ALTER TABLE sessions ADD COLUMN unverified INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE sessions ADD COLUMN seconds REAL NOT NULL DEFAULT 0",
        f"""UPDATE sessions SET unverified = {_UNVERIFIED_OF_STATE.format(state="state")},
               seconds = {_SECONDS_OF_STATE.format(state="state")}""",
        # the time practised summed from here: in a row, `seconds` lies after the state, in its last
        # overflow page, so a sum over the rows reads every state's pages (0.11 s at 10,000 sessions).
        # `seconds` first: led by `learner`, SQLite took it for `learner = ''` in Store.results and
        # sorted 40,000 results itself instead of reading them in order of sessions_started
        "CREATE INDEX sessions_seconds ON sessions(seconds, learner)",
    ],
]
SCHEMA_VERSION = len(MIGRATIONS)
BACKUP_EVERY_DAYS, BACKUPS_KEPT = 7, 2


class StoreError(RuntimeError):
    """The history database cannot be used; the message says why and what to do."""


class ReadOnlyError(StoreError):
    """The data folder or the database cannot be written (reading it still works)."""


@dataclass(frozen=True)
class SessionRow:
    id: str
    scenario: str
    title: str
    target: str
    mode: str
    started: str
    updated: str
    status: str
    score: float | None
    learner: str = ""
    """Who the session was run for when not the user (a mentor's mock interview or review)."""
    verified: bool = True
    """False when the scores are as another coach exported them (see SessionState.unverified)."""


@dataclass(frozen=True)
class Results:
    """A finished session's results, saved with it: its ladder level and each competency's
    (competency, score 0-4, ladder level reached or None)."""

    level: str | None
    competencies: tuple[tuple[str, float, str | None], ...]


class ResultRow(NamedTuple):  # (a tuple: the history reads tens of thousands of them at once)
    """One stored result: a finished session's score for one competency."""

    session_id: str
    started: str
    scenario: str
    target: str
    competency: str
    score: float
    level: str | None


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Store:
    """The history database. ``writable=False`` is for commands that only read: a data folder or
    database that cannot be written is then opened read-only (``read_only``) instead of refused."""

    def __init__(self, path: Path | None = None, *, writable: bool = True):
        self.path = path or paths.database()
        self.read_only = False
        self.read_only_reason = ""
        """Why the history is read-only, and what to do about it (a message for the user)."""
        self.lock = threading.RLock()  # the UI's worker threads share this connection
        self.depth = 0  # transactions open (nested ones join the outermost)
        try:
            self._open(writable)
        except BaseException:
            if hasattr(self, "db"):
                self.db.close()  # so SQLite removes the -wal and -shm files it made beside a file refused
            raise

    def _open(self, writable: bool) -> None:
        try:
            self.read_only_reason = self._why_read_only()
            if self.read_only_reason and writable:
                raise ReadOnlyError(self.read_only_reason)
            if self.read_only_reason:
                self._open_read_only()
            else:
                self.db = self._connect(str(self.path))
                self._check_and_migrate()
        except StoreError:
            raise
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"{self.path} is not a usable coach history database ({exc}). It was left untouched; "
                "move it aside or set COACH_HOME to use another folder."
            ) from None
        except OSError as exc:
            raise StoreError(f"cannot open the history in {self.path.parent}: {exc.strerror or exc}") from None

    @staticmethod
    def _connect(target: str, uri: bool = False) -> sqlite3.Connection:
        db = sqlite3.connect(target, timeout=10, isolation_level=None, check_same_thread=False, uri=uri)
        db.execute("PRAGMA busy_timeout = 10000")
        return db

    def _why_read_only(self) -> str:
        """Why nothing can be written to the history (creating its folder if need be), or "" when it can."""
        folder = self.path.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            if exc.errno not in (errno.EROFS, errno.EACCES, errno.EPERM):
                raise
            what = f"cannot create your data folder {folder} ({exc.strerror})"
        else:
            if not os.access(folder, os.W_OK):
                what = f"your data folder {folder} is read-only"
            elif self.path.exists() and not os.access(self.path, os.W_OK):
                what = f"your history database {self.path} is read-only"
            else:
                return ""
        return (
            f"{what}, so nothing can be saved. Make it writable, or set COACH_HOME to a folder you can "
            "write to. Reading your history still works: coach history, next, report and export."
        )

    def _open_read_only(self) -> None:
        """Open for reading only: no migration, nothing written, not even the WAL's index."""
        self.read_only = True
        if not self.path.exists():  # nothing saved yet and nowhere to save: an empty history
            self.db = self._connect(":memory:")
            self._check_and_migrate()
            return
        target = "file:" + urllib.parse.quote(str(self.path.resolve()))
        try:
            self.db = self._connect(target + "?mode=ro", uri=True)
            self.db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError:
            # a WAL database in a read-only folder: SQLite cannot create its shared-memory index, so the
            # file is read as it stands (no other program can be writing where nothing can be written)
            self.db = self._connect(target + "?mode=ro&immutable=1", uri=True)
        self._check_and_migrate()

    def _check_and_migrate(self) -> None:
        app_id = self.db.execute("PRAGMA application_id").fetchone()[0]
        tables = self.db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
        if app_id != APPLICATION_ID and tables:
            raise StoreError(
                f"{self.path} belongs to another program (it has tables but no coach marker). It was left "
                "untouched; move it aside or set COACH_HOME to use another folder."
            )
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(f"{self.path} was written by a newer coach (schema {version}); upgrade the coach.")
        if tables:
            self._check_integrity()
        if version == SCHEMA_VERSION:
            if not self.read_only:
                self.db.execute("PRAGMA journal_mode = WAL")
                self.db.execute("PRAGMA foreign_keys = ON")
            return
        if self.read_only and tables:
            # an older schema that cannot be upgraded in place: upgrade a copy in memory and read that
            memory = self._connect(":memory:")
            self.db.backup(memory)
            self.db.close()
            self.db = memory
        else:
            if tables:  # the copy an upgrade starts from, whatever the week's backup
                self._back_up(due=False, tag=f"-schema{version}")
            self.db.execute("PRAGMA journal_mode = WAL")
        self.db.execute("PRAGMA foreign_keys = ON")
        try:
            with self.transaction():  # every step at once: a failure leaves the database as it was
                for statements in MIGRATIONS[version:]:
                    for sql in statements:
                        self.db.execute(sql)
                self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                self.db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        except sqlite3.Error as exc:
            raise StoreError(
                f"{self.path} could not be upgraded for this coach ({exc}); it was left as it was. "
                "If the disk is full, free some space and try again."
            ) from None

    def _check_integrity(self) -> None:
        try:
            found = [row[0] for row in self.db.execute("PRAGMA quick_check(5)")]
        except sqlite3.DatabaseError as exc:
            found = [str(exc)]
        if found == ["ok"]:
            return
        # the first problem SQLite names ("On tree page 25 cell 0: invalid page number ...")
        first = next((line for line in "\n".join(found).splitlines() if not line.startswith("***")), "damaged")
        backups = self.backups()
        if backups:
            day = datetime.fromtimestamp(backups[-1].stat().st_mtime).strftime("%Y-%m-%d")
            back = f"Your latest backup, from {day}, is {backups[-1]}: copy it to {self.path} to have your sessions up to then."
        else:
            back = "There is no backup of it yet; `coach import FILE` brings back the sessions of any export you made."
        raise StoreError(
            f"{self.path} is damaged ({first}). It was left untouched. Move it aside "
            f"(mv {self.path} {self.path}.damaged) and the coach starts a new, empty history. {back}"
        )

    def backups(self) -> list[Path]:
        """The copies of the database in backups/ beside it, oldest first."""
        try:
            return sorted(
                self.path.parent.joinpath("backups").glob("history-*.sqlite3"), key=lambda p: p.stat().st_mtime
            )
        except OSError:
            return []

    def _back_up(self, due: bool = True, tag: str = "") -> None:
        """Copy the database into backups/ (when ``due``: unless a copy is less than a week old), keeping the
        two newest copies: what to go back to if the file is ever damaged. A backup that cannot be made
        (a full disk) is skipped: it must never stop the coach."""
        kept = self.backups()
        if due and kept and time.time() - kept[-1].stat().st_mtime < BACKUP_EVERY_DAYS * 86400:
            return
        folder = self.path.parent / "backups"
        target = folder / f"history-{datetime.now(timezone.utc):%Y-%m-%d}{tag}.sqlite3"
        partial = target.with_name(f".{target.name}.{os.getpid()}.part")
        try:
            folder.mkdir(exist_ok=True)
            if shutil.disk_usage(folder).free < 4 * self.path.stat().st_size:
                return  # a backup must not be what fills the disk and makes the next save fail
            copy = sqlite3.connect(partial)
            try:
                self.db.backup(copy)
            finally:
                copy.close()
            os.replace(partial, target)
        except (OSError, sqlite3.Error):
            partial.unlink(missing_ok=True)
            return
        for old in self.backups()[:-BACKUPS_KEPT]:
            old.unlink(missing_ok=True)

    def transaction(self) -> _Transaction:
        """A write transaction; one opened inside another joins it (an import writes every
        session in one transaction, so one commit and one disk sync)."""
        return _Transaction(self)

    def close(self) -> None:
        self.db.close()

    # ------------------------------------------------------------------ sessions

    def save_session(
        self,
        state_json: str,
        *,
        id: str,  # noqa: A002 (the sessions table's column)
        scenario: str,
        title: str,
        target: str,
        mode: str,
        started: str,
        status: str,
        score: float | None,
        results: Results | None = None,
    ) -> None:
        """Save a session's state; ``results`` are its results (a finished session's), saved with it.
        Without them the session waits in pending_results() until someone works them out."""
        with self.transaction():
            self.db.execute(
                f"""INSERT INTO sessions (id, scenario, title, target, mode, started, updated, status, score, state,
                       {", ".join(_KEPT_OF_SAVED)}, level, summarised)
                   VALUES (:id, :scenario, :title, :target, :mode, :started, :updated, :status, :score, :state,
                       {", ".join(_KEPT_OF_SAVED.values())}, :level, :summarised)
                   ON CONFLICT(id) DO UPDATE SET updated = excluded.updated, status = excluded.status,
                       score = excluded.score, state = excluded.state, target = excluded.target, mode = excluded.mode,
                       {", ".join(f"{column} = excluded.{column}" for column in _KEPT_OF_SAVED)},
                       level = excluded.level, summarised = excluded.summarised""",
                dict(
                    id=id,
                    scenario=scenario,
                    title=title,
                    target=target,
                    mode=mode,
                    started=started,
                    updated=now(),
                    status=status,
                    score=score,
                    state=state_json,
                    level=results.level if results else None,
                    summarised=results is not None,
                ),
            )
            self._replace_results(id, results)
            if status == "finished":
                self.db.execute("DELETE FROM drafts WHERE session_id = ?", (id,))
        if status == "finished" and not self.db.in_transaction:  # (not inside a caller's own transaction)
            with self.lock:
                self._back_up()  # new results: the week's backup, if it is not made yet

    def add_session(self, state_json: str, *, learner: str, **row: str | float | None) -> None:
        """Add a new session (an import's): its state and the row's columns (save_session's, with
        whose it is given rather than read from the state). No results: they are stored once the
        session's scores are verified. sqlite3.IntegrityError when the id is taken."""
        kept = dict(_KEPT_OF_SAVED, learner=":learner")
        sql = f"""INSERT INTO sessions (id, scenario, title, target, mode, started, updated, status, score, state,
                     {", ".join(kept)})
                  VALUES (:id, :scenario, :title, :target, :mode, :started, :updated, :status, :score, :state,
                     {", ".join(kept.values())})"""
        with self.transaction():
            self.db.execute(sql, dict(row, updated=now(), state=state_json, learner=learner))

    def save_results(self, worked_out: dict[str, Results]) -> None:
        """Keep the results worked out for stored sessions (from pending_results()), in one transaction."""
        with self.transaction():
            for session_id, results in worked_out.items():
                self.db.execute(
                    "UPDATE sessions SET level = ?, summarised = 1 WHERE id = ?", (results.level, session_id)
                )
                self._replace_results(session_id, results)

    def _replace_results(self, session_id: str, results: Results | None) -> None:
        self.db.execute("DELETE FROM results WHERE session_id = ?", (session_id,))
        if results:
            self.db.executemany(
                "INSERT INTO results (session_id, competency, score, level) VALUES (?, ?, ?, ?)",
                [(session_id, *result) for result in results.competencies],
            )

    def pending_results(self) -> list[SessionRow]:
        """The user's own finished sessions whose results are not stored yet (saved by an older
        coach), oldest first. Not those awaiting verification: their results are stored once verified."""
        return self._rows(
            "WHERE status = 'finished' AND learner = '' AND summarised = 0 AND NOT unverified ORDER BY started, rowid"
        )

    def results(self) -> list[ResultRow]:
        """The stored results of the user's own finished sessions (not the sessions a mentor ran
        for a learner), in the order the sessions were started."""
        sql = """SELECT s.id, s.started, s.scenario, s.target, r.competency, r.score, r.level
                 FROM sessions AS s JOIN results AS r ON r.session_id = s.id
                 WHERE s.status = 'finished' AND s.learner = '' AND s.summarised = 1
                 ORDER BY s.started, s.rowid, r.competency"""
        return list(map(ResultRow._make, self.db.execute(sql)))

    def unverified_ids(self) -> set[str]:
        """Sessions whose scores are as another coach exported them (see SessionState.unverified)."""
        return {session_id for session_id, _, _ in self.unverified()}

    def unverified(self) -> list[tuple[str, str, str]]:
        """(id, scenario, learner) of the sessions whose scores are as another coach exported them,
        oldest first."""
        sql = "SELECT id, scenario, learner FROM sessions WHERE unverified ORDER BY started, rowid"
        return self.db.execute(sql).fetchall()

    def last_played(self) -> dict[str, str]:
        """When the user last started each scenario (their own sessions only)."""
        sql = "SELECT scenario, max(started) FROM sessions WHERE learner = '' GROUP BY scenario"
        return dict(self.db.execute(sql).fetchall())

    def update_state(self, session_id: str, state_json: str) -> None:
        """Replace a stored session's state and nothing else (an import taking a mentor's review, or
        claiming a session as the user's own: so whose it is follows the state)."""
        kept = ", ".join(f"{column} = {value}" for column, value in _KEPT_OF_SAVED.items())
        sql = f"UPDATE sessions SET state = :state, updated = :updated, {kept} WHERE id = :id"
        with self.transaction():
            self.db.execute(sql, dict(state=state_json, updated=now(), id=session_id))

    def session_ids(self) -> set[str]:
        """The id of every stored session (an import asks once rather than once per record)."""
        return {session_id for (session_id,) in self.db.execute("SELECT id FROM sessions")}

    def load_state(self, session_id: str) -> str:
        row = self.db.execute("SELECT state FROM sessions WHERE id = ?", (session_id,)).fetchone()
        if row is None:
            raise KeyError(f"no session {session_id!r} in the history")
        state: str = row[0]
        return state

    def row(self, session_id: str) -> SessionRow | None:
        """One session's row (None: no such session)."""
        return next(iter(self._rows("WHERE id = ?", (session_id,))), None)

    def sessions(self, status: str | None = None, limit: int = 500) -> list[SessionRow]:
        # newest first by when it was started (an import or a rescore does not move it);
        # `coach history` and the history screen both show this order
        if status:
            return self._rows("WHERE status = ? ORDER BY started DESC, rowid DESC LIMIT ?", (status, limit))
        return self._rows("ORDER BY started DESC, rowid DESC LIMIT ?", (limit,))

    def exported(self, ids: Sequence[str] = ()) -> Iterator[tuple[str, str, float | None, str]]:
        """(id, title, score, state JSON) of every session (or those in ``ids``), oldest first,
        one at a time: an export streams them, so its memory does not grow with the history."""
        where = f" WHERE id IN ({', '.join('?' * len(ids))})" if ids else ""
        cursor = self.db.execute(f"SELECT id, title, score, state FROM sessions{where} ORDER BY started, rowid", ids)
        yield from cursor  # sqlite3 fetches rows as they are asked for

    def practice_seconds(self) -> float:
        """Time spent answering, summed over the user's own sessions (not those run for a learner)."""
        row = self.db.execute("SELECT coalesce(sum(seconds), 0) FROM sessions WHERE learner = ''").fetchone()
        return float(row[0])

    def unfinished(self) -> list[SessionRow]:
        """Unfinished sessions, the one worked on most recently first (the one to offer to resume)."""
        return self._rows("WHERE status != 'finished' ORDER BY updated DESC, started DESC, rowid DESC")

    def _rows(self, clauses: str, args: tuple[object, ...] = ()) -> list[SessionRow]:
        sql = (
            "SELECT id, scenario, title, target, mode, started, updated, status, score, learner, "
            "NOT unverified FROM sessions "
        )
        # mypy cannot count the columns: the first ten are the fields before `verified`
        return [
            SessionRow(*row[:10], verified=bool(row[10]))  # type: ignore[misc]
            for row in self.db.execute(sql + clauses, args)
        ]

    def delete_session(self, session_id: str) -> None:
        with self.transaction():
            self.db.execute("DELETE FROM sessions WHERE id = ?", (session_id,))

    # ------------------------------------------------------------------ drafts

    def save_draft(self, session_id: str, stage: str, text: str) -> None:
        with self.lock:
            self._save_draft(session_id, stage, text)

    def _save_draft(self, session_id: str, stage: str, text: str) -> None:
        self.db.execute(
            """INSERT INTO drafts (session_id, stage, text, updated) VALUES (?, ?, ?, ?)
               ON CONFLICT(session_id) DO UPDATE SET stage = excluded.stage, text = excluded.text,
                   updated = excluded.updated""",
            (session_id, stage, text, now()),
        )

    def draft(self, session_id: str) -> tuple[str, str] | None:
        row = self.db.execute("SELECT stage, text FROM drafts WHERE session_id = ?", (session_id,)).fetchone()
        return (row[0], row[1]) if row else None


class _Transaction:
    def __init__(self, store: Store):
        self.store = store

    def __enter__(self) -> None:
        self.store.lock.acquire()
        if self.store.depth == 0:
            try:
                self.store.db.execute("BEGIN IMMEDIATE")
            except BaseException:
                self.store.lock.release()
                raise
        self.store.depth += 1

    def __exit__(self, kind: object, value: object, tb: object) -> None:
        self.store.depth -= 1
        try:
            if self.store.depth == 0:
                self.store.db.execute("COMMIT" if kind is None else "ROLLBACK")
        finally:
            self.store.lock.release()
