"""How a scored answer and a finished session are shown in the app: the feedback's sections
and the summary's parts. What they say comes from the one report model (coach.render.view),
which the text, Markdown and HTML reports draw too; this module only lays it out."""

from __future__ import annotations

from collections.abc import Iterable

from textual.content import Content
from textual.widgets import Static

from coach.library.formats import Ladder
from coach.practice.session import Summary
from coach.render.scenario import reflow
from coach.render.view import ReportView, bar, report_view, summary_view
from coach.scoring.report import ScoreReport
from coach.tui.widgets.basics import text

HIGHLIGHT_STYLES = {"credited": "bold reverse", "negated": "strike", "anti-pattern": "underline"}


def highlighted_answer(view: ReportView) -> Content:
    """The answer as typed, with credited evidence in bold reverse, negated in strike, anti-patterns underlined."""
    content = Content(view.answer)
    for h in view.highlights:
        content = content.stylize(HIGHLIGHT_STYLES[h.kind], h.start, h.end)
    return content


def _model_answer(report: ScoreReport) -> Iterable[Static]:
    if report.model_answer:
        yield text("Model answer\n\n" + reflow(report.model_answer)).add_class("model")
        yield text("Takeaways\n" + "\n".join(f"• {t}" for t in report.takeaways)).add_class("model")


def report_sections(
    report: ScoreReport, answer: str, model_answer: bool, ladder: Ladder | None = None, numbers: bool = True
) -> Iterable[Static]:
    """``numbers``: False in practice without numbers (no score, level or measure; evidence and advice stay)."""
    v = report_view(report, answer, ladder, numbers)
    yield text(v.headline).add_class("headline")
    for f in v.flags:
        yield text(f"! {f.name}: {f.message}").add_class("flag")
    for crit in v.criteria:
        heading = f"{bar(crit.level)} {crit.level}/4  {crit.title}" if numbers else crit.title
        yield text(
            heading + (f"\n{crit.descriptor}" if crit.descriptor else "") + (f"\n{crit.note}" if crit.note else "")
        ).add_class("criterion")
        for row in crit.rows:
            yield text(row.line()).add_class("concept", "hit" if row.hit else "miss")
    for a in v.anti_patterns:
        yield text(f"! {a.text}").add_class("flag")
    if v.competencies:
        yield text("\n".join(f"{c.bar} {c.score:.2f}  {c.note}" for c in v.competencies)).add_class("competencies")
    yield text("Your answer (credited words highlighted, negated ones struck through):").add_class("subhead")
    yield Static(highlighted_answer(v), markup=False, classes="answer-text")
    if model_answer:
        yield from _model_answer(report)


def skipped_sections(report: ScoreReport, model_answer: bool) -> Iterable[Static]:
    """A question skipped is not assessed: no score and no ✗ marks, only what it looks for."""
    yield text("Skipped: this question is not assessed (no score). What a strong answer covers:").add_class("headline")
    for crit in report.criteria:
        yield text(crit.title).add_class("criterion")
        if crit.concepts:
            yield text("\n".join(f"• {c.label}: {c.advice}" for c in crit.concepts)).add_class("concept")
    if model_answer:
        yield from _model_answer(report)


def summary_parts(s: Summary, numbers: bool = True) -> list[Static]:
    v = summary_view(s, numbers)
    parts = [text(f"{v.title}\n{v.headline}").add_class("headline")]
    if numbers:
        parts.append(text("Competencies").add_class("subhead"))
        parts += [text(f"{c.bar} {c.score:.2f}  {c.note}").add_class("concept") for c in v.competencies]
    if v.strengths:
        parts.append(text("Strengths").add_class("subhead"))
        parts += [text(f"+ {x}").add_class("concept") for x in v.strengths]
    if v.work_on:
        parts.append(text("Work on next").add_class("subhead"))
        parts += [text(f"→ {x}").add_class("concept") for x in v.work_on]
    if v.next_scenario or v.next_reason:
        nxt = f"Practise next (n): {v.next_scenario}. {v.next_reason}".rstrip() if v.next_scenario else v.next_reason
        parts.append(text(nxt).add_class("next"))
    return parts
