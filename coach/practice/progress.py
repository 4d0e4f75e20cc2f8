"""Progress at a glance, below the UI: the overview (sessions, time practised, streak of days)
and the attempt a session is compared with. Plain Python over coach.practice.store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from coach.practice.history import own_sessions
from coach.practice.store import SessionRow, Store


def local_day(iso: str) -> date | None:
    """The user's calendar day of a stored time (stored in UTC): a streak counts the days they lived.
    None when it cannot be read: a bad or out-of-range date an older coach or an import left."""
    try:
        return datetime.fromisoformat(iso).astimezone().date()
    except (ValueError, OverflowError):
        return None


class LocalDays(dict[str, date | None]):
    """local_day of stored times, each distinct time worked out once (astimezone is what costs)."""

    def __missing__(self, iso: str) -> date | None:
        day = self[iso] = local_day(iso)
        return day


@dataclass(frozen=True)
class Overview:
    sessions: int
    """The user's own finished sessions."""
    seconds: float
    """Time spent answering, over all the user's own sessions."""
    streak: int
    """Days in a row, up to today, with a session (a streak still stands until a whole day is missed)."""


def streak(days: set[date], today: date) -> int:
    """Consecutive days with practice ending today, or yesterday when today has none yet."""
    day = today if today in days else today - timedelta(days=1)
    count = 0
    while day in days:
        count += 1
        day -= timedelta(days=1)
    return count


def overview(
    store: Store, today: date, rows: list[SessionRow] | None = None, days: LocalDays | None = None
) -> Overview:
    """``rows``: the user's own sessions, when the caller already has them; ``days``: their days, when known."""
    rows = own_sessions(store) if rows is None else rows
    days = LocalDays() if days is None else days
    finished = [r for r in rows if r.status == "finished"]
    practised = {day for r in rows if (day := days[r.started])}
    return Overview(len(finished), store.practice_seconds(), streak(practised, today))


def previous_attempt(store: Store, session_id: str) -> SessionRow | None:
    """The user's finished attempt at the same scenario started just before this session, if any."""
    rows = own_sessions(store, "finished")
    this = next((r for r in store.sessions(limit=1_000_000) if r.id == session_id), None)
    if this is None:
        return None
    earlier = [r for r in rows if r.scenario == this.scenario and (r.started, r.id) < (this.started, this.id)]
    return max(earlier, key=lambda r: (r.started, r.id), default=None)
