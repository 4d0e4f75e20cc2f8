"""Level and loop-area titles as every view shows them (view.py re-exports them).

Apart from view.py, and without pydantic, so that the app's catalogue, drawn from the library's
index (coach/library/index.py), shows the same titles before the library itself is loaded.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Protocol

from coach.library.names import AREA_TITLES, Level

if TYPE_CHECKING:
    from coach.library.formats import Ladder


class InLoop(Protocol):
    """A scenario, or its card in the catalogue's index."""

    @property
    def area(self) -> str | None: ...
    @property
    def coaching(self) -> bool: ...


def level_title(level: Level | str, ladder: Ladder | Mapping[Level, str] | None) -> str:
    """A ladder level's display name. The ladder file is the one source of titles (read from the
    ladder, or from the titles the catalogue's index kept of it); without a ladder (a broken
    library) the level's id stands in, as the summary does."""
    lvl = Level(level)
    if ladder is None:
        return lvl.value
    return ladder[lvl] if isinstance(ladder, Mapping) else ladder.level(lvl).title


COACHING_NOTE = "coaching, not counted"
"""Said wherever a coaching scenario shows: it is scored, but it is not interview evidence on the ladder."""


def area_text(sc: InLoop) -> str:
    """The loop area a scenario practises, as shown, with the coaching note where it applies."""
    area = AREA_TITLES[sc.area] if sc.area else "No loop area"
    return f"{area} ({COACHING_NOTE})" if sc.coaching else area


def level_choices(ladder: Ladder | Mapping[Level, str] | None) -> list[tuple[str, Level]]:
    """(title, level) for every ladder level, lowest first: for pickers and filters."""
    return [(level_title(lvl, ladder), lvl) for lvl in Level]
