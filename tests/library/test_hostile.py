"""Hostile library files (issue 13): deep nesting, deep conditions, pipes and devices, two files with
one id, and hundreds of mutants of the real library. Each becomes problems that name their file and
line, never a traceback or a hang, and the rest of the library loads."""

from __future__ import annotations

import contextlib
import functools
import os
import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coach.library import loader
from coach.library.conditions import MAX_DEPTH, ConditionError, parse
from coach.library.loader import load_library
from tests.conftest import DATA, ROOT
from tests.library import mutants

HOSTILE = DATA / "hostile" / "library"


def located(lib: loader.Library) -> list[str]:
    return [str(p) for p in lib.problems]


@pytest.mark.parametrize("name", ["deep_arrays", "deep_tables"])
def test_deep_nesting_is_a_located_problem_and_the_rest_loads(name: str):
    path = HOSTILE / f"{name}.toml"
    lib = load_library(files=[path], include_user=False)
    assert located(lib) == [f"{path}:2: arrays or inline tables nested more than 32 deep"]
    assert "upmarket-pricing" in lib.scenarios


def test_deep_condition_is_a_located_problem():
    path = HOSTILE / "deep_condition.toml"
    lib = load_library(files=[path], include_user=False)
    assert located(lib) == [
        f"{path}:32: stages[0].branches[0].when: brackets, all() and any() nested more than 20 deep "
        f"at column 21 in '{'(' * 77}...'"
    ]
    assert "minimal" not in lib.scenarios and "upmarket-pricing" in lib.scenarios


def test_condition_depth_and_length_are_bounded():
    assert parse("(" * MAX_DEPTH + "score < 3" + ")" * MAX_DEPTH)
    assert parse("all(" * MAX_DEPTH + "score < 3" + ")" * MAX_DEPTH)
    assert parse("not " * 120 + "score < 3")  # a chain of `not` is counted, never recursed
    with pytest.raises(ConditionError, match="nested more than 20 deep at column 21"):
        parse("(" * (MAX_DEPTH + 1) + "score < 3" + ")" * (MAX_DEPTH + 1))
    with pytest.raises(ConditionError, match="nested more than 20 deep at column 84"):
        parse("any(" * (MAX_DEPTH + 1) + "score < 3" + ")" * (MAX_DEPTH + 1))
    with pytest.raises(ConditionError, match=r"condition is too long \(1,001 characters; the limit is 500\)"):
        parse("(" * 1001)


def test_two_files_with_one_id_are_both_reported_and_the_rest_loads():
    folder = HOSTILE / "same_id"
    first, second = folder / "first.toml", folder / "second.toml"
    lib = load_library(scenario_dirs=[folder], include_user=False)
    assert located(lib) == [
        f"{first}:1: id: scenario id 'same-id' is also used by {second}:1; neither file is loaded",
        f"{second}:1: id: scenario id 'same-id' is also used by {first}:1; neither file is loaded",
    ]
    assert "same-id" not in lib.scenarios
    assert "other" in lib.scenarios and "upmarket-pricing" in lib.scenarios


def test_pipes_and_devices_are_refused_without_reading(tmp_path: Path):
    """A named pipe blocked the loader forever and /dev/zero filled memory: run it in a child process
    with a time limit and a memory cap, so that the test ends even if that comes back."""
    pipe = tmp_path / "pipe.toml"
    os.mkfifo(pipe)
    code = (
        "import resource, sys; from pathlib import Path\n"
        "resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))\n"
        "from coach.library.loader import load_library\n"
        "lib = load_library(files=[Path(p) for p in sys.argv[1:]], include_user=False)\n"
        "print('\\n'.join(str(p) for p in lib.problems))\n"
    )
    argv = [sys.executable, "-c", code, str(pipe), "/dev/zero", "/dev/urandom"]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=120, env=env)
    except subprocess.TimeoutExpired:
        pytest.fail("loading a named pipe or a device did not finish")
    assert done.stdout.splitlines() == [
        f"{pipe}: not a regular file (a named pipe)",
        "/dev/zero: not a regular file (a device)",
        "/dev/urandom: not a regular file (a device)",
    ], done.stderr


def test_end_of_document_errors_name_the_last_line(tmp_path: Path):
    path = tmp_path / "cut.toml"
    path.write_text('id = "cut"\nrubrics = ["a",\n  "b"')  # cut short: tomllib says "at end of document"
    assert located(load_library(files=[path], include_user=False)) == [f"{path}:3: not valid TOML: Unclosed array"]


def test_keys_with_terminal_escapes_are_shown_escaped(tmp_path: Path):
    path = tmp_path / "escape.toml"
    path.write_text('"\\u001b]52;c;aGk=\\u0007" = 1\n' + (DATA / "good" / "minimal.toml").read_text())
    problem = located(load_library(files=[path], include_user=False))[0]
    assert problem.startswith(f"{path}:1: \"\\x1b]52;c;aGk=\\x07\": unknown key '\\x1b]52;c;aGk=\\x07'")


# --------------------------------------------------------------------------- mutants of the real library


_parse = loader.parse_text
_parse_once = functools.cache(_parse)
BUILTIN = set(mutants.FILES)


@contextlib.contextmanager
def builtin_files_parsed_once() -> Iterator[None]:
    """Every load reads the built-in library again; parsing its unchanged files once per test run
    keeps hundreds of loads within seconds. The mutant is parsed for real every time."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(loader, "parse_text", lambda path, text: (_parse_once if path in BUILTIN else _parse)(path, text))
        yield


@pytest.fixture(scope="module")
def mutant_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("mutants")  # one folder for every example: each overwrites its file


@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rng=st.randoms(use_true_random=False))
def test_mutants_of_the_library_give_located_problems(mutant_folder: Path, rng: random.Random):
    source, text = mutants.mutant(rng)
    path = mutants.write_mutant(mutant_folder, source, text)
    with builtin_files_parsed_once():
        lib = load_library(files=[path], include_user=False)  # never raises
    assert mutants.unlocated(lib.problems) == []
    for problem in lib.problems:
        assert str(problem).startswith(f"{problem.path}:")
        assert str(problem).isprintable(), "a message carries a control character raw"
