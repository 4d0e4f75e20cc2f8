"""Every place the coach reads or writes, in one module.

`COACH_HOME` moves all user data (tests and portable installs set it);
otherwise the platform's user data folder is used.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def home() -> Path:
    """The user's data folder: history, drafts, their own scenarios and rubrics."""
    override = os.environ.get("COACH_HOME")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_path

    return user_data_path("tpm-coach", appauthor=False)


def builtin_library() -> Path:
    """The built-in library: inside the package when installed from a wheel,
    at the top of the repository when running from a checkout."""
    installed = PACKAGE_DIR / "library"
    if (installed / "scenarios").is_dir():
        return installed
    return PACKAGE_DIR.parent


def user_library() -> Path:
    return home()


def coach_path() -> list[Path]:
    """Extra library folders from COACH_PATH (os.pathsep-separated)."""
    raw = os.environ.get("COACH_PATH", "")
    return [Path(p).expanduser() for p in raw.split(os.pathsep) if p.strip()]


def cache() -> Path:
    """What the coach keeps only to start faster (the parsed library): safe to delete."""
    override = os.environ.get("COACH_HOME")
    if override:
        return Path(override).expanduser() / "cache"
    from platformdirs import user_cache_path

    return user_cache_path("tpm-coach", appauthor=False)


def database() -> Path:
    return home() / "history.sqlite3"


def unsaved_folders() -> list[Path]:
    """Where a session is kept when the history cannot be saved: the data folder, else the temporary folder."""
    import tempfile

    return [home() / "unsaved", Path(tempfile.gettempdir()) / f"tpm-coach-unsaved-{os.getuid()}"]


def settings_file() -> Path:
    return home() / "settings.json"
