"""Session export files: one JSON object per line, each a whole session with its title,
score and learner. The one model of a record and the one reader and writer, used by
`coach export`, `coach import`, a mentor's review and the cohort table.

A bad line never stops a file: the reader skips it and reports it with its line number.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError, field_validator

from coach.practice.session import SessionState
from coach.practice.stories import is_story_record

EXPORT_FORMAT = "tpm-coach-session"
EXPORT_VERSION = 1


class ExportRecord(BaseModel):
    """One exported session. Field order is the order written to the file."""

    format: str = EXPORT_FORMAT
    version: int = EXPORT_VERSION
    title: str = ""
    """The scenario's title when the session was saved."""
    learner: str = ""
    """Whose session it is, when not the exporter's own (a mentee's, a mock interview's)."""
    score: float | None = None
    """The automatic overall score when the session was saved."""
    state: SessionState

    @field_validator("format")
    @classmethod
    def _ours(cls, value: str) -> str:
        if value != EXPORT_FORMAT:
            raise ValueError("not a TPM Coach session export")
        return value

    @field_validator("version")
    @classmethod
    def _not_newer(cls, value: int) -> int:
        if value > EXPORT_VERSION:
            raise ValueError("written by a newer coach; upgrade to import it")
        return value

    @classmethod
    def of(cls, state: SessionState | dict[str, Any], title: str, score: float | None) -> ExportRecord:
        """The record of a session state (a model, or its JSON data as stored)."""
        st = state if isinstance(state, SessionState) else SessionState.model_validate(state)
        return cls(title=title, learner=st.learner, score=score, state=st)

    def line(self) -> str:
        """The record as one line of JSON (without the newline)."""
        return json.dumps(self.model_dump(mode="json"), ensure_ascii=False)

    @classmethod
    def from_line(cls, line: str) -> ExportRecord:
        """Parse one line; ValueError says in one line what is wrong with it."""
        try:
            data = json.loads(line)
        except ValueError as exc:
            raise ValueError(f"not valid JSON ({exc})") from None
        if is_story_record(data):  # a story of the story bank, travelling with the sessions
            raise OtherRecord(data)
        if not isinstance(data, dict) or "format" not in data:
            raise ValueError("not a TPM Coach session export")
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise ValueError(_first_problem(exc)) from None


class OtherRecord(ValueError):
    """A line holding another kind of record (a story): its decoded JSON, for its own reader.
    A ValueError, so that a caller that reads sessions alone skips it as not a session."""

    def __init__(self, data: dict[str, Any]):
        super().__init__("a story record, not a session")
        self.data = data


def _first_problem(exc: ValidationError) -> str:
    error = exc.errors()[0]
    if error["type"] == "value_error" and not error["loc"][1:]:  # our own message, e.g. from _ours
        return str(error["ctx"]["error"])
    where = ".".join(str(part) for part in error["loc"])
    return f"{where}: {error['msg']}" if where else error["msg"]


def export_record(state: SessionState | dict[str, Any], title: str, score: float | None) -> str:
    """One export line for a session state."""
    return ExportRecord.of(state, title, score).line()


@dataclass
class ExportFile:
    """What a file held: its good records (with their line numbers) and its bad lines."""

    path: Path
    records: list[tuple[int, ExportRecord]] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)
    """(line number, what is wrong) of every line skipped."""
    stories: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    """(line number, decoded JSON) of story records, validated by coach.practice.stories."""

    def problem_lines(self) -> list[str]:
        """Each problem as "line N: message"."""
        return [f"line {number}: {message}" for number, message in self.problems]


def read_export(path: Path) -> ExportFile:
    """Every record of a JSON Lines export; blank lines are ignored and bad ones reported.
    OSError and UnicodeDecodeError (the file cannot be read at all) are the caller's to report."""
    out = ExportFile(path)
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                out.records.append((number, ExportRecord.from_line(line)))
            except OtherRecord as other:
                out.stories.append((number, other.data))
            except ValueError as exc:
                out.problems.append((number, str(exc).splitlines()[0]))
    return out
