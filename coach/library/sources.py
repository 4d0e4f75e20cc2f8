"""Where the library's files are: the built-in library, the user folder, each folder in COACH_PATH, then
folders given on the command line, lowest priority first (see loader.py).

Nothing here imports pydantic: the app lists the files, and keys its cache and index by them
(cache.py, index.py), before it needs any file's contents.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from coach import paths


def toml_files(folder: Path) -> list[Path]:
    try:
        # anything but a folder: read_file reports a pipe, a device or a broken link rather than skip it
        return sorted(p for p in folder.iterdir() if p.suffix == ".toml" and not p.is_dir())
    except OSError:
        return []


def library_sources(
    scenario_dirs: Iterable[Path] = (), rubric_dirs: Iterable[Path] = (), include_user: bool = True
) -> list[tuple[str, Path]]:
    """(origin, folder) pairs, lowest priority first."""
    out: list[tuple[str, Path]] = []

    def root(origin: str, base: Path) -> None:
        subs = [base / "rubrics", base / "scenarios"]
        if any(s.is_dir() for s in subs):
            out.extend((origin, s) for s in subs if s.is_dir())
        elif base.is_dir():
            out.append((origin, base))

    root("built-in", paths.builtin_library())
    if include_user:
        root("user", paths.user_library())
    for extra in paths.coach_path():
        root("COACH_PATH", extra)
    out.extend(("--rubrics", Path(d)) for d in rubric_dirs)
    out.extend(("--scenarios", Path(d)) for d in scenario_dirs)
    return out


def library_items(
    scenario_dirs: Iterable[Path] = (),
    rubric_dirs: Iterable[Path] = (),
    files: Iterable[Path] = (),
    include_user: bool = True,
) -> list[tuple[str, Path]]:
    """(origin, file) for every library file, lowest priority first, then ``files`` (origin "checked")."""
    items: list[tuple[str, Path]] = []
    for origin, folder in library_sources(scenario_dirs, rubric_dirs, include_user):
        items.extend((origin, p) for p in toml_files(folder))
    items.extend(("checked", Path(f)) for f in files)
    return items
