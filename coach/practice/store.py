"""Practice history in SQLite: sessions, their full state, and drafts as they are typed.

The database lives in the user data folder (COACH_HOME moves it). WAL mode and a busy
timeout let two coach processes share it; `PRAGMA application_id` marks the file as
ours, so a damaged or foreign file is reported and never overwritten.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from coach import paths

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
]


class StoreError(RuntimeError):
    """The history database cannot be used; the message says why and what to do."""


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


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Store:
    def __init__(self, path: Path | None = None):
        self.path = path or paths.database()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.lock = threading.RLock()  # the UI's worker threads share this connection
        self.depth = 0  # transactions open (nested ones join the outermost)
        try:
            self.db = sqlite3.connect(self.path, timeout=10, isolation_level=None, check_same_thread=False)
            self.db.execute("PRAGMA busy_timeout = 10000")
            self._check_and_migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"{self.path} is not a usable coach history database ({exc}). It was left untouched; "
                "move it aside or set COACH_HOME to use another folder."
            ) from None

    def _check_and_migrate(self) -> None:
        app_id = self.db.execute("PRAGMA application_id").fetchone()[0]
        tables = self.db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
        if app_id != APPLICATION_ID and tables:
            raise StoreError(
                f"{self.path} belongs to another program (it has tables but no coach marker). It was left "
                "untouched; move it aside or set COACH_HOME to use another folder."
            )
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise StoreError(f"{self.path} was written by a newer coach (schema {version}); upgrade the coach.")
        self.db.execute("PRAGMA journal_mode = WAL")
        self.db.execute("PRAGMA foreign_keys = ON")
        for number, statements in enumerate(MIGRATIONS[version:], start=version + 1):
            with self.transaction():
                for sql in statements:
                    self.db.execute(sql)
                self.db.execute(f"PRAGMA user_version = {number}")
                self.db.execute(f"PRAGMA application_id = {APPLICATION_ID}")

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
    ) -> None:
        with self.transaction():
            self.db.execute(
                """INSERT INTO sessions (id, scenario, title, target, mode, started, updated, status, score, state)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT(id) DO UPDATE SET updated = excluded.updated, status = excluded.status,
                       score = excluded.score, state = excluded.state, target = excluded.target, mode = excluded.mode""",
                (id, scenario, title, target, mode, started, now(), status, score, state_json),
            )
            if status == "finished":
                self.db.execute("DELETE FROM drafts WHERE session_id = ?", (id,))

    def update_state(self, session_id: str, state_json: str) -> None:
        """Replace a stored session's state and nothing else (an import taking a mentor's review)."""
        with self.transaction():
            self.db.execute("UPDATE sessions SET state = ?, updated = ? WHERE id = ?", (state_json, now(), session_id))

    def load_state(self, session_id: str) -> str:
        row = self.db.execute("SELECT state FROM sessions WHERE id = ?", (session_id,)).fetchone()
        if row is None:
            raise KeyError(f"no session {session_id!r} in the history")
        state: str = row[0]
        return state

    def sessions(self, status: str | None = None, limit: int = 500) -> list[SessionRow]:
        sql = (
            "SELECT id, scenario, title, target, mode, started, updated, status, score, "
            "CASE WHEN json_valid(state) THEN coalesce(json_extract(state, '$.learner'), '') ELSE '' END, "
            "NOT (json_valid(state) AND coalesce(json_extract(state, '$.unverified'), 0)) "
            "FROM sessions"
        )
        args: tuple[str, ...] = ()
        if status:
            sql += " WHERE status = ?"
            args = (status,)
        # newest first by when it was started (an import or a rescore does not move it);
        # `coach history` and the history screen both show this order
        sql += " ORDER BY started DESC, rowid DESC LIMIT ?"
        # mypy cannot count the columns: the first ten are the fields before `verified`
        return [SessionRow(*row[:10], verified=bool(row[10])) for row in self.db.execute(sql, args + (limit,))]  # type: ignore[misc]

    def exported(self, ids: Sequence[str] = ()) -> Iterator[tuple[str, str, float | None, str]]:
        """(id, title, score, state JSON) of every session (or those in ``ids``), oldest first,
        one at a time: an export streams them, so its memory does not grow with the history."""
        where = f" WHERE id IN ({', '.join('?' * len(ids))})" if ids else ""
        cursor = self.db.execute(f"SELECT id, title, score, state FROM sessions{where} ORDER BY started, rowid", ids)
        yield from cursor  # sqlite3 fetches rows as they are asked for

    def practice_seconds(self) -> float:
        """Time spent answering, summed over the user's own sessions (not those run for a learner)."""
        row = self.db.execute(
            """SELECT coalesce(sum(json_extract(r.value, '$.seconds')), 0) FROM sessions,
                   json_each(CASE WHEN json_valid(state) THEN state ELSE '{}' END, '$.records') AS r
               WHERE coalesce(json_extract(CASE WHEN json_valid(state) THEN state END, '$.learner'), '') = ''"""
        ).fetchone()
        return float(row[0])

    def unfinished(self) -> list[SessionRow]:
        """Unfinished sessions, the one worked on most recently first (the one to offer to resume)."""
        rows = [s for s in self.sessions(limit=1_000_000) if s.status != "finished"]
        return sorted(rows, key=lambda s: s.updated, reverse=True)

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
