"""The domain core never imports Textual, so the CLI and tests can use it alone."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import coach

CORE = sorted(
    m.name
    for m in pkgutil.walk_packages(coach.__path__, "coach.")
    if not m.name.startswith("coach.tui") and m.name != "coach.__main__"
)

# One fresh interpreter imports the core modules one by one and names the first that brings Textual
# in: the same check as one interpreter per module, without paying Python's start-up sixty times.
PROBE = """
import importlib, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
    if "textual" in sys.modules:
        print(name)
        break
else:
    print("none")
"""


def test_core_modules_import_without_textual():
    assert len(CORE) > 30, "the walk found the core's modules"
    out = subprocess.run([sys.executable, "-c", PROBE, *CORE], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "none", f"{out.stdout.strip()} imports Textual"


def test_coach_import_starts_without_the_scoring_engine(tmp_path):
    """`coach import` stores sessions unscored (they are verified later), so it never loads the scoring engine,
    the matcher or the lemmatizer (simplemma's dictionary alone takes half a second): of coach.scoring only the
    report model, which a session's state holds. Every module `python -m coach import` loads, as -X importtime
    lists them."""
    from tests.conftest import DATA

    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "coach", "import", str(DATA / "hostile" / "forged-scores.jsonl")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert "session forged0001: added without the file's scores; awaiting verification" in run.stdout
    loaded = {line.rsplit("|", 1)[-1].strip() for line in run.stderr.splitlines() if line.startswith("import time:")}
    assert "coach.practice.importing" in loaded, "the import ran in this process"
    assert {m for m in loaded if m.startswith("coach.scoring.")} == {"coach.scoring.report"}
    assert not {m for m in loaded if m.split(".")[0] in {"simplemma", "rapidfuzz", "textual"}}
