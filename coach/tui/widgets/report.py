"""How a scored answer and a finished session are shown: the feedback's sections and the
summary's parts, shared by the feedback and summary screens."""

from __future__ import annotations

from typing import Iterable

from textual.content import Content
from textual.widgets import Static

from coach.practice.session import Summary
from coach.render.scenario import reflow
from coach.render.text import bar, criterion_rows, level_note, level_text, overall_text
from coach.scoring.report import ScoreReport
from coach.tui.widgets.basics import text


def highlighted_answer(answer: str, report: ScoreReport) -> Content:
    """The answer as typed, with credited evidence in bold reverse, negated in strike."""
    content = Content(answer)
    for crit in report.criteria:
        for c in crit.concepts:
            if c.evidence and c.evidence.end <= len(answer):
                style = "bold reverse" if c.found else "strike"
                content = content.stylize(style, c.evidence.start, c.evidence.end)
    for a in report.anti_patterns:
        if a.evidence.end <= len(answer):
            content = content.stylize("underline", a.evidence.start, a.evidence.end)
    return content


def report_sections(report: ScoreReport, answer: str, model_answer: bool) -> Iterable[Static]:
    head = f"Score {report.score:g}/100 · {report.band}"
    if report.level_title:
        head += f" · {report.level_title} level shown"
    yield text(head).add_class("headline")
    for f in report.flags:
        yield text(f"! {f.code.replace('_', ' ')}: {f.message}").add_class("flag")
    for crit in report.criteria:
        note = level_note(crit)
        yield text(f"{bar(crit.level)} {crit.level}/4  {crit.title}\n{crit.descriptor}" + (f"\n{note}" if note else "")
                   ).add_class("criterion")
        for row in criterion_rows(crit):
            yield text(row.line()).add_class("concept", "hit" if row.hit else "miss")
    for a in report.anti_patterns:
        yield text(f"! {a.label}: “{a.evidence.text}”. {a.feedback}").add_class("flag")
    if report.competencies:
        yield text("\n".join(f"{bar(c.score)} {c.score:.2f}  {c.note}" for c in report.competencies)).add_class("competencies")
    yield text("Your answer (credited words highlighted, negated ones struck through):").add_class("subhead")
    yield Static(highlighted_answer(answer, report), markup=False, classes="answer-text")
    if model_answer and report.model_answer:
        yield text("Model answer\n\n" + reflow(report.model_answer)).add_class("model")
        yield text("Takeaways\n" + "\n".join(f"• {t}" for t in report.takeaways)).add_class("model")


def skipped_sections(report: ScoreReport, model_answer: bool) -> Iterable[Static]:
    """A question skipped is not assessed: no score and no ✗ marks, only what it looks for."""
    yield text("Skipped: this question is not assessed (no score). What a strong answer covers:").add_class("headline")
    for crit in report.criteria:
        yield text(crit.title).add_class("criterion")
        if crit.concepts:
            yield text("\n".join(f"• {c.label}: {c.advice}" for c in crit.concepts)).add_class("concept")
    if model_answer and report.model_answer:
        yield text("Model answer\n\n" + reflow(report.model_answer)).add_class("model")
        yield text("Takeaways\n" + "\n".join(f"• {t}" for t in report.takeaways)).add_class("model")


def summary_parts(s: "Summary") -> list[Static]:
    parts = [text(f"{s.title}\nOverall {overall_text(s)} · level shown: {level_text(s)} · target: {s.target_title}")
             .add_class("headline")]
    parts.append(text("Competencies").add_class("subhead"))
    parts += [text(f"{bar(c.score)} {c.score:.2f}  {c.note}").add_class("concept") for c in s.competencies]
    if s.strengths:
        parts.append(text("Strengths").add_class("subhead"))
        parts += [text(f"+ {x}").add_class("concept") for x in s.strengths]
    if s.work_on:
        parts.append(text("Work on next").add_class("subhead"))
        parts += [text(f"→ {x}").add_class("concept") for x in s.work_on]
    if s.next_scenario or s.next_reason:
        nxt = f"Practise next (n): {s.next_scenario}. {s.next_reason}" if s.next_scenario else s.next_reason
        parts.append(text(nxt).add_class("next"))
    return parts
