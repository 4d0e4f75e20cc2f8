"""Every place the coach reads or writes, in one module.

`COACH_HOME` moves all user data (tests and portable installs set it);
otherwise the platform's user data folder is used.
"""

from __future__ import annotations

import os
import re
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


# --------------------------------------------------------------------------- safe names

# A session id, or a name the coach puts in a file name: letters and digits first, then
# letters, digits, ".", "_" and "-" (no "/", no "..", no control characters). Ids come from
# files others send (imports, reviews), so nothing that could climb out of a folder gets in.
SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_SAFE_FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}")


def check_id(value: str) -> str:
    """``value`` when it is a safe id (see SAFE_ID); ValueError saying why otherwise."""
    if not SAFE_ID.fullmatch(value) or ".." in value:
        raise ValueError(
            f"{value[:80]!r} is not a valid id: 1-64 letters, digits, '.', '_' or '-', starting with a letter "
            "or digit, without '..'"
        )
    return value


def file_in(folder: Path, name: str) -> Path:
    """``folder / name``, for a file name built from ids: ValueError unless the name is safe
    and the path stays directly inside ``folder`` (the one check every file the coach names goes through)."""
    if not _SAFE_FILE_NAME.fullmatch(name) or ".." in name:
        raise ValueError(f"{name[:80]!r} is not a safe file name")
    path = folder / name
    if path.resolve().parent != folder.resolve():
        raise ValueError(f"{name[:80]!r} would be written outside {folder}")
    return path
