"""Score reports and sessions as plain text and Markdown (for the terminal, files and
exports), drawn from the views in coach.render.view."""

from __future__ import annotations

import re
import textwrap
from typing import TYPE_CHECKING

from coach.library.formats import Ladder
from coach.render.view import (  # noqa: F401
    MARKS,
    ComparisonView,
    PlanView,
    ReportView,
    Row,
    SummaryView,
    bar,
    criterion_rows,
    level_note,
    level_text,
    not_assessed_text,
    overall_text,
    report_view,
    session_view,
    stage_result,
    summary_view,
)
from coach.scoring.report import ScoreReport

if TYPE_CHECKING:
    from coach.practice.session import Session, Summary
    from coach.practice.store import Store


def to_text(r: ScoreReport, width: int = 88, model_answer: bool = False, ladder: Ladder | None = None) -> str:
    """``ladder`` names the target level by its title (without it, by its id)."""
    return report_text(report_view(r, ladder=ladder), width, model_answer)


def report_text(v: ReportView, width: int = 88, model_answer: bool = False) -> str:
    out = [v.headline, f"{v.words} words"]
    out += [f"! {f.name}: {f.message}" for f in v.flags]
    out.append("")
    for c in v.criteria:
        out.append(f"{c.bar} {c.level}/4  {c.title}  [{c.ref}]" if v.numbers else f"{c.title}  [{c.ref}]")
        if c.descriptor:
            out.append(textwrap.fill(c.descriptor, width, initial_indent="    ", subsequent_indent="    "))
        if c.note:
            out.append(textwrap.fill(c.note, width, initial_indent="    ", subsequent_indent="    "))
        out += [textwrap.fill("    " + row.line(), width, subsequent_indent="      ") for row in c.rows]
    if v.anti_patterns:
        out += ["", "Anti-patterns"]
        out += [textwrap.fill(f"! {a.text}", width, subsequent_indent="  ") for a in v.anti_patterns]
    if v.competencies:
        out += ["", "Competencies"] + [f"  {c.bar} {c.score:.2f}  {c.note}" for c in v.competencies]
    if v.strengths:
        out += ["", "What went well"] + [
            textwrap.fill(s, width, initial_indent="  + ", subsequent_indent="    ") for s in v.strengths
        ]
    if v.improvements:
        out += ["", "Work on"] + [
            textwrap.fill(s, width, initial_indent="  → ", subsequent_indent="    ") for s in v.improvements
        ]
    if model_answer and v.model_answer:
        out += ["", "Model answer", textwrap.indent(v.model_answer, "  ")]
    if model_answer and v.takeaways:
        out += ["", "Takeaways"] + [f"  • {t}" for t in v.takeaways]
    return "\n".join(out)


def to_markdown(r: ScoreReport, heading: str = "##", model_answer: bool = True, ladder: Ladder | None = None) -> str:
    return report_markdown(report_view(r, ladder=ladder), heading, model_answer)


# Markdown punctuation that could make a link, an image, code, emphasis or a table cell out of text.
_MD_PUNCTUATION = re.compile(r"([\\`*_\[\]|])")
# A script URL scheme, even as plain text: a zero-width space after its name keeps any renderer from linking it.
_SCRIPT_SCHEME = re.compile(r"(?i)\b(javascript|vbscript)(\s*):")


def md(text: str) -> str:
    """Text from a user or a file, as Markdown that shows exactly that text: never raw HTML (``<``,
    ``>`` and ``&`` become entities), never a link, image, code span or emphasis (their punctuation
    is escaped), and no ``javascript:`` for a renderer to link. Line breaks stay."""
    text = _MD_PUNCTUATION.sub(r"\\\1", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _SCRIPT_SCHEME.sub("\\1\u200b\\2:", text)


def md_cell(text: str) -> str:
    """``md`` on one line, for a table cell."""
    return md(" ".join(text.split()))


def report_markdown(v: ReportView, heading: str = "##", model_answer: bool = True) -> str:
    out = [f"{heading} {md(v.headline)}", ""]
    out += [f"> **{md(f.name)}**: {md(f.message)}" for f in v.flags]
    if v.flags:
        out.append("")
    out += ["| criterion | level | what it looks like |", "| --- | --- | --- |"]
    out += [f"| {md_cell(c.title)} | {c.bar} {c.level}/4 | {md_cell(c.descriptor)} |" for c in v.criteria]
    for c in v.criteria:
        out += (
            ["", f"**{md(c.title)}**", ""]
            + ([f"*{md(c.note)}*", ""] if c.note else [])
            + [f"- {md(row.line())}" for row in c.rows]
        )
    if v.anti_patterns:
        out += ["", "**Anti-patterns**", ""] + [f"- {md(a.text)}" for a in v.anti_patterns]
    if v.competencies:
        out += ["", "**Competencies**", ""] + [f"- {c.bar} {c.score:.2f}: {md(c.note)}" for c in v.competencies]
    if v.strengths:
        out += ["", "**What went well**", ""] + [f"- {md(s)}" for s in v.strengths]
    if v.improvements:
        out += ["", "**Work on**", ""] + [f"- {md(s)}" for s in v.improvements]
    if model_answer and v.model_answer:
        out += ["", "**Model answer**", "", md(v.model_answer)]
    if model_answer and v.takeaways:
        out += ["", "**Takeaways**", ""] + [f"- {md(t)}" for t in v.takeaways]
    return "\n".join(out) + "\n"


def summary_text(s: Summary | SummaryView, width: int = 88, times: bool = True) -> str:
    v = s if isinstance(s, SummaryView) else summary_view(s)
    out = [f"Summary: {v.title}"]
    if v.numbers:
        out += [f"Overall {v.overall}", f"Level shown: {v.level} · target: {v.target_title}"]
    else:
        out += [v.headline]
    out += ["", "Stages"]
    for st in v.stages:
        extra = st.extras + ([f"{int(st.seconds // 60)}m{int(st.seconds % 60):02d}s"] if times else [])
        out.append(f"  {st.score:12}  {st.band:10}  {st.title}" + (f"  ({', '.join(extra)})" if extra else ""))
    if v.numbers:
        out += ["", "Competencies"]
        out += [f"  {c.bar} {c.score:.2f}  {c.note}" for c in v.competencies] or ["  not assessed"]
    if v.strengths:
        out += ["", "Strengths"] + [
            textwrap.fill(x, width, initial_indent="  + ", subsequent_indent="    ") for x in v.strengths
        ]
    if v.work_on:
        out += ["", "Work on next"] + [
            textwrap.fill(x, width, initial_indent="  → ", subsequent_indent="    ") for x in v.work_on
        ]
    if v.next_scenario:
        out += ["", textwrap.fill(f"Practise next: {v.next_scenario}. {v.next_reason}", width)]
    elif v.next_reason:
        out += ["", textwrap.fill(v.next_reason, width)]
    return "\n".join(out)


def session_markdown(session: Session, store: Store | None = None) -> str:
    """The transcript, each stage's feedback and the summary, as one Markdown document. Every
    piece of text in it goes through ``md``: an answer or a name is shown, never rendered."""
    v = session_view(session, store)
    s = v.summary
    learner = f"Learner: **{md(v.learner)}** · " if v.learner else ""
    out = [
        f"# {md(v.title)}",
        "",
        (
            f"{learner}*{md(v.persona_name)}, {md(v.persona_role)}* · target level: {md(v.target_title)} · "
            f"mode: {v.mode} · started {md(v.started)}"
        ),
        "",
    ]
    if v.unverified:
        out += [f"> **{md(v.unverified)}**", ""]
    out += [
        "## Summary",
        "",
        f"Overall **{md(s.overall)}**; level shown: **{md(s.level)}**.",
        "",
    ]
    out += ["| competency | score | note |", "| --- | --- | --- |"]
    out += [f"| {md_cell(c.title)} | {c.bar} {c.score:.2f} | {md_cell(c.note)} |" for c in s.competencies]
    if s.strengths:
        out += ["", "**Strengths**", ""] + [f"- {md(x)}" for x in s.strengths]
    if s.work_on:
        out += ["", "**Work on next**", ""] + [f"- {md(x)}" for x in s.work_on]
    if s.next_scenario:
        out += ["", f"**Practise next:** {md(s.next_scenario)}. {md(s.next_reason)}"]
    if v.review is not None:
        out += ["", f"## {md(v.review.heading)}", ""]
        if v.review.comment:
            out += [md(v.review.comment), ""]
        out += ["| stage | criterion | automatic | mentor | reason |", "| --- | --- | --- | --- | --- |"]
        out += [
            f"| {md_cell(r.stage)} | {md_cell(r.criterion)} | {r.cells[0]} | {r.cells[1]} | {md_cell(r.reason)} |"
            for r in v.review.rows
        ]
        out += [f"\n**Notes on {md(sid)}:** {md(notes)}" for sid, notes in v.review.notes]
    out += ["", "## Transcript", ""]
    for turn in v.transcript:
        body = md(turn.text).replace("\n", "\n> ")
        out += [f"**{md(turn.who)}** ({md(turn.stage)}):", "", f"> {body}", ""]
    out += ["## Feedback by stage", ""]
    for st in v.stages:
        if not st.assessed:  # no score and no marks for a question not answered
            out += [f"### {md(st.title)}: {md(st.status)}", ""]
            if st.report.model_answer:
                out += ["**Model answer**", "", md(st.report.model_answer), ""]
            continue
        out.append(report_markdown(st.report, heading=f"### {md(st.title)}:", model_answer=True))
    return "\n".join(out)


def comparison_text(v: ComparisonView, width: int = 88) -> str:
    """Two attempts side by side: each stage's score, each criterion's level, and the evidence
    the later attempt gained (+) and lost (-)."""
    out = [f"Compare: {v.title}"]
    for name, a in (("earlier", v.before), ("later", v.after)):
        out.append(f"  {name:8} {a.id}  {a.started}  overall {a.overall} · level shown: {a.level}")
    for st in v.stages:
        out += ["", f"{st.title}: {st.before} → {st.after}"]
        for c in st.criteria:
            before, after = c.cells
            change = f"  ({c.change})" if c.change else ""
            out.append(f"  {c.title}: {before} → {after}{change}")
            for sign, rows in (("+", c.gained), ("-", c.lost)):
                out += [textwrap.fill(f"    {sign} {row.text}", width, subsequent_indent="      ") for row in rows]
    if v.competencies:
        out += ["", "Competencies (0-4)"] + [f"  {title}: {a} → {b}" for title, a, b in v.competencies]
    return "\n".join(out) + "\n"


def comparison_markdown(v: ComparisonView) -> str:
    out = [
        f"# Compare: {v.title}",
        "",
        "| attempt | session | started | overall | level shown |",
        "| --- | --- | --- | --- | --- |",
    ]
    out += [
        f"| {name} | `{a.id}` | {a.started} | {a.overall} | {a.level} |"
        for name, a in (("earlier", v.before), ("later", v.after))
    ]
    for st in v.stages:
        out += [
            "",
            f"## {st.title}: {st.before} → {st.after}",
            "",
            "| criterion | earlier | later | change |",
            "| --- | --- | --- | --- |",
        ]
        out += [f"| {c.title} | {c.cells[0]} | {c.cells[1]} | {c.change} |" for c in st.criteria]
        for c in st.criteria:
            if c.gained or c.lost:
                out += ["", f"**{c.title}**", ""]
                out += [f"- gained: {row.text}" for row in c.gained] + [f"- lost: {row.text}" for row in c.lost]
    if v.competencies:
        out += ["", "## Competencies (0-4)", "", "| competency | earlier | later |", "| --- | --- | --- |"]
        out += [f"| {title} | {a} | {b} |" for title, a, b in v.competencies]
    return "\n".join(out) + "\n"


def plan_text(v: PlanView, width: int = 88) -> str:
    """The plan: the days left, the competencies in order, and each session with ✓ once done."""
    out = [textwrap.fill(v.headline, width), v.week, "", "Competencies, the first to work on first:"]
    out += [textwrap.fill(f"  {i}. {line}", width, subsequent_indent="     ") for i, line in enumerate(v.focus, 1)]
    if v.job_description:
        out.append(f"Weights from the job description in {v.job_description}.")
    out += ["", "Sessions (✓ done):"]
    for i, row in enumerate(v.rows):
        here = "→" if i == v.next_row else row.mark
        out.append(f"  {here} {row.day}  {row.scenario}")
        out.append(textwrap.fill(row.reason, width, initial_indent="      ", subsequent_indent="      "))
    return "\n".join(out) + "\n"
