"""Score reports as plain text and Markdown (for the terminal, files and exports)."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from coach.scoring.report import CriterionResult, ScoreReport
from coach.scoring.signals import PASS

MARKS = {True: "✓", False: "✗"}


def bar(level: float, width: int = 4) -> str:
    """A level as a bar that does not depend on colour: ███░ 3/4."""
    full = int(round(level))
    return "█" * full + "░" * (width - full)


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


def _quote(text: str) -> str:
    return f"“{' '.join(text.split())}”"  # a wrapped line reads as one


def criterion_rows(c: CriterionResult) -> list[Row]:
    """The ✓/✗ rule, in one place for every view (app, text, Markdown, HTML)."""
    rows = []
    for concept in c.concepts:
        if concept.found:
            # credited without a quote only when a mentor ticked what they heard
            rows.append(Row(True, concept.label, _quote(concept.evidence.text) if concept.evidence else "heard by the mentor"))
        elif concept.negated and concept.evidence:
            rows.append(Row(False, concept.label, advice=concept.advice, detail=f"said negated: {_quote(concept.evidence.text)}"))
        else:
            rows.append(Row(False, concept.label, advice=concept.advice))
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
            return (f"Capped at {c.level}/4: the delivery measures {measured:.1f}/4, but clear delivery of little "
                    "content is not clarity. Cover more of what the question asks to raise it.")
        if c.level and not hits:
            return f"The level is the average of the measures below ({measured:.1f}/4); none is strong enough for a ✓ yet."
    if c.level == 0 and hits:
        return f"{hits} of {len(rows)} credited: not yet enough for level 1."
    if c.level and not hits and not c.signals:
        return "Level set by hand by a mentor."
    return ""


def _concept_lines(c: CriterionResult, md: bool) -> list[str]:
    return [("- " if md else "    ") + row.line() for row in criterion_rows(c)]


def _headline(r: ScoreReport) -> str:
    line = f"Score {r.score:g}/100 · {r.band}"
    if r.level_title:
        line += f" · {r.level_title} level shown"
    elif r.competencies:
        line += " · below the first ladder level"
    if r.target:
        line += f" (target: {r.target})"
    return line


def to_text(r: ScoreReport, width: int = 88, model_answer: bool = False) -> str:
    out = [_headline(r), f"{r.words} words"]
    for f in r.flags:
        out.append(f"! {f.code.replace('_', ' ')}: {f.message}")
    out.append("")
    for c in r.criteria:
        out.append(f"{bar(c.level)} {c.level}/4  {c.title}  [{c.ref}]")
        out.append(textwrap.fill(c.descriptor, width, initial_indent="    ", subsequent_indent="    "))
        if level_note(c):
            out.append(textwrap.fill(level_note(c), width, initial_indent="    ", subsequent_indent="    "))
        out += [textwrap.fill(l, width, subsequent_indent="      ") for l in _concept_lines(c, md=False)]
    if r.anti_patterns:
        out += ["", "Anti-patterns"]
        out += [textwrap.fill(f"! {a.label}: “{a.evidence.text}”. {a.feedback}", width, subsequent_indent="  ") for a in r.anti_patterns]
    if r.competencies:
        out += ["", "Competencies"]
        out += [f"  {bar(c.score)} {c.score:.2f}  {c.note}" for c in r.competencies]
    if r.strengths:
        out += ["", "What went well"] + [textwrap.fill(s, width, initial_indent="  + ", subsequent_indent="    ") for s in r.strengths]
    if r.improvements:
        out += ["", "Work on"] + [textwrap.fill(s, width, initial_indent="  → ", subsequent_indent="    ") for s in r.improvements]
    if model_answer and r.model_answer:
        out += ["", "Model answer", textwrap.indent(r.model_answer.strip(), "  ")]
    if model_answer and r.takeaways:
        out += ["", "Takeaways"] + [f"  • {t}" for t in r.takeaways]
    return "\n".join(out)


def to_markdown(r: ScoreReport, heading: str = "##", model_answer: bool = True) -> str:
    out = [f"{heading} {_headline(r)}", ""]
    for f in r.flags:
        out.append(f"> **{f.code.replace('_', ' ')}**: {f.message}")
    if r.flags:
        out.append("")
    out += ["| criterion | level | what it looks like |", "| --- | --- | --- |"]
    out += [f"| {c.title} | {bar(c.level)} {c.level}/4 | {c.descriptor} |" for c in r.criteria]
    for c in r.criteria:
        out += ["", f"**{c.title}**", ""] + ([f"*{level_note(c)}*", ""] if level_note(c) else []) + _concept_lines(c, md=True)
    if r.anti_patterns:
        out += ["", "**Anti-patterns**", ""] + [f"- {a.label}: “{a.evidence.text}”. {a.feedback}" for a in r.anti_patterns]
    if r.competencies:
        out += ["", "**Competencies**", ""] + [f"- {bar(c.score)} {c.score:.2f}: {c.note}" for c in r.competencies]
    if r.strengths:
        out += ["", "**What went well**", ""] + [f"- {s}" for s in r.strengths]
    if r.improvements:
        out += ["", "**Work on**", ""] + [f"- {s}" for s in r.improvements]
    if model_answer and r.model_answer:
        out += ["", "**Model answer**", "", r.model_answer.strip()]
    if model_answer and r.takeaways:
        out += ["", "**Takeaways**", ""] + [f"- {t}" for t in r.takeaways]
    return "\n".join(out) + "\n"


def overall_text(s: "Summary") -> str:
    """The summary's overall result; a session with no stage answered is not assessed, not 0."""
    return f"{s.score:g}/100 · {s.band}" if s.score is not None else "not assessed (no question was answered)"


def level_text(s: "Summary") -> str:
    if s.level_title:
        return s.level_title
    return "below the first ladder level" if s.competencies else "not assessed"


def not_assessed_text(skipped: bool) -> str:
    return ("skipped" if skipped else "not answered") + ", so not assessed"


def stage_result(st: "StageSummary") -> tuple[str, str]:
    """(score, band) of a stage as shown: a stage not played says so instead of showing 0."""
    if st.score is None:
        return ("skipped" if st.skipped else "not assessed"), "-"
    return f"{st.score:g}", st.band or ""


def summary_text(s: "Summary", width: int = 88, times: bool = True) -> str:
    out = [f"Summary: {s.title}", f"Overall {overall_text(s)}"]
    out.append(f"Level shown: {level_text(s)} · target: {s.target_title}")
    out += ["", "Stages"]
    for st in s.stages:
        extra = []
        if st.skipped and st.score is not None:  # skipped a follow-up after answering
            extra.append("skipped")
        if st.hints_used:
            extra.append(f"{st.hints_used} hint(s)")
        if st.followups:
            extra.append(f"{st.followups} follow-up(s)")
        if times:
            extra.append(f"{int(st.seconds // 60)}m{int(st.seconds % 60):02d}s")
        score, band = stage_result(st)
        out.append(f"  {score:12}  {band:10}  {st.title}" + (f"  ({', '.join(extra)})" if extra else ""))
    out += ["", "Competencies"] + ([f"  {bar(c.score)} {c.score:.2f}  {c.note}" for c in s.competencies] or ["  not assessed"])
    if s.strengths:
        out += ["", "Strengths"] + [textwrap.fill(x, width, initial_indent="  + ", subsequent_indent="    ") for x in s.strengths]
    if s.work_on:
        out += ["", "Work on next"] + [textwrap.fill(x, width, initial_indent="  → ", subsequent_indent="    ") for x in s.work_on]
    if s.next_scenario:
        out += ["", textwrap.fill(f"Practise next: {s.next_scenario}. {s.next_reason}", width)]
    elif s.next_reason:
        out += ["", textwrap.fill(s.next_reason, width)]
    return "\n".join(out)


def session_markdown(session: "Session", store: "Store | None" = None) -> str:
    """The transcript, each stage's feedback and the summary, as one Markdown document."""
    sc = session.scenario
    s = session.summary(reviewed=True, store=store)
    learner = f"Learner: **{session.state.learner}** · " if session.state.learner else ""
    out = [f"# {sc.title}", "", f"{learner}*{sc.persona.name}, {sc.persona.role}* · target level: {s.target_title} · "
           f"mode: {s.mode.value} · started {session.state.started}", "", "## Summary", "",
           f"Overall **{overall_text(s)}**; level shown: **{level_text(s)}**.", ""]
    out += ["| competency | score | note |", "| --- | --- | --- |"]
    out += [f"| {c.title} | {bar(c.score)} {c.score:.2f} | {c.note} |" for c in s.competencies]
    if s.strengths:
        out += ["", "**Strengths**", ""] + [f"- {x}" for x in s.strengths]
    if s.work_on:
        out += ["", "**Work on next**", ""] + [f"- {x}" for x in s.work_on]
    if s.next_scenario:
        out += ["", f"**Practise next:** `{s.next_scenario}`. {s.next_reason}"]
    review = session.state.review
    if review is not None:
        from coach.practice.mentor import side_by_side

        out += ["", f"## Mentor's review{' by ' + review.mentor if review.mentor else ''}", ""]
        if review.comment.strip():
            out += [review.comment.strip(), ""]
        out += ["| stage | criterion | automatic | mentor | reason |", "| --- | --- | --- | --- | --- |"]
        out += [f"| {r['stage']} | {r['criterion']} | {r['automatic']}/4 | "
                f"{r['mentor'] if r['mentor'] is not None else '-'}/4 | {r['reason']} |" for r in side_by_side(session)]
        out += [f"\n**Notes on {sid}:** {sr.notes.strip()}" for sid, sr in review.stages.items() if sr.notes.strip()]
    out += ["", "## Transcript", ""]
    names = {"interviewer": sc.persona.name, "candidate": "You", "coach": "Hint"}
    for turn in session.state.transcript:
        body = turn.text.strip().replace("\n", "\n> ")
        out += [f"**{names[turn.role]}** ({turn.stage}):", "", f"> {body}", ""]
    out += ["## Feedback by stage", ""]
    from coach.practice.session import assessed

    for rec, report in session.final_reports():
        stage = sc.stage(rec.stage)
        title = stage.title if stage else rec.stage
        if not assessed(rec):  # no score and no marks for a question not answered
            out += [f"### {title}: {not_assessed_text(rec.skipped)}", ""]
            if report.model_answer:
                out += ["**Model answer**", "", report.model_answer.strip(), ""]
            continue
        out.append(to_markdown(report, heading=f"### {title}:", model_answer=True))
    return "\n".join(out)


if False:  # typing only; keeps this module free of import cycles
    from coach.practice.session import Session, StageSummary, Summary  # noqa: F401
    from coach.practice.store import Store  # noqa: F401
