"""The names the library's files use that are not pydantic models: competencies, loop areas and levels.

Kept apart from formats.py (which re-exports them) so that what only shows these, like the app's
catalogue drawn from the library's index (coach/library/index.py), starts without importing pydantic.
"""

from __future__ import annotations

from enum import Enum
from typing import Literal, get_args


class Competency(str, Enum):
    """The TPM competencies that rubrics measure and the ladder describes."""

    trade_offs = "trade-offs"
    communication = "communication"
    technical_influence = "technical-influence"
    execution = "execution"
    stakeholder_alignment = "stakeholder-alignment"
    data_driven = "data-driven"
    architecture = "architecture"
    career_growth = "career-growth"
    behavioral = "behavioral"
    product_sense = "product-sense"

    @property
    def title(self) -> str:  # type: ignore[override]  # the display title; str.title() is not used on competencies
        return COMPETENCY_TITLES[self]


COMPETENCY_TITLES = {
    Competency.trade_offs: "Trade-offs",
    Competency.communication: "Communication",
    Competency.technical_influence: "Technical influence",
    Competency.execution: "Execution across the lifecycle",
    Competency.stakeholder_alignment: "Stakeholder and strategy alignment",
    Competency.data_driven: "Data-driven decisions",
    Competency.architecture: "Architecture fluency",
    Competency.career_growth: "Career growth",
    Competency.behavioral: "Behavioral stories",
    Competency.product_sense: "Product sense",
}

Area = Literal["program-execution", "system-design", "behavioral", "metrics", "product-sense", "written"]
"""The round of a TPM interview loop a scenario practises."""

AREA_TITLES: dict[str, str] = {
    "program-execution": "Program execution",
    "system-design": "System design",
    "behavioral": "Behavioral",
    "metrics": "Metrics",
    "product-sense": "Product sense",
    "written": "Written exercise",
}
AREAS: tuple[str, ...] = get_args(Area)


class Level(str, Enum):
    """Career ladder levels, lowest first."""

    associate_pm = "associate-pm"
    tpm = "tpm"
    senior_tpm = "senior-tpm"
    principal_tpm = "principal-tpm"
    vp_product = "vp-product"

    @property
    def rank(self) -> int:
        return list(Level).index(self)
