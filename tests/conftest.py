from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: two workers per core. Most tests wait (on Textual's event loop, on a subprocess or a
    browser) as much as they compute, so two per core keep the cores busy (measured on 2 cores: 161 s
    with 2 workers, 136 s with 4)."""
    return 2 * (os.cpu_count() or 1)


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """`serial` tests share one xdist group, so one worker runs them one after another (see pyproject.toml)."""
    for item in items:
        if item.get_closest_marker("serial"):
            item.add_marker(pytest.mark.xdist_group("serial"))


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
