"""Small display helpers every screen uses. User and file text is shown as text, never markup."""

from __future__ import annotations

from datetime import datetime

from textual.content import Content
from textual.widgets import DataTable, Static

from coach.practice.session import Mode

MODE_OPTIONS = [("Study (feedback each answer)", Mode.study), ("Interview (feedback at end)", Mode.interview)]


def highlighted_key(table: DataTable) -> str | None:
    """The key of the table's highlighted row, or None when it is empty."""
    if not table.row_count:
        return None
    return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value


def text(value: str) -> Static:
    """A Static that shows ``value`` exactly as written."""
    return Static(Content(value), markup=False)


def local_time(iso: str) -> str:
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso
