"""The `coach` command through its entry point."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from coach.cli import main
from tests.conftest import DATA


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_shows_catalogue(capsys):
    code, out, _ = run(capsys, "list")
    assert code == 0
    assert out.splitlines()[0].split()[:4] == ["ID", "TITLE", "COMPETENCIES", "AREA"]
    assert any(line.startswith("upmarket-pricing ") for line in out.splitlines())


def test_list_filters_by_loop_area_and_marks_coaching(capsys):
    code, out, _ = run(capsys, "list", "--area", "system-design")
    rows = out.splitlines()[1:]
    assert code == 0 and rows and all(" system-design " in row for row in rows)
    assert any(row.startswith("collaborators-design ") for row in rows)
    assert not any(row.startswith("upmarket-pricing ") for row in rows)
    _, out, _ = run(capsys, "list", "--area", "behavioral", "--json")
    rows = json.loads(out)
    assert {r["area"] for r in rows} == {"behavioral"}
    assert next(r for r in rows if r["id"] == "ladder-growth")["coaching"] is True
    _, out, _ = run(capsys, "list", "--area", "behavioral")
    assert "behavioral (coaching)" in next(line for line in out.splitlines() if line.startswith("ladder-growth "))


def test_list_unknown_area_suggests_and_lists_them(capsys):
    code, out, err = run(capsys, "list", "--area", "sytem-design")
    assert code == 2 and out == ""
    assert err.strip() == (
        "coach: unknown area 'sytem-design' (did you mean 'system-design'?); areas are program-execution, "
        "system-design, behavioral, metrics, product-sense, written"
    )


def test_list_json_has_every_field(capsys):
    code, out, _ = run(capsys, "list", "--json")
    row = next(r for r in json.loads(out) if r["id"] == "upmarket-pricing")
    assert row["level"] == "tpm" and row["minutes"] == "30m" and row["origin"] == "built-in"
    assert row["area"] == "product-sense" and row["coaching"] is False
    assert "trade-offs" in row["competencies"]


def test_list_reports_files_that_did_not_load(capsys, tmp_path: Path):
    (tmp_path / "broken.toml").write_text("[[stages]\n")
    code, out, err = run(capsys, "list", "--scenarios", str(tmp_path))
    assert code == 1
    assert "upmarket-pricing" in out
    assert "1 problem(s) in 1 file(s); these did not load:" in err
    assert "broken.toml:1: not valid TOML" in err


def test_show_prints_briefing_persona_and_stages(capsys):
    code, out, _ = run(capsys, "show", "upmarket-pricing")
    assert code == 0
    assert "Interviewer: Marta Lindqvist" in out
    assert "Loop area: Product sense" in out
    assert "GIF support in task notes" in out  # the exhibit table
    assert "1. What the strategy means for engineering [strategy, 5 min]" in out
    assert "Assesses:" in out and "Sees billing as a major investment" in out


def test_show_says_a_coaching_scenario_is_not_counted(capsys):
    code, out, _ = run(capsys, "show", "ladder-growth")
    assert code == 0 and "Loop area: Behavioral (coaching, not counted)" in out


def test_show_unknown_id_suggests(capsys):
    code, _, err = run(capsys, "show", "upmarket")
    assert code == 2
    assert err.strip() == "coach: unknown scenario 'upmarket' (did you mean 'upmarket-pricing'?)"


def test_validate_whole_library(capsys):
    code, out, _ = run(capsys, "validate")
    assert code == 0 and out.startswith("ok: ")


def test_validate_folder_with_problems_exits_nonzero(capsys):
    code, out, err = run(capsys, "validate", str(DATA / "bad"))
    assert code == 1
    assert "unknown_key.toml:20: stages[0].promt: unknown key 'promt' (did you mean 'prompt'?)" in out
    assert f"problem(s) in {len(list((DATA / 'bad').glob('*.toml')))} file(s)" in err  # one per fixture


def test_validate_missing_path(capsys):
    code, _, err = run(capsys, "validate", "no/such/place")
    assert code == 2 and "no/such/place: no such file or folder" in err


@pytest.mark.parametrize("kind", ["scenario", "rubric", "ladder"])
def test_schema_is_json_schema_and_matches_committed_copy(capsys, kind: str):
    code, out, _ = run(capsys, "schema", kind)
    schema = json.loads(out)
    assert schema["$schema"].endswith("2020-12/schema")
    assert schema["additionalProperties"] is False
    committed = Path(__file__).parents[2] / "docs" / "schema" / f"{kind}.schema.json"
    assert json.loads(committed.read_text()) == schema, "run `python -m coach.library.schemas` to refresh docs/schema"


def test_schema_documents_fields(capsys):
    _, out, _ = run(capsys, "schema", "scenario")
    stage = json.loads(out)["$defs"]["Stage"]["properties"]
    assert "first that holds is asked" in stage["followups"]["description"]


def test_new_scenario_validates_and_appears_in_list(capsys, isolated_home: Path):
    code, out, _ = run(capsys, "new", "scenario", "launch-review")
    target = isolated_home / "scenarios" / "launch-review.toml"
    assert code == 0 and target.exists()
    assert run(capsys, "validate", str(target))[0] == 0
    code, out, _ = run(capsys, "list")
    line = next(ln for ln in out.splitlines() if ln.startswith("launch-review"))
    assert line.rstrip().endswith("user")
    code, _, err = run(capsys, "new", "scenario", "launch-review")
    assert code == 2 and "already exists (use --force to overwrite)" in err


def test_new_rejects_bad_id(capsys):
    code, _, err = run(capsys, "new", "scenario", "Bad Id")
    assert code == 2 and "not a valid id" in err


def test_help_for_every_command(capsys):
    for cmd in ["list", "show", "validate", "schema", "new"]:
        assert main([cmd, "--help"]) == 0
        assert capsys.readouterr().out.startswith(f"Usage: coach {cmd} ")


def test_console_script_runs_without_textual():
    exe = shutil.which("coach")
    assert exe, "the coach console script is installed by `pip install -e .`"
    code = (
        "import runpy, sys; sys.argv=['coach','list']; "
        "import coach.cli as c; c.main(['list']); "
        "print('TEXTUAL', 'textual' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "TEXTUAL False" in out
    proc = subprocess.run([exe, "--help"], capture_output=True, text=True)
    assert proc.returncode == 0 and "Usage: coach" in proc.stdout


def test_new_scenario_passes_its_own_calibration(capsys, tmp_path: Path):
    target = tmp_path / "mine" / "launch-review.toml"
    assert run(capsys, "new", "scenario", "launch-review", "-o", str(target))[0] == 0
    code, out, err = run(capsys, "calibrate", str(target))
    assert code == 0, out + err
    assert "weak: expected weak, got weak" in out  # the weak answer is scored weak, not developing
    assert "3 of 3 calibration answers in their bands" in err


def test_validate_prints_each_problem_once_and_counts_each_file_once(capsys, tmp_path: Path):
    folder = tmp_path / "mine"
    folder.mkdir()
    bad = folder / "unknown_key.toml"
    shutil.copy(DATA / "bad" / "unknown_key.toml", bad)
    code, out, err = run(capsys, "validate", str(bad), str(bad), str(folder))
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == len(set(lines)) == 2  # missing prompt, unknown key: once each
    assert err.strip() == "2 problem(s) in 1 file(s)."
    good = tmp_path / "good.toml"
    shutil.copy(Path(__file__).parents[2] / "rubrics" / "trade-offs.toml", good)
    code, out, _ = run(capsys, "validate", str(good), str(tmp_path / "." / "good.toml"))
    assert (code, out.strip()) == (0, "ok: 1 file(s) valid")


def test_validate_a_file_in_the_user_library_prints_its_problems_once(capsys, isolated_home: Path):
    mine = isolated_home / "scenarios" / "unknown_key.toml"
    mine.parent.mkdir()
    shutil.copy(DATA / "bad" / "unknown_key.toml", mine)
    code, out, _ = run(capsys, "validate", str(mine))
    assert code == 1 and len(out.splitlines()) == 2


def test_validate_a_folder_named_toml_is_not_a_file(capsys, tmp_path: Path):
    (tmp_path / "x.toml").mkdir()
    code, out, err = run(capsys, "validate", str(tmp_path / "x.toml"))
    assert code == 1
    assert out.strip() == f"{tmp_path / 'x.toml'}: not a file"  # not "ok" for the whole library
    assert "1 problem(s) in 1 file(s)." in err


def test_list_piped_prints_full_titles_and_names_the_built_in_source(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "60")  # a narrow terminal; piped output must not be cut to it
    code, out, _ = run(capsys, "list")
    assert code == 0 and "…" not in out
    title = "A data product: late pipelines, doubtful numbers, and the SQL questions to ask"
    line = next(ln for ln in out.splitlines() if ln.startswith("data-product "))
    assert title in line and line.endswith("built-in")


def _finished_session(library, started: str):  # type: ignore[no-untyped-def]
    """A finished session (every question skipped) started at `started`."""
    from coach.practice.session import Session

    s = Session.new(library, "upmarket-pricing")
    s.state.started = started
    s.start()
    while not s.finished:
        s.skip()
    return s


def test_rescore_says_what_it_did_in_every_case(capsys, library):
    from coach.practice.resume import persist
    from coach.practice.store import Store

    code, out, _ = run(capsys, "rescore")
    assert (code, out.strip()) == (0, "No finished sessions to re-score.")
    store = Store()
    s = _finished_session(library, "2026-06-01T09:00:00+00:00")
    persist(store, s)
    code, out, _ = run(capsys, "rescore")
    assert code == 0 and out.startswith("Nothing to re-score: the 1 finished session(s) were scored with the current")
    assert "Use --all to re-score them anyway." in out
    code, out, _ = run(capsys, "rescore", "--all")
    assert f"{s.state.id} upmarket-pricing: overall not assessed -> not assessed" in out  # every question skipped
    assert out.rstrip().endswith(
        "Re-scored 1 session(s), 0 with a changed score; nothing saved (run again with --apply to keep the new scores)."
    )
    s.state.rubric_versions["trade-offs"] = 0  # scored with an older rubric: outdated
    persist(store, s)
    code, out, _ = run(capsys, "rescore", "--apply")
    assert out.rstrip().endswith("Re-scored 1 session(s), 0 with a changed score; saved 1.")
    assert run(capsys, "rescore")[1].startswith("Nothing to re-score")  # the new versions were saved


def test_history_is_ordered_by_start_time_newest_first(capsys, library, monkeypatch):
    from coach.practice.resume import persist
    from coach.practice.store import Store

    monkeypatch.setenv("COLUMNS", "200")  # wide enough that no column is cut
    store = Store()
    older = _finished_session(library, "2026-06-01T09:00:00+00:00")
    newer = _finished_session(library, "2026-06-08T09:00:00+00:00")
    persist(store, older)
    persist(store, newer)
    # the older session was saved again last (a rescore, an import): it must not jump to the top
    store.db.execute("UPDATE sessions SET updated = '2030-01-01T00:00:00+00:00' WHERE id = ?", (older.state.id,))
    assert [r.id for r in store.sessions()] == [newer.state.id, older.state.id]
    code, out, _ = run(capsys, "history")
    lines = [ln for ln in out.splitlines()[1:] if ln.strip()]
    assert code == 0 and [ln.split()[0] for ln in lines] == [newer.state.id, older.state.id]
    assert "2026-06-08 09:00" in lines[0]
