"""Reports for learners and mentors: one session, or progress across sessions, as
Markdown, a self-contained HTML page (no external files), or JSON.

The HTML comes from the jinja2 templates in templates/, with autoescape on: every piece
of user text is escaped. Evidence is highlighted from the exact spans the scorer reported.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from coach.library.loader import Library
from coach.practice.history import summarise
from coach.practice.plan import today as plan_today
from coach.practice.session import Session
from coach.practice.store import Store
from coach.render.text import session_markdown
from coach.render.view import CompetencyChart, progress_view, report_view, session_view
from coach.scoring.report import ScoreReport

TEMPLATES = Path(__file__).with_name("templates")


@cache
def _env() -> Any:
    # imported here: jinja2 is only needed for HTML, and `coach --help` stays fast
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    return Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True
    )


def render(template: str, **values: Any) -> str:
    return str(_env().get_template(template).render(**values))


def highlighted(answer: str, report: ScoreReport) -> str:
    """The answer, escaped, with credited evidence in <mark> and negated mentions struck."""
    macro = _env().get_template("macros.html.j2").module.answer
    return str(macro(report_view(report, answer)))


def session_html(session: Session, store: Store | None = None) -> str:
    view = session_view(session, store)
    title = f"{view.title}: report" + (f" for {view.learner}" if view.learner else "")
    return render("session.html.j2", page_title=title, view=view)


def session_json(session: Session, store: Store | None = None) -> dict[str, Any]:
    return {
        "session": json.loads(session.dump()),
        "summary": json.loads(summarise(session, store).model_dump_json()),
    }


def session_report(session: Session, fmt: str, store: Store | None = None) -> str:
    """``store``: the history "practise next" is worked out from (see Session.summary)."""
    if fmt == "html":
        return session_html(session, store)
    if fmt == "json":
        return json.dumps(session_json(session, store), indent=2, ensure_ascii=False) + "\n"
    return session_markdown(session, store)


# --------------------------------------------------------------------------- progress


@dataclass(frozen=True)
class Chart:
    """A competency's line chart in SVG coordinates (templates draw it): scores 0-4 up, days across."""

    width: int
    height: int
    left: float
    right: float
    grid: list[tuple[int, float]]
    """(level, y) of each level's line."""
    target: float | None
    """y of the target level's minimum."""
    target_label: str
    points: str
    dots: list[tuple[float, float, str]]
    """(x, y, label) of each session."""
    ticks: list[tuple[float, str, str]]
    """(x, date, text-anchor) of the dates on the x axis: the first, the last and one between when there is room."""
    bottom: float
    """y of the dates."""


def chart(c: CompetencyChart, width: int = 520, height: int = 160) -> Chart:
    pad, bottom = 28, 44  # room for the level numbers on the left and the dates below
    days = [date.fromisoformat(p.day) for p in c.points]
    span = (days[-1] - days[0]).days if days else 0

    def x(day: date) -> float:
        share = (day - days[0]).days / span if span else 0.5
        return pad + (width - 2 * pad) * share

    def y(v: float) -> float:
        return height - bottom - (height - bottom - pad / 2) * v / 4

    tick_days = sorted(
        {days[0], days[-1], days[0] + (days[-1] - days[0]) / 2} if span >= 6 else set(days[:1] + days[-1:])
    )
    return Chart(
        width,
        height,
        pad,
        width - pad,
        [(level, y(level)) for level in range(5)],
        y(c.target_minimum) if c.target_minimum is not None else None,
        f"target: {c.target}",
        " ".join(f"{x(d):.1f},{y(p.score):.1f}" for d, p in zip(days, c.points, strict=True)),
        [(x(d), y(p.score), p.label) for d, p in zip(days, c.points, strict=True)],
        [
            (x(d), str(d), "start" if d == days[0] and span else "end" if d == days[-1] and span else "middle")
            for d in tick_days
        ],
        height - bottom + 18,
    )


def svg_chart(c: CompetencyChart, width: int = 520, height: int = 160) -> str:
    """A competency over time as inline SVG: dates across, the target level as a dashed line."""
    macro = _env().get_template("macros.html.j2").module.chart
    return str(macro(chart(c, width, height)))


def sparkline(values: list[float]) -> str:
    """Scores 0-4 as a text sparkline for Markdown and terminals."""
    ticks = "▁▂▃▄▅▆▇█"
    return "".join(ticks[min(7, int(v / 4 * 7.999))] for v in values)


def progress_markdown(store: Store, library: Library, today: date | None = None) -> str:
    v = progress_view(store, library, today or plan_today())
    out = ["# Progress", "", f"{v.overview}.", ""]
    if v.plan:
        out += [f"{v.plan.headline}. {v.plan.week}.", ""]
    if not v.charts:
        return "\n".join(out + ["No finished sessions yet."]) + "\n"
    out += ["| competency | sessions | trend | latest | level | target |", "| --- | --- | --- | --- | --- | --- |"]
    out += [
        f"| {c.title} | {c.sessions} | {sparkline([p.score for p in c.points])} | {c.latest:.2f} | {c.level} | "
        f"{c.target} |"
        for c in v.charts
    ]
    return "\n".join(out) + "\n"


def progress_html(store: Store, library: Library, today: date | None = None) -> str:
    v = progress_view(store, library, today or plan_today())
    return render("progress.html.j2", page_title="TPM Coach: progress", view=v, rows=[(c, chart(c)) for c in v.charts])
