"""Hostile library files through `coach`: every command that loads the library reports them as
`file:line` problems (never a traceback or a hang) and goes on with the rest."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from coach.cli import main
from tests.conftest import DATA, ROOT

HOSTILE = DATA / "hostile" / "library"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_deeply_nested_files_in_the_user_folder_do_not_stop_the_catalogue(capsys, isolated_home: Path):
    folder = isolated_home / "scenarios"
    folder.mkdir()
    for name in ("deep_arrays.toml", "deep_tables.toml"):
        shutil.copy(HOSTILE / name, folder)
    code, out, err = run(capsys, "list")
    assert code == 1 and "upmarket-pricing" in out
    assert f"  {folder / 'deep_arrays.toml'}:2: arrays or inline tables nested more than 32 deep" in err.splitlines()
    assert f"  {folder / 'deep_tables.toml'}:2: arrays or inline tables nested more than 32 deep" in err.splitlines()


def test_validate_names_the_line_and_key_of_a_condition_nested_too_deep(capsys):
    path = HOSTILE / "deep_condition.toml"
    code, out, _ = run(capsys, "validate", str(path))
    assert code == 1
    assert out.startswith(f"{path}:32: stages[0].branches[0].when: brackets, all() and any() nested more than 20 deep")


def test_validate_reports_both_files_that_share_an_id(capsys):
    folder = HOSTILE / "same_id"
    code, out, err = run(capsys, "validate", str(folder))
    first, second = folder / "first.toml", folder / "second.toml"
    assert code == 1
    assert out.splitlines() == [
        f"{first}:1: id: scenario id 'same-id' is also used by {second}:1; neither file is loaded",
        f"{second}:1: id: scenario id 'same-id' is also used by {first}:1; neither file is loaded",
    ]
    assert "2 problem(s) in 2 file(s)." in err


def test_validate_refuses_pipes_and_devices_without_hanging(tmp_path: Path):
    """A named pipe or a device, in the user folder, in a folder to check or named on the command line,
    is reported and never read. In a child process with a time limit: a hang fails the test."""
    home, folder = tmp_path / "home", tmp_path / "authored"
    (home / "scenarios").mkdir(parents=True)
    folder.mkdir()
    os.mkfifo(home / "scenarios" / "pipe.toml")
    os.symlink("/dev/zero", home / "scenarios" / "zero.toml")
    os.mkfifo(folder / "pipe.toml")
    shutil.copy(DATA / "good" / "minimal.toml", folder)

    def validate(*paths: str, home: Path) -> subprocess.CompletedProcess[str]:
        env = dict(os.environ, COACH_HOME=str(home), PYTHONPATH=str(ROOT))
        argv = [sys.executable, "-m", "coach", "validate", *paths]
        try:
            return subprocess.run(argv, capture_output=True, text=True, timeout=120, env=env)
        except subprocess.TimeoutExpired:
            pytest.fail(f"`coach validate {' '.join(paths)}` hung on a named pipe or a device")

    whole = validate(home=home)
    assert whole.returncode == 1 and "Traceback" not in whole.stderr
    assert whole.stdout.splitlines() == [
        f"{home}/scenarios/pipe.toml: not a regular file (a named pipe)",
        f"{home}/scenarios/zero.toml: not a regular file (a device)",
    ]
    named = validate(str(folder), "/dev/zero", "/dev/urandom", home=tmp_path / "empty-home")
    assert named.returncode == 1 and "Traceback" not in named.stderr
    assert named.stdout.splitlines() == [
        f"{folder}/pipe.toml: not a regular file (a named pipe)",
        "/dev/zero: not a regular file (a device)",
        "/dev/urandom: not a regular file (a device)",
    ]


def test_an_answer_from_a_pipe_or_a_device_is_refused_not_read_forever(tmp_path):
    """`coach score --answer` reads only regular files, with a bounded read (a child process, so a
    regression fails on the timeout instead of hanging the suite)."""
    import os
    import subprocess
    import sys

    fifo = tmp_path / "answer.fifo"
    os.mkfifo(fifo)
    for source, kind in ((fifo, "a named pipe"), (Path("/dev/zero"), "a device")):
        done = subprocess.run(
            [sys.executable, "-m", "coach", "score", "--scenario", "risky-rollout", "--answer", str(source)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 2
        assert f"cannot read the answer: not a regular file ({kind})" in done.stderr
