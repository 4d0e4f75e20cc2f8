"""What a report shows, whatever draws it: one model for the app, text, Markdown and HTML.

A ScoreReport (and a Session) become plain dataclasses here; every ✓/✗ rule, role name,
level title and "not assessed" wording is decided once, and the renderers
(text.py, html.py, the TUI) only lay the views out. No Textual and no HTML here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Literal

from coach.library.formats import Competency, Ladder, Level
from coach.library.loader import Library
from coach.render.names import COACHING_NOTE as COACHING_NOTE
from coach.render.names import area_text as area_text
from coach.render.names import level_choices as level_choices
from coach.render.names import level_title as level_title
from coach.scoring.report import CompetencyResult, CriterionResult, ScoreReport
from coach.scoring.signals import PASS

if TYPE_CHECKING:  # practice sits below render, but Session imports the scorer: keep this module light
    # (the app's first screen uses the level and area titles here, drawn before any of these is imported)
    from coach.practice.history import Point
    from coach.practice.plan import PlanProgress
    from coach.practice.session import Session, StageSummary, Summary
    from coach.practice.store import Store

MARKS = {True: "✓", False: "✗"}


# --------------------------------------------------------------------------- names and titles


def reached_title(level: Level | str | None, ladder: Ladder | None) -> str:
    """The level a score reached, or "below <first level>" when it reached none."""
    if level:
        return level_title(level, ladder)
    return "below " + level_title(next(iter(Level)), ladder)


ROLE_NAMES = {"candidate": "You", "coach": "Hint"}


def role_name(role: str, interviewer: str) -> str:
    """Who speaks in a transcript: the persona's name for the interviewer, "You", "Hint"."""
    return interviewer if role == "interviewer" else ROLE_NAMES[role]


def bar(level: float, width: int = 4) -> str:
    """A level as a bar that does not depend on colour: ███░ 3/4."""
    full = round(level)
    return "█" * full + "░" * (width - full)


# --------------------------------------------------------------------------- one criterion


@dataclass(frozen=True)
class Row:
    """One line under a criterion: a ✓ quotes what earned it, a ✗ says what to do."""

    hit: bool
    label: str
    evidence: str = ""
    """✓: the answer's own words (a signal: what was observed)."""
    advice: str = ""
    """✗: what to do about it."""
    detail: str = ""
    """✗: what was seen instead (a negated mention, a signal's measure)."""

    @property
    def mark(self) -> str:
        return MARKS[self.hit]

    @property
    def text(self) -> str:
        if self.hit:
            return f"{self.label}: {self.evidence}"
        return self.label + (f" ({self.detail})" if self.detail else "") + f": {self.advice}"

    def line(self) -> str:
        return f"{self.mark} {self.text}"


def quote(text: str) -> str:
    return f"“{' '.join(text.split())}”"  # a wrapped line reads as one


def criterion_rows(c: CriterionResult, numbers: bool = True) -> list[Row]:
    """The ✓/✗ rule, in one place for every view (app, text, Markdown, HTML). Without
    ``numbers`` (practice without numbers), a signal is named without its measure."""
    rows = []
    for concept in c.concepts:
        if concept.found:
            # credited without a quote only when a mentor ticked what they heard
            rows.append(
                Row(True, concept.label, quote(concept.evidence.text) if concept.evidence else "heard by the mentor")
            )
        elif concept.negated and concept.evidence:
            rows.append(
                Row(False, concept.label, advice=concept.advice, detail=f"said negated: {quote(concept.evidence.text)}")
            )
        else:
            rows.append(Row(False, concept.label, advice=concept.advice))

    for s in c.signals:
        label = s.signal.replace("_", " ") + (f" {s.value:.2f}" if numbers else "")
        if s.value >= PASS:
            rows.append(Row(True, label, s.note))
        else:  # reports saved before signals carried advice had it in the note
            rows.append(Row(False, label, advice=s.advice or s.note, detail=s.note if s.advice else ""))
    return rows


def level_note(c: CriterionResult) -> str:
    """Why the level differs from what the rows suggest; "" when they agree."""
    rows = criterion_rows(c)
    hits = sum(r.hit for r in rows)
    if c.signals:
        measured = 4 * sum(s.value for s in c.signals) / len(c.signals)
        if int(measured + 0.5) > c.level:
            return (
                f"Capped at {c.level}/4: the delivery measures {measured:.1f}/4, but clear delivery of little "
                "content is not clarity. Cover more of what the question asks to raise it."
            )
        if c.level and not hits:
            return (
                f"The level is the average of the measures below ({measured:.1f}/4); none is strong enough for a ✓ yet."
            )
    if c.level == 0 and hits:
        return f"{hits} of {len(rows)} credited: not yet enough for level 1."
    if c.level and not hits and not c.signals:
        return "Level set by hand by a mentor."
    return ""


@dataclass(frozen=True)
class CriterionView:
    title: str
    ref: str
    level: int
    descriptor: str
    """What this level looks like, from the rubric."""
    note: str
    """Why the level differs from what the rows suggest (see level_note); "" when they agree."""
    rows: list[Row]

    @property
    def bar(self) -> str:
        return bar(self.level)


# --------------------------------------------------------------------------- one report


@dataclass(frozen=True)
class FlagView:
    name: str
    """The flag's code as words: "too short"."""
    message: str


@dataclass(frozen=True)
class AntiPatternView:
    label: str
    evidence: str
    feedback: str

    @property
    def text(self) -> str:
        return f"{self.label}: “{self.evidence}”. {self.feedback}"


@dataclass(frozen=True)
class CompetencyView:
    title: str
    score: float
    """0-4."""
    note: str
    """Against the ladder, e.g. "Trade-offs: Senior TPM level"."""

    @property
    def bar(self) -> str:
        return bar(self.score)


def competency_views(competencies: list[CompetencyResult]) -> list[CompetencyView]:
    return [CompetencyView(c.title, c.score, c.note) for c in competencies]


HighlightKind = Literal["credited", "negated", "anti-pattern"]


@dataclass(frozen=True)
class Highlight:
    """A span of the answer to mark: credited evidence, a negated mention, an anti-pattern."""

    start: int
    end: int
    kind: HighlightKind


@dataclass(frozen=True)
class ReportView:
    headline: str
    """E.g. "Score 62/100 · solid · Technical Product Manager level shown (target: Senior TPM)"."""
    score: float
    band: str
    words: int
    flags: list[FlagView]
    criteria: list[CriterionView]
    anti_patterns: list[AntiPatternView]
    competencies: list[CompetencyView]
    strengths: list[str]
    improvements: list[str]
    answer: str
    """The answer as typed ("" when the caller has none)."""
    highlights: list[Highlight]
    """Within `answer`, in order; they may overlap (see `answer_segments`)."""
    model_answer: str
    """Stripped; "" when the scenario has none."""
    takeaways: list[str]
    numbers: bool = True
    """False in practice without numbers: no score, band, level or measure is shown (the
    headline says so; criteria keep their titles, ✓ evidence and ✗ advice)."""

    def answer_segments(self) -> list[tuple[str, HighlightKind | None]]:
        """The answer cut into (text, kind) pieces for views that cannot overlap marks:
        credited and negated words (the first of overlapping spans wins); anti-patterns are
        left to views that can underline across marks."""
        out: list[tuple[str, HighlightKind | None]] = []
        pos = 0
        for h in sorted((h for h in self.highlights if h.kind != "anti-pattern"), key=lambda h: (h.start, h.end)):
            if h.start < pos:
                continue
            if h.start > pos:
                out.append((self.answer[pos : h.start], None))
            out.append((self.answer[h.start : h.end], h.kind))
            pos = h.end
        if pos < len(self.answer):
            out.append((self.answer[pos:], None))
        return out


def headline(r: ScoreReport, ladder: Ladder | None = None) -> str:
    line = f"Score {r.score:g}/100 · {r.band}"
    if r.level_title:
        line += f" · {r.level_title} level shown"
    elif r.competencies:
        line += " · below the first ladder level"
    if r.target:
        line += f" (target: {level_title(r.target, ladder)})"
    return line


def highlights(report: ScoreReport, answer: str) -> list[Highlight]:
    """Spans of ``answer`` the scorer reported: credited and negated mentions, anti-patterns.
    Spans past the end (a report scored on other text) are left out."""
    out = []
    for crit in report.criteria:
        for c in crit.concepts:
            if c.evidence and (c.found or c.negated) and c.evidence.end <= len(answer):
                out.append(Highlight(c.evidence.start, c.evidence.end, "credited" if c.found else "negated"))
    for a in report.anti_patterns:
        if a.evidence.end > a.evidence.start and a.evidence.end <= len(answer):
            out.append(Highlight(a.evidence.start, a.evidence.end, "anti-pattern"))
    return sorted(out, key=lambda h: (h.start, h.end))


NO_NUMBERS = "Scores hidden while you practise (your history keeps them)"


def report_view(
    report: ScoreReport, answer: str = "", ladder: Ladder | None = None, numbers: bool = True
) -> ReportView:
    """The view of one stage's report. ``ladder`` names the target by its title. Without
    ``numbers`` (practice without numbers), the view carries no score, level or measure."""
    return ReportView(
        headline=headline(report, ladder) if numbers else NO_NUMBERS,
        score=report.score,
        band=report.band,
        words=report.words,
        flags=[FlagView(f.code.replace("_", " "), flag_message(f.code, f.message, numbers)) for f in report.flags],
        criteria=[
            CriterionView(
                c.title,
                c.ref,
                c.level,
                c.descriptor if numbers else "",
                level_note(c) if numbers else "",
                criterion_rows(c, numbers),
            )
            for c in report.criteria
        ],
        anti_patterns=[AntiPatternView(a.label, a.evidence.text, a.feedback) for a in report.anti_patterns],
        competencies=competency_views(report.competencies) if numbers else [],
        strengths=list(report.strengths),
        improvements=list(report.improvements),
        answer=answer,
        highlights=highlights(report, answer),
        model_answer=(report.model_answer or "").strip(),
        takeaways=list(report.takeaways),
        numbers=numbers,
    )


def flag_message(code: str, message: str, numbers: bool = True) -> str:
    """A flag's message; without ``numbers``, without the score it caps."""
    from coach.scoring.engine import CAPS

    return CAPS[code][1] if not numbers and code in CAPS else message


# --------------------------------------------------------------------------- a session's summary


def not_assessed_text(skipped: bool) -> str:
    return ("skipped" if skipped else "not answered") + ", so not assessed"


def stage_result(st: StageSummary) -> tuple[str, str]:
    """(score, band) of a stage as shown: a stage not played says so instead of showing 0."""
    if st.score is None:
        return ("skipped" if st.skipped else "not assessed"), "-"
    return f"{st.score:g}", st.band or ""


def overall_text(s: Summary) -> str:
    """The summary's overall result; a session with no stage answered is not assessed, not 0."""
    return f"{s.score:g}/100 · {s.band}" if s.score is not None else "not assessed (no question was answered)"


def level_text(s: Summary) -> str:
    if s.level_title:
        shown = s.level_title
    else:
        shown = "below the first ladder level" if s.competencies else "not assessed"
    return f"{shown} ({COACHING_NOTE})" if s.coaching else shown


@dataclass(frozen=True)
class StageRow:
    """A row of the stages table."""

    stage: str
    title: str
    score: str
    """The score, or "skipped" / "not assessed" (never a 0 for a stage not played)."""
    band: str
    extras: list[str]
    """E.g. "skipped" (a follow-up, after answering), "1 hint(s)", "2 follow-up(s)"."""
    seconds: float


def stage_row(st: StageSummary, numbers: bool = True) -> StageRow:
    extras = []
    if st.skipped and st.score is not None:  # skipped a follow-up after answering
        extras.append("skipped")
    if st.hints_used:
        extras.append(f"{st.hints_used} hint(s)")
    if st.followups:
        extras.append(f"{st.followups} follow-up(s)")
    score, band = stage_result(st)
    if not numbers and st.score is not None:
        score, band = "answered", ""
    return StageRow(st.stage, st.title, score, band, extras, st.seconds)


@dataclass(frozen=True)
class SummaryView:
    title: str
    overall: str
    """"62/100 · solid", or "not assessed (...)"."""
    level: str
    """The level shown, from the ladder, or "below the first ladder level" / "not assessed"."""
    target_title: str
    mode: str
    competencies: list[CompetencyView]
    strengths: list[str]
    work_on: list[str]
    next_scenario: str
    next_reason: str
    stages: list[StageRow]
    numbers: bool = True
    """False in practice without numbers: no overall score, level, competency scores, stage
    scores, nor the recommender's reason (it quotes scores)."""

    @property
    def headline(self) -> str:
        if not self.numbers:
            return NO_NUMBERS
        return f"Overall {self.overall} · level shown: {self.level} · target: {self.target_title}"


def summary_view(s: Summary, numbers: bool = True) -> SummaryView:
    return SummaryView(
        title=s.title,
        overall=overall_text(s) if numbers else "",
        level=level_text(s) if numbers else "",
        target_title=s.target_title,
        mode=s.mode.value,
        competencies=competency_views(s.competencies) if numbers else [],
        strengths=list(s.strengths),
        work_on=list(s.work_on),
        next_scenario=s.next_scenario or "",
        next_reason=s.next_reason if numbers else "",
        stages=[stage_row(st, numbers) for st in s.stages],
        numbers=numbers,
    )


# --------------------------------------------------------------------------- a whole session


@dataclass(frozen=True)
class TurnView:
    who: str
    """The display name (see role_name)."""
    role: str
    kind: str
    stage: str
    text: str
    """Stripped, as typed."""


@dataclass(frozen=True)
class StageView:
    title: str
    assessed: bool
    status: str
    """"skipped, so not assessed" / "not answered, so not assessed" when not assessed; else ""."""
    report: ReportView


def level_cell(level: int | None) -> str:
    """A criterion's level in a table: "3/4", or "not assessed" for a stage nobody answered or judged."""
    return f"{level}/4" if level is not None else "not assessed"


@dataclass(frozen=True)
class ReviewRow:
    stage: str
    criterion: str
    automatic: int | None
    mentor: int | None
    reason: str

    @property
    def cells(self) -> tuple[str, str]:
        """(automatic, mentor) as shown."""
        return level_cell(self.automatic), level_cell(self.mentor)


@dataclass(frozen=True)
class ReviewView:
    """The mentor's review, side by side with the automatic levels."""

    mentor: str
    comment: str
    rows: list[ReviewRow]
    notes: list[tuple[str, str]]
    """(stage id, the mentor's notes) of every stage with notes."""

    @property
    def heading(self) -> str:
        return "Mentor's review" + (f" by {self.mentor}" if self.mentor else "")


@dataclass(frozen=True)
class SessionView:
    title: str
    learner: str
    persona_name: str
    persona_role: str
    target_title: str
    mode: str
    started: str
    summary: SummaryView
    review: ReviewView | None
    transcript: list[TurnView]
    stages: list[StageView] = field(default_factory=list)
    """Each stage's feedback, in the order played."""
    unverified: str = ""
    """Why the scores cannot be trusted, when they are as another coach exported them; else ""."""


def review_view(session: Session) -> ReviewView | None:
    from coach.practice.mentor import side_by_side

    review = session.state.review
    if review is None:
        return None
    rows = [
        ReviewRow(r["stage"], r["criterion"], r["automatic"], r["mentor"], r["reason"]) for r in side_by_side(session)
    ]
    notes = [(sid, sr.notes.strip()) for sid, sr in review.stages.items() if sr.notes.strip()]
    return ReviewView(review.mentor, review.comment.strip(), rows, notes)


def session_view(session: Session, store: Store | None = None) -> SessionView:
    """Everything a session report shows. The summary is the reviewed one (the mentor's
    judgement is final); ``store`` is the history "practise next" is worked out from."""
    from coach.practice.history import summarise
    from coach.practice.session import assessed

    sc = session.scenario
    ladder = session.library.ladder.item if session.library.ladder else None
    s = summarise(session, store, reviewed=True)
    stages = []
    for rec, report in session.final_reports():
        stage = sc.stage(rec.stage)
        ok = assessed(rec)  # no score and no marks for a question not answered
        stages.append(
            StageView(
                stage.title if stage else rec.stage,
                ok,
                "" if ok else not_assessed_text(rec.skipped),
                report_view(report, "\n\n".join(rec.answers), ladder),
            )
        )
    transcript = [
        TurnView(role_name(t.role, sc.persona.name), t.role, t.kind, t.stage, t.text.strip())
        for t in session.state.transcript
    ]
    return SessionView(
        title=sc.title,
        learner=session.state.learner or "",
        persona_name=sc.persona.name,
        persona_role=sc.persona.role,
        target_title=s.target_title,
        mode=s.mode.value,
        started=session.state.started,
        summary=summary_view(s),
        review=review_view(session),
        transcript=transcript,
        stages=stages,
        unverified=unverified_text(session.state.id, any(r.report for r in session.state.records))
        if session.state.unverified
        else "",
    )


def unverified_text(session_id: str, exported_scores: bool = True) -> str:
    """The mark on scores another coach exported and this one did not recompute; without
    ``exported_scores``, on a session imported without them (to be scored here)."""
    if not exported_scores:
        return (
            "Awaiting verification: imported without the file's scores. The scores here are worked out from "
            "the answers as shown, and count in your progress once `coach rescore` verifies them."
        )
    return (
        "Scores as exported, not verified: they came with an imported file and were not recomputed from "
        f"the answers here. `coach rescore {session_id} --apply` scores the answers with your library."
    )


# --------------------------------------------------------------------------- two attempts side by side


@dataclass(frozen=True)
class CriterionChange:
    title: str
    before: int | None
    """The level in the earlier attempt; None where it was not assessed."""
    after: int | None
    gained: list[Row]
    """Credited in the later attempt only, with its words."""
    lost: list[Row]
    """Credited in the earlier attempt only, with its words."""

    @property
    def cells(self) -> tuple[str, str]:
        return level_cell(self.before), level_cell(self.after)

    @property
    def change(self) -> str:
        """ "+1", "-2", "=", or "" when one side was not assessed."""
        if self.before is None or self.after is None:
            return ""
        return f"{self.after - self.before:+d}" if self.after != self.before else "="


@dataclass(frozen=True)
class StageChange:
    title: str
    before: str
    """The stage's score (0-100) as shown, or "skipped" / "not assessed" / "not reached"."""
    after: str
    criteria: list[CriterionChange]


@dataclass(frozen=True)
class AttemptView:
    id: str
    started: str
    overall: str
    level: str


@dataclass(frozen=True)
class ComparisonView:
    """Two attempts at one scenario, the earlier first: per stage and criterion, the levels and
    the evidence gained and lost."""

    title: str
    before: AttemptView
    after: AttemptView
    stages: list[StageChange]
    competencies: list[tuple[str, str, str]]
    """(title, earlier score, later score) as shown ("-" where not assessed)."""


def _credited(c: CriterionResult) -> dict[str, Row]:
    """A criterion's ✓ rows keyed by what they credit (a concept, a signal), so two attempts line up."""
    keys = [k.ref for k in c.concepts] + [s.signal for s in c.signals]
    return {key: row for key, row in zip(keys, criterion_rows(c), strict=True) if row.hit}


def _criteria_by_stage(session: Session) -> dict[str, dict[str, CriterionResult]]:
    """stage id -> criterion ref -> its result, for the stages that count (the mentor's view where reviewed)."""
    return {rec.stage: {c.ref: c for c in report.criteria} for rec, report in session.assessed_reports(reviewed=True)}


def comparison_view(first: Session, second: Session) -> ComparisonView:
    """ValueError when the two are attempts at different scenarios."""
    if first.scenario.id != second.scenario.id:
        raise ValueError(
            f"sessions {first.state.id} and {second.state.id} are attempts at different scenarios "
            f"({first.scenario.id} and {second.scenario.id}); compare two attempts at the same scenario"
        )
    before, after = sorted((first, second), key=lambda s: (s.state.started, s.state.id))
    summaries = before.summary(reviewed=True), after.summary(reviewed=True)
    results = [{st.stage: st for st in s.stages} for s in summaries]
    criteria = _criteria_by_stage(before), _criteria_by_stage(after)

    def cell(stage_id: str, side: int) -> str:
        st = results[side].get(stage_id)
        return stage_result(st)[0] if st else "not reached"

    stages = []
    for stage in after.scenario.stages:
        if stage.id not in results[0] and stage.id not in results[1]:
            continue  # a branch neither attempt took
        was, now = criteria[0].get(stage.id, {}), criteria[1].get(stage.id, {})
        changes = []
        for ref in dict.fromkeys([*was, *now]):
            a, b = was.get(ref), now.get(ref)
            # evidence moves only between two assessed answers: a side not assessed says so by its level
            had, has = (_credited(a), _credited(b)) if a and b else ({}, {})
            either = b or a
            changes.append(
                CriterionChange(
                    either.title if either else ref,
                    a.level if a else None,
                    b.level if b else None,
                    gained=[row for key, row in has.items() if key not in had],
                    lost=[row for key, row in had.items() if key not in has],
                )
            )
        stages.append(StageChange(stage.title, cell(stage.id, 0), cell(stage.id, 1), changes))
    scores = [{c.competency: c for c in s.competencies} for s in summaries]
    competencies = [
        (
            (scores[1].get(comp) or scores[0][comp]).title,
            f"{scores[0][comp].score:.2f}" if comp in scores[0] else "-",
            f"{scores[1][comp].score:.2f}" if comp in scores[1] else "-",
        )
        for comp in dict.fromkeys([*scores[0], *scores[1]])
    ]
    attempts = [
        AttemptView(s.state.id, s.state.started[:16].replace("T", " "), overall_text(m), level_text(m))
        for s, m in zip((before, after), summaries, strict=True)
    ]
    return ComparisonView(before.scenario.title, attempts[0], attempts[1], stages, competencies)


# --------------------------------------------------------------------------- progress: the overview, charts, the plan


def duration(seconds: float) -> str:
    """Time practised: "45 min", "3 h 05 min"."""
    minutes = int(seconds // 60)
    return f"{minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"{minutes} min"


@dataclass(frozen=True)
class PlanRow:
    day: str
    scenario: str
    title: str
    reason: str
    done: bool

    @property
    def mark(self) -> str:
        return "✓" if self.done else "·"


@dataclass(frozen=True)
class PlanView:
    interview: str
    target_title: str
    days_left: int
    per_week: int
    week_done: int
    week_planned: int
    focus: list[str]
    """The competencies, the first to work on first, with where they stand and what the job asks."""
    job_description: str
    rows: list[PlanRow]
    next_row: int | None
    """The index of the next session to do; None when every planned session is done."""

    @property
    def headline(self) -> str:
        done = sum(r.done for r in self.rows)
        return (
            f"Interview on {self.interview} for {self.target_title}: {self.days_left} day(s) left · "
            f"{self.per_week} session(s) a week · {done} of {len(self.rows)} planned session(s) done"
        )

    @property
    def week(self) -> str:
        return f"This week: {self.week_done} of {self.week_planned} planned session(s) done"


def plan_view(progress: PlanProgress, library: Library) -> PlanView:
    plan = progress.plan
    ladder = library.ladder.item if library.ladder else None
    target = level_title(plan.target, ladder)
    focus = []
    for f in plan.focus:
        where = "not practised yet" if f.latest is None else f"{f.latest:.2f}/4"
        line = f"{Competency(f.competency).title}: {where}, {target} asks {f.needed:.2f}"
        if f.asked:
            line += f" · weight {f.weight:g} from the job description ({', '.join(f.asked[:3])})"
        focus.append(line)
    rows = [
        PlanRow(
            str(item.day),
            item.scenario,
            library.scenarios[item.scenario].item.title if item.scenario in library.scenarios else item.scenario,
            item.reason,
            done,
        )
        for item, done in zip(plan.items, progress.done, strict=True)
    ]
    week_done, week_planned = progress.week()
    return PlanView(
        str(plan.interview),
        target,
        progress.days_left,
        plan.per_week,
        week_done,
        week_planned,
        focus,
        plan.job_description,
        rows,
        progress.next_index,
    )


@dataclass(frozen=True)
class ChartPoint:
    day: str
    """The user's calendar day, YYYY-MM-DD."""
    score: float
    """0-4."""
    scenario: str
    """The session's scenario; empty for the mean of several sessions."""
    sessions: int = 1
    """The sessions it stands for: more than one in a long history (see thinned), the score their mean."""

    @property
    def label(self) -> str:
        if self.sessions > 1:
            return f"{self.day} mean of {self.sessions} sessions: {self.score:.2f}"
        return f"{self.day} {self.scenario}: {self.score:.2f}"


# The most points a chart shows: about one per column of a wide chart (the terminal's is about 100
# columns, the report's SVG 520 pixels). More than that is not more to see (a terminal draws solid
# blocks) and costs time to draw: a longer history is shown as the mean of each stretch of time.
CHART_POINTS = 100


def thinned(dated: list[tuple[date, Point]], most: int = CHART_POINTS) -> list[ChartPoint]:
    """A competency's chart points: one per session, or, for more sessions than ``most``, at most
    ``most`` means of equal stretches of days. A mean is dated on the day of the last session it
    counts, so no point shows a session that happened after its date and the last point falls on the
    latest session's day; the first day is a stretch of its own, so the axis starts on the first day."""
    if len(dated) <= most:
        return [ChartPoint(str(day), p.score, p.scenario) for day, p in dated]
    first = min(day for day, _ in dated)
    span = (max(day for day, _ in dated) - first).days
    stretches: dict[int, list[tuple[date, Point]]] = {}
    for day, p in dated:
        days_in = (day - first).days
        stretches.setdefault(0 if not days_in else 1 + (days_in - 1) * (most - 1) // span, []).append((day, p))
    out = []
    for _, group in sorted(stretches.items()):
        mean = sum(p.score for _, p in group) / len(group)
        out.append(
            ChartPoint(
                str(max(day for day, _ in group)), mean, group[0][1].scenario if len(group) == 1 else "", len(group)
            )
        )
    return out


@dataclass(frozen=True)
class CompetencyChart:
    """One competency over time: the one chart model the app (plotext) and HTML (SVG) draw."""

    title: str
    points: list[ChartPoint]
    latest: float
    level: str
    """The title of the level the latest score reached ("below Associate PM")."""
    target: str
    """The target level's title."""
    target_minimum: float | None
    """What the target level asks of this competency (0-4): the target line."""

    @property
    def sessions(self) -> int:
        """The sessions charted (a point of a long history stands for several)."""
        return sum(p.sessions for p in self.points)


@dataclass(frozen=True)
class ProgressView:
    sessions: int
    seconds: float
    streak: int
    charts: list[CompetencyChart]
    plan: PlanView | None
    awaiting: int = 0
    """Imported sessions whose scores are not verified yet, so not counted."""

    @property
    def overview(self) -> str:
        out = f"{self.sessions} session(s) · {duration(self.seconds)} practised · current streak: {self.streak} day(s)"
        return out + (f" · {awaiting_text(self.awaiting)}" if self.awaiting else "")


def awaiting_text(count: int) -> str:
    """Imported sessions awaiting verification, wherever progress or what comes next is shown."""
    return f"{count} imported session(s) awaiting verification, not counted yet (`coach rescore` verifies them)"


def progress_view(
    store: Store, library: Library, today: date, points: dict[str, list[Point]] | None = None
) -> ProgressView:
    """The overview, one chart per competency practised (by title) and the plan, if one is saved
    and ahead. The target line is the plan's target, else the target of the latest session.
    ``points``: the timeline, when the caller already has it."""
    from coach.practice.history import own_sessions, timeline
    from coach.practice.plan import current_progress
    from coach.practice.progress import LocalDays, overview

    ladder = library.ladder.item if library.ladder else None
    points = timeline(store, library) if points is None else points
    rows = own_sessions(store)  # read once for the plan and the overview
    progress = current_progress(store, today, rows)
    charts = []
    days = LocalDays()  # a session's start is shared by its competencies' results and its row
    for comp, series in sorted(points.items(), key=lambda kv: Competency(kv[0]).title):
        # a session whose stored date cannot be read is listed in the history, but has no place on a chart
        dated = thinned([(day, p) for p in series if (day := days[p.started])])
        if not dated:
            continue
        last = series[-1]
        target = progress.plan.target if progress else Level(last.target)
        charts.append(
            CompetencyChart(
                Competency(comp).title,
                dated,
                last.score,
                reached_title(last.level, ladder),
                level_title(target, ladder),
                ladder.level(target).minimums[Competency(comp)] if ladder else None,
            )
        )
    o = overview(store, today, rows, days)
    awaiting = sum(1 for r in rows if not r.verified and r.scenario in library.scenarios)
    plan = plan_view(progress, library) if progress else None
    return ProgressView(o.sessions, o.seconds, o.streak, charts, plan, awaiting)
