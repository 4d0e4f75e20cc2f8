"""Batch work without a UI: grading many answers and running calibration answers."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TextIO

from coach.library.formats import Scenario
from coach.library.loader import Library
from coach.scoring.engine import Scorer
from coach.scoring.report import ScoreReport

csv.field_size_limit(10_000_000)  # answers can be long pastes


class RowError(ValueError):
    """A row that cannot be graded; reported and skipped."""


@dataclass
class Row:
    number: int  # 1-based data row number (line for JSON Lines)
    data: dict[str, Any]


def read_rows(stream: IO[str], fmt: str) -> Iterator[Row | RowError]:
    """Rows of a CSV or JSON Lines input; a malformed line yields a RowError."""
    if fmt == "csv":
        for n, record in enumerate(csv.DictReader(stream), start=1):
            yield Row(n, {k.strip().lower(): v for k, v in record.items() if k})
        return
    for n, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            yield RowError(f"line {n}: not valid JSON ({exc.msg})")
            continue
        if not isinstance(data, dict):
            yield RowError(f"line {n}: expected a JSON object")
            continue
        yield Row(n, {str(k).lower(): v for k, v in data.items()})


def grade_row(row: Row, scorer: Scorer, rubric_id: str | None, scenario_id: str | None) -> ScoreReport:
    answer = row.data.get("answer")
    if not isinstance(answer, str):
        raise RowError("missing the `answer` field")
    if rubric_id or row.data.get("rubric"):
        rid = str(rubric_id or row.data["rubric"])
        try:
            rubric = scorer.library.rubric(rid)
        except KeyError as exc:
            raise RowError(exc.args[0]) from None
        return scorer.score_rubric(rubric, answer, prompt=str(row.data.get("question") or ""))
    stage_ref = str(row.data.get("stage") or "")
    sid = str(row.data.get("scenario") or scenario_id or "")
    if "/" in stage_ref and not row.data.get("scenario"):
        sid, stage_ref = stage_ref.split("/", 1)
    if not sid:
        raise RowError("no scenario: give a `scenario` column, `--scenario`, or `--rubric`")
    try:
        scenario = scorer.library.scenario(sid)
    except KeyError as exc:
        raise RowError(exc.args[0]) from None
    stage = scenario.stage(stage_ref) if stage_ref else scenario.stages[0]
    if stage is None:
        raise RowError(f"unknown stage {stage_ref!r} in {sid}")
    return scorer.score_stage(scenario, stage, answer)


def summary_fields(row_id: str, report: ScoreReport) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": row_id,
        "scenario": report.scenario or "",
        "stage": report.stage or "",
        "score": report.score,
        "band": report.band,
        "level": report.level or "",
        "words": report.words,
        "flags": ";".join(sorted(report.flag_codes())),
    }
    for comp in report.competencies:
        out[f"competency:{comp.competency}"] = comp.score
    return out


def grade(
    rows: Iterable[Row | RowError],
    scorer: Scorer,
    out: TextIO,
    fmt: str,
    rubric_id: str | None = None,
    scenario_id: str | None = None,
    errors: TextIO | None = None,
    progress: Any = None,
) -> tuple[int, int]:
    """Grade every row; write results; report bad rows on ``errors`` (default stderr). Returns (graded, skipped)."""
    errors = errors or sys.stderr
    graded = skipped = 0
    writer: csv.DictWriter[str] | None = None
    buffered: list[dict[str, Any]] = []
    for row in rows:
        if progress:
            progress()
        if isinstance(row, RowError):
            print(f"skipped {row}", file=errors)
            skipped += 1
            continue
        row_id = str(row.data.get("id") or row.number)
        try:
            report = grade_row(row, scorer, rubric_id, scenario_id)
        except RowError as exc:
            print(f"skipped row {row.number} (id {row_id}): {exc}", file=errors)
            skipped += 1
            continue
        graded += 1
        if fmt == "jsonl":
            record = summary_fields(row_id, report)
            record["criteria"] = {c.ref: c.level for c in report.criteria}
            out.write(json.dumps(record) + "\n")
        else:
            buffered.append(summary_fields(row_id, report))
    if fmt == "csv" and buffered:
        # competency columns differ between stages; write the union, in first-seen order
        fields = list(dict.fromkeys(k for r in buffered for k in r))
        writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(buffered)
    return graded, skipped


# --------------------------------------------------------------------------- calibration


@dataclass
class CalibrationResult:
    scenario: str
    stage: str
    label: str
    expect: list[str]
    expect_flags: list[str]
    score: float
    band: str
    flags: list[str]
    expect_level: str | None = None
    level: str | None = None

    @property
    def ok(self) -> bool:
        from coach.library.formats import Level

        band_ok = not self.expect or self.band in self.expect
        level_ok = self.expect_level is None or (
            self.level is not None and Level(self.level).rank >= Level(self.expect_level).rank
        )
        return band_ok and level_ok and set(self.expect_flags) <= set(self.flags)


def calibrate(library: Library, scenarios: Iterable[Scenario]) -> list[CalibrationResult]:
    scorer = Scorer(library)
    results = []
    for sc in scenarios:
        for stage in sc.stages:
            for cal in stage.calibration:
                r = scorer.score_stage(sc, stage, cal.answer)
                results.append(
                    CalibrationResult(
                        sc.id,
                        stage.id,
                        cal.label,
                        list(cal.expect),
                        list(cal.flags),
                        r.score,
                        r.band,
                        sorted(r.flag_codes()),
                        cal.level.value if cal.level else None,
                        r.level,
                    )
                )
    return results


def detect_format(path: str | None, explicit: str | None) -> str:
    if explicit:
        return explicit
    if path and Path(path).suffix.lower() in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    return "csv"


def open_text(path: str | None, mode: str = "r") -> IO[str]:
    if path in (None, "-"):
        return sys.stdin if "r" in mode else sys.stdout
    return open(path, mode, encoding="utf-8", newline="" if "w" in mode else None)
