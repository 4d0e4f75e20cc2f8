"""The score report: what the scorer found and why, in a versioned JSON shape.

`coach schema report` prints its JSON Schema (schema_for; `python -m coach.scoring.report`
refreshes the committed copies in docs/schema). REPORT_VERSION changes whenever a field
changes meaning or disappears; new optional fields do not change it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from coach.library import schemas

REPORT_VERSION = 1


class _Model(BaseModel):
    model_config = ConfigDict(use_attribute_docstrings=True)


class Evidence(_Model):
    start: int
    """Character offset in the answer where the evidence starts."""
    end: int
    """Character offset just after it."""
    text: str
    """The answer's own words at that span."""


class ConceptResult(_Model):
    ref: str
    """`rubric.criterion.concept`."""
    label: str
    found: bool
    """Credited: matched and not negated."""
    negated: bool
    """Mentioned only in a negated way ("we don't need a load test")."""
    similarity: float
    """0-1: how much of the best phrase was found together."""
    phrase: str | None = None
    """The rubric phrase that matched best."""
    evidence: Evidence | None = None
    negation: Evidence | None = None
    """The words that negated or rejected it, when negated."""
    advice: str
    """What to do about it when missed."""
    concrete: bool = True
    """The evidence says something concrete: a number, a time, a condition or who does it (False: the
    concept is named only in general, "we would manage the risk"). Shown by `coach explain`; it does
    not change the level."""


class SignalScore(_Model):
    signal: str
    value: float
    """0-1; at or above 0.67 it earns a ✓."""
    note: str
    """What was observed."""
    advice: str = ""
    """What to do about it (always given below 0.67)."""
    evidence: list[Evidence] = []


class CriterionResult(_Model):
    ref: str
    """`rubric.criterion`."""
    title: str
    rubric: str
    competency: str
    scoring: str
    weight: float
    level: int
    """0-4 by the criterion's rule, rounded; `descriptor` describes it."""
    exact_level: float
    """The level before rounding (0-4); scores and competencies use it."""
    descriptor: str
    """What this level looks like, from the rubric."""
    concepts: list[ConceptResult] = []
    signals: list[SignalScore] = []


class AntiPatternHit(_Model):
    ref: str
    """`rubric.anti-pattern`."""
    label: str
    feedback: str
    penalty: float
    evidence: Evidence


class Flag(_Model):
    code: str
    """One of: empty, too_short, gibberish, buzzword_list, parroting, repetitive, off_topic, truncated,
    stitched, buzzword_salad, red_flag."""
    message: str


class CompetencyResult(_Model):
    competency: str
    title: str
    score: float
    """0-4: weighted mean of the criterion levels, less anti-pattern penalties."""
    level: str | None = None
    """The highest ladder level whose minimum this score reaches (None: below the first)."""
    level_title: str | None = None
    target: str | None = None
    target_minimum: float | None = None
    meets_target: bool | None = None
    note: str = ""
    """E.g. "Trade-offs: TPM level; Senior TPM needs 2.75 (you have 2.4)"."""


class ScoreReport(_Model):
    version: int = REPORT_VERSION
    """Report format version."""
    scenario: str | None = None
    stage: str | None = None
    rubric_versions: dict[str, int] = {}
    """The rubrics used and their versions, so old scores can be told apart."""
    scenario_version: int | None = None
    words: int
    score: float
    """0-100."""
    band: str
    """weak (<30), developing (30-54), solid (55-74) or strong (75+)."""
    flags: list[Flag] = []
    criteria: list[CriterionResult] = []
    anti_patterns: list[AntiPatternHit] = []
    competencies: list[CompetencyResult] = []
    level: str | None = None
    """The ladder level demonstrated in every competency assessed."""
    level_title: str | None = None
    target: str | None = None
    strengths: list[str] = []
    improvements: list[str] = []
    """The most valuable things to work on, most valuable first."""
    model_answer: str | None = None
    takeaways: list[str] = []

    def concept(self, ref: str) -> ConceptResult | None:
        for c in self.criteria:
            for concept in c.concepts:
                if concept.ref == ref:
                    return concept
        return None

    def flag_codes(self) -> set[str]:
        return {f.code for f in self.flags}


SCHEMA_KINDS = (*schemas.TITLES, "report")


def schema_for(kind: str) -> dict[str, Any]:
    """The JSON Schema of ``kind``: a library file format (scenario, rubric, ladder) or the report."""
    if kind == "report":
        return schemas.json_schema(ScoreReport, "TPM Coach score report")
    return schemas.schema_for(kind)


def write_all(folder: Path) -> None:
    """Refresh the committed copies in docs/schema (editors point `#:schema` at them)."""
    folder.mkdir(parents=True, exist_ok=True)
    for kind in SCHEMA_KINDS:
        (folder / f"{kind}.schema.json").write_text(json.dumps(schema_for(kind), indent=2) + "\n")


if __name__ == "__main__":
    write_all(Path(__file__).resolve().parents[2] / "docs" / "schema")
