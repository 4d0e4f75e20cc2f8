"""The catalogue's index (issue 15, start-up): the app's first screen is drawn from it without loading the
library, only when it holds exactly the library's files as they are; otherwise the catalogue comes from
the full load, and the index is written again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coach.library.index import Catalogue, LibraryLoad, index_file
from coach.library.loader import load_library
from tests.library.test_cache import files_read, retitled, user_scenario  # noqa: F401 (fixtures)


def test_the_catalogue_comes_from_the_index_without_loading_the_library(user_scenario, files_read):  # noqa: F811
    full = LibraryLoad().library()  # the first start: reads every file and writes the index
    assert index_file().is_file() and files_read
    files_read.clear()
    load = LibraryLoad()
    catalogue = load.catalogue()
    assert not load.loaded and files_read == []  # nothing read, nothing unpickled
    assert catalogue == Catalogue.of(full)  # the same cards, ladder titles and problems as the library
    assert catalogue.cards["mine"].title == "Title one"
    assert load.library().scenario("mine").title == "Title one"


def test_a_changed_file_is_never_shown_from_the_index(user_scenario):  # noqa: F811
    LibraryLoad().library()
    user_scenario.write_text(retitled(user_scenario.read_text(), "Title two"), encoding="utf-8")
    load = LibraryLoad()
    assert load.catalogue().cards["mine"].title == "Title two"
    assert load.loaded  # the index was for other files: the catalogue came from the library
    assert LibraryLoad().catalogue().cards["mine"].title == "Title two"  # and the index was written again

    user_scenario.unlink()
    assert "mine" not in LibraryLoad().catalogue().cards


def test_a_broken_file_is_reported_the_same_from_the_index(user_scenario):  # noqa: F811
    user_scenario.write_text(user_scenario.read_text().replace("minutes = ", "minutes = -"), encoding="utf-8")
    problems = [str(p) for p in load_library().problems]
    assert problems and "mine.toml:" in problems[0]  # the file and its line
    LibraryLoad().library()
    load = LibraryLoad()
    catalogue = load.catalogue()
    assert not load.loaded and list(catalogue.problems) == problems and catalogue.problem_files == 1
    assert "mine" not in catalogue.cards and "upmarket-pricing" in catalogue.cards  # the others still load


def _truncated(text: str) -> str:
    return text[: len(text) // 2]


def _foreign_key(text: str) -> str:
    data = json.loads(text)
    data["key"] = "0" * 64
    return json.dumps(data)


def _wrong_shape(text: str) -> str:
    data = json.loads(text)
    data["catalogue"]["cards"][0]["minutes"] = "ten"
    return json.dumps(data)


def _unknown_level(text: str) -> str:
    data = json.loads(text)
    data["catalogue"]["cards"][0]["level"] = "intern"
    return json.dumps(data)


@pytest.mark.parametrize(
    "damage",
    [lambda text: "", lambda text: "not json {", _truncated, _foreign_key, _wrong_shape, _unknown_level],
    ids=["empty", "garbage", "truncated", "other-files", "wrong-shape", "unknown-level"],
)
def test_a_damaged_index_falls_back_to_the_full_load(user_scenario, damage):  # noqa: F811
    good = Catalogue.of(LibraryLoad().library())
    index = index_file()
    index.write_text(damage(index.read_text(encoding="utf-8")), encoding="utf-8")
    load = LibraryLoad()
    assert load.catalogue() == good and load.loaded
    assert json.loads(index.read_text(encoding="utf-8"))["key"] == load.key  # rewritten whole
    again = LibraryLoad()
    assert again.catalogue() == good and not again.loaded


def test_an_index_that_cannot_be_written_is_simply_not_kept(isolated_home: Path):
    (isolated_home / "cache").write_text("a file where the folder should be")
    assert LibraryLoad().catalogue().cards and LibraryLoad().catalogue().cards


def test_commands_never_write_the_index(user_scenario):  # noqa: F811
    load_library()
    load_library(files=[user_scenario])
    assert not index_file().exists()
