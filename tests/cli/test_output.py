"""What the commands write: the same --format and -o everywhere, -o written whole or not at all,
rich tables and a progress bar on a terminal, plain text when piped."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from coach.cli import main


def _finished_session(library: Any) -> Any:
    from coach.practice.resume import persist
    from coach.practice.session import Session
    from coach.practice.store import Store

    s = Session.new(library, "upmarket-pricing")
    s.start()
    while not s.finished:
        s.skip()
    persist(Store(), s)
    return s


def _grade_input(path: Path, rows: int) -> Path:
    lines = ["id,scenario,stage,answer"]
    lines += [f"a{i},upmarket-pricing,strategy,We need a billing engine and load testing." for i in range(rows)]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_every_command_that_writes_takes_format_and_output(
    capsys: pytest.CaptureFixture[str], library: Any, tmp_path: Path
) -> None:
    session = _finished_session(library)
    answer = tmp_path / "answer.txt"
    answer.write_text("We need a billing engine, load testing and monitoring before we raise prices.")
    export = tmp_path / "mine.jsonl"
    assert main(["export", "--learner", "Ana", "-o", str(export)]) == 0
    grade_in = _grade_input(tmp_path / "in.csv", 2)
    score = ["--scenario", "upmarket-pricing", "--answer", str(answer)]
    cases: list[tuple[list[str], str, Any]] = [
        (["list"], "json", lambda t: any(r["id"] == "upmarket-pricing" for r in json.loads(t))),
        (["history"], "json", lambda t: json.loads(t)[0]["id"] == session.state.id),
        (["report", session.state.id], "json", lambda t: "stages" in t and json.loads(t)),
        (["report", "--progress"], "html", lambda t: t.lstrip().lower().startswith("<!doctype html")),
        (["export"], "jsonl", lambda t: json.loads(t.splitlines()[0])["state"]["id"] == session.state.id),
        (["cohort", str(export)], "json", lambda t: json.loads(t)[0]["learner"] == "Ana"),
        (["cohort", str(export)], "md", lambda t: t.startswith("| LEARNER |")),
        (["score", *score], "md", lambda t: t.startswith("#")),
        (["score", *score], "markdown", lambda t: t.startswith("#")),  # the old name of md still works
        (["score", *score], "json", lambda t: json.loads(t)["score"] >= 0),
        (["explain", *score], "text", lambda t: "FOUND" in t or "missed" in t),
        (["grade", str(grade_in)], "jsonl", lambda t: json.loads(t.splitlines()[0])["id"] == "a0"),
        (["schema", "scenario"], "json", lambda t: json.loads(t)["$schema"].endswith("schema")),
        (["draft-rubric", str(answer), "--id", "pricing"], "toml", lambda t: 'id = "pricing"' in t),
    ]
    for n, (argv, fmt, check) in enumerate(cases):
        target = tmp_path / f"out{n}.{fmt}"
        assert main([*argv, "--format", fmt, "-o", str(target)]) == 0, argv
        out = capsys.readouterr().out
        assert check(target.read_text()), (argv, fmt)
        assert len(out.splitlines()) <= 1, f"{argv}: the document went to the file, not to the screen"


def test_json_flag_is_format_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "--json"]) == 0
    flag = capsys.readouterr().out
    assert main(["list", "--format", "json"]) == 0
    assert capsys.readouterr().out == flag and json.loads(flag)


def test_an_interrupted_grade_leaves_no_file_and_keeps_an_old_one(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from coach.scoring.engine import Scorer

    source = _grade_input(tmp_path / "in.csv", 3)
    scored = []
    real = Scorer.score_stage

    def interrupted(self: Scorer, *args: Any, **kwargs: Any) -> Any:
        scored.append(1)
        if len(scored) == 2:
            raise KeyboardInterrupt  # ctrl+c halfway
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Scorer, "score_stage", interrupted)
    out = tmp_path / "out.jsonl"
    assert main(["grade", str(source), "-o", str(out)]) == 130
    assert "interrupted" in capsys.readouterr().err
    assert not out.exists(), "no empty or half-written file"
    out.write_text("yesterday's grades\n")
    scored.clear()
    assert main(["grade", str(source), "-o", str(out)]) == 130
    assert out.read_text() == "yesterday's grades\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.jsonl"]  # no temporary file left


def test_output_into_a_missing_folder_is_a_clear_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "no-such-folder" / "progress.html"
    assert main(["report", "--progress", "--format", "html", "-o", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.strip() == f"coach: {target}: cannot write: No such file or directory"


def test_a_written_file_gets_ordinary_permissions(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    import os

    target = tmp_path / "scenario.json"
    assert main(["schema", "scenario", "-o", str(target)]) == 0
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask  # as open() would make it, not private


def _as_terminal(monkeypatch: pytest.MonkeyPatch, stream: Any, columns: int) -> None:
    monkeypatch.setattr(stream, "isatty", lambda: True)
    monkeypatch.setenv("COLUMNS", str(columns))


def test_list_on_a_terminal_is_a_rich_table_that_shows_titles_as_text(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    root = Path(__file__).parents[2]
    text = (root / "scenarios" / "upmarket-pricing.toml").read_text()
    text = text.replace('id = "upmarket-pricing"', 'id = "markup-title"', 1)
    text = text.replace('title = "Moving upmarket:', 'title = "[red]Pricing[/red] review:', 1)
    (tmp_path / "markup-title.toml").write_text(text)
    _as_terminal(monkeypatch, sys.stdout, 200)
    assert main(["list", "--scenarios", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "─" * 20 in out  # rich's rule under the header
    assert "[red]Pricing[/red] review:" in out  # user text is shown as typed, never as markup
    _as_terminal(monkeypatch, sys.stdout, 80)
    assert main(["list"]) == 0
    lines = re.sub(r"\x1b\[[0-9;]*m", "", capsys.readouterr().out).splitlines()  # without colours
    assert "…" in "".join(lines) and all(len(line) <= 80 for line in lines)  # fitted to the terminal


def test_history_piped_is_plain_full_width_text(
    capsys: pytest.CaptureFixture[str], library: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = _finished_session(library)
    monkeypatch.setenv("COLUMNS", "40")
    assert main(["history"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == [
        "SESSION",
        "STARTED",
        "SCENARIO",
        "LEARNER",
        "MODE",
        "TARGET",
        "SCORE",
        "STATUS",
        "MENTOR",
    ]
    assert lines[1].startswith(session.state.id) and "upmarket-pricing" in lines[1] and "…" not in lines[1]


def test_grade_shows_a_progress_bar_on_a_terminal_only(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    source = _grade_input(tmp_path / "in.csv", 60)
    assert main(["grade", str(source), "-o", str(tmp_path / "piped.csv")]) == 0
    assert capsys.readouterr().err == "graded 60 answer(s), skipped 0\n"  # no bar in a log
    _as_terminal(monkeypatch, sys.stderr, 100)
    assert main(["grade", str(source), "-o", str(tmp_path / "out.csv")]) == 0
    err = capsys.readouterr().err
    assert "grading" in err and "60/60" in err
    assert err.rstrip().endswith("graded 60 answer(s), skipped 0")
    assert len((tmp_path / "out.csv").read_text().splitlines()) == 61
