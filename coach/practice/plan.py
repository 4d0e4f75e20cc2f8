"""A practice plan to the interview date: which scenarios, in what order, on which days.

Weakest competencies (against the target level) come first; a job description weights the
competencies it asks for, found with the rubrics' own phrase matching; a scenario for a
competency still short of the target comes back after growing gaps (spaced repetition); and
where scenarios name the part of the interview loop they belong to (`area`), the plan mixes
them. Deterministic for a given day, history and library. The plan is kept in settings.json:
`coach next`, the summary and the history screen follow it (see follow_plan)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from pydantic import BaseModel, ValidationError

from coach import settings
from coach.library.formats import Competency, Level, Scenario
from coach.library.loader import Library
from coach.practice.history import Point, Recommendation, own_sessions, timeline
from coach.practice.progress import local_day
from coach.practice.session import Session
from coach.practice.store import SessionRow, Store
from coach.scoring.engine import MAX_TOKENS, Scorer
from coach.scoring.matching import AnswerIndex, Matcher, match_concept
from coach.scoring.text import tokenize

GAPS = (1, 3, 7)
"""Days before a scenario is practised again, after its first, second and third time in the plan."""
DEFAULT_PER_WEEK = 4
MAX_JOB_BYTES = 200_000
"""A job description is a page or two of text; anything far larger is not one."""
JOB_WEIGHT = 2.0
"""The competency a job description asks for most weighs 1 + JOB_WEIGHT; one it never mentions, 1."""


class PlanError(ValueError):
    """A plan that cannot be made; the message says why and what to do."""


def today() -> date:
    """The user's calendar day (tests replace this)."""
    return datetime.now().astimezone().date()


class PlanItem(BaseModel):
    day: date
    scenario: str
    competency: str | None
    """The competency this session is for."""
    reason: str
    repeat: int = 0
    """0 the first time the scenario appears in the plan, then 1, 2, 3."""


class Focus(BaseModel):
    competency: str
    latest: float | None
    """The latest score (0-4), None when never practised."""
    needed: float
    """What the target level asks (0-4)."""
    weight: float = 1.0
    """From the job description (1 when none was given)."""
    asked: list[str] = []
    """What the job description asks that this competency covers: the rubric concepts found in it."""

    @property
    def gap(self) -> float:
        return max(0.0, self.needed - (self.latest or 0.0))

    @property
    def priority(self) -> float:
        # a competency at the target still gets a little practice; the job description scales both
        return (self.gap + 0.25) * self.weight


class Plan(BaseModel):
    made: date
    made_at: str = ""
    """When it was made (UTC, as session start times are stored): sessions started since count for it."""
    interview: date
    target: Level
    per_week: int
    focus: list[Focus]
    """Every competency a scenario exercises, the first to work on first."""
    items: list[PlanItem]
    job_description: str = ""
    """The file the weights came from ("" when none)."""


# --------------------------------------------------------------------------- the job description


def read_job_description(path: Path) -> str:
    try:
        with path.open("rb") as f:
            raw = f.read(MAX_JOB_BYTES + 1)
    except OSError as exc:
        raise PlanError(f"{path}: cannot read the job description: {exc.strerror or exc}") from None
    if len(raw) > MAX_JOB_BYTES:
        raise PlanError(f"{path}: a job description is at most {MAX_JOB_BYTES // 1000} KB of plain text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PlanError(f"{path}: the job description is not UTF-8 plain text") from None


def job_concepts(text: str, library: Library) -> dict[str, list[str]]:
    """Per competency, the labels of its rubric concepts the job description expresses, matched
    as answers are (the same phrases, stems, typo tolerance and negation)."""
    concepts = [
        (entry.item.competency.value, concept)
        for entry in library.rubrics.values()
        if entry.item.competency is not None
        for crit in entry.item.criteria
        for concept in crit.concepts
    ]
    synonyms, rarity, _ = Scorer(library).shared()
    matcher = Matcher([p for _, concept in concepts for p in concept.phrases], synonyms, rarity)
    index = AnswerIndex(tokenize(text, limit=MAX_TOKENS), matcher=matcher)
    found: dict[str, list[str]] = {}
    for comp, concept in concepts:
        if match_concept(index, concept.phrases).found and concept.label not in found.get(comp, []):
            found.setdefault(comp, []).append(concept.label)
    return found


def job_weights(found: dict[str, list[str]], library: Library) -> dict[str, float]:
    """A competency's weight grows with the share of its concepts the job description asks for."""
    totals: dict[str, int] = {}
    for entry in library.rubrics.values():
        if entry.item.competency is None:
            continue
        comp = entry.item.competency.value
        totals[comp] = totals.get(comp, 0) + sum(len(c.concepts) for c in entry.item.criteria)
    shares = {comp: len(labels) / totals[comp] for comp, labels in found.items() if totals.get(comp)}
    top = max(shares.values(), default=0.0)
    return {comp: round(1 + JOB_WEIGHT * share / top, 2) for comp, share in shares.items()} if top else {}


# --------------------------------------------------------------------------- making the plan


def competencies_of(scenario: Scenario, library: Library) -> list[str]:
    found = (library.rubrics[r].item.competency for r in scenario.rubrics if r in library.rubrics)
    return [c.value for c in found if c is not None]


def focus_list(
    library: Library, points: dict[str, list[Point]], target: Level, asked: dict[str, list[str]]
) -> list[Focus]:
    ladder = library.ladder.item if library.ladder else None
    weights = job_weights(asked, library)
    comps = sorted({c for e in library.scenarios.values() for c in competencies_of(e.item, library)})
    out = [
        Focus(
            competency=comp,
            latest=points[comp][-1].score if points.get(comp) else None,
            needed=ladder.level(target).minimums[Competency(comp)] if ladder else 2.0,
            weight=weights.get(comp, 1.0),
            asked=asked.get(comp, []),
        )
        for comp in comps
    ]
    return sorted(out, key=lambda f: (-f.priority, f.competency))


def _first_times(library: Library, focus: list[Focus], target: Level, last_played: dict[str, str]) -> list[PlanItem]:
    """Every scenario once, in the order the plan introduces them: a scenario for each competency
    in focus order, round after round; within a competency, a part of the loop used least so far,
    then the level nearest the target, then the one practised least recently."""
    left = {e.item.id: e.item for e in library.scenarios.values() if not e.item.coaching}  # interview practice
    areas: dict[str, int] = {}
    out: list[PlanItem] = []
    while left:
        before = len(left)
        for f in focus:
            fits = [sc for sc in left.values() if f.competency in competencies_of(sc, library)]
            if not fits:
                continue
            sc = min(
                fits,
                key=lambda s: (
                    areas.get(getattr(s, "area", None) or "", 0),  # `area` is optional: unknown counts as one
                    abs(s.level.rank - target.rank),
                    last_played.get(s.id, ""),
                    s.id,
                ),
            )
            del left[sc.id]
            area = getattr(sc, "area", None) or ""
            areas[area] = areas.get(area, 0) + 1
            out.append(PlanItem(day=date.min, scenario=sc.id, competency=f.competency, reason=_why(f)))
        if len(left) == before:  # scenarios whose rubrics are all missing: nothing to practise there
            break
    return out


def _why(f: Focus) -> str:
    title = Competency(f.competency).title
    if f.latest is None:
        why = f"{title}: not practised yet"
    elif f.gap > 0:
        why = f"{title}: {f.latest:.2f}/4, the target asks {f.needed:.2f}"
    else:
        why = f"{title}: at the target ({f.latest:.2f}/4), kept fresh"
    return why + (" · the job description asks for it" if f.asked else "")


def session_days(start: date, interview: date, per_week: int) -> list[date]:
    """The days of the plan's sessions: ``per_week`` in each week from ``start``, spread over the
    week, up to the day before the interview."""
    days = (interview - start).days
    offsets = (7 * week + k * 7 // per_week for week in range(days // 7 + 1) for k in range(per_week))
    return [start + timedelta(days=offset) for offset in offsets if offset < days]


def schedule(firsts: list[PlanItem], days: list[date], focus: list[Focus]) -> list[PlanItem]:
    """Fill the days: a repetition that is due comes first (never two in a row while new
    scenarios wait), else the next new scenario, else the repetition due soonest."""
    short = {f.competency for f in focus if f.gap > 0}  # only these come back
    queue = list(firsts)
    history: dict[str, list[PlanItem]] = {}  # scenario -> its items so far
    out: list[PlanItem] = []

    def next_due(items: list[PlanItem]) -> date | None:
        first = items[0]
        if first.competency not in short or len(items) > len(GAPS):
            return None
        return items[-1].day + timedelta(days=GAPS[len(items) - 1])

    for day in days:
        today_ids = {i.scenario for i in out if i.day == day}
        due = sorted(
            (d, sid) for sid, items in history.items() if (d := next_due(items)) is not None and sid not in today_ids
        )
        overdue = [(d, sid) for d, sid in due if d <= day]
        last_was_repeat = bool(out) and out[-1].repeat > 0
        if overdue and not (last_was_repeat and queue):
            item = _again(history[overdue[0][1]], day)
        elif queue:
            item = queue.pop(0).model_copy(update={"day": day})
        elif due:
            item = _again(history[due[0][1]], day)
        elif history:  # everything planned and repeated: go round again, the longest unpractised first
            sid = min(history, key=lambda s: (history[s][-1].day, s))
            item = _again(history[sid], day, "again, the scenario practised longest ago")
        else:
            break
        history.setdefault(item.scenario, []).append(item)
        out.append(item)
    return out


def _again(items: list[PlanItem], day: date, why: str = "") -> PlanItem:
    first, last = items[0], items[-1]
    why = why or f"again after {(day - last.day).days} day(s), to make it stick"
    return first.model_copy(update={"day": day, "repeat": len(items), "reason": f"{why} · {first.reason}"})


def make_plan(
    library: Library,
    points: dict[str, list[Point]],
    last_played: dict[str, str],
    target: Level,
    interview: date,
    on: date,
    per_week: int = DEFAULT_PER_WEEK,
    job: str = "",
    job_file: str = "",
) -> Plan:
    """The plan made on the day ``on``, from the timeline ``points`` and when each scenario
    was last played (see coach.practice.history)."""
    if interview < on:
        raise PlanError(f"the interview date {interview} is in the past (today is {on}); give a date in the future")
    if interview == on:
        raise PlanError(f"the interview is today ({on}): there is no time left to plan; good luck!")
    if not 1 <= per_week <= 14:
        raise PlanError(f"sessions per week must be between 1 and 14, not {per_week}")
    focus = focus_list(library, points, target, job_concepts(job, library) if job.strip() else {})
    items = schedule(_first_times(library, focus, target, last_played), session_days(on, interview, per_week), focus)
    return Plan(
        made=on,
        made_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        interview=interview,
        target=target,
        per_week=per_week,
        focus=focus,
        items=items,
        job_description=job_file,
    )


def build_plan(
    store: Store,
    library: Library,
    target: Level,
    interview: date,
    on: date,
    per_week: int = DEFAULT_PER_WEEK,
    job_file: Path | None = None,
) -> Plan:
    """make_plan over the stored history."""
    last_played: dict[str, str] = {}
    for row in own_sessions(store):
        last_played[row.scenario] = max(last_played.get(row.scenario, ""), row.started)
    job = read_job_description(job_file) if job_file else ""
    return make_plan(
        library, timeline(store, library), last_played, target, interview, on, per_week, job, str(job_file or "")
    )


# --------------------------------------------------------------------------- keeping and following it


def save_plan(plan: Plan) -> None:
    settings.save(plan=plan.model_dump(mode="json"))


def load_plan() -> Plan | None:
    """The saved plan; None when there is none or it cannot be read (a plan is never worth a crash)."""
    raw = settings.load().get("plan")
    if not isinstance(raw, dict):
        return None
    try:
        return Plan.model_validate(raw)
    except ValidationError:
        return None


@dataclass(frozen=True)
class PlanProgress:
    plan: Plan
    done: list[bool]
    """Per item: a finished session of its scenario, since the plan was made, counts for it."""
    today: date
    done_days: tuple[date, ...] = ()
    """The day of every finished session since the plan was made (for the week's count)."""

    @property
    def next_index(self) -> int | None:
        return next((i for i, d in enumerate(self.done) if not d), None)

    @property
    def days_left(self) -> int:
        return (self.plan.interview - self.today).days

    def week(self) -> tuple[int, int]:
        """(sessions done, sessions planned) in this week of the plan (weeks count from the day it was made)."""
        start = self.plan.made + timedelta(days=7 * ((self.today - self.plan.made).days // 7))
        end = start + timedelta(days=7)
        planned = sum(1 for i in self.plan.items if start <= i.day < end)
        return sum(1 for day in self.done_days if start <= day < end), planned


def plan_progress(plan: Plan, rows: list[SessionRow], on: date) -> PlanProgress:
    """Match the user's finished sessions since the plan was made to its items, in order: each
    session counts once, for the first item of its scenario not yet done."""
    played = sorted(
        (day, r.scenario)
        for r in rows
        if r.status == "finished" and r.started >= plan.made_at and (day := local_day(r.started))
    )
    unused = list(played)
    done = []
    for item in plan.items:
        match = next((p for p in unused if p[1] == item.scenario), None)
        if match is not None:
            unused.remove(match)
        done.append(match is not None)
    return PlanProgress(plan, done, on, tuple(day for day, _ in played))


def current_progress(store: Store, on: date, rows: list[SessionRow] | None = None) -> PlanProgress | None:
    """Progress against the saved plan on the day ``on``; None without a plan, or once the interview is past.
    ``rows``: the user's own sessions, when the caller already has them."""
    plan = load_plan()
    if plan is None or on > plan.interview:
        return None
    return plan_progress(plan, own_sessions(store) if rows is None else rows, on)


def follow_plan(
    store: Store, library: Library, now: datetime, target: Level | None = None, session: Session | None = None
) -> Recommendation | None:
    """The plan's next session, when a plan is saved and still ahead (and for the same target,
    when one is asked for); None otherwise. ``session``: one just finished, counted even before
    it is saved."""
    if load_plan() is None:
        return None
    rows = own_sessions(store)
    if session is not None and session.finished:  # stored unfinished, or not at all yet
        st = session.state
        rows = [r for r in rows if r.id != st.id]
        rows.append(
            SessionRow(st.id, st.scenario, "", st.target.value, st.mode.value, st.started, "", "finished", None)
        )
    progress = current_progress(store, now.astimezone().date(), rows)
    if progress is None or (target is not None and target != progress.plan.target):
        return None
    plan, on = progress.plan, progress.today
    for i, item in enumerate(plan.items):
        if progress.done[i] or item.scenario not in library.scenarios:
            continue
        when = "today" if item.day == on else ("was due " if item.day < on else "planned for ") + str(item.day)
        reason = (
            f"Your plan for the interview on {plan.interview} ({progress.days_left} day(s) left): "
            f"session {i + 1} of {len(plan.items)}, {when}. {item.reason}."
        )
        return Recommendation(item.scenario, item.competency, reason)
    return None
