"""The installed package (a wheel, not the checkout) finds its built-in library."""

from __future__ import annotations

import json
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.serial  # builds a wheel and a venv: heavy; kept apart from the other process tests
def test_wheel_in_fresh_venv_finds_builtin_library(tmp_path: Path):
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist), str(ROOT)],
        check=True,
    )
    wheel = next(dist.glob("tpm_coach-*.whl"))
    # the app's styles are files beside its modules: an installed coach without one fails on the screen it styles
    with zipfile.ZipFile(wheel) as packed:
        styles = {name for name in packed.namelist() if name.endswith(".tcss")}
    assert styles == {str(path.relative_to(ROOT)) for path in (ROOT / "coach").rglob("*.tcss")}
    env_dir = tmp_path / "venv"
    # System site-packages provide the dependencies offline; the wheel itself goes in the venv.
    venv.EnvBuilder(system_site_packages=True, with_pip=True).create(env_dir)
    py = env_dir / "bin" / "python"
    subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-deps", str(wheel)], check=True)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = subprocess.run(
        [str(py), "-c", "from coach.paths import builtin_library; print(builtin_library())"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(where).is_relative_to(env_dir), where
    assert (Path(where) / "rubrics" / "ladder.toml").is_file()

    out = subprocess.run(
        [str(env_dir / "bin" / "coach"), "list", "--json"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    ids = {row["id"] for row in json.loads(out)}
    assert "upmarket-pricing" in ids
