"""From criterion levels to bands, competency scores and the career ladder.

The public helpers the scorer uses and that a mentor's judgement reuses (coach.practice.review
recomputes a stage from the mentor's ticks and overrides with exactly these rules).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from coach.library.formats import Competency, CriterionSpec, Ladder, Level, Rubric, Scenario
from coach.scoring.report import (
    AntiPatternHit,
    CompetencyResult,
    ConceptResult,
    CriterionResult,
    ScoreReport,
    SignalScore,
)

# The score is the share of the maximum rubric levels, which is strict; bands are set to match.
BANDS = ((75.0, "strong"), (55.0, "solid"), (30.0, "developing"), (0.0, "weak"))
SHARE_CURVE = 0.75
REJECTED_COST = 0.5


def band_for(score: float) -> str:
    """The band name (weak, developing, solid, strong) of a 0-100 score."""
    return next(name for floor, name in BANDS if score >= floor)


def exact_level(
    spec: CriterionSpec, concepts: Sequence[ConceptResult], weights: Sequence[float], signals: Sequence[SignalScore]
) -> float:
    """The criterion's level on 0-4 before rounding; the score uses it so that rounding
    does not hide what was covered, while feedback shows the rounded level."""
    if spec.scoring == "signals":
        return 4 * sum(s.value for s in signals) / len(signals)
    # Rejecting a practice the question calls for ("canaries are overkill") is worse than
    # leaving it out: each concept the answer rejects takes back half a concept's credit.
    if spec.scoring == "count":
        found = sum(c.found for c in concepts) - REJECTED_COST * sum(c.negated and not c.found for c in concepts)
        return float(next((b.level for b in spec.bands if found >= b.count), 0))
    total = sum(weights)
    credit = sum(
        w if c.found else (-REJECTED_COST * w if c.negated else 0.0) for c, w in zip(concepts, weights, strict=True)
    )
    share = max(0.0, credit / total) if total else 0.0
    # Gently concave: a solid answer rarely names every concept a criterion lists.
    return 4 * float(share**SHARE_CURVE)  # float ** float is typed Any (it could be complex); share >= 0


def competency_scores(
    criteria: Sequence[CriterionResult], anti: Sequence[AntiPatternHit], rubrics: Mapping[str, Rubric]
) -> tuple[list[CompetencyResult], float]:
    """Each competency's 0-4 score (weighted criterion levels less anti-pattern penalties)
    and the uncapped 0-100 score. ``rubrics`` maps a rubric id to its rubric (an anti-pattern
    costs the competency of the rubric that lists it)."""
    sums: dict[str, list[float]] = {}
    for c in criteria:
        acc = sums.setdefault(c.competency, [0.0, 0.0])
        acc[0] += c.weight * c.exact_level
        acc[1] += c.weight
    penalty: defaultdict[str, float] = defaultdict(float)
    for hit in anti:
        rubric = rubrics[hit.ref.split(".")[0]]
        penalty[rubric.competency.value if rubric.competency else ""] += hit.penalty
    results, total, weight = [], 0.0, 0.0
    for comp, (num, den) in sums.items():
        value = max(0.0, num / den - penalty[comp])
        if comp:  # a rubric that measures no TPM competency adds to the score, not to the ladder
            results.append(CompetencyResult(competency=comp, title=Competency(comp).title, score=round(value, 2)))
        total += den * value / 4
        weight += den
    return results, 100 * total / weight if weight else 0.0


def ceiling_for(scenario: Scenario | None) -> int | None:
    """The highest level a scenario can show: one above the level it is pitched at.
    A strong answer to a TPM question is evidence of TPM or Senior TPM work, not of a VP."""
    if scenario is None:
        return None
    return min(scenario.level.rank + 1, len(Level) - 1)


def place_on_ladder(report: ScoreReport, ladder: Ladder, target: Level | None, ceiling: int | None = None) -> None:
    """Fill each competency's demonstrated level (at most ``ceiling``), the gap to the
    target, and the overall level."""
    overall: int | None = len(ladder.levels) - 1
    for comp in report.competencies:
        key = Competency(comp.competency)
        reached = None
        for i, lvl in enumerate(ladder.levels):
            if comp.score >= lvl.minimums[key] and (ceiling is None or i <= ceiling):
                reached = i
        comp.level = ladder.levels[reached].id.value if reached is not None else None
        comp.level_title = ladder.levels[reached].title if reached is not None else None
        head = f"{comp.title}: {comp.level_title + ' level' if comp.level_title else 'below ' + ladder.levels[0].title}"
        if target is not None:
            need = ladder.level(target)
            comp.target, comp.target_minimum = target.value, need.minimums[key]
            comp.meets_target = comp.score >= need.minimums[key]
            if not comp.meets_target:
                head += f"; {need.title} needs {need.minimums[key]:g} (you have {comp.score:.2f})"
        comp.note = head
        overall = None if reached is None or overall is None else min(overall, reached)
    if report.competencies and overall is not None:
        report.level, report.level_title = ladder.levels[overall].id.value, ladder.levels[overall].title
    report.target = target.value if target else None
