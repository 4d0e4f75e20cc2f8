"""What the app's catalogue shows of the library, and the library itself loaded once, from any thread.

The catalogue (its first screen) needs only a few plain facts about each scenario. They are kept in a
small JSON index beside the library's cache, under the same key (cache.py: every library file's
path, size and times), so the catalogue is drawn without importing pydantic or unpickling the whole
library; the app loads that in the background (``LibraryLoad``) and waits for it only when a scenario
is opened. An index that is missing, damaged or made for other files is never used: the catalogue
then comes from the full library, and the index is written again.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coach import paths
from coach.library import cache
from coach.library.names import Competency, Level
from coach.library.sources import library_items

if TYPE_CHECKING:
    from coach.library.loader import Library

FORMAT = 1  # bump when the index changes shape


@dataclass(frozen=True)
class Card:
    """One scenario as the catalogue lists, filters and describes it."""

    id: str
    title: str
    summary: str
    tags: tuple[str, ...]
    area: str | None
    coaching: bool
    difficulty: str
    level: Level
    minutes: int
    interviewer: str
    role: str
    competencies: frozenset[Competency]
    questions: tuple[str, ...]  # the titles of the stages every interview asks (not branch_only)


@dataclass(frozen=True)
class Catalogue:
    """Every scenario's card, the ladder's level titles (None without a ladder) and the library's problems."""

    cards: Mapping[str, Card]
    titles: Mapping[Level, str] | None
    problems: tuple[str, ...]  # as Problem prints them: file, line, key and message
    problem_files: int

    @classmethod
    def of(cls, lib: Library) -> Catalogue:
        cards = {}
        for sid, entry in lib.scenarios.items():
            sc = entry.item
            cards[sid] = Card(
                id=sc.id,
                title=sc.title,
                summary=sc.summary,
                tags=tuple(sc.tags),
                area=sc.area,
                coaching=sc.coaching,
                difficulty=sc.difficulty,
                level=sc.level,
                minutes=sc.minutes,
                interviewer=sc.persona.name,
                role=sc.persona.role,
                competencies=frozenset(lib.competencies(sc)),
                questions=tuple(st.title for st in sc.stages if not st.branch_only),
            )
        ladder = lib.ladder.item if lib.ladder else None
        return cls(
            cards=cards,
            titles={lvl: ladder.level(lvl).title for lvl in Level} if ladder else None,
            problems=tuple(str(p) for p in lib.problems),
            problem_files=len({p.path for p in lib.problems}),
        )

    def to_json(self) -> dict[str, Any]:
        cards = []
        for card in self.cards.values():
            data = dict(card.__dict__)
            data.update(
                tags=list(card.tags),
                level=card.level.value,
                competencies=sorted(c.value for c in card.competencies),
                questions=list(card.questions),
            )
            cards.append(data)
        return {
            "cards": cards,
            "titles": {lvl.value: title for lvl, title in self.titles.items()} if self.titles is not None else None,
            "problems": list(self.problems),
            "problem_files": self.problem_files,
        }

    @classmethod
    def from_json(cls, data: Any) -> Catalogue:
        """The catalogue ``to_json`` wrote; anything else raises (KeyError, TypeError, ValueError)."""
        cards = {}
        for raw in data["cards"]:
            card = Card(
                id=_text(raw["id"]),
                title=_text(raw["title"]),
                summary=_text(raw["summary"]),
                tags=tuple(_text(t) for t in raw["tags"]),
                area=None if raw["area"] is None else _text(raw["area"]),
                coaching=_of(bool, raw["coaching"]),
                difficulty=_text(raw["difficulty"]),
                level=Level(raw["level"]),
                minutes=_of(int, raw["minutes"]),
                interviewer=_text(raw["interviewer"]),
                role=_text(raw["role"]),
                competencies=frozenset(Competency(c) for c in raw["competencies"]),
                questions=tuple(_text(q) for q in raw["questions"]),
            )
            cards[card.id] = card
        titles = data["titles"]
        return cls(
            cards=cards,
            titles=None if titles is None else {Level(k): _text(v) for k, v in titles.items()},
            problems=tuple(_text(p) for p in data["problems"]),
            problem_files=_of(int, data["problem_files"]),
        )


def _of(kind: type, value: Any) -> Any:
    if type(value) is not kind:
        raise TypeError(f"expected {kind.__name__}, found {type(value).__name__}")
    return value


def _text(value: Any) -> str:
    return str(_of(str, value))


def index_file() -> Path:
    return paths.cache() / "library.index.json"


def read_index(key: str) -> Catalogue | None:
    """The catalogue kept for the files of ``key``; None when the index is missing, damaged or of other files."""
    try:
        data = json.loads(index_file().read_bytes())
        if data["format"] != FORMAT or data["key"] != key:
            return None
        return Catalogue.from_json(data["catalogue"])
    except Exception:  # missing, unreadable, truncated, not JSON, or not this shape: not used
        return None


def write_index(key: str, catalogue: Catalogue) -> None:
    data = {"format": FORMAT, "key": key, "catalogue": catalogue.to_json()}
    cache.write_whole(index_file(), json.dumps(data, ensure_ascii=False).encode())


class LibraryLoad:
    """The library of the built-in, user and COACH_PATH folders and of ``scenario_dirs`` and ``rubric_dirs``
    (see sources.py): its catalogue at once, and the library itself loaded once, by whichever thread
    asks first (the others wait for it)."""

    def __init__(self, scenario_dirs: Iterable[Path] = (), rubric_dirs: Iterable[Path] = ()):
        self.items = library_items(scenario_dirs, rubric_dirs)
        self.key = cache.key(self.items)  # made once: the index and the cache are read for the same files
        self._lock = threading.Lock()
        self._library: Library | None = None
        self._indexed: bool | None = None  # whether the index holds these files (None: not read yet)

    @property
    def loaded(self) -> bool:
        return self._library is not None

    def catalogue(self) -> Catalogue:
        """From the index when it holds exactly these files; else from the library, loaded now."""
        found = read_index(self.key)
        self._indexed = found is not None
        return found or Catalogue.of(self.library())

    def library(self) -> Library:
        with self._lock:
            if self._library is None:
                from coach.library.loader import build_library

                lib = cache.cached(self.items, lambda: build_library(self.items), self.key)
                if not (self._indexed or read_index(self.key)):
                    write_index(self.key, Catalogue.of(lib))
                self._indexed = True
                self._library = lib
            return self._library
