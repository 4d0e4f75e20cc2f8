"""Session export files: one JSON object per line, each a whole session with its title,
score and learner. The one model of a record and the one reader and writer, used by
`coach export`, `coach import`, a mentor's review and the cohort table.

A bad line never stops a file: the reader skips it and reports it with its line number.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError, field_validator

from coach.practice.state import SessionState, UnscoredState

EXPORT_FORMAT = "tpm-coach-session"
EXPORT_VERSION = 1
STORY_FORMAT = "tpm-coach-story"
"""The format of a story-bank record (coach.practice.stories), which travels in the same files."""


def is_story_record(data: object) -> bool:
    """Whether decoded JSON from an export line is a story record (read by stories.import_records)."""
    return isinstance(data, dict) and data.get("format") == STORY_FORMAT


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
    def from_line(
        cls, line: str | bytes, clean: Callable[[str], str] | None = None, rescorable: Rescorable | None = None
    ) -> ExportRecord:
        """Parse one line (UTF-8 bytes or text); ValueError says in one line what is wrong with it. ``clean`` rewrites
        every string in it first (the caller's rule for text from others: control characters
        made harmless, so no screen ever gets them). It must leave printable characters, tabs and
        line breaks as they are: a line that can hold nothing else is not walked (see _plain).
        A session that ``rescorable(scenario, stage ids)`` says will be scored again is read
        without its score reports and overall score (neither would be trusted): they are neither
        checked nor kept, which makes the record a tenth of the size."""
        if rescorable is not None:  # the usual line of an import, a good session: parsed and validated at once
            try:
                light = _UnscoredRecord.model_validate_json(line)
            except ValidationError:
                light = None  # read again below: a story record, or the one-line message of a bad line
            # only what is kept is checked for control characters (the reports, most of the line, are not)
            if light is not None and (clean is None or _plain(light.model_dump_json())):
                if rescorable(light.state.scenario, [rec.stage for rec in light.state.records]):
                    light.score = None  # recomputed when verified
                    return light
        line = line.decode("utf-8") if isinstance(line, bytes) else line  # UnicodeDecodeError: not UTF-8 text
        plain = clean is None or _plain(line)
        if plain:  # the usual line, a good session: parsed and validated at once
            try:
                return cls._validated(lambda model: model.model_validate_json(line), rescorable)
            except ValidationError:
                pass  # read again below: a story record, or the one-line message of a bad line
        try:
            data = json.loads(line)
            data = data if plain or clean is None else _cleaned(data, clean)
        except RecursionError:  # arrays or objects nested hundreds deep (a real session is a few levels)
            raise ValueError("JSON nested too deep to read") from None
        except ValueError as exc:
            raise ValueError(f"not valid JSON ({exc})") from None
        if is_story_record(data):  # a story of the story bank, travelling with the sessions
            raise OtherRecord(data)
        if not isinstance(data, dict) or "format" not in data:
            raise ValueError("not a TPM Coach session export")
        try:
            return cls._validated(lambda model: model.model_validate(data), rescorable)
        except ValidationError as exc:
            raise ValueError(_first_problem(exc)) from None

    @classmethod
    def _validated(
        cls, validate: Callable[[type[ExportRecord]], ExportRecord], rescorable: Rescorable | None
    ) -> ExportRecord:
        """``validate(model)`` without the reports when ``rescorable`` says the session will be
        scored again, else whole. ValidationError (of the whole record) when it is not valid."""
        if rescorable is not None:
            try:
                light = validate(_UnscoredRecord)
            except ValidationError:
                light = None  # not valid even without its reports: the whole record says why, below
            if light is not None and rescorable(light.state.scenario, [rec.stage for rec in light.state.records]):
                light.score = None  # recomputed when verified
                return light
        return validate(cls)


Rescorable = Callable[[str, list[str]], bool]
"""Whether a session of this scenario, with records of these stages, can be scored again here."""


class _UnscoredRecord(ExportRecord):
    """A record read without its stages' reports (see ExportRecord.from_line)."""

    state: UnscoredState


class OtherRecord(ValueError):
    """A line holding another kind of record (a story): its decoded JSON, for its own reader.
    A ValueError, so that a caller that reads sessions alone skips it as not a session."""

    def __init__(self, data: dict[str, Any]):
        super().__init__("a story record, not a session")
        self.data = data


# JSON escapes that can decode to a character other than a printable one, a tab or a line break
# (\n, \t, \", \\ and \/ cannot)
_NOT_PLAIN = re.compile(r"\\[urbf]")


def _plain(line: str) -> bool:
    """True when every string the JSON ``line`` decodes to holds only printable characters
    (str.isprintable: no control or format character), tabs and line breaks; a raw control
    character is not valid JSON. Cheap tests in C, as an import reads every line."""
    if line.isascii():  # known at once: of ASCII, a JSON string can hold raw only DEL (0x7f) unprintable
        return "\x7f" not in line and not _NOT_PLAIN.search(line)
    return line.rstrip("\r\n").isprintable() and not _NOT_PLAIN.search(line)


def _cleaned(value: Any, clean: Callable[[str], str]) -> Any:
    """``value`` (parsed JSON) with ``clean`` applied to every string, keys included."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, list):
        return [_cleaned(item, clean) for item in value]
    if isinstance(value, dict):
        return {clean(key): _cleaned(item, clean) for key, item in value.items()}
    return value


def _first_problem(exc: ValidationError) -> str:
    error = exc.errors()[0]
    message = str(error["ctx"]["error"]) if error["type"] == "value_error" else error["msg"]  # ours, as written
    if error["type"] == "value_error" and not error["loc"][1:]:  # e.g. from _ours
        return message
    where = ".".join(str(part) for part in error["loc"])
    return f"{where}: {message}" if where else message


def export_record(state: SessionState | dict[str, Any], title: str, score: float | None) -> str:
    """One export line for a session state."""
    return ExportRecord.of(state, title, score).line()


# One session is one line. Answers are scored up to about 60,000 characters each, and a line
# holds each answer twice (record and transcript) with its reports: a few hundred kilobytes
# for the longest real sessions. A longer line is not read into memory, only reported.
MAX_LINE = 4 * 1024 * 1024
"""The longest line read, in bytes."""


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


def records_in(
    path: Path, clean: Callable[[str], str] | None = None, rescorable: Rescorable | None = None
) -> Iterator[tuple[int, ExportRecord | str | dict[str, Any]]]:
    """(line number, the record, a story record's JSON, or what is wrong with the line) for every line of a JSON Lines
    export but blank ones, one at a time: a file of any size is read in bounded memory. ``clean``:
    and ``rescorable``: see ExportRecord.from_line. OSError and UnicodeDecodeError (the file cannot be read at all)
    are the caller's to report."""
    # read as bytes: pydantic validates UTF-8 JSON bytes at once (a str it would first encode again);
    # a line is decoded only when read the slow way (see from_line), and a bad one stops the file
    with path.open("rb", buffering=64 * 1024) as handle:  # a buffer the size of a few sessions: fewer reads
        number = 0
        while line := handle.readline(MAX_LINE + 1):
            number += 1
            if len(line) > MAX_LINE:
                while line and not line.endswith(b"\n"):  # skip the rest of the line unread
                    line = handle.readline(64 * 1024)
                yield number, f"longer than the limit of {MAX_LINE // (1024 * 1024)} MB for one session"
                continue
            if not line.strip():
                continue
            try:
                yield number, ExportRecord.from_line(line, clean, rescorable)
            except OtherRecord as other:  # a story: its own reader validates it
                yield number, other.data
            except UnicodeDecodeError:  # not a text file: the caller's to report, as said above
                raise
            except ValueError as exc:
                yield number, str(exc).splitlines()[0]


def read_export(path: Path, clean: Callable[[str], str] | None = None) -> ExportFile:
    """Every record of a JSON Lines export; blank lines are ignored and bad ones reported."""
    out = ExportFile(path)
    for number, item in records_in(path, clean):
        if isinstance(item, str):
            out.problems.append((number, item))
        elif isinstance(item, dict):
            out.stories.append((number, item))
        else:
            out.records.append((number, item))
    return out
