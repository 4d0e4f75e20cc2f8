"""`coach story ...` and the stories in `coach export` / `coach import`, through the entry point."""

from __future__ import annotations

import io
import json
from pathlib import Path

import click
import pytest

from coach.cli import main
from coach.cli.stories import COMPETENCIES
from coach.practice.store import Store
from coach.practice.stories import StoryBank
from coach.practice.themes import THEMES
from tests.conftest import DATA

ADD = [
    "story",
    "add",
    "--title",
    "Two teams, one retry owner",
    "--situation",
    "Last year payments and platform disagreed about who owned retries, two weeks before a fixed launch date.",
    "--actions",
    "I met with both tech leads and I proposed a split. I decided to cut the invoice redesign.",
    "--result",
    "As a result we shipped on time and failed payments dropped from 4% to 1.5%.",
    "--learned",
    "I learned that a conflict is often a missing owner. Next time I would write owners down in week one.",
    "--competency",
    "conflict",
    "--competency",
    "delivery",
]
STORY_ID = "two-teams-one-retry-owner"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_cli_offers_every_competency():
    assert COMPETENCIES == tuple(THEMES)


def test_add_list_show_and_the_gaps(capsys):
    code, out, _ = run(capsys, *ADD)
    assert code == 0 and out.startswith(f"added story {STORY_ID}\n")
    code, out, _ = run(capsys, "story", "list")
    assert code == 0
    assert out.splitlines()[1].split()[:2] == [STORY_ID, "Two"]
    assert "conflict, delivery" in out
    assert out.splitlines()[-1] == (
        "No story covers yet: failure, disagree-commit, bad-news, ambiguity, influence, trade-off, customer, data, "
        "developing-others."
    )
    code, out, _ = run(capsys, "story", "show", STORY_ID)
    assert out.startswith("# Two teams, one retry owner\n\n## Situation\n\nLast year payments")
    assert "## Competencies\n\nconflict, delivery\n" in out
    code, out, _ = run(capsys, "story", "list", "--format", "json")
    assert [s["id"] for s in json.loads(out)] == [STORY_ID]


def test_show_then_add_from_the_form_and_from_toml(capsys, tmp_path: Path):
    run(capsys, *ADD)
    form = tmp_path / "story.md"
    run(capsys, "story", "show", STORY_ID, "-o", str(form))
    assert run(capsys, "story", "add", "--file", str(form))[1].startswith(f"added story {STORY_ID}-2")
    toml = tmp_path / "story.toml"
    toml.write_text('title = "The migration I rushed"\nsituation = "Quarter end."\ncompetencies = ["failure"]\n')
    assert run(capsys, "story", "add", "--file", str(toml))[1].startswith("added story the-migration-i-rushed")
    stories = {s.id: s for s in StoryBank(Store()).stories()}
    assert stories[f"{STORY_ID}-2"].content() == stories[STORY_ID].content()
    assert stories["the-migration-i-rushed"].competencies == ["failure"]


def test_add_asks_for_each_part_and_asks_again_for_a_wrong_one(capsys, monkeypatch):
    typed = "\n".join(
        [
            "",  # an empty title is asked again
            "Cut scope to make the date",
            "The launch was slipping by two weeks.",
            "",
            "I decided to cut the export feature.",
            "I told the VP that day.",
            "",
            "We shipped on time.",
            "",
            "",  # nothing learned (yet): allowed
            "trade-off, nonsense",  # an unknown competency is asked again
            "trade-off, delivery",
        ]
    )
    monkeypatch.setattr("sys.stdin", io.StringIO(typed + "\n"))
    code, out, err = run(capsys, "story", "add")
    assert code == 0 and "added story cut-scope-to-make-the-date" in out
    assert "title: String should have at least 1 character; try again." in err
    assert "unknown competency 'nonsense'" in err
    story = StoryBank(Store()).get("cut-scope-to-make-the-date")
    assert story.actions == "I decided to cut the export feature.\nI told the VP that day."
    assert story.learned == "" and story.competencies == ["trade-off", "delivery"]


def test_add_rejects_a_bad_field_with_a_clear_message(capsys):
    code, _, err = run(capsys, "story", "add", "--title", "Owned it\x1b[2J")
    assert code == 2
    assert err == "coach: title: contains a control character ('\\x1b') at position 8\n"
    code, _, err = run(capsys, "story", "add", "--title", "x", "--competency", "nope")
    assert code == 2 and "Invalid value for '--competency'" in err


def test_edit_with_options_and_in_the_editor(capsys, monkeypatch):
    run(capsys, *ADD)
    assert run(capsys, "story", "edit", STORY_ID, "--result", "We shipped two days early.")[0] == 0
    assert StoryBank(Store()).get(STORY_ID).result == "We shipped two days early."

    def editor(text: str, extension: str) -> str:
        assert extension == ".md" and "## What I learned" in text
        return text.replace("Two teams, one retry owner", "One owner for retries")

    monkeypatch.setattr(click, "edit", editor)
    code, out, _ = run(capsys, "story", "edit", STORY_ID)
    assert code == 0 and out == f"saved story {STORY_ID}\n"
    assert StoryBank(Store()).get(STORY_ID).title == "One owner for retries"


def test_text_the_editor_cannot_save_is_kept_in_a_file(capsys, monkeypatch, isolated_home):
    run(capsys, *ADD)
    monkeypatch.setattr(click, "edit", lambda text, extension: text.replace("conflict, delivery", "conflict, vanity"))
    code, out, err = run(capsys, "story", "edit", STORY_ID)
    assert code == 1
    assert "unknown competency 'vanity'" in err
    kept = isolated_home / "stories" / f"{STORY_ID}.md"
    assert f"Your text is in {kept}" in out and "conflict, vanity" in kept.read_text()
    assert StoryBank(Store()).get(STORY_ID).competencies == ["conflict", "delivery"]  # unchanged


def test_delete_asks_for_yes_without_a_terminal(capsys):
    run(capsys, *ADD)
    code, _, err = run(capsys, "story", "delete", STORY_ID)
    assert code == 2 and "add --yes" in err
    assert run(capsys, "story", "delete", STORY_ID, "--yes")[1] == f"deleted story {STORY_ID}\n"
    code, _, err = run(capsys, "story", "show", STORY_ID)
    assert code == 2 and err == f"coach: no story '{STORY_ID}' (see `coach story list`)\n"


def test_score_prints_the_report_in_every_format(capsys):
    run(capsys, *ADD)
    code, out, _ = run(capsys, "story", "score", STORY_ID)
    assert code == 0 and out.startswith("Score ")
    assert "Says what you did yourself  [behavioral.ownership]" in out
    decided = "✓ Makes a call and owns it (Bias for Action): “I decided to cut the invoice redesign”"
    assert decided in " ".join(out.split())  # the clause that earned the credit (wrapped on a terminal)
    report = json.loads(run(capsys, "story", "score", STORY_ID, "--format", "json")[1])
    assert report["rubric_versions"] == {"behavioral": 1} and report["band"] in {"solid", "strong"}
    assert run(capsys, "story", "score", STORY_ID, "--format", "md")[1].startswith("## Score ")


def test_match_a_question_or_a_stage(capsys, tmp_path: Path):
    run(capsys, *ADD)
    code, out, _ = run(capsys, "story", "match", "Tell me about a conflict between two teams you worked with.")
    assert code == 0
    assert out.splitlines()[:3] == [
        "The question asks about: conflict.",
        "Stories that fit, best first:",
        f"  {STORY_ID}  Two teams, one retry owner",
    ]
    code, out, _ = run(capsys, "story", "match", "Tell me about a time you failed.")
    assert out.splitlines()[-1] == "No story is tagged with: failure. Add one: coach story add"
    found = json.loads(run(capsys, "story", "match", "A conflict?", "--format", "json")[1])
    assert found["stories"][0]["id"] == STORY_ID and found["competencies"] == ["conflict"]
    code, out, _ = run(capsys, "story", "match", "--scenario", "upmarket-pricing")  # not a behavioral question
    assert code == 0 and "No story fits it yet." in out


def test_export_and_import_carry_the_stories(capsys, tmp_path: Path, monkeypatch):
    run(capsys, *ADD)
    exported = tmp_path / "all.jsonl"
    code, _, err = run(capsys, "export", "-o", str(exported))
    assert code == 0 and err == f"exported 0 session(s) and 1 story(ies) to {exported}\n"
    code, out, _ = run(capsys, "export", "--learner", "Sam")  # sent to a mentor: no stories
    assert out == ""

    monkeypatch.setenv("COACH_HOME", str(tmp_path / "laptop"))
    code, out, _ = run(capsys, "import", str(exported))
    assert code == 0 and f"{exported}: added 1 story(ies), 0 already present" in out
    code, out, _ = run(capsys, "import", str(exported))
    assert f"{exported}: added 0 story(ies), 1 already present" in out
    assert [s.id for s in StoryBank(Store()).stories()] == [STORY_ID]


def test_import_reports_hostile_story_records_by_line_and_imports_the_rest(capsys):
    hostile = DATA / "hostile" / "stories.jsonl"
    code, out, err = run(capsys, "import", str(hostile))
    assert code == 1
    # control characters from the file are kept as visible marks (as for sessions): those two stories import
    assert f"{hostile}: added 3 story(ies), 0 already present" in out
    titles = {s.id: s.title for s in StoryBank(Store()).stories()}
    assert titles["esc-title"] == "Owned it^[]0;pwned^G"
    assert f"{hostile}: line 5: story.id: String should match pattern" in err
    assert "\x1b" not in out + err and "\x9b" not in out + err  # nothing from the file reaches the terminal raw
