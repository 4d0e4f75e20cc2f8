"""What every coach screen shares: the library and the store it shows, read from the app
through a small protocol, so no screen imports the app (screens post messages to it)."""

from __future__ import annotations

from typing import Protocol, cast

from textual.screen import Screen

from coach.library.formats import Ladder
from coach.library.loader import Library
from coach.practice.store import Store


class CoachHost(Protocol):
    """The part of the app a screen may read: the scenario library and the session store."""

    library: Library
    store: Store


class CoachScreen(Screen[None]):
    @property
    def coach(self) -> CoachHost:
        return cast(CoachHost, self.app)

    @property
    def ladder(self) -> Ladder | None:
        """The career ladder: the one source of level titles (None when its file is broken)."""
        entry = self.coach.library.ladder
        return entry.item if entry else None
