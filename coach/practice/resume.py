"""Running a practice session with its history: shared by the plain mode and the UI.

Saving never loses an answer. When the history cannot be written (a full disk, a folder made
read-only), `save` keeps the whole session aside in a JSON file (`unsaved/ID.json` in the
data folder, or in the temporary folder when that fails too), and says so; the next save
that works removes the file, and `recover` takes any file left behind back into the history.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from coach import paths
from coach.library.loader import Library
from coach.practice.session import Session, SessionState, Summary
from coach.practice.store import Results, Store, StoreError
from coach.scoring.engine import Scorer

# what a failed write to the history raises: SQLite's errors (a full disk, a read-only file), the
# operating system's (no space left), or the store's own
WRITE_FAILURES = (sqlite3.Error, OSError, StoreError)


ROW_COLUMNS = ("id", "scenario", "title", "target", "mode", "started", "status", "score")


@dataclass(frozen=True)
class Snapshot:
    """Everything needed to save a session, taken at one instant (cheap; UI thread)."""

    state_json: str
    row: dict[str, Any]
    """The sessions table's columns: id, scenario, title, target, mode, started, status, score."""
    results: Results | None
    stage: str | None
    """The stage being answered, and the draft typed for it."""
    draft: str


@dataclass(frozen=True)
class Unsaved:
    """A save that failed: why, and the file the session was kept in instead (None: memory only)."""

    reason: str
    kept_in: Path | None

    def message(self, leaving: bool = False) -> str:
        """What happened and what to do, during the session or (``leaving``) once the coach has exited."""
        if leaving:
            if self.kept_in is None:
                return f"Your last answers could not be saved ({self.reason}), nor kept in a file: they are lost."
            return (
                f"Your last answers could not be saved in your history ({self.reason}); they are kept in "
                f"{self.kept_in}. Free some disk space: the next time the coach starts, it takes them back."
            )
        kept = f"in memory and in {self.kept_in}" if self.kept_in else "in memory only (no file could be written)"
        return (
            f"Your history could not be saved ({self.reason}). Your answers are kept {kept}; keep going. "
            "Free some disk space or make the data folder writable: the coach saves again at your next step, "
            "and the next time it starts it takes the kept file back into your history."
        )


def results_of(summary: Summary) -> Results:
    """What the history keeps of a finished session's results (see Store.results)."""
    return Results(summary.level, tuple((c.competency, c.score, c.level) for c in summary.competencies))


def snapshot(session: Session) -> Snapshot:
    """Everything needed to save the session, taken at one instant (cheap; UI thread)."""
    session.checkpoint()
    st = session.state
    summary = session.summary() if session.finished else None
    row = dict(  # ROW_COLUMNS
        id=st.id,
        scenario=st.scenario,
        title=session.scenario.title,
        target=st.target.value,
        mode=st.mode.value,
        started=st.started,
        status=st.status,
        score=summary.score if summary else None,
    )
    results = results_of(summary) if summary else None
    return Snapshot(session.dump(), row, results, st.current if st.status == "answering" else None, st.draft)


def write(store: Store, snap: Snapshot) -> None:
    """Write a snapshot (file work: may run in a worker thread). Raises one of WRITE_FAILURES."""
    store.save_session(snap.state_json, **snap.row, results=snap.results)


def save(store: Store, snap: Snapshot) -> Unsaved | None:
    """Write a snapshot; when the history cannot be written, keep it aside and say where (never raises
    WRITE_FAILURES). A save that works removes what an earlier failed one kept aside."""
    try:
        write(store, snap)
    except WRITE_FAILURES as exc:
        return keep_aside(snap, exc)
    for folder in paths.unsaved_folders():
        (folder / _file_name(snap.row["id"])).unlink(missing_ok=True)
    return None


def save_draft_of(store: Store, snap: Snapshot) -> Unsaved | None:
    """Save the snapshot's draft (the answer being typed); like `save`, it never raises WRITE_FAILURES."""
    if snap.stage is None:
        return None
    try:
        store.save_draft(snap.row["id"], snap.stage, snap.draft)
    except WRITE_FAILURES as exc:
        return keep_aside(snap, exc)
    return None


def persist(store: Store, session: Session) -> None:
    """Save the whole session state now, or raise one of WRITE_FAILURES."""
    write(store, snapshot(session))


def save_draft(store: Store, session: Session, text: str) -> Unsaved | None:
    """Keep ``text`` as the session's draft and save it (see save_draft_of)."""
    session.set_draft(text)
    return save_draft_of(store, snapshot(session))


# ---------------------------------------------------------------------------- kept aside


def _file_name(session_id: str) -> str:
    """A file name from a session id, whatever the id holds (it came from a file, maybe a hostile one)."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", session_id)[:64] + ".json"


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return str(exc) or type(exc).__name__


KEPT_FORMAT = "tpm-coach-unsaved"


def keep_aside(snap: Snapshot, exc: BaseException) -> Unsaved:
    """Write the snapshot where `recover` finds it again: one JSON object, the state readable as it is."""
    from coach.practice.actions import write_atomically  # actions builds on this module

    kept = asdict(snap) | {"format": KEPT_FORMAT, "state_json": None, "state": json.loads(snap.state_json)}
    text = json.dumps(kept, ensure_ascii=False) + "\n"
    for folder in paths.unsaved_folders():
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)  # answers are private
            if folder.stat().st_uid != os.getuid():
                continue  # a shared temporary folder with a folder of this name made by someone else
            target = folder / _file_name(snap.row["id"])
            write_atomically(target, text)
        except OSError:
            continue
        return Unsaved(_reason(exc), target)
    return Unsaved(_reason(exc), None)


def _kept_snapshot(text: str) -> Snapshot:
    """A snapshot kept aside by keep_aside; ValueError when the file holds anything else."""
    data = json.loads(text)
    if not isinstance(data, dict) or data.get("format") != KEPT_FORMAT:
        raise ValueError("not a session kept by the coach")
    state = SessionState.model_validate(data["state"])  # a damaged file is never saved into the history
    row, results = data["row"], data["results"]
    if not isinstance(row, dict) or set(row) != set(ROW_COLUMNS) or row["id"] != state.id:
        raise ValueError("not a session kept by the coach")
    if results is not None:
        results = Results(results["level"], tuple(tuple(c) for c in results["competencies"]))
    return Snapshot(state.model_dump_json(), row, results, data["stage"], str(data["draft"]))


def recover(store: Store) -> list[str]:
    """Take the sessions that failed saves kept aside back into the history; one line per file
    saying what happened. A file is removed only once its session is in the history."""
    said = []
    for folder in paths.unsaved_folders():
        try:
            files = sorted(folder.glob("*.json"))
        except OSError:
            continue
        for path in files:
            try:
                snap = _kept_snapshot(path.read_text(encoding="utf-8"))
            except (OSError, ValueError, KeyError, TypeError) as exc:
                said.append(f"{path}: kept from a failed save but cannot be read ({exc}); left where it is")
                continue
            unsaved = save(store, snap) or save_draft_of(store, snap)  # save removes the file once it works
            if unsaved is not None:
                said.append(f"{path}: still cannot be saved into your history ({unsaved.reason}); left where it is")
                return said
            said.append(
                f"Session {snap.row['id']} ({snap.row['title']}) was kept in {path} by a failed save; "
                "it is back in your history."
            )
    return said


def resume(store: Store, library: Library, session_id: str, scorer: Scorer | None = None) -> Session:
    """The one way to restore a saved session from the store (resuming, history, reports,
    re-scoring): its state exactly, with the draft that was being typed, and the stage clock
    restarted now, so time spent away is never counted. KeyError: no such session;
    ValueError: a state this coach cannot read."""
    session = Session.restore(library, store.load_state(session_id), scorer)
    draft = store.draft(session_id)
    if draft and draft[0] == session.state.current:
        session.state.draft = draft[1]
    session.resume_clock()
    return session
