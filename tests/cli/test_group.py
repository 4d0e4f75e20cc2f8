"""`coach` as a whole: help grouped by purpose, a suggestion for a mistyped command, shell completion, speed."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from coach.cli import main

SECTIONS = {
    "Practise": ["practice"],
    "History": ["history", "next", "report", "export", "import", "rescore", "compare", "plan"],
    "Stories": ["story"],
    "Mentor": ["mentor", "review", "cohort", "serve"],
    "Author": ["list", "show", "validate", "schema", "new", "calibrate", "explain", "draft-rubric"],
    "Batch": ["score", "grade"],
}


def test_help_lists_every_command_under_its_heading(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    listed: dict[str, list[str]] = {}
    heading = None
    for line in out.splitlines():
        if line.endswith(":") and not line.startswith(" "):
            heading = line[:-1]
            listed[heading] = []
        elif heading in SECTIONS and re.match(r"  \S+  +\S", line):  # a command and its description
            listed[heading].append(line.split()[0])
    assert {h: listed.get(h) for h in SECTIONS} == SECTIONS
    assert list(listed)[-len(SECTIONS) :] == list(SECTIONS)  # in this order, after Options
    assert "Run `coach` with no command to open the app." in out


def test_a_mistyped_command_is_answered_with_the_closest_one(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["histroy"]) == 2
    err = capsys.readouterr().err
    assert "No such command 'histroy'. Did you mean 'history'?" in err
    assert main(["zzzz"]) == 2
    assert "No such command 'zzzz'. See `coach --help`." in capsys.readouterr().err


def test_usage_errors_exit_2_and_user_errors_say_coach(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "--format", "xml"]) == 2
    assert "Invalid value for '--format': 'xml' is not one of 'table', 'json'." in capsys.readouterr().err
    assert main(["show", "no-such-scenario"]) == 2
    assert capsys.readouterr().err.startswith("coach: unknown scenario 'no-such-scenario'")


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("coach ")


def _complete(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "coach"], env=os.environ | env, capture_output=True, text=True, timeout=120
    )


def test_bash_completion_script_and_its_answers() -> None:
    # the line the README gives: eval "$(_COACH_COMPLETE=bash_source coach)"
    script = _complete({"_COACH_COMPLETE": "bash_source"})
    assert script.returncode == 0 and "_coach_completion()" in script.stdout
    assert "complete -o nosort -F _coach_completion coach" in script.stdout
    commands = _complete({"_COACH_COMPLETE": "bash_complete", "COMP_WORDS": "coach hist", "COMP_CWORD": "1"})
    assert commands.stdout.split() == ["plain,history"]
    ids = _complete({"_COACH_COMPLETE": "bash_complete", "COMP_WORDS": "coach show upm", "COMP_CWORD": "2"})
    assert ids.stdout.split() == ["plain,upmarket-pricing"]  # scenario ids come from the library


def test_help_imports_neither_textual_nor_rich() -> None:
    code = (
        "import sys; from coach.cli import main; main(['--help']); "
        "print('MODULES', 'textual' in sys.modules, 'rich' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "MODULES False False" in out
