"""The saved state of an interview session: plain pydantic models, no scoring code.

Kept apart from coach.practice.session (the session's logic, which needs the scorer) so that
reading and checking states (`coach import`, export files) starts without the scoring engine.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from enum import Enum
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from coach import paths
from coach.library.formats import Level
from coach.practice.review import MentorReview
from coach.scoring.report import ScoreReport

STATE_VERSION = 1


class Mode(str, Enum):
    study = "study"  # feedback after each answer
    interview = "interview"  # feedback only at the end, as in a real interview


class Turn(BaseModel):
    role: Literal["interviewer", "candidate", "coach"]
    kind: Literal["prompt", "followup", "answer", "hint", "skip", "note"]
    stage: str
    text: str


class StageAnswers(BaseModel):
    """A stage's record without its score report: what an import reads of a session it will
    re-score (the file's report is ignored, never trusted)."""

    stage: str
    answers: list[str] = []
    """The first answer, then replies to follow-ups; scored together."""
    followups: list[str] = []
    hints_used: int = 0
    seconds: float = 0.0
    """Time spent on the stage (answering, not reading feedback)."""
    skipped: bool = False


class StageRecord(StageAnswers):
    report: ScoreReport | None = None


class SessionState(BaseModel):
    version: int = STATE_VERSION
    id: str = Field(default_factory=lambda: uuid.uuid4().hex[:12])
    scenario: str
    scenario_version: int = 1
    rubric_versions: dict[str, int] = {}
    target: Level
    mode: Mode = Mode.study
    started: str = Field(default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds"))
    status: Literal["briefing", "answering", "finished"] = "briefing"
    current: str | None = None
    """The stage being answered."""
    awaiting_followup: bool = False
    records: list[StageRecord] = []
    transcript: list[Turn] = []
    draft: str = ""
    """The answer being typed, kept so an interrupted session resumes with it."""
    stage_started: float | None = None
    """Wall-clock time the current stage was opened (for the timer)."""
    learner: str = ""
    review: MentorReview | None = None
    """A mentor's review; the mentor's scores are final where it exists."""
    unverified: bool = False
    """The reports are as another coach exported them, not recomputed here (an imported session
    awaiting verification, or whose scenario is not in the library). Set by the import, never
    taken from a file; re-scoring clears it."""

    # A state comes from files others send (imports, reviews): the id ends up in file names and
    # the start time in date arithmetic, so both are checked here, where every state is made.
    @field_validator("id")
    @classmethod
    def _safe_id(cls, value: str) -> str:
        return paths.check_id(value)

    @field_validator("started")
    @classmethod
    def _a_time(cls, value: str) -> str:
        try:
            when = datetime.fromisoformat(value)
        except ValueError:
            when = None
        if when is None or not 1 < when.year < 9999:  # years 1 and 9999 overflow in other time zones
            raise ValueError(f"{value[:40]!r} is not an ISO date and time")
        # a time without a zone is taken as UTC, so it compares with every other start time
        return value if when.tzinfo else when.replace(tzinfo=timezone.utc).isoformat()


class UnscoredState(SessionState):
    """A state read without its stages' score reports (every other field checked as in
    SessionState). Stored as it is, it reads back as a SessionState whose records have no report."""

    records: list[StageAnswers] = []  # type: ignore[assignment]  # a report in the file is ignored
