"""The story bank: the learner's own stories for behavioral questions ("tell me about a time...").

A story has a title, the situation, what I did, the result, what I learned, and the competencies
(behavioral themes: conflict, failure...) it shows. Stories live in the history database, in a
`stories` table of their own, created when the first story is written (CREATE TABLE IF NOT
EXISTS: the table needs no schema version, so it never clashes with the store's migrations, and
opening the bank writes nothing). They travel in the same JSON Lines files as sessions, as their
own record kind. No UI here: the CLI and the app call these.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    field_validator,
)

from coach.library.formats import Level
from coach.library.loader import Library
from coach.practice.exchange import STORY_FORMAT
from coach.practice.store import Store, now
from coach.practice.themes import THEMES, Theme
from coach.scoring.engine import Scorer
from coach.scoring.matching import AnswerIndex, Matcher, Term, match_concept
from coach.scoring.report import ScoreReport
from coach.scoring.text import tokenize

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

# --------------------------------------------------------------------------- the model

MAX_TEXT = 20_000
# Control characters are never part of a story: they could move a terminal's cursor or rewrite its title.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _newlines(value: object) -> object:
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


def _no_control(value: str) -> str:
    found = _CONTROL.search(value)
    if found:
        raise ValueError(f"contains a control character ({found.group()!r}) at position {found.start()}")
    return value


def _one_line(value: str) -> str:
    if "\n" in value or "\t" in value:
        raise ValueError("must be one line")
    return value


def _known_theme(value: str) -> str:
    if value not in THEMES:
        raise ValueError(f"unknown competency {value!r}; choose from {', '.join(THEMES)}")
    return value


def _iso_time(value: str) -> str:
    try:
        datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"not a date and time: {value!r}") from None
    return value


StoryId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]
Title = Annotated[
    str,
    Field(min_length=1, max_length=200),
    BeforeValidator(_newlines),
    AfterValidator(_one_line),
    AfterValidator(_no_control),
]
LongText = Annotated[str, Field(max_length=MAX_TEXT), BeforeValidator(_newlines), AfterValidator(_no_control)]
When = Annotated[str, Field(max_length=40), AfterValidator(_iso_time)]

FIELDS = {  # the story's text fields and how they are named to the learner, in order
    "title": "Title",
    "situation": "Situation",
    "actions": "What I did",
    "result": "Result",
    "learned": "What I learned",
}


class Story(BaseModel):
    """One of the learner's stories. Every field is checked, whoever wrote it (the app, the CLI,
    an imported file)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: StoryId
    title: Title
    situation: LongText = ""
    """Where and when, the problem and what was at stake."""
    actions: LongText = ""
    """What I did: my own actions and decisions."""
    result: LongText = ""
    """How it ended, with numbers."""
    learned: LongText = ""
    """What I learned and would do differently."""
    competencies: list[Annotated[str, AfterValidator(_known_theme)]] = Field(default=[], max_length=len(THEMES))
    """The themes the story shows (THEMES ids)."""
    created: When
    updated: When

    @field_validator("competencies")
    @classmethod
    def _once_each(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))

    def text(self) -> str:
        """The story as one answer, the way it is told: situation, actions, result, lesson."""
        return "\n\n".join(part for part in (self.situation, self.actions, self.result, self.learned) if part)

    def content(self) -> dict[str, Any]:
        """What the story says (not when it was written): two stories are the same when this is."""
        return self.model_dump(exclude={"id", "created", "updated"})


class StoryError(ValueError):
    """A story cannot be saved as given; the message says which field and why."""


def problem(exc: ValidationError) -> str:
    """The first problem of a validation error, as "field: message"."""
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"])
    message = str(error["ctx"]["error"]) if error["type"] == "value_error" else error["msg"]
    return f"{where}: {message}" if where else message


def make_story(id: str, fields: dict[str, Any], created: str | None = None) -> Story:  # noqa: A002
    """A story from its fields (see FIELDS, plus competencies); StoryError when a field is wrong."""
    stamp = now()
    try:
        return Story(id=id, created=created or stamp, updated=stamp, **fields)
    except ValidationError as exc:
        raise StoryError(problem(exc)) from None


def slug(title: str) -> str:
    words = re.findall(r"[a-z0-9]+", title.lower())
    return "-".join(words)[:48].strip("-") or "story"


def check_field(name: str, value: object) -> Any:
    """One field checked on its own (as the learner types it); StoryError says why it is wrong."""
    kind: Any = {"title": Title, "competencies": list[Annotated[str, AfterValidator(_known_theme)]]}.get(name, LongText)
    try:
        return TypeAdapter(kind).validate_python(value.strip() if isinstance(value, str) else value)
    except ValidationError as exc:
        raise StoryError(f"{name}: {problem(exc)}") from None


# --------------------------------------------------------------------------- the story as a form to edit

_FORM_HELP = (
    "<!-- Write under each heading; keep the headings. Competencies: any of "
    + ", ".join(THEMES)
    + ", separated by commas. Lines like this one are ignored. -->"
)


def to_form(fields: dict[str, Any]) -> str:
    """A story (or its fields) as the Markdown form `coach story edit` opens and `show` prints."""
    lines = [f"# {fields.get('title', '')}", ""]
    for name, heading in list(FIELDS.items())[1:]:
        lines += [f"## {heading}", "", str(fields.get(name) or "").strip(), ""]
    lines += ["## Competencies", "", ", ".join(fields.get("competencies") or []), "", _FORM_HELP, ""]
    return "\n".join(lines)


_HEADINGS = {heading.lower(): name for name, heading in FIELDS.items()} | {"competencies": "competencies"}


def from_form(text: str) -> dict[str, Any]:
    """The fields of a filled-in form (see to_form). StoryError when it has no title; the
    values are checked when the story is made."""
    fields: dict[str, Any] = {}
    current: str | None = None
    body: dict[str, list[str]] = {}
    for line in str(_newlines(text)).split("\n"):
        bare = line.strip()
        if bare.startswith("<!--") and bare.endswith("-->"):
            continue
        if current is None and "title" not in fields and line.startswith("# "):
            fields["title"] = line[2:].strip()
            continue
        if line.startswith("## ") and bare[3:].strip().lower() in _HEADINGS:
            current = _HEADINGS[bare[3:].strip().lower()]
            continue
        if current is not None:
            body.setdefault(current, []).append(line)
    if "title" not in fields:
        raise StoryError("the form needs a title on a line of its own: '# Title'")
    for name, lines in body.items():
        fields[name] = "\n".join(lines).strip()
    if "competencies" in fields:
        fields["competencies"] = [c.strip().lower() for c in re.split(r"[,\s]+", fields["competencies"]) if c.strip()]
    return fields


def read_fields(text: str, toml: bool = False) -> dict[str, Any]:
    """A story's fields from a file: a Markdown form, or TOML with the model's keys (title,
    situation, actions, result, learned, competencies). StoryError when it cannot be read."""
    if not toml:
        return from_form(text)
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise StoryError(f"not valid TOML ({exc})") from None
    return data


# --------------------------------------------------------------------------- storage

_TABLE = """CREATE TABLE IF NOT EXISTS stories (
    id TEXT PRIMARY KEY,
    story TEXT NOT NULL,
    updated TEXT NOT NULL
)"""


class StoryBank:
    """The stories in the history database. Reading never writes: the table is created by the
    first story saved, so the bank opens on a database that is read-only or older than stories."""

    def __init__(self, store: Store):
        self.store = store

    def _has_table(self) -> bool:
        found = self.store.db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'stories'")
        return found.fetchone() is not None

    def stories(self) -> list[Story]:
        """Every story, the one edited last first. A row this coach cannot read is left out."""
        if not self._has_table():
            return []
        out = []
        for (data,) in self.store.db.execute("SELECT story FROM stories ORDER BY updated DESC, id"):
            try:
                out.append(Story.model_validate_json(data))
            except ValidationError:
                continue
        return out

    def get(self, story_id: str) -> Story:
        found = self._has_table() and self.store.db.execute("SELECT story FROM stories WHERE id = ?", (story_id,))
        row = found.fetchone() if found else None
        if row is None:
            raise KeyError(f"no story {story_id!r}")
        return Story.model_validate_json(row[0])

    def ids(self) -> set[str]:
        if not self._has_table():
            return set()
        return {row[0] for row in self.store.db.execute("SELECT id FROM stories")}

    def new_id(self, title: str, taken: set[str] | None = None) -> str:
        """An id made from the title, unique in the bank: "cut-scope-for-the-launch", then "-2"..."""
        taken = self.ids() if taken is None else taken
        base = slug(title)
        candidate, n = base, 1
        while candidate in taken:
            n += 1
            candidate = f"{base}-{n}"
        return candidate

    def add(self, fields: dict[str, Any]) -> Story:
        """Save a new story from its fields; its id comes from its title. StoryError when a field is wrong."""
        story = make_story("new", fields)  # every field checked before anything is written
        with self.store.transaction():
            story = story.model_copy(update={"id": self.new_id(story.title)})
            self._write(story)
        return story

    def update(self, story_id: str, fields: dict[str, Any]) -> Story:
        """Change some fields of a story (KeyError when there is none, StoryError when a field is wrong)."""
        old = self.get(story_id)
        story = make_story(story_id, old.model_dump(include=set(FIELDS) | {"competencies"}) | fields, old.created)
        with self.store.transaction():
            self._write(story)
        return story

    def delete(self, story_id: str) -> None:
        self.get(story_id)  # KeyError when there is none
        with self.store.transaction():
            self.store.db.execute("DELETE FROM stories WHERE id = ?", (story_id,))

    def _write(self, story: Story) -> None:
        """Write a story, in a transaction the caller holds (the first write creates the table)."""
        self.store.db.execute(_TABLE)
        self.store.db.execute(
            "INSERT INTO stories (id, story, updated) VALUES (?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET story = excluded.story, updated = excluded.updated",
            (story.id, story.model_dump_json(), story.updated),
        )

    def gaps(self) -> list[Theme]:
        """The competencies no story shows yet, in the order of THEMES."""
        covered = {c for s in self.stories() for c in s.competencies}
        return [t for t in THEMES.values() if t.id not in covered]


# --------------------------------------------------------------------------- scoring

RUBRIC = "behavioral"


def score_story(
    library: Library, story: Story, target: Level | None = None, scorer: Scorer | None = None
) -> ScoreReport:
    """The story scored against the behavioral rubric, told as an answer (see Story.text).
    KeyError when the library has no behavioral rubric; ValueError when the story is only a title."""
    if not story.text():
        raise ValueError(
            f"story {story.id!r} is only a title: add the situation, what you did, the result and what you learned"
        )
    return (scorer or Scorer(library)).score_rubric(library.rubric(RUBRIC), story.text(), target_level=target)


# --------------------------------------------------------------------------- which story fits a question

# Words every behavioral question uses; they say nothing about which story fits.
_QUESTION_WORDS = frozenset(
    t.stem
    for t in tokenize(
        "tell me about time describe give example situation share walk through recall occasion story "
        "happened experience one recent"
    )
)


@dataclass(frozen=True)
class Fit:
    story: Story
    score: float
    tagged: list[str]
    """Competencies the question asks about that the story is tagged with."""
    mentioned: list[str]
    """Competencies the question asks about that the story's text shows, untagged."""
    words: list[str]
    """Words of the question the story uses."""

    def why(self) -> str:
        parts = []
        if self.tagged:
            parts.append("tagged " + ", ".join(self.tagged))
        if self.mentioned:
            parts.append("tells of " + ", ".join(self.mentioned) + " (not tagged)")
        if self.words:
            parts.append("mentions " + ", ".join(self.words[:5]))
        return "; ".join(parts)


@dataclass
class Matches:
    question: str
    themes: list[str]
    """The competencies the question asks about."""
    fits: list[Fit] = field(default_factory=list)
    """Stories that fit, best first."""
    uncovered: list[str] = field(default_factory=list)
    """Competencies the question asks about that no story is tagged with (as for the bank's gaps)."""


_THEME_MATCHER = Matcher([p for t in THEMES.values() for p in t.phrases])


def _index(text: str) -> AnswerIndex:
    return AnswerIndex(tokenize(text, limit=20_000), matcher=_THEME_MATCHER)


def themes_in(text: str) -> list[str]:
    """The competencies a question (or a story) is about, by the words that give them away."""
    index = _index(text)
    return [t.id for t in THEMES.values() if match_concept(index, t.phrases).found]


def match(stories: Iterable[Story], question: str) -> Matches:
    """Which stories fit a behavioral question: tagged with a competency it asks about (worth
    most), telling of one, or using its words; and which of its competencies no story is tagged with."""
    themes = themes_in(question)
    words = {t.stem: t.word for t in tokenize(question) if not t.is_stop and t.stem not in _QUESTION_WORDS}
    result = Matches(question, themes)
    shown: set[str] = set()
    for story in stories:
        index = _index(f"{story.title}\n\n{story.text()}")
        tagged = [t for t in themes if t in story.competencies]
        mentioned = [t for t in themes if t not in tagged and match_concept(index, THEMES[t].phrases).found]
        used = [word for s, word in words.items() if index.occurrences(Term(s, word, False))]
        share = len(used) / len(words) if words else 0.0
        shown.update(story.competencies)
        # a word or two in common is chance; a competency, or a good part of the question's words, is a fit
        if tagged or mentioned or (len(used) >= 2 and share >= 0.25):
            score = 2 * len(tagged) + len(mentioned) + share
            result.fits.append(Fit(story, round(score, 2), tagged, mentioned, used))
    result.fits.sort(key=lambda f: (-f.score, f.story.title))
    result.uncovered = [t for t in themes if t not in shown]
    return result


# --------------------------------------------------------------------------- export and import

STORY_VERSION = 1


class StoryRecord(BaseModel):
    """One story in an export file, beside the sessions."""

    model_config = ConfigDict(extra="forbid")

    format: str = STORY_FORMAT
    version: int = STORY_VERSION
    story: Story

    @field_validator("version")
    @classmethod
    def _not_newer(cls, value: int) -> int:
        if value > STORY_VERSION:
            raise ValueError("written by a newer coach; upgrade to import it")
        return value

    def line(self) -> str:
        return json.dumps(self.model_dump(mode="json"), ensure_ascii=False)


def export_lines(bank: StoryBank) -> Iterator[str]:
    """One export line per story, oldest first."""
    for story in sorted(bank.stories(), key=lambda s: (s.created, s.id)):
        yield StoryRecord(story=story).line()


@dataclass
class StoryImport:
    added: int = 0
    unchanged: int = 0
    renamed: list[tuple[str, str]] = field(default_factory=list)
    """(id in the file, id given) of stories added under a new id: the bank had another story with theirs."""
    problems: list[tuple[int, str]] = field(default_factory=list)
    """(line number, what is wrong) of story records skipped."""


def import_records(bank: StoryBank, records: Iterable[tuple[int, dict[str, Any]]]) -> StoryImport:
    """Add the stories of an export file's story records ((line number, decoded JSON) pairs).
    Every field is validated; a bad record is skipped and reported with its line number. A story
    is never overwritten: one the bank already has (same content) is left alone, and one whose id
    is taken by a different story is added under a new id. All in one transaction."""
    result = StoryImport()
    valid: list[Story] = []
    for number, data in records:
        try:
            valid.append(StoryRecord.model_validate(data).story)
        except ValidationError as exc:
            result.problems.append((number, problem(exc)))
    if not valid:
        return result
    existing = {s.id: s for s in bank.stories()}
    contents = [s.content() for s in existing.values()]
    taken = bank.ids()
    with bank.store.transaction():
        for story in valid:
            if story.content() in contents:
                result.unchanged += 1
                continue
            if story.id in taken:
                new = bank.new_id(story.title, taken)
                result.renamed.append((story.id, new))
                story = story.model_copy(update={"id": new})
            bank._write(story)
            taken.add(story.id)
            contents.append(story.content())
            result.added += 1
    return result
