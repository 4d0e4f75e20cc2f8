"""The parsed library is cached between runs (issue 15, start-up): used when no file changed, never
when one did, and a damaged cache is ignored and rebuilt."""

from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path

import pytest

import coach.library.loader as loader
from coach.library.loader import load_library
from coach.paths import builtin_library

SCENARIO = builtin_library() / "scenarios" / "upmarket-pricing.toml"
BUILT_IN = len(list(SCENARIO.parent.glob("*.toml")))  # the built-in scenarios, however many the library has


@pytest.fixture
def user_scenario(isolated_home: Path) -> Path:
    """A scenario of the user's own: the built-in one under another id and title."""
    folder = isolated_home / "scenarios"
    folder.mkdir()
    text = SCENARIO.read_text(encoding="utf-8").replace('id = "upmarket-pricing"', 'id = "mine"', 1)
    path = folder / "mine.toml"
    path.write_text(retitled(text, "Title one"), encoding="utf-8")
    return path


def retitled(text: str, title: str) -> str:
    start = text.index('\ntitle = "') + len('\ntitle = "')
    return text[:start] + title + text[text.index('"', start) :]


def cache_file(home: Path) -> Path:
    return home / "cache" / "library.pickle"


@pytest.fixture
def files_read(monkeypatch):  # type: ignore[no-untyped-def]
    """The library files actually read and checked (not taken from the cache)."""
    read: list[Path] = []
    real = loader.read_text

    def counting(path: Path):  # type: ignore[no-untyped-def]
        read.append(path)
        return real(path)

    monkeypatch.setattr(loader, "read_text", counting)
    return read


def test_the_second_load_comes_from_the_cache(user_scenario, isolated_home, files_read):
    first = load_library()
    assert files_read and cache_file(isolated_home).is_file()
    files_read.clear()
    second = load_library()
    assert files_read == []  # nothing read again
    assert second.scenario("mine").title == "Title one"
    assert sorted(second.scenarios) == sorted(first.scenarios) and second.problems == first.problems


def test_a_changed_added_or_removed_file_is_never_taken_from_the_cache(user_scenario, isolated_home, files_read):
    assert load_library().scenario("mine").title == "Title one"

    user_scenario.write_text(retitled(user_scenario.read_text(), "A longer second title"), encoding="utf-8")
    assert load_library().scenario("mine").title == "A longer second title"

    # the same size, and a clock too coarse to tell the two writes apart: still a different file
    stamp = user_scenario.stat().st_mtime_ns
    user_scenario.write_text(retitled(user_scenario.read_text(), "A longer second titl3"), encoding="utf-8")
    os.utime(user_scenario, ns=(stamp, stamp))
    assert load_library().scenario("mine").title == "A longer second titl3"

    shutil.copyfile(user_scenario, user_scenario.with_name("broken.toml"))  # a new file: a duplicate id
    assert any("scenario id 'mine' is also used by" in str(p) for p in load_library().problems)
    user_scenario.with_name("broken.toml").unlink()
    user_scenario.unlink()
    files_read.clear()
    lib = load_library()
    assert "mine" not in lib.scenarios and not lib.problems and files_read  # read again, without it


@pytest.mark.parametrize(
    "damage",
    [
        b"",  # empty
        b"\x80\x05garbage that is not a pickle",
        pickle.dumps(("some other key", {"scenarios": {}})),  # a pickle, of something else
        "truncated",
    ],
    ids=["empty", "garbage", "foreign", "truncated"],
)
def test_a_damaged_cache_is_ignored_and_rebuilt(user_scenario, isolated_home, damage):
    load_library()
    cache = cache_file(isolated_home)
    good = cache.read_bytes()
    cache.write_bytes(good[: len(good) // 2] if damage == "truncated" else damage)  # type: ignore[arg-type]
    lib = load_library()
    assert lib.scenario("mine").title == "Title one" and len(lib.scenarios) == BUILT_IN + 1 and not lib.problems
    assert pickle.loads(cache.read_bytes())[0] == pickle.loads(good)[0]  # rewritten whole


def test_a_cache_that_cannot_be_written_is_simply_not_kept(isolated_home):
    (isolated_home / "cache").write_text("a file where the folder should be")
    assert len(load_library().scenarios) == BUILT_IN
    assert len(load_library().scenarios) == BUILT_IN


def test_checking_files_never_uses_the_cache(user_scenario, files_read):
    load_library()
    files_read.clear()
    load_library(files=[user_scenario])
    assert user_scenario in files_read
