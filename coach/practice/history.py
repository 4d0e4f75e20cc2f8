"""Practice history: progress over time, re-scoring, what to practise next, and moving
sessions between machines. Plain Python over coach.practice.store; no UI."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import NamedTuple

from coach.library.formats import Competency, Level
from coach.library.loader import Library
from coach.practice.exchange import ExportRecord

# the import lives in coach.practice.importing (it starts without the scorer); here too for callers
from coach.practice.importing import ImportResult as ImportResult
from coach.practice.importing import import_file as import_file
from coach.practice.resume import WRITE_FAILURES, persist, results_of, resume
from coach.practice.session import Session, SessionState, Summary
from coach.practice.store import ResultRow, Results, SessionRow, Store
from coach.scoring.engine import Scorer

load_session = resume  # the one restore, under the name callers know


class Point(NamedTuple):  # (a tuple: the history makes one per stored result, tens of thousands)
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


def timeline(store: Store, library: Library, last: int | None = None) -> dict[str, list[Point]]:
    """Per competency, the score of every finished session (or of the ``last`` ones), oldest first:
    the results stored when each session was saved (not every session re-read), for the interview
    scenarios still in the library."""
    unstored = _missing_results(store, library)  # first: those it stores are then read with the rest
    rows = store.results()
    if unstored:
        rows = sorted(rows + unstored, key=lambda r: r.started)
    # not coaching scenarios (not interview evidence), nor scores as another coach exported them
    skip = store.unverified_ids()
    charted = {sid for sid, entry in library.scenarios.items() if not entry.item.coaching}
    series: dict[str, list[Point]] = {}
    for r in rows:
        if r.scenario in charted and r.session_id not in skip:
            point = Point(r.session_id, r.started, r.scenario, r.score, r.level, r.target)
            series.setdefault(r.competency, []).append(point)
    return {comp: found[-(last or 0) :] for comp, found in series.items()}


def _missing_results(store: Store, library: Library) -> list[ResultRow]:
    """Work out the results of the sessions saved without them (by an older coach, or imported) and
    store them, all in one transaction; when they cannot be stored (a read-only or full history),
    they are returned instead, for this time only."""
    worked_out: dict[str, tuple[SessionRow, Results]] = {}
    for row in store.pending_results():
        if row.scenario not in library.scenarios:
            continue  # its results are worked out if the scenario comes back
        try:
            worked_out[row.id] = row, results_of(load_session(store, library, row.id).summary())
        except (ValueError, KeyError):
            continue  # a session from an incompatible version: listed, not charted
    if worked_out and not store.read_only:
        try:
            store.save_results({sid: results for sid, (_, results) in worked_out.items()})
            return []
        except WRITE_FAILURES:
            pass
    return [
        ResultRow(row.id, row.started, row.scenario, row.target, *result)
        for row, results in worked_out.values()
        for result in results.competencies
    ]


def session_points(session: Session) -> list[tuple[str, Point]]:
    """(competency, point) for each competency the session assessed (skipped stages count for none).
    A coaching scenario (a talk with your manager, not an interview question) gives none: it is
    not interview evidence, so it never moves the ladder level, the trends or what comes next."""
    if session.scenario.coaching:
        return []
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
    if len(changes) == len(session.state.records):  # every report is this coach's own now
        session.state.unverified = False
    return changes


def is_outdated(session: Session) -> bool:
    """True when the scenario or a rubric changed version since the session was scored, or its
    scores are as another coach exported them."""
    lib = session.library
    if session.state.scenario_version != session.scenario.version or session.state.unverified:
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
    # what to practise next is interview practice: coaching scenarios are never suggested
    interview = [e for e in library.scenarios.values() if not e.item.coaching]
    if points is None:
        points = timeline(store, library) if store is not None else {}
    last_played = store.last_played() if store is not None else {}
    if session is not None and session.finished and not session.state.learner:  # a mentee's session is not ours
        points = {comp: [p for p in series if p.session_id != session.state.id] for comp, series in points.items()}
        for comp, point in session_points(session):
            points.setdefault(comp, []).append(point)
        points = {comp: sorted(series, key=lambda p: p.started) for comp, series in points.items() if series}
        sid = session.state.scenario
        last_played[sid] = max(last_played.get(sid, ""), session.state.started)
    if not points and not interview:
        return Recommendation(None, None, "No interview scenario is loaded.")
    if not points:
        start = min(interview, key=lambda e: (e.item.level.rank, e.item.difficulty != "foundation", e.item.id))
        return Recommendation(start.item.id, None, "No answered sessions yet: start with a foundation scenario.")
    if target is None:  # the level the learner practised for last
        target = Level(max((p for series in points.values() for p in series), key=lambda p: p.started).target)
    due: list[tuple[float, str, Point]] = []
    for comp, series in points.items():
        last = series[-1]
        age = (now - datetime.fromisoformat(last.started)).total_seconds() / 86400
        overdue = age / rest_days(last.score)  # 1.0 means due today
        due.append((overdue + (4 - last.score) * 0.1, comp, last))
    exercised = {c.value for e in interview for c in library.competencies(e.item)}
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
    for entry in interview:
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
    """Export lines of the stored sessions (all, or ``ids``), oldest first, read and written one
    at a time; ``learner`` names whose sessions they are (a mentee sending them to a mentor)."""
    for _, title, score, state_json in store.exported(tuple(ids or ())):
        try:
            state = SessionState.model_validate_json(state_json)
        except ValueError:
            continue  # a state this coach cannot read (it stays in the store); the count says what was exported
        if learner:
            state.learner = learner
        yield ExportRecord.of(state, title, score).line()


def verify_scores(session: Session) -> bool:
    """Recompute the session's reports from its answers with the current files, instead of
    trusting the ones it came with (a file from someone else). False, and the session marked
    unverified, when they cannot be recomputed: a stage it answered is not in the scenario."""
    every_stage = len(rescore(session)) == len(session.state.records)
    session.state.unverified = not every_stage
    return every_stage


# --------------------------------------------------------------------------- verifying imported scores


@dataclass(frozen=True)
class Verified:
    """One session's imported scores checked against its answers."""

    session_id: str
    scenario: str
    before: float | None
    """The overall score as exported (None: not assessed)."""
    after: float | None
    """Recomputed here (the score as exported when ``verified`` is False)."""
    verified: bool
    said: str
    """What happened, for the user: the version that scored it, and the file's score when it differs."""


def awaiting_verification(store: Store, library: Library, own: bool = False) -> list[str]:
    """The sessions whose scores came with an imported file and can be recomputed here (their
    scenario is in the library), oldest first; ``own``: the user's own only (those that will count)."""
    return [
        sid for sid, scenario, learner in store.unverified() if scenario in library.scenarios and not (own and learner)
    ]


def verify_pending(
    store: Store,
    library: Library,
    ids: Iterable[str] | None = None,
    done: Callable[[Verified], None] | None = None,
    stop: Callable[[], bool] | None = None,
) -> list[Verified]:
    """Recompute from their answers the scores of the sessions awaiting verification (all, or
    ``ids``), each written as soon as it is done: interrupted, the sessions not reached stay
    awaiting and nothing is lost. ``done`` is told of each; ``stop()`` true ends the work before
    the next session. A session changed by someone else meanwhile is left for the next time."""
    scorer = Scorer(library)
    out = []
    for sid in list(awaiting_verification(store, library) if ids is None else ids):
        if stop is not None and stop():
            break
        try:
            raw = store.load_state(sid)
            session = Session(library, SessionState.model_validate_json(raw), scorer)
        except (KeyError, ValueError):
            continue  # gone meanwhile, its scenario gone, or a state from an incompatible version
        if not session.state.unverified:
            continue
        result = _verify(session, store)
        with store.transaction():
            if store.load_state(sid) != raw:
                continue  # changed since it was read (a review imported, a re-score): verified next time
            persist(store, session)
        out.append(result)
        if done is not None:
            done(result)
    return out


def _verify(session: Session, store: Store) -> Verified:
    state = session.state
    row = store.row(state.id)
    before = row.score if row else None
    exported_version = state.scenario_version
    complete = verify_scores(session)
    after = session.summary().score if session.finished else None
    if not complete:
        said = "scores as exported, not verified (it answers stages the scenario no longer has)"
        return Verified(state.id, state.scenario, before, after, False, said)
    said = f"scores recomputed from the answers with {state.scenario} version {state.scenario_version}"
    if exported_version != state.scenario_version:
        said += f" (the file's were from version {exported_version})"
    if before is not None and after is not None and abs(before - after) >= 0.05:
        said += f"; the file said {before:g}, recomputed {after:g}"
    return Verified(state.id, state.scenario, before, after, True, said)
