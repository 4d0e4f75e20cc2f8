"""What a report shows, whatever draws it: one model for the app, text, Markdown and HTML.

A ScoreReport (and a Session) become plain dataclasses here; every ✓/✗ rule, role name,
level title and "not assessed" wording is decided once, and the renderers
(text.py, html.py, the TUI) only lay the views out. No Textual and no HTML here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from coach.library.formats import Ladder, Level

if TYPE_CHECKING:  # practice sits below render, but Session imports the scorer: keep this module light
    # (the app's first screen uses the level titles here, drawn before any of these is imported)
    from coach.practice.session import Session, StageSummary, Summary
    from coach.practice.store import Store
    from coach.scoring.report import CompetencyResult, CriterionResult, ScoreReport

MARKS = {True: "✓", False: "✗"}


# --------------------------------------------------------------------------- names and titles


def level_title(level: Level | str, ladder: Ladder | None) -> str:
    """A ladder level's display name. The ladder file is the one source of titles; without
    a ladder (a broken library) the level's id stands in, as the summary does."""
    lvl = Level(level)
    return ladder.level(lvl).title if ladder else lvl.value


def reached_title(level: Level | str | None, ladder: Ladder | None) -> str:
    """The level a score reached, or "below <first level>" when it reached none."""
    if level:
        return level_title(level, ladder)
    return "below " + level_title(next(iter(Level)), ladder)


def level_choices(ladder: Ladder | None) -> list[tuple[str, Level]]:
    """(title, level) for every ladder level, lowest first: for pickers and filters."""
    return [(level_title(lvl, ladder), lvl) for lvl in Level]


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


def criterion_rows(c: CriterionResult) -> list[Row]:
    """The ✓/✗ rule, in one place for every view (app, text, Markdown, HTML)."""
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
    from coach.scoring.signals import PASS

    for s in c.signals:
        label = f"{s.signal.replace('_', ' ')} {s.value:.2f}"
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


def report_view(report: ScoreReport, answer: str = "", ladder: Ladder | None = None) -> ReportView:
    """The view of one stage's report. ``ladder`` names the target by its title."""
    return ReportView(
        headline=headline(report, ladder),
        score=report.score,
        band=report.band,
        words=report.words,
        flags=[FlagView(f.code.replace("_", " "), f.message) for f in report.flags],
        criteria=[
            CriterionView(c.title, c.ref, c.level, c.descriptor, level_note(c), criterion_rows(c))
            for c in report.criteria
        ],
        anti_patterns=[AntiPatternView(a.label, a.evidence.text, a.feedback) for a in report.anti_patterns],
        competencies=competency_views(report.competencies),
        strengths=list(report.strengths),
        improvements=list(report.improvements),
        answer=answer,
        highlights=highlights(report, answer),
        model_answer=(report.model_answer or "").strip(),
        takeaways=list(report.takeaways),
    )


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
        return s.level_title
    return "below the first ladder level" if s.competencies else "not assessed"


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


def stage_row(st: StageSummary) -> StageRow:
    extras = []
    if st.skipped and st.score is not None:  # skipped a follow-up after answering
        extras.append("skipped")
    if st.hints_used:
        extras.append(f"{st.hints_used} hint(s)")
    if st.followups:
        extras.append(f"{st.followups} follow-up(s)")
    score, band = stage_result(st)
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

    @property
    def headline(self) -> str:
        return f"Overall {self.overall} · level shown: {self.level} · target: {self.target_title}"


def summary_view(s: Summary) -> SummaryView:
    return SummaryView(
        title=s.title,
        overall=overall_text(s),
        level=level_text(s),
        target_title=s.target_title,
        mode=s.mode.value,
        competencies=competency_views(s.competencies),
        strengths=list(s.strengths),
        work_on=list(s.work_on),
        next_scenario=s.next_scenario or "",
        next_reason=s.next_reason,
        stages=[stage_row(st) for st in s.stages],
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
    )
