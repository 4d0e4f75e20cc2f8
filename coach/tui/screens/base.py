"""What every coach screen shares: the library and the store it shows, read from the app
through a small protocol, so no screen imports the app (screens post messages to it)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Protocol, cast

from textual.app import CSSPathType
from textual.screen import Screen

from coach import settings

if TYPE_CHECKING:  # (the catalogue is drawn before the library's modules are imported)
    from coach.library.formats import Ladder
    from coach.library.index import Catalogue
    from coach.library.loader import Library
    from coach.practice.store import Store


class CoachHost(Protocol):
    """The part of the app a screen may read: the scenario library (and what the catalogue shows of
    it, which is there before the library is loaded), the session store and the time (tests
    freeze it: recommendations, streaks and the plan depend on the day)."""

    @property
    def library(self) -> Library: ...

    catalogue: Catalogue
    store: Store
    now: Callable[[], datetime]


# The styles of every screen but the catalogue: not parsed before the first screen is drawn (start-up
# time, issue 15). Each such screen names it; Textual reads it once, when the first of them opens.
SCREENS_CSS = Path(__file__).with_name("screens.tcss")


class CoachScreen(Screen[None]):
    CSS_PATH: ClassVar[CSSPathType | None] = SCREENS_CSS

    @property
    def coach(self) -> CoachHost:
        return cast(CoachHost, self.app)

    @property
    def ladder(self) -> Ladder | None:
        """The career ladder: the one source of level titles (None when its file is broken)."""
        entry = self.coach.library.ladder
        return entry.item if entry else None

    def action_toggle_scores(self) -> None:
        """Practice without numbers, on or off (remembered in settings.json)."""
        hide = not settings.hide_scores()
        try:
            settings.save(hide_scores=hide)
        except OSError as exc:
            self.notify(f"Could not remember the choice: {exc}", severity="error", markup=False)
            return
        self.notify(
            "Scores and levels hidden while you practise; evidence and advice stay, and your history keeps the scores."
            if hide
            else "Scores and levels shown again.",
            title="Practice without numbers" if hide else "Scores",
            markup=False,
        )
