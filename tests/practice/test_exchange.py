"""Export files: one record model, one reader; bad lines are skipped and named by number."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coach.cli import main
from coach.practice.exchange import EXPORT_FORMAT, EXPORT_VERSION, ExportRecord, read_export
from coach.practice.history import export_lines, import_file
from coach.practice.resume import persist
from coach.practice.store import Store
from tests.practice.test_history import play


def test_a_record_round_trips_through_its_line(library):
    s = play(library, "upmarket-pricing")
    s.state.learner = "Ana"
    line = ExportRecord.of(s.state, "Moving upmarket", 61.5).line()
    data = json.loads(line)
    assert list(data) == ["format", "version", "title", "learner", "score", "state"]  # the file's field order
    assert (data["format"], data["version"], data["learner"]) == (EXPORT_FORMAT, EXPORT_VERSION, "Ana")
    back = ExportRecord.from_line(line)
    assert back.state == s.state and (back.title, back.score) == ("Moving upmarket", 61.5)
    assert ExportRecord.of(json.loads(s.dump()), "t", None).state == s.state  # from stored JSON data too


def test_exported_lines_read_back_as_the_stored_sessions(library, tmp_path: Path):
    store = Store()
    sessions = [play(library, "upmarket-pricing"), play(library, "data-product", "middling")]
    for s in sessions:
        persist(store, s)
    path = tmp_path / "out.jsonl"
    path.write_text("\n".join(export_lines(store, learner="Sam")) + "\n")
    exported = read_export(path)
    assert exported.problems == []
    assert [r.state.id for _, r in exported.records] == [s.state.id for s in sessions]  # oldest first
    assert {r.learner for _, r in exported.records} == {"Sam"} == {r.state.learner for _, r in exported.records}


@pytest.mark.parametrize(
    "line, message",
    [
        ("{broken", "not valid JSON"),
        ('["a list"]', "not a TPM Coach session export"),
        ('{"format": "something-else", "state": {}}', "not a TPM Coach session export"),
        (
            '{"format": "tpm-coach-session", "version": 99, "state": {}}',
            "written by a newer coach; upgrade to import it",
        ),
        ('{"format": "tpm-coach-session", "version": 1, "state": {"scenario": "x"}}', "state.target: Field required"),
    ],
)
def test_bad_lines_are_skipped_and_named_by_number(library, tmp_path: Path, line: str, message: str):
    good = ExportRecord.of(play(library, "upmarket-pricing").state, "t", 50.0).line()
    path = tmp_path / "mixed.jsonl"
    path.write_text(f"{good}\n\n{line}\n{good}\n")
    exported = read_export(path)
    assert [number for number, _ in exported.records] == [1, 4]  # the blank line is no problem
    assert len(exported.problems) == 1 and exported.problems[0][0] == 3
    assert exported.problems[0][1].startswith(message) and "\n" not in exported.problems[0][1]
    assert exported.problem_lines() == [f"line 3: {exported.problems[0][1]}"]


def test_import_keeps_the_good_lines_around_a_bad_one(library, tmp_path: Path):
    s = play(library, "upmarket-pricing")
    path = tmp_path / "mixed.jsonl"
    path.write_text(
        '{"format": "tpm-coach-session", "version": 7}\n' + ExportRecord.of(s.state, "t", 1.0).line() + "\n"
    )
    result = import_file(Store(), path)
    assert result.added == 1 and result.problems == ["line 1: written by a newer coach; upgrade to import it"]


def test_cohort_names_every_bad_line_of_a_file(library, tmp_path: Path, capsys):
    good = ExportRecord.of(play(library, "upmarket-pricing").state, "t", 50.0).line()
    path = tmp_path / "ana.jsonl"
    path.write_text(f"{good}\n{{broken\n{good}\n[]\n")
    assert main(["cohort", str(path)]) != 0
    err = capsys.readouterr().err
    assert f"{path}:2: not valid JSON" in err and f"{path}:4: not a TPM Coach session export" in err
    assert "Traceback" not in err
