from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own empty user folder and no COACH_PATH: no real home is touched."""
    home = tmp_path_factory.mktemp("coach-home")
    monkeypatch.setenv("COACH_HOME", str(home))
    monkeypatch.delenv("COACH_PATH", raising=False)
    return home


@pytest.fixture(scope="session")
def library():
    from coach.library.loader import load_library

    lib = load_library(include_user=False)
    assert not lib.problems, [str(p) for p in lib.problems]
    return lib
