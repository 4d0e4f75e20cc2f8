"""Plain-text views of scenarios, shared by `coach show` and the plain terminal mode."""

from __future__ import annotations

import re
import textwrap

from coach.library.formats import Scenario, exhibit_text
from coach.library.loader import Library
from coach.render.view import area_text


def assessed_lines(sc: Scenario, stage_index: int, lib: Library) -> list[str]:
    """One line per assessed criterion: its title and the concepts looked for."""
    out = []
    for a in sc.stages[stage_index].assess:
        rid, cid = a.criterion.split(".")
        crit = lib.rubrics[rid].item.criterion(cid) if rid in lib.rubrics else None
        if crit is None:
            continue
        if crit.scoring == "signals":
            what = ", ".join(s.value.replace("_", " ") for s in crit.signals)
        else:
            chosen = [c for c in crit.concepts if not a.concepts or c.id in a.concepts]
            what = "; ".join([c.label for c in chosen] + [c.label for c in a.extra])
        out.append(f"{crit.title} ({lib.rubrics[rid].item.title}): {what}")
    return out


def briefing_text(sc: Scenario) -> str:
    parts = [
        f"{sc.title}",
        f"Interviewer: {sc.persona.name}, {sc.persona.role}",
        textwrap.fill(" ".join(sc.persona.manner.split()), 88),
        "",
        sc.briefing.situation.strip(),
    ]
    for ex in sc.briefing.exhibits:
        parts += ["", exhibit_text(ex)]
    return "\n".join(parts)


def scenario_text(sc: Scenario, lib: Library) -> str:
    head = [
        f"{sc.id}  ·  {sc.difficulty}  ·  targets {sc.level.value}  ·  about {sc.minutes} minutes",
        f"Loop area: {area_text(sc)}",
        "Scored on: " + ", ".join(lib.rubrics[r].item.title for r in sc.rubrics if r in lib.rubrics),
        "",
        textwrap.fill(" ".join(sc.summary.split()), 88),
        "",
        briefing_text(sc),
        "",
        "Stages",
    ]
    for i, stage in enumerate(sc.stages):
        limit = f", {stage.time_limit_minutes:g} min" if stage.time_limit_minutes else ""
        extra = " (only reached by a branch)" if stage.branch_only else ""
        head.append(f"\n{i + 1}. {stage.title} [{stage.id}{limit}]{extra}")
        head.append(textwrap.indent(stage.prompt.strip(), "   "))
        head.append("   Assesses:")
        head += [
            textwrap.fill(line, 88, initial_indent="   - ", subsequent_indent="     ")
            for line in assessed_lines(sc, i, lib)
        ]
        bits = [
            f"{len(stage.hints)} hint(s)",
            f"{len(stage.followups)} follow-up(s)",
            f"{len(stage.calibration)} calibration answer(s)",
        ]
        head.append("   " + ", ".join(bits))
    return "\n".join(head)


_LIST_ITEM = re.compile(r"^(?:[-*•]|\d+[.)])\s")


def reflow(text: str) -> str:
    """Join an author's hard-wrapped lines so the screen can wrap them; keep paragraphs
    and list items ("- ", "* ", "• ", "1. ") on lines of their own."""
    out: list[str] = []
    for paragraph in text.strip().split("\n\n"):
        lines: list[str] = []
        for raw in paragraph.splitlines():
            line = raw.strip()
            if lines and line and not _LIST_ITEM.match(line):
                lines[-1] += " " + line
            elif line:
                lines.append(line)
        out.append("\n".join(lines))
    return "\n\n".join(out)
