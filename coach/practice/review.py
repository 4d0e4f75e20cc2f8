"""A mentor's review of a session: the data kept with the session state, and the one rule
that turns a mentor's ticks and overrides into a stage report.

Below coach.practice.session (which keeps a MentorReview in its state and shows the
mentor's scores as final) and coach.practice.mentor (the mentor's workflow), so neither
has to import the other's module to do its part.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from coach.library.formats import Level, Scenario
from coach.scoring.report import AntiPatternHit, Evidence, ScoreReport

if TYPE_CHECKING:  # the models are read without the scorer (coach import); reviewed_report needs it
    from coach.scoring.engine import Scorer


class Override(BaseModel):
    level: int = Field(ge=0, le=4)
    reason: str = Field(min_length=1)


class StageReview(BaseModel):
    """A mentor's judgement of one stage."""

    ticked: list[str] = []
    """Concepts the mentor heard (rubric.criterion.concept)."""
    anti: list[str] = []
    """Anti-patterns the mentor heard (rubric.anti-pattern)."""
    overrides: dict[str, Override] = {}
    """Criterion levels the mentor set by hand, with the reason."""
    notes: str = ""
    prefilled: bool = False
    """Whether the automatic score has pre-ticked the checklist."""


class MentorReview(BaseModel):
    mentor: str = ""
    reviewed: str | None = None
    """When the review was finished (ISO time)."""
    comment: str = ""
    """The mentor's overall advice."""
    stages: dict[str, StageReview] = {}


def reviewed_report(
    scorer: Scorer, scenario: Scenario, stage_id: str, auto: ScoreReport, review: StageReview, target: Level | None
) -> ScoreReport:
    """The stage's report as the mentor judged it: concepts from the mentor's ticks,
    anti-patterns the mentor heard, criterion levels the mentor overrode. ``auto`` (the
    automatic report) is left unchanged, so both can be shown side by side."""
    from coach.scoring.ladder import band_for, ceiling_for, competency_scores, exact_level, place_on_ladder

    stage = scenario.stage(stage_id)
    assert stage is not None
    stage_target = scorer.stage_target(scenario, stage)
    spec_of = {c.ref: c for c in stage_target.criteria}
    report = auto.model_copy(deep=True)
    ticked = set(review.ticked)
    for crit in report.criteria:
        weights = [c.weight for c in spec_of[crit.ref].concepts]
        for concept in crit.concepts:
            concept.found = concept.ref in ticked
            concept.negated = concept.negated and not concept.found
        exact = crit.exact_level
        if crit.scoring != "signals":
            exact = exact_level(spec_of[crit.ref].spec, crit.concepts, weights, [])
        override = review.overrides.get(crit.ref)
        if override is not None:
            exact = float(override.level)
        crit.exact_level = round(exact, 3)
        crit.level = int(exact + 0.5)
        crit.descriptor = spec_of[crit.ref].spec.descriptors[crit.level]
    hits = {a.ref: a for a in auto.anti_patterns}
    anti = []
    for ref, pattern, _ in stage_target.anti_patterns:
        if ref in review.anti:
            anti.append(
                hits.get(ref)
                or AntiPatternHit(
                    ref=ref,
                    label=pattern.label,
                    feedback=pattern.feedback,
                    penalty=pattern.penalty,
                    evidence=Evidence(start=0, end=0, text="heard by the mentor"),
                )
            )
    report.anti_patterns = anti
    report.competencies, raw = competency_scores(report.criteria, anti, stage_target.rubrics)
    report.score = round(raw, 1)  # the mentor's judgement is not capped by the automatic flags
    report.band = band_for(report.score)
    if scorer.ladder:
        place_on_ladder(report, scorer.ladder, target, ceiling_for(scenario))
    return report
