"""Nothing a file or an answer holds reaches the terminal as a control sequence (issue 13).

tests/data/hostile/escapes.jsonl puts a clipboard write (OSC 52), a window title change, a screen clear, a C1 CSI,
a bell and a carriage return into a learner's name, a title, a mentor's name and comment and an answer; its second
line carries the same in a key that makes it invalid, so the error message quotes it."""

from __future__ import annotations

import json
import re

import pytest

from coach.cli import main
from tests.cli.test_plain import run_plain
from tests.conftest import DATA

ESCAPES = DATA / "hostile" / "escapes.jsonl"
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # every C0 control but tab and newline, DEL, every C1


def harmless(text: str) -> str:
    assert not CONTROLS.search(text), repr(CONTROLS.search(text).group())  # type: ignore[union-attr]
    return text


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, harmless(out) + harmless(err)


def strings(value: object) -> list[str]:
    """Every string in parsed JSON, keys included."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for item in value for s in strings(item)]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in [k, *strings(v)]]
    return []


def test_import_history_report_and_cohort_print_control_characters_visibly(capsys, tmp_path):
    from coach.practice.store import Store

    code, said = run(capsys, "import", str(ESCAPES))
    assert code == 1 and "line 2: state.rubric_versions.^[]0;pwned^G^[[2J: " in said
    # stored as visible marks, so no screen (the app's included) ever gets a control character from the file
    for text in strings(json.loads(Store().load_state("escapes001"))):
        harmless(text)
    code, listing = run(capsys, "history")
    assert code == 0 and "Sam^[]52;c;cm0gLXJmIH4K^G^[]0;pwned^G" in listing  # shown, not obeyed
    code, _ = run(capsys, "history", "--json")
    assert code == 0
    code, report = run(capsys, "report", "escapes001")
    # (Markdown escapes the brackets too)
    assert code == 0 and r"pilot first.^\[\[2J^\[\[H&lt;U+009B&gt;31m^G Then roll out.^MEVERYTHING IS FINE" in report
    assert r"Jo^\[\]52;c;" in report and r"Good^\[\[2J" in report  # the mentor's name and comment
    code, _ = run(capsys, "report", "escapes001", "--format", "html")
    assert code == 0
    out = tmp_path / "report.md"
    code, _ = run(capsys, "report", "escapes001", "-o", str(out))
    assert code == 0 and harmless(out.read_text())  # a file is read in a terminal too
    for fmt in ("table", "md", "json"):
        code, table = run(capsys, "cohort", str(ESCAPES), "--format", fmt)
        assert code == 1  # the bad second line is named
        assert {"table": "Sam^[]52;c;", "md": r"Sam^\[\]52;c;", "json": "Sam^[]52;c;"}[fmt] in table


def test_review_and_cohort_read_control_characters_as_visible_marks(library):
    """What `coach review` hands the review screens: Textual passes ESC through to the terminal, so the text
    arrives with visible marks instead (the same helper as every command's output)."""
    from coach.practice.mentor import sessions_in
    from coach.render.terminal import visible

    mentee = sessions_in(ESCAPES, library, clean=visible)
    (state, record), *_ = mentee.sessions
    for text in strings(json.loads(state.model_dump_json())):
        harmless(text)
    assert state.learner == record.learner == "Sam^[]52;c;cm0gLXJmIH4K^G^[]0;pwned^G"
    assert state.records[0].report.score < 30  # and recomputed from the cleaned answer


def test_review_names_a_bad_line_visibly(capsys):
    code, said = run(capsys, "review", str(ESCAPES))
    assert code == 2  # no terminal here; the bad line is reported before that
    assert "escapes.jsonl:2: state.rubric_versions.^[]0;pwned^G^[[2J: " in said


def test_score_and_explain_quote_the_answer_visibly(capsys):
    """escapes-answer.txt: escape sequences inside the words the scorer quotes as evidence."""
    path = DATA / "hostile" / "escapes-answer.txt"
    for fmt in ("text", "md", "json"):
        code, shown = run(capsys, "score", "--scenario", "upmarket-pricing", "--answer", str(path), "--format", fmt)
        assert code == 0 and ("meter^[" in shown or fmt == "json")
    code, shown = run(capsys, "explain", "--scenario", "upmarket-pricing", "--answer", str(path))
    assert code == 0 and "^[" in shown


def test_plain_mode_echoes_and_quotes_answers_visibly(tmp_path):
    answer = json.loads(ESCAPES.read_text().splitlines()[0])["state"]["records"][0]["answers"][0]
    result = run_plain(tmp_path, answer.replace("\r", "") + " We meter usage events.\n\n/quit\n")
    assert result.returncode == 0, result.stderr
    assert "^[[2J^[[H<U+009B>31m^G" in harmless(result.stdout)
