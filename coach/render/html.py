"""Reports for learners and mentors: one session, or progress across sessions, as
Markdown, a self-contained HTML page (no external files), or JSON.

The HTML comes from the jinja2 templates in templates/, with autoescape on: every piece
of user text is escaped. Evidence is highlighted from the exact spans the scorer reported.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from coach.library.formats import Competency, Level
from coach.library.loader import Library
from coach.practice.history import Point, own_sessions, summarise, timeline
from coach.practice.session import Session
from coach.practice.store import Store
from coach.render.text import session_markdown
from coach.render.view import level_title, reached_title, report_view, session_view
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
    """A line chart of scores 0-4 over sessions, in SVG coordinates (templates draw it)."""

    width: int
    height: int
    left: float
    right: float
    grid: list[tuple[int, float]]
    """(level, y) of each level's line."""
    target: float | None
    """y of the target level's minimum."""
    points: str
    dots: list[tuple[float, float, str]]
    """(x, y, label) of each session."""


def chart(series: list[Point], width: int = 520, height: int = 140, target: float | None = None) -> Chart:
    pad, n = 28, len(series)

    def x(i: int) -> float:
        return pad + (width - 2 * pad) * (i / (n - 1) if n > 1 else 0.5)

    def y(v: float) -> float:
        return height - pad - (height - 2 * pad) * v / 4

    return Chart(
        width,
        height,
        pad,
        width - pad,
        [(level, y(level)) for level in range(5)],
        y(target) if target is not None else None,
        " ".join(f"{x(i):.1f},{y(p.score):.1f}" for i, p in enumerate(series)),
        [(x(i), y(p.score), f"{p.started[:10]} {p.scenario}: {p.score:.2f}") for i, p in enumerate(series)],
    )


def svg_chart(series: list[Point], width: int = 520, height: int = 140, target: float | None = None) -> str:
    """A small line chart of competency scores (0-4) over sessions, as inline SVG."""
    macro = _env().get_template("macros.html.j2").module.chart
    return str(macro(chart(series, width, height, target)))


def sparkline(values: list[float]) -> str:
    """Scores 0-4 as a text sparkline for Markdown and terminals."""
    ticks = "▁▂▃▄▅▆▇█"
    return "".join(ticks[min(7, int(v / 4 * 7.999))] for v in values)


@dataclass(frozen=True)
class ProgressRow:
    title: str
    series: list[Point]
    latest: float
    level: str
    """The title of the level the latest score reached, from the ladder ("below Associate PM")."""
    target: str
    """The target level's title."""
    target_minimum: float | None


def progress_rows(store: Store, library: Library) -> list[ProgressRow]:
    """One row per competency practised, by title."""
    ladder = library.ladder.item if library.ladder else None
    rows = []
    for comp, series in sorted(timeline(store, library).items()):
        last = series[-1]
        minimum = ladder.level(Level(last.target)).minimums[Competency(comp)] if ladder else None
        rows.append(
            ProgressRow(
                Competency(comp).title,
                series,
                last.score,
                reached_title(last.level, ladder),
                level_title(last.target, ladder),
                minimum,
            )
        )
    return rows


def progress_markdown(store: Store, library: Library) -> str:
    rows = progress_rows(store, library)
    out = ["# Progress", "", f"{len(own_sessions(store, 'finished'))} finished session(s).", ""]
    if not rows:
        return "\n".join(out + ["No finished sessions yet."]) + "\n"
    out += ["| competency | sessions | trend | latest | level | target |", "| --- | --- | --- | --- | --- | --- |"]
    out += [
        f"| {r.title} | {len(r.series)} | {sparkline([p.score for p in r.series])} | {r.latest:.2f} | {r.level} | "
        f"{r.target} |"
        for r in rows
    ]
    return "\n".join(out) + "\n"


def progress_html(store: Store, library: Library) -> str:
    rows = [(r, chart(r.series, target=r.target_minimum)) for r in progress_rows(store, library)]
    return render(
        "progress.html.j2", page_title="TPM Coach: progress", finished=len(own_sessions(store, "finished")), rows=rows
    )
