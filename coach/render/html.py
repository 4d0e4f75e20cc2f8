"""Reports for learners and mentors: one session, or progress across sessions, as
Markdown, a self-contained HTML page (no external files), or JSON.

Every piece of user text is escaped; evidence is highlighted from the exact spans the
scorer reported.
"""

from __future__ import annotations

import html
import json
from typing import Any

from coach.render.text import (bar, criterion_rows, level_note, level_text, not_assessed_text, overall_text,
                            session_markdown)
from coach.library.formats import Competency
from coach.practice.history import Point, own_sessions, timeline
from coach.library.loader import Library
from coach.scoring.report import ScoreReport
from coach.practice.session import Session, assessed
from coach.practice.store import Store

CSS = """
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.6rem}h2{margin-top:2rem;border-bottom:1px solid #ccc}h3{margin-top:1.5rem}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #e3e3e3;padding:.3rem .5rem;text-align:left;vertical-align:top}
.bar{display:inline-block;height:.7rem;background:#3a6ea5;border-radius:2px}.barbox{display:inline-block;width:8rem;background:#e8eef5;border-radius:2px;margin-right:.4rem}
mark{background:#ffe58a;padding:0 .1rem}mark.neg{background:#f3c4c4;text-decoration:line-through}
.answer,.model{white-space:pre-wrap;border-left:4px solid #3a6ea5;padding:.5rem 1rem;background:#f6f8fb}
.turn{margin:.6rem 0}.who{font-weight:600}.hit::before{content:"✓ "}.miss::before{content:"✗ "}.flag{color:#8a4b00;font-weight:600}
.muted{color:#666}svg text{font:11px system-ui,sans-serif}
"""


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _bar_html(score: float) -> str:
    return f'<span class="barbox"><span class="bar" style="width:{max(0.0, min(score, 4.0)) * 25:.0f}%"></span></span>{score:.2f}/4'


def highlighted(answer: str, report: ScoreReport) -> str:
    """The answer, escaped, with credited evidence in <mark> and negated mentions struck."""
    spans: list[tuple[int, int, str]] = []
    for crit in report.criteria:
        for c in crit.concepts:
            if c.evidence and (c.found or c.negated) and c.evidence.end <= len(answer):
                spans.append((c.evidence.start, c.evidence.end, "" if c.found else "neg"))
    out, pos = [], 0
    for start, end, kind in sorted(spans):
        if start < pos:
            continue  # overlapping evidence: the first one wins
        out.append(_e(answer[pos:start]))
        cls = f' class="{kind}"' if kind else ""
        out.append(f"<mark{cls}>{_e(answer[start:end])}</mark>")
        pos = end
    out.append(_e(answer[pos:]))
    return "".join(out)


def _page(title: str, body: list[str]) -> str:
    return (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>{_e(title)}</title>'
            f'<meta name="viewport" content="width=device-width,initial-scale=1"><style>{CSS}</style></head>'
            f'<body>{"".join(body)}</body></html>\n')


def _mentor_html(session: Session) -> list[str]:
    from coach.practice.mentor import side_by_side

    review = session.state.review
    if review is None:
        return []
    out = [f"<h2>Mentor's review{(' by ' + _e(review.mentor)) if review.mentor else ''}</h2>"]
    if review.comment.strip():
        out.append(f'<div class="model">{_e(review.comment.strip())}</div>')
    out.append("<table><tr><th>Stage</th><th>Criterion</th><th>Automatic</th><th>Mentor</th><th>Reason</th></tr>")
    out += [f"<tr><td>{_e(r['stage'])}</td><td>{_e(r['criterion'])}</td><td>{r['automatic']}/4</td>"
            f"<td>{r['mentor'] if r['mentor'] is not None else '-'}/4</td><td>{_e(r['reason'])}</td></tr>"
            for r in side_by_side(session)]
    out.append("</table>")
    for stage_id, sr in review.stages.items():
        if sr.notes.strip():
            out.append(f"<p><strong>Notes on {_e(stage_id)}:</strong> {_e(sr.notes.strip())}</p>")
    return out


def session_html(session: Session, store: Store | None = None) -> str:
    sc = session.scenario
    s = session.summary(reviewed=True, store=store)
    learner = session.state.learner
    body = [f"<h1>{_e(sc.title)}</h1>",
            f'<p class="muted">{"Learner: <strong>" + _e(learner) + "</strong> · " if learner else ""}'
            f'{_e(sc.persona.name)}, {_e(sc.persona.role)} · target level {_e(s.target_title)} · '
            f"{_e(s.mode.value)} mode · started {_e(session.state.started)}</p>",
            "<h2>Summary</h2>",
            f"<p>Overall <strong>{_e(overall_text(s))}</strong>; level shown: "
            f"<strong>{_e(level_text(s))}</strong>.</p>",
            "<table><tr><th>Competency</th><th>Score</th><th>Against the ladder</th></tr>"]
    body += [f"<tr><td>{_e(c.title)}</td><td>{_bar_html(c.score)}</td><td>{_e(c.note)}</td></tr>" for c in s.competencies]
    body.append("</table>")
    if s.strengths:
        body += ["<h3>Strengths</h3><ul>"] + [f"<li>{_e(x)}</li>" for x in s.strengths] + ["</ul>"]
    if s.work_on:
        body += ["<h3>Work on next</h3><ul>"] + [f"<li>{_e(x)}</li>" for x in s.work_on] + ["</ul>"]
    if s.next_scenario:
        body.append(f"<p><strong>Practise next:</strong> {_e(s.next_scenario)}. {_e(s.next_reason)}</p>")
    body += _mentor_html(session)
    body.append("<h2>Transcript</h2>")
    names = {"interviewer": sc.persona.name, "candidate": "You", "coach": "Hint"}
    for turn in session.state.transcript:
        body.append(f'<div class="turn"><div class="who">{_e(names[turn.role])}</div>'
                    f'<div class="answer">{_e(turn.text.strip())}</div></div>')
    body.append("<h2>Feedback by stage</h2>")
    for rec, report in session.final_reports():
        stage = sc.stage(rec.stage)
        answer = "\n\n".join(rec.answers)
        if not assessed(rec):  # no score and no marks for a question not answered
            body.append(f"<h3>{_e(stage.title if stage else rec.stage)}: {not_assessed_text(rec.skipped)}</h3>")
            if report.model_answer:
                body.append(f'<p><strong>Model answer</strong></p><div class="model">{_e(report.model_answer.strip())}</div>')
            continue
        body.append(f"<h3>{_e(stage.title if stage else rec.stage)}: {report.score:g}/100 ({_e(report.band)})</h3>")
        body += [f'<p class="flag">{_e(f.message)}</p>' for f in report.flags]
        body.append(f'<div class="answer">{highlighted(answer, report) or "<em>(no answer)</em>"}</div>')
        body.append("<table><tr><th>Criterion</th><th>Level</th><th>What was found and missed</th></tr>")
        for crit in report.criteria:
            items = [f'<li class="{"hit" if row.hit else "miss"}">{_e(row.text)}</li>' for row in criterion_rows(crit)]
            note = f'<br><span class="muted">{_e(level_note(crit))}</span>' if level_note(crit) else ""
            body.append(f"<tr><td>{_e(crit.title)}<br><span class=\"muted\">{_e(crit.descriptor)}</span></td>"
                        f"<td>{bar(crit.level)} {crit.level}/4{note}</td><td><ul>{''.join(items)}</ul></td></tr>")
        body.append("</table>")
        body += [f'<p class="flag">{_e(a.label)}: “{_e(a.evidence.text)}”. {_e(a.feedback)}</p>' for a in report.anti_patterns]
        if report.model_answer:
            body.append(f'<p><strong>Model answer</strong></p><div class="model">{_e(report.model_answer.strip())}</div>')
        if report.takeaways:
            body += ["<p><strong>Takeaways</strong></p><ul>"] + [f"<li>{_e(t)}</li>" for t in report.takeaways] + ["</ul>"]
    return _page(f"{sc.title}: report" + (f" for {learner}" if learner else ""), body)


def session_json(session: Session, store: Store | None = None) -> dict[str, Any]:
    return {"session": json.loads(session.dump()), "summary": json.loads(session.summary(store=store).model_dump_json())}


def session_report(session: Session, fmt: str, store: Store | None = None) -> str:
    """``store``: the history "practise next" is worked out from (see Session.summary)."""
    if fmt == "html":
        return session_html(session, store)
    if fmt == "json":
        return json.dumps(session_json(session, store), indent=2, ensure_ascii=False) + "\n"
    return session_markdown(session, store)


# --------------------------------------------------------------------------- progress


def svg_chart(series: list[Point], width: int = 520, height: int = 140, target: float | None = None) -> str:
    """A small line chart of competency scores (0-4) over sessions, as inline SVG."""
    pad, n = 28, len(series)
    def x(i: int) -> float:
        return pad + (width - 2 * pad) * (i / (n - 1) if n > 1 else 0.5)
    def y(v: float) -> float:
        return height - pad - (height - 2 * pad) * v / 4
    parts = [f'<svg width="{width}" height="{height}" role="img" viewBox="0 0 {width} {height}">']
    for level in range(5):
        parts.append(f'<line x1="{pad}" x2="{width - pad}" y1="{y(level):.1f}" y2="{y(level):.1f}" stroke="#e3e3e3"/>'
                     f'<text x="4" y="{y(level) + 4:.1f}">{level}</text>')
    if target is not None:
        parts.append(f'<line x1="{pad}" x2="{width - pad}" y1="{y(target):.1f}" y2="{y(target):.1f}" '
                     f'stroke="#b5651d" stroke-dasharray="4 3"/><text x="{width - pad - 60}" y="{y(target) - 4:.1f}">target</text>')
    points = " ".join(f"{x(i):.1f},{y(p.score):.1f}" for i, p in enumerate(series))
    parts.append(f'<polyline fill="none" stroke="#3a6ea5" stroke-width="2" points="{points}"/>')
    parts += [f'<circle cx="{x(i):.1f}" cy="{y(p.score):.1f}" r="3" fill="#3a6ea5"><title>{_e(p.started[:10])} '
              f'{_e(p.scenario)}: {p.score:.2f}</title></circle>' for i, p in enumerate(series)]
    parts.append("</svg>")
    return "".join(parts)


def sparkline(values: list[float]) -> str:
    """Scores 0-4 as a text sparkline for Markdown and terminals."""
    ticks = "▁▂▃▄▅▆▇█"
    return "".join(ticks[min(7, int(v / 4 * 7.999))] for v in values)


def _target_minimum(library: Library, comp: str, target: str) -> float | None:
    from coach.library.formats import Level

    if not library.ladder:
        return None
    return library.ladder.item.level(Level(target)).minimums[Competency(comp)]


def progress_markdown(store: Store, library: Library) -> str:
    data = timeline(store, library)
    out = ["# Progress", "", f"{len(own_sessions(store, 'finished'))} finished session(s).", ""]
    if not data:
        return "\n".join(out + ["No finished sessions yet."]) + "\n"
    out += ["| competency | sessions | trend | latest | level | target |", "| --- | --- | --- | --- | --- | --- |"]
    for comp, series in sorted(data.items()):
        last = series[-1]
        out.append(f"| {Competency(comp).title} | {len(series)} | {sparkline([p.score for p in series])} | "
                   f"{last.score:.2f} | {last.level or 'below first'} | {last.target} |")
    return "\n".join(out) + "\n"


def progress_html(store: Store, library: Library) -> str:
    data = timeline(store, library)
    body = ["<h1>Progress</h1>", f'<p class="muted">{len(own_sessions(store, "finished"))} finished session(s).</p>']
    if not data:
        body.append("<p>No finished sessions yet.</p>")
    for comp, series in sorted(data.items()):
        last = series[-1]
        target = _target_minimum(library, comp, last.target)
        body.append(f"<h2>{_e(Competency(comp).title)}</h2>")
        body.append(f"<p>Latest {last.score:.2f}/4 · level {_e(last.level or 'below the first')} · target {_e(last.target)}</p>")
        body.append(svg_chart(series, target=target))
    return _page("TPM Coach: progress", body)
