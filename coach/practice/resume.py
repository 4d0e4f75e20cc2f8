"""Running a practice session with its history: shared by the plain mode and the UI."""

from __future__ import annotations

from typing import Any

from coach.library.loader import Library
from coach.practice.session import Session
from coach.practice.store import Store
from coach.scoring.engine import Scorer


def snapshot(session: Session) -> dict[str, Any]:
    """Everything needed to save the session, taken at one instant (cheap; UI thread)."""
    session.checkpoint()
    st = session.state
    score = session.summary().score if session.finished else None
    return dict(
        state_json=session.dump(),
        id=st.id,
        scenario=st.scenario,
        title=session.scenario.title,
        target=st.target.value,
        mode=st.mode.value,
        started=st.started,
        status=st.status,
        score=score,
    )


def write(store: Store, snap: dict[str, Any]) -> None:
    """Write a snapshot (file work: may run in a worker thread)."""
    state_json = snap.pop("state_json")
    store.save_session(state_json, **snap)


def persist(store: Store, session: Session) -> None:
    """Save the whole session state now (call after every step)."""
    write(store, snapshot(session))


def save_draft(store: Store, session: Session, text: str) -> None:
    session.set_draft(text)
    if session.state.current:
        store.save_draft(session.state.id, session.state.current, text)


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
