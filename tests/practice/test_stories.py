"""The story bank below the UI: storage, validation, the form, matching a question, gaps, export and import."""

from __future__ import annotations

import json
import sqlite3

import pytest

from coach.library.loader import load_library
from coach.practice.exchange import read_export
from coach.practice.history import import_file
from coach.practice.store import SCHEMA_VERSION, Store
from coach.practice.stories import (
    StoryBank,
    StoryError,
    export_lines,
    from_form,
    import_records,
    match,
    score_story,
    to_form,
)
from coach.practice.themes import THEMES
from tests.conftest import DATA

CONFLICT = {
    "title": "Two teams, one retry owner",
    "situation": "Payments and platform disagreed about who owned retries, two weeks before a fixed launch date.",
    "actions": "I met with both tech leads one to one and I proposed a split. I decided to cut the invoice redesign.",
    "result": "We shipped on time and failed payments dropped from 4% to 1.5%.",
    "learned": "Next time I would write the owners down in the first week.",
    "competencies": ["conflict", "delivery"],
}
FAILURE = {
    "title": "The migration I rushed",
    "situation": "I rushed a database migration to hit a quarter-end goal.",
    "actions": "I skipped the dry run. When it broke I rolled back, told my director and wrote the postmortem.",
    "result": "Two hours of downtime for 300 customers; no data lost.",
    "learned": "I learned to never skip the dry run. Since then I put one in every plan.",
    "competencies": ["failure"],
}


@pytest.fixture
def bank() -> StoryBank:
    return StoryBank(Store())


LIBRARY = load_library(include_user=False)


def test_stories_round_trip_through_the_database(bank: StoryBank):
    story = bank.add(CONFLICT)
    assert story.id == "two-teams-one-retry-owner"
    again = StoryBank(Store()).get(story.id)  # a new connection reads what the first wrote
    assert again == story and again.text().startswith("Payments and platform disagreed")
    changed = bank.update(story.id, {"result": "We shipped two days early."})
    assert changed.result == "We shipped two days early." and changed.title == CONFLICT["title"]
    assert changed.created == story.created
    assert bank.add(CONFLICT).id == "two-teams-one-retry-owner-2"  # a second story with the same title
    bank.delete(story.id)
    assert [s.id for s in bank.stories()] == ["two-teams-one-retry-owner-2"]
    with pytest.raises(KeyError, match="no story 'two-teams-one-retry-owner'"):
        bank.get(story.id)


def test_opening_the_bank_writes_nothing(isolated_home):
    """The table comes with the first story: a database from before stories (or read-only) opens as it is."""
    store = Store()
    assert StoryBank(store).stories() == [] and StoryBank(store).gaps() == list(THEMES.values())
    tables = {row[0] for row in store.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "stories" not in tables
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION  # the store's own migrations only


@pytest.mark.parametrize(
    "change, message",
    [
        ({"title": ""}, "title: String should have at least 1 character"),
        ({"title": "two\nlines"}, "title: must be one line"),
        ({"title": "Owned it\x1b]0;pwned\x07"}, "title: contains a control character ('\\x1b') at position 8"),
        ({"result": "ok\x9b2J"}, "result: contains a control character"),
        ({"competencies": ["world-domination"]}, "competencies.0: unknown competency 'world-domination'"),
        ({"situation": "x" * 20_001}, "situation: String should have at most 20000 characters"),
        ({"mood": "great"}, "mood: Extra inputs are not permitted"),
    ],
)
def test_every_field_is_checked(bank: StoryBank, change: dict, message: str):
    with pytest.raises(StoryError) as caught:
        bank.add(CONFLICT | change)
    assert str(caught.value).startswith(message)
    assert bank.stories() == []


def test_windows_line_endings_and_repeated_competencies_are_tidied(bank: StoryBank):
    story = bank.add(CONFLICT | {"situation": "one\r\ntwo", "competencies": ["conflict", "conflict"]})
    assert story.situation == "one\ntwo" and story.competencies == ["conflict"]


def test_the_form_reads_back_what_it_shows():
    fields = from_form(to_form(CONFLICT))
    assert fields == CONFLICT
    edited = to_form(CONFLICT).replace("## Result\n\n", "## Result\n\nIt took a week.\n")
    assert from_form(edited)["result"].startswith("It took a week.\nWe shipped")
    with pytest.raises(StoryError, match="'# Title'"):
        from_form("## Situation\n\nno title")


def test_match_picks_the_story_for_the_question_and_names_what_no_story_covers(bank: StoryBank):
    bank.add(CONFLICT)
    bank.add(FAILURE)
    conflict = match(bank.stories(), "Tell me about a time two teams disagreed and you had to resolve it.")
    assert conflict.themes == ["conflict"]
    assert [f.story.title for f in conflict.fits][0] == CONFLICT["title"]
    assert "tagged conflict" in conflict.fits[0].why()
    failure = match(bank.stories(), "Describe a mistake you made and what you learned from it.")
    assert failure.fits[0].story.title == FAILURE["title"]
    news = match(bank.stories(), "Tell me about a time you had to deliver bad news to an executive.")
    assert news.uncovered == ["bad-news"]  # no story is tagged with it...
    assert news.fits and news.fits[0].story.title == FAILURE["title"]  # ...though one tells of it ("told my director")
    assert "not tagged" in news.fits[0].why()


def test_gaps_are_the_competencies_no_story_is_tagged_with(bank: StoryBank):
    bank.add(CONFLICT)
    gaps = [t.id for t in bank.gaps()]
    assert "conflict" not in gaps and "delivery" not in gaps
    assert gaps[:2] == ["failure", "disagree-commit"]


def test_a_story_is_scored_against_the_behavioral_rubric(bank: StoryBank, library):
    report = score_story(library, bank.add(FAILURE))
    assert report.rubric_versions == {"behavioral": library.rubric("behavioral").version}
    assert (
        report.concept("behavioral.learning.lesson").evidence.text == "I learned to never skip the dry run"
    )  # the clause that earned it
    with pytest.raises(ValueError, match="only a title"):
        score_story(library, bank.add({"title": "To write up"}))


def test_export_then_import_round_trip(bank: StoryBank, tmp_path, monkeypatch):
    bank.add(CONFLICT)
    bank.add(FAILURE)
    exported = tmp_path / "all.jsonl"
    exported.write_text("".join(line + "\n" for line in export_lines(bank)), encoding="utf-8")
    assert [json.loads(line)["format"] for line in exported.read_text().splitlines()] == ["tpm-coach-story"] * 2

    monkeypatch.setenv("COACH_HOME", str(tmp_path / "other-machine"))
    other = Store()
    first = import_file(other, LIBRARY, exported)
    assert (first.added, first.problems, first.stories.added, first.stories.problems) == (0, [], 2, [])
    assert StoryBank(other).stories() == bank.stories()  # ids, text and dates as they were
    again = import_file(other, LIBRARY, exported)
    assert (again.stories.added, again.stories.unchanged) == (0, 2)  # importing twice adds nothing


def test_import_never_overwrites_a_different_story_with_the_same_id(bank: StoryBank, tmp_path):
    mine = bank.add(CONFLICT)
    theirs = mine.model_copy(update={"result": "We slipped a week."})
    path = tmp_path / "theirs.jsonl"
    path.write_text(json.dumps({"format": "tpm-coach-story", "version": 1, "story": theirs.model_dump()}) + "\n")
    result = import_file(bank.store, LIBRARY, path).stories
    assert result.renamed == [(mine.id, mine.id + "-2")] and result.added == 1
    assert bank.get(mine.id) == mine  # untouched
    assert bank.get(mine.id + "-2").result == "We slipped a week."
    assert import_file(bank.store, LIBRARY, path).stories.unchanged == 1  # and not added a third time


def test_hostile_story_records_are_skipped_with_their_line_numbers(bank: StoryBank):
    result = import_file(bank.store, LIBRARY, DATA / "hostile" / "stories.jsonl")
    assert result.problems == []  # story lines are not the session reader's problems
    assert [s.id for s in bank.stories()] == ["cut-scope"]
    problems = dict(result.stories.problems)
    assert sorted(problems) == list(range(2, 12))
    assert problems[2].startswith("story.title: contains a control character ('\\x1b')")
    assert problems[3].startswith("story.competencies.0: unknown competency 'world-domination'")
    assert problems[4] == "story.created: not a date and time: 'not-a-date'"
    assert problems[5].startswith("story.id: String should match pattern")
    assert problems[6] == "story.admin: Extra inputs are not permitted"
    assert problems[7].startswith("story.title: String should have at most 200 characters")
    assert problems[8] == "version: written by a newer coach; upgrade to import it"
    assert problems[9] == "story.title: Input should be a valid string"
    assert problems[10] == "story: Field required"
    assert problems[11].startswith("story.result: contains a control character ('\\x9b')")


def test_the_session_reader_passes_story_lines_on(tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_text('{"format": "tpm-coach-story", "version": 1, "story": {}}\nnot json\n', encoding="utf-8")
    read = read_export(path)
    assert read.records == [] and [n for n, _ in read.stories] == [1]
    assert [n for n, _ in read.problems] == [2]


def test_importing_no_story_records_leaves_the_database_alone(isolated_home):
    store = Store()
    assert import_records(StoryBank(store), []).added == 0
    with pytest.raises(sqlite3.OperationalError):
        store.db.execute("SELECT * FROM stories")
