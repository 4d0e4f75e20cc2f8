"""Practice history: progress over time, re-scoring, what to practise next, and moving
sessions between machines. Plain Python over coach.practice.store; no UI."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from coach.library.formats import Competency, Level
from coach.library.loader import Library
from coach.practice.exchange import ExportRecord, read_export
from coach.practice.resume import resume
from coach.practice.session import Session, SessionState, Summary
from coach.practice.store import SessionRow, Store
from coach.practice.stories import StoryBank, StoryImport, import_records
from coach.scoring.engine import Scorer

load_session = resume  # the one restore, under the name callers know


@dataclass(frozen=True)
class Point:
    """One session's result for one competency."""

    session_id: str
    started: str
    scenario: str
    score: float  # 0-4
    level: str | None
    target: str


def own_sessions(store: Store, status: str | None = None) -> list[SessionRow]:
    """The user's own sessions: not the mock interviews and reviews a mentor ran for a
    learner (those carry the learner's name), which must not feed the mentor's progress."""
    return [row for row in store.sessions(status=status, limit=1_000_000) if not row.learner]


def finished_sessions(store: Store, library: Library, scorer: Scorer | None = None) -> Iterator[Session]:
    """The user's own finished sessions whose scenario still exists, in the order they were started."""
    for row in sorted(own_sessions(store, "finished"), key=lambda r: r.started):
        if row.scenario in library.scenarios:
            try:
                yield load_session(store, library, row.id, scorer)
            except (ValueError, KeyError):
                continue  # a session from an incompatible version: listed, not charted


def timeline(store: Store, library: Library) -> dict[str, list[Point]]:
    """Per competency, the score of every finished session, oldest first."""
    out: dict[str, list[Point]] = {}
    for session in finished_sessions(store, library):
        for comp, point in session_points(session):
            out.setdefault(comp, []).append(point)
    return out


def session_points(session: Session) -> list[tuple[str, Point]]:
    """(competency, point) for each competency the session assessed (skipped stages count for none)."""
    st = session.state
    return [
        (comp.competency, Point(st.id, st.started, st.scenario, comp.score, comp.level, st.target.value))
        for comp in session.competencies()
    ]


# --------------------------------------------------------------------------- re-scoring


@dataclass(frozen=True)
class Rescore:
    stage: str
    before: float
    after: float


def rescore(session: Session, scorer: Scorer | None = None) -> list[Rescore]:
    """Score every answer again with the current scenario and rubric files; the session's
    reports and recorded versions are updated. Returns the change per stage."""
    scorer = scorer or session.scorer
    changes = []
    for rec in session.state.records:
        before = rec.report.score if rec.report else 0.0
        stage = session.scenario.stage(rec.stage)
        if stage is None:
            continue
        rec.report = scorer.score_stage(session.scenario, stage, "\n\n".join(rec.answers), session.state.target)
        changes.append(Rescore(rec.stage, before, rec.report.score))
    session.state.scenario_version = session.scenario.version
    session.state.rubric_versions = {r: session.library.rubric(r).version for r in session.scenario.rubrics}
    return changes


def is_outdated(session: Session) -> bool:
    """True when the scenario or a rubric changed version since the session was scored."""
    lib = session.library
    if session.state.scenario_version != session.scenario.version:
        return True
    return any(r in lib.rubrics and lib.rubric(r).version != v for r, v in session.state.rubric_versions.items())


# --------------------------------------------------------------------------- what next

# Spaced repetition: how long a competency can rest after a session, by its score (0-4).
INTERVALS = ((3.0, 21), (2.0, 7), (1.0, 3), (0.0, 1))


def rest_days(score: float) -> int:
    return next(days for floor, days in INTERVALS if score >= floor)


@dataclass(frozen=True)
class Recommendation:
    scenario: str | None
    competency: str | None
    reason: str


def summarise(
    session: Session, store: Store | None = None, reviewed: bool = False, now: datetime | None = None
) -> Summary:
    """The session's summary with "practise next" from the one recommender, over ``store``'s
    history with this session in it (without a store, the history is this session alone)."""
    summary = session.summary(reviewed=reviewed)
    rec = recommend(store, session.library, now=now, session=session)
    return summary.model_copy(update={"next_scenario": rec.scenario, "next_reason": rec.reason})


def recommend(
    store: Store | None,
    library: Library,
    target: Level | None = None,
    now: datetime | None = None,
    points: dict[str, list[Point]] | None = None,
    session: Session | None = None,
) -> Recommendation:
    """The next scenario: the competency most overdue for practice (weak ones come back
    sooner), then the scenario that exercises it and was practised least recently. The one
    recommender: the summary, the history screen and `coach next` all ask it. A saved practice
    plan (coach.practice.plan) comes first: its next session, while the interview is ahead.
    ``points`` is the timeline, when the caller already has it. ``session`` is one just
    finished, counted in the history even before it is saved (without a store, the history is
    that session alone). ``target`` defaults to the target of the latest session."""
    now = now or datetime.now(timezone.utc)
    if store is not None and (session is None or not session.state.learner):
        from coach.practice.plan import follow_plan  # the plan is built on this module

        planned = follow_plan(store, library, now, target, session)
        if planned is not None:  # a saved practice plan decides, while it lasts
            return planned
    if points is None:
        points = timeline(store, library) if store is not None else {}
    last_played: dict[str, str] = {}
    for row in own_sessions(store) if store is not None else []:
        last_played[row.scenario] = max(last_played.get(row.scenario, ""), row.started)
    if session is not None and session.finished and not session.state.learner:  # a mentee's session is not ours
        points = {comp: [p for p in series if p.session_id != session.state.id] for comp, series in points.items()}
        for comp, point in session_points(session):
            points.setdefault(comp, []).append(point)
        points = {comp: sorted(series, key=lambda p: p.started) for comp, series in points.items() if series}
        sid = session.state.scenario
        last_played[sid] = max(last_played.get(sid, ""), session.state.started)
    if not points:
        start = min(
            library.scenarios.values(), key=lambda e: (e.item.level.rank, e.item.difficulty != "foundation", e.item.id)
        )
        return Recommendation(start.item.id, None, "No answered sessions yet: start with a foundation scenario.")
    if target is None:  # the level the learner practised for last
        target = Level(max((p for series in points.values() for p in series), key=lambda p: p.started).target)
    due: list[tuple[float, str, Point]] = []
    for comp, series in points.items():
        last = series[-1]
        age = (now - datetime.fromisoformat(last.started)).total_seconds() / 86400
        overdue = age / rest_days(last.score)  # 1.0 means due today
        due.append((overdue + (4 - last.score) * 0.1, comp, last))
    exercised = {c.value for e in library.scenarios.values() for c in library.competencies(e.item)}
    never = sorted(exercised - set(points))  # only what some scenario can practise
    if never and max(d[0] for d in due) < 1.0:
        comp, reason = never[0], f"You have not practised {Competency(never[0]).title.lower()} yet."
    else:
        score, comp, last = max(due)
        when = "due" if score >= 1.0 else "the nearest to due"
        reason = (
            f"{Competency(comp).title} is {when}: last scored {last.score:.2f}/4 on "
            f"{last.started[:10]}; a score like that comes back after {rest_days(last.score)} day(s)."
        )
        if last.score < 2.0:
            reason += " A weak score, so it comes back soon."
    candidates = []
    for entry in library.scenarios.values():
        sc = entry.item
        comps = {c.value for c in library.competencies(sc)}
        if comp in comps:
            level_gap = abs(sc.level.rank - (target.rank if target else sc.level.rank))
            candidates.append((last_played.get(sc.id, ""), level_gap, sc.id))
    if not candidates:
        return Recommendation(None, comp, reason + " No scenario exercises it yet.")
    played, _, choice = min(candidates)
    reason += " Least recently practised scenario for it." if played else " A scenario you have not tried."
    return Recommendation(choice, comp, reason)


# --------------------------------------------------------------------------- export and import


def export_lines(store: Store, ids: Iterable[str] | None = None, learner: str = "") -> Iterator[str]:
    """Export lines of the stored sessions (all, or ``ids``), oldest first; ``learner``
    names whose sessions they are (a mentee sending them to a mentor)."""
    wanted = set(ids) if ids else None
    for row in reversed(store.sessions(limit=1_000_000)):
        if wanted is None or row.id in wanted:
            try:
                state = SessionState.model_validate_json(store.load_state(row.id))
            except ValueError:
                continue  # a state this coach cannot read (it stays in the store); the count says what was exported
            if learner:
                state.learner = learner
            yield ExportRecord.of(state, row.title, row.score).line()


@dataclass
class ImportResult:
    added: int = 0
    unchanged: int = 0
    reviewed: int = 0  # sessions already present that gained a (newer) mentor review
    problems: list[str] | None = None
    for_others: int = 0
    """New sessions kept as run for someone else (they carry a learner's name)."""
    claimed: int = 0
    """Sessions imported before as someone else's, now the user's own (``mine``)."""
    stories: StoryImport | None = None
    """What happened to the story-bank records of the file."""


def import_file(store: Store, path: Path, mine: bool = False) -> ImportResult:
    """Add the sessions in a JSON Lines export; a session already present is left as it is
    (so importing the same file twice adds nothing) unless the file brings a newer mentor
    review of it, which is then taken.

    A new session that names a learner (a mentee's export, a mock interview a mentor ran)
    stays someone else's and does not feed the user's progress, unless ``mine`` says the
    user is that learner: then it becomes the user's own."""
    exported = read_export(path)
    result = ImportResult(problems=exported.problem_lines())
    existing = {row.id for row in store.sessions(limit=1_000_000)}
    for _, record in exported.records:
        state = record.state
        if state.id in existing:
            stored = SessionState.model_validate_json(store.load_state(state.id))
            if _newer_review(state, store):  # a review of a session of ours: take it, keep whose it is
                state.learner = "" if mine else stored.learner
                result.reviewed += 1
            elif mine and stored.learner:  # imported before without --mine: it is the user's after all
                state, state.learner = stored, ""
                result.claimed += 1
            else:
                result.unchanged += 1
                continue
        else:
            if mine:
                state.learner = ""
            elif state.learner:
                result.for_others += 1
            result.added += 1
        store.save_session(
            state.model_dump_json(),
            id=state.id,
            scenario=state.scenario,
            title=record.title or state.scenario,
            target=state.target.value,
            mode=state.mode.value,
            started=state.started,
            status=state.status,
            score=record.score,
        )
        existing.add(state.id)
    result.stories = import_records(StoryBank(store), exported.stories)
    return result


def _newer_review(incoming: SessionState, store: Store) -> bool:
    if incoming.review is None or incoming.review.reviewed is None:
        return False
    current = SessionState.model_validate_json(store.load_state(incoming.id))
    return current.review is None or (current.review.reviewed or "") < incoming.review.reviewed
