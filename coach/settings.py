"""The user's preferences (the app's theme, practice without numbers, the practice plan), a small JSON
file in the user folder.

A missing, unreadable or damaged file means "no preferences": the coach never fails to
start because of it. Writes go to a temporary file first and then replace the old one,
so a crash mid-write never leaves half a file.
"""

from __future__ import annotations

import json
import os
import tempfile
from typing import Any

from coach import paths


def load() -> dict[str, Any]:
    try:
        data = json.loads(paths.settings_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save(**changes: Any) -> None:
    """Merge `changes` into the settings file (raises OSError when it cannot be written)."""
    target = paths.settings_file()
    data = {**load(), **changes}
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".settings-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=2)
        os.replace(tmp, target)
    except BaseException:
        os.unlink(tmp)
        raise


def hide_scores() -> bool:
    """Practice without numbers: scores and levels are hidden while practising (the history keeps them)."""
    return load().get("hide_scores") is True
