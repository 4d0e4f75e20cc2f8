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
