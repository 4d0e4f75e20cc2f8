"""The file formats: scenarios, rubrics and the career ladder.

These pydantic models are the single source of truth. The loader validates files
with them, `coach schema` prints their JSON Schema, and docs/authoring.md explains
the same fields. Unknown keys are errors everywhere.
"""

from __future__ import annotations

from enum import Enum
from itertools import pairwise
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from coach.library import conditions

# re-exported: the names live in names.py so that the app's catalogue shows them without importing pydantic
from coach.library.names import AREA_TITLES as AREA_TITLES
from coach.library.names import AREAS as AREAS
from coach.library.names import COMPETENCY_TITLES as COMPETENCY_TITLES
from coach.library.names import Area as Area
from coach.library.names import Competency as Competency
from coach.library.names import Level as Level

SCHEMA_VERSION = 1

Id = Annotated[
    str,
    Field(
        pattern=r"^[a-z0-9][a-z0-9-]*$",
        max_length=64,
        description="Lower-case letters, digits and hyphens, e.g. `scale-and-resilience`.",
    ),
]
Text = Annotated[str, Field(min_length=1, max_length=20_000)]


class Signal(str, Enum):
    """Communication signals measured from how an answer is written, not what it says."""

    answer_first = "answer_first"
    structure = "structure"
    concision = "concision"
    plain_language = "plain_language"
    quantification = "quantification"
    confidence = "confidence"  # little filler and hedging
    stakeholders = "stakeholders"
    next_steps = "next_steps"
    first_person = "first_person"  # "I" for your own actions, not "we"


class Strict(BaseModel):
    # defer_build: a model's validator is built when first used, not on import (a library read from the
    # cache is never validated again: the app starts faster)
    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True, frozen=True, defer_build=True)


# --------------------------------------------------------------------------- rubric


class ConceptSpec(Strict):
    """One idea a good answer expresses, with the ways people say it."""

    id: Id
    """Unique within its criterion."""
    label: Text
    """Short name shown in feedback, e.g. "Names the cost of each option"."""
    phrases: list[Annotated[str, Field(min_length=2, max_length=200)]] = Field(min_length=1)
    """Phrases and paraphrases that express the idea. Matching is fuzzy and stems words
    ("scale", "scaling", "scaled" meet), so list different wordings, not word forms."""
    advice: Text
    """What to do when the concept is missed: concrete, one or two sentences."""
    weight: float = Field(default=1.0, gt=0, le=10)
    """Relative weight within the criterion when it is scored by weighted share."""
    omission: bool = False
    """The concept is about something missing ("the procedure does not say how much"):
    a mention the answer negates is what earns it."""


class CountBand(Strict):
    """`count` or more concepts found earn `level`."""

    count: int = Field(ge=1)
    """How many distinct concepts must be found."""
    level: int = Field(ge=0, le=4)
    """The criterion level (0-4) those concepts earn."""


class CriterionSpec(Strict):
    """A line of the rubric: what is looked for and how it is scored 0-4."""

    id: Id
    """Unique within the rubric; scenarios refer to it as `rubric.criterion`."""
    title: Text
    """Shown in feedback, e.g. "Lays out real options and what each costs"."""
    weight: float = Field(default=1.0, gt=0, le=10)
    """Relative weight of this criterion within the rubric."""
    scoring: Literal["share", "count", "signals"] = "share"
    """`share`: level from the weighted share of concepts found; `count`: level from the
    first count band reached; `signals`: level from communication signals."""
    descriptors: list[Text] = Field(min_length=5, max_length=5)
    """What levels 0, 1, 2, 3 and 4 look like, in that order."""
    concepts: list[ConceptSpec] = []
    """The concepts (for `share` and `count` scoring)."""
    bands: list[CountBand] = []
    """For `count` scoring: e.g. 4 concepts = level 4, 3 = level 3, 1 = level 1."""
    signals: list[Signal] = []
    """For `signals` scoring: which communication signals make up the level."""

    @model_validator(mode="after")
    def _check_scoring(self) -> CriterionSpec:
        if self.scoring == "signals":
            if not self.signals:
                raise ValueError("scoring = 'signals' needs a non-empty `signals` list")
            if self.concepts or self.bands:
                raise ValueError("a `signals` criterion takes no concepts or bands")
        else:
            if not self.concepts:
                raise ValueError(f"scoring = '{self.scoring}' needs at least one concept")
            if self.signals:
                raise ValueError("`signals` only goes with scoring = 'signals'")
        if self.scoring == "count":
            if not self.bands:
                raise ValueError("scoring = 'count' needs `bands`")
            counts = [b.count for b in self.bands]
            if counts != sorted(counts, reverse=True) or len(set(counts)) != len(counts):
                raise ValueError("bands must be listed from the highest count down, each count once")
        elif self.bands:
            raise ValueError("`bands` only goes with scoring = 'count'")
        _unique([c.id for c in self.concepts], "concept")
        return self


class AntiPattern(Strict):
    """Something that should cost points when it appears (e.g. blaming engineering)."""

    id: Id
    """Unique within the rubric."""
    label: Text
    """Short name shown in feedback."""
    phrases: list[Annotated[str, Field(min_length=2, max_length=200)]] = Field(min_length=1)
    """Ways the anti-pattern is phrased; matched like concept phrases."""
    feedback: Text
    """Shown when the anti-pattern is found: why it hurts and what to do instead."""
    penalty: float = Field(default=0.5, gt=0, le=4)
    """Levels (0-4 scale) taken off this rubric's competency score when found."""


class Rubric(Strict):
    """A rubric measures one competency through weighted criteria."""

    id: Id
    """Unique across the library; scenarios list it in `rubrics`."""
    title: Text
    """Shown in feedback and reports."""
    competency: Competency | None = None
    """The TPM competency this rubric measures; its criteria feed that competency's score.
    Leave it out for a rubric of another kind (a course's short answers) used with
    `coach grade` or `coach explain --rubric`: its scores then claim no ladder level."""
    description: Text
    """What the rubric looks for, for learners and mentors."""
    version: int = Field(default=1, ge=1)
    """Raise when the rubric changes meaning, so old scores can be told apart."""
    criteria: list[CriterionSpec] = Field(min_length=1)
    """The weighted lines of the rubric."""
    anti_patterns: list[AntiPattern] = []
    """Things that cost points when they appear in an answer."""

    @model_validator(mode="after")
    def _unique_ids(self) -> Rubric:
        _unique([c.id for c in self.criteria], "criterion")
        _unique([a.id for a in self.anti_patterns], "anti-pattern")
        return self

    def criterion(self, criterion_id: str) -> CriterionSpec | None:
        return next((c for c in self.criteria if c.id == criterion_id), None)


# --------------------------------------------------------------------------- ladder


class LadderLevel(Strict):
    id: Level
    """Which level this is; the five levels appear in order."""
    title: Text
    """Display name, e.g. "Senior TPM"."""
    summary: Text
    """One sentence on what the level is."""
    expects: dict[Competency, Text]
    """What is expected at this level, per competency (all competencies)."""
    minimums: dict[Competency, Annotated[float, Field(ge=0, le=4)]]
    """Minimum competency score (0-4) that demonstrates this level, per competency."""

    @model_validator(mode="after")
    def _every_competency(self) -> LadderLevel:
        for name, table in (("expects", self.expects), ("minimums", self.minimums)):
            missing = [c.value for c in Competency if c not in table]
            if missing:
                raise ValueError(f"`{name}` is missing {', '.join(missing)}")
        return self


class Ladder(Strict):
    """The career ladder, lowest level first."""

    title: Text = "TPM career ladder"
    """Display name of the ladder."""
    levels: list[LadderLevel] = Field(min_length=5, max_length=5)
    """The five levels, Associate PM first and VP of Product Development last."""

    @model_validator(mode="after")
    def _ordered(self) -> Ladder:
        got = [lvl.id for lvl in self.levels]
        if got != list(Level):
            raise ValueError("levels must be " + ", ".join(lvl.value for lvl in Level) + " in that order")
        for lower, higher in pairwise(self.levels):
            for comp in Competency:
                if higher.minimums[comp] < lower.minimums[comp]:
                    raise ValueError(
                        f"{higher.id.value} asks less {comp.value} ({higher.minimums[comp]}) "
                        f"than {lower.id.value} ({lower.minimums[comp]})"
                    )
        return self

    def level(self, level: Level) -> LadderLevel:
        return self.levels[level.rank]


# --------------------------------------------------------------------------- scenario


class Persona(Strict):
    name: Text
    """The interviewer's name."""
    role: Text
    """E.g. "Tech lead, Task List team"."""
    manner: Text
    """How they interview: tone and what they push on."""


class Exhibit(Strict):
    """A small table or note handed to the candidate with the briefing."""

    title: Text
    """Heading shown above the exhibit."""
    text: Text | None = None
    """A short note (plain text)."""
    columns: list[Text] = []
    """Column headings of a small table."""
    rows: list[list[str]] = []
    """Table rows; each has one cell per column."""

    @model_validator(mode="after")
    def _shape(self) -> Exhibit:
        if not self.text and not self.rows:
            raise ValueError("an exhibit needs `text` or `rows`")
        if self.rows and not self.columns:
            raise ValueError("`rows` need `columns`")
        for i, row in enumerate(self.rows):
            if len(row) != len(self.columns):
                raise ValueError(f"row {i} has {len(row)} cell(s); there are {len(self.columns)} columns")
        return self


def exhibit_text(ex: Exhibit) -> str:
    """An exhibit as plain text: its title, its note, and its table with aligned columns.
    Here in the library layer because the scorer (repeating an exhibit earns nothing) and
    every view (briefing, app) read it the same way."""
    lines = [ex.title]
    if ex.text:
        lines.append(ex.text.strip())
    if ex.rows:
        widths = [max(len(c) for c in col) for col in zip(ex.columns, *ex.rows, strict=True)]

        def fmt(row: list[str]) -> str:
            return "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()

        lines += [fmt(ex.columns), fmt(["-" * w for w in widths])] + [fmt(r) for r in ex.rows]
    return "\n".join(lines)


class Briefing(Strict):
    situation: Text
    """The situation the candidate reads before the first question."""
    exhibits: list[Exhibit] = []
    """Optional tables or notes handed over with the briefing."""


def _check_condition(value: str) -> str:
    try:
        conditions.parse(value)
    except conditions.ConditionError as exc:
        raise ValueError(str(exc)) from None
    return value


Condition = Annotated[
    str,
    Field(min_length=1, max_length=conditions.MAX_LENGTH, description="A condition; see docs/authoring.md."),
    AfterValidator(_check_condition),
]


class Assess(Strict):
    """A rubric criterion this stage assesses, optionally narrowed and extended."""

    criterion: Annotated[str, Field(pattern=r"^[a-z0-9-]+\.[a-z0-9-]+$")]
    """`rubric.criterion`, e.g. `trade-offs.options`."""
    concepts: list[Id] = []
    """Only these of the criterion's concepts (default: all of them)."""
    extra: list[ConceptSpec] = []
    """Stage-specific concepts scored as part of this criterion."""
    weight: float | None = Field(default=None, gt=0, le=10)
    """This criterion's weight in this stage (default: its weight in the rubric); use it to mark
    the criterion the question is mainly about."""


class FollowUp(Strict):
    when: Condition
    """Ask when this holds after the answer, e.g. `missed(architecture.scale.load-testing)`."""
    ask: Text
    """The interviewer's follow-up question."""


class Branch(Strict):
    when: Condition
    goto: Id
    """The stage to go to when `when` holds, or `end`."""


class Mentor(Strict):
    """Notes for a mentor running this stage live."""

    probe: list[Text] = []
    """What to probe if the candidate stays shallow."""
    strong: list[Text] = []
    """What a strong answer shows."""


class Calibration(Strict):
    """An answer with the result it must get: the author's test for this stage."""

    label: Text
    """E.g. "strong", "middling", "buzzword list"."""
    answer: Text
    """The answer text, written as a real candidate would."""
    expect: list[Literal["weak", "developing", "solid", "strong"]] = []
    """Bands the score must land in (any of them)."""
    level: Level | None = None
    """The career level the answer must demonstrate, at least (against the ladder)."""
    flags: list[Literal[conditions.FLAGS]] = []  # type: ignore[valid-type]
    """Flags the report must raise, e.g. `buzzword_list`."""

    @field_validator("expect", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value

    @model_validator(mode="after")
    def _something_expected(self) -> Calibration:
        if not self.expect and self.level is None:
            raise ValueError("a calibration answer needs `expect` (bands), `level`, or both")
        return self


class Stage(Strict):
    id: Id
    """Unique within the scenario; branches and `then` refer to it. `end` is reserved."""
    title: Text
    """Short name shown in progress and reports."""
    prompt: Text
    """What the interviewer asks, in their voice."""
    time_limit_minutes: float | None = Field(default=None, gt=0, le=120)
    """A soft limit: the timer warns when it runs out; the answer is never lost."""
    assess: list[Assess] = Field(min_length=1)
    """The rubric criteria this stage is scored on."""
    hints: list[Text] = []
    """Revealed one at a time, in order, when the candidate asks."""
    followups: list[FollowUp] = []
    """Checked in order after the answer; the first that holds is asked."""
    max_followups: int = Field(default=1, ge=0, le=5)
    """How many follow-ups the interviewer may ask in this stage."""
    branches: list[Branch] = []
    """Checked in order after the stage; the first that holds decides the next stage."""
    then: Id | None = None
    """The stage that follows when no branch holds (default: the next listed stage), or `end`."""
    branch_only: bool = False
    """Reached only by a branch (e.g. a remedial stage); skipped in the normal order."""
    model_answer: Text
    """A strong answer at the scenario's target level, shown after the stage."""
    takeaways: list[Text] = Field(min_length=1)
    """The lessons to remember from this stage."""
    mentor: Mentor = Mentor.model_construct()  # (Mentor() would build its validator on import: slower start-up)
    """Notes for a mentor running the stage live."""
    calibration: list[Calibration] = []
    """Answers with the bands they must score; `coach calibrate` runs them."""


class Scenario(Strict):
    id: Id
    """Unique across the library; a user file with the same id overrides the built-in one."""
    title: Text
    """Shown in the catalogue."""
    summary: Text
    """One or two sentences for the catalogue."""
    difficulty: Literal["foundation", "intermediate", "advanced"]
    """How demanding the scenario is."""
    level: Level
    """The career level the scenario targets."""
    area: Area | None = None
    """The round of the interview loop it practises: `program-execution`, `system-design`,
    `behavioral`, `metrics`, `product-sense` or `written`. `coach list --area` and the
    catalogue filter on it; every built-in scenario sets it."""
    coaching: bool = False
    """A coaching conversation (e.g. with your manager), not an interview question: its sessions
    are kept and scored but do not count as interview evidence on the ladder."""
    tags: list[Id] = []
    """Free-form tags for search."""
    minutes: int = Field(ge=1, le=240)
    """Estimated time to play it through."""
    version: int = Field(default=1, ge=1)
    """Raise when the scenario changes meaning, so old sessions can be told apart."""
    rubrics: list[Id] = Field(min_length=1)
    """Rubrics this scenario is scored on; stages assess their criteria."""
    persona: Persona
    """The interviewer."""
    briefing: Briefing
    """What the candidate reads first."""
    stages: list[Stage] = Field(min_length=1)
    """The questions, in order; the first stage starts the interview."""

    @model_validator(mode="after")
    def _unique_stages(self) -> Scenario:
        _unique([s.id for s in self.stages], "stage")
        if "end" in {s.id for s in self.stages}:
            raise ValueError("`end` is reserved for 'finish the interview'; pick another stage id")
        return self

    def stage(self, stage_id: str) -> Stage | None:
        return next((s for s in self.stages if s.id == stage_id), None)


def _unique(ids: list[str], what: str) -> None:
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            raise ValueError(f"duplicate {what} id {i!r}")
        seen.add(i)


# --------------------------------------------------------------------------- lexicon


class SynonymGroup(Strict):
    """Words and short phrases that mean the same in an answer."""

    words: list[Annotated[str, Field(min_length=2, max_length=80)]] = Field(min_length=2, max_length=40)
    """The members, e.g. ["roll back", "revert", "(switch|turn) [it] back", "undo"]. A member
    may be a pattern: (a|b) for alternatives, [word] for an optional word."""
    note: str = ""
    """Why these belong together, or what they must not be confused with."""


class Lexicon(Strict):
    """Synonym groups applied to every phrase of every rubric: a phrase that uses one
    member of a group also matches the others."""

    version: int = Field(default=1, ge=1)
    """Raise when the lexicon changes, so old scores can be told apart."""
    groups: list[SynonymGroup] = Field(min_length=1, max_length=5000)
    """The groups, one `[[groups]]` table each."""


KINDS: dict[str, type[BaseModel]] = {"scenario": Scenario, "rubric": Rubric, "ladder": Ladder, "lexicon": Lexicon}
