"""Small display helpers every screen uses. User and file text is shown as text, never markup."""

from __future__ import annotations

from datetime import datetime

from textual.content import Content
from textual.css.query import NoMatches
from textual.dom import NoScreen
from textual.events import Mount
from textual.widgets import DataTable, Header, Static
from textual.widgets._header import HeaderTitle


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
    except (ValueError, OverflowError):  # a bad or out-of-range date stored by an older coach: shown as it is
        return iso


class CoachHeader(Header):
    """Textual's Header, safe when its screen goes away before the title is drawn.

    Header updates its title in a deferred watcher that tolerates a missing screen but not
    a missing title widget: a screen replaced right after it mounted (a key pressed twice,
    a busy machine) raised NoMatches and ended the app. Same watchers, both cases tolerated."""

    def _on_mount(self, event: Mount) -> None:
        event.prevent_default()  # instead of Header._on_mount, not as well as it

        async def set_title() -> None:
            try:
                self.query_one(HeaderTitle).update(self.format_title())
            except (NoScreen, NoMatches):  # the screen, or the header's children, already gone
                pass

        for node, name in (
            (self.app, "title"),
            (self.app, "sub_title"),
            (self.screen, "title"),
            (self.screen, "sub_title"),
        ):
            self.watch(node, name, set_title)
