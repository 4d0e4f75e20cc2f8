"""Load the scenario and rubric library from every source and check it.

Sources, lowest priority first: the built-in library, the user folder, each folder
in COACH_PATH, then folders given on the command line. A file whose id matches an
earlier one overrides it. Every problem becomes a :class:`Problem` that names the
file, the line and the key path; a broken file never stops the others loading.
"""

from __future__ import annotations

import difflib
import os
import re
import stat
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar, get_args

from pydantic import BaseModel, ValidationError

from coach import paths
from coach.library import cache, conditions
from coach.library.formats import KINDS, Competency, Ladder, Lexicon, Rubric, Scenario
from coach.library.sources import library_items
from coach.library.tomllines import format_path, key_lines, line_for, too_deep, visible

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

MAX_FILE_BYTES = 1024 * 1024
MAX_NESTING = 32  # arrays and inline tables inside each other; the library needs 2, tomllib recurses on each
T = TypeVar("T", Scenario, Rubric, Ladder, Lexicon)


@dataclass(frozen=True)
class Problem:
    path: Path
    message: str
    line: int | None = None
    key: str = ""

    def __str__(self) -> str:
        where = visible(str(self.path)) + (f":{self.line}" if self.line else "")
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"


@dataclass(frozen=True)
class Entry(Generic[T]):
    item: T
    path: Path
    origin: str  # built-in, user, COACH_PATH, option, ...


@dataclass
class Library:
    scenarios: dict[str, Entry[Scenario]] = field(default_factory=dict)
    rubrics: dict[str, Entry[Rubric]] = field(default_factory=dict)
    ladder: Entry[Ladder] | None = None
    lexicons: list[Entry[Lexicon]] = field(default_factory=list)  # every lexicon file adds its groups
    problems: list[Problem] = field(default_factory=list)
    overrides: list[tuple[str, Path, Path]] = field(default_factory=list)

    def scenario(self, scenario_id: str) -> Scenario:
        entry = self.scenarios.get(scenario_id)
        if entry is None:
            raise KeyError(_unknown("scenario", scenario_id, self.scenarios))
        return entry.item

    def rubric(self, rubric_id: str) -> Rubric:
        entry = self.rubrics.get(rubric_id)
        if entry is None:
            raise KeyError(_unknown("rubric", rubric_id, self.rubrics))
        return entry.item

    def competencies(self, scenario: Scenario) -> set[Competency]:
        """The competencies a scenario's rubrics measure."""
        found = (self.rubrics[r].item.competency for r in scenario.rubrics if r in self.rubrics)
        return {c for c in found if c is not None}

    def problems_in(self, files: Iterable[Path]) -> list[Problem]:
        wanted = {p.resolve() for p in files}
        return [p for p in self.problems if p.path.resolve() in wanted]


def _unknown(what: str, name: str, known: Iterable[str]) -> str:
    msg = f"unknown {what} {name!r}"
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return msg + (f" (did you mean {close[0]!r}?)" if close else "")


# --------------------------------------------------------------------------- files


def _guess_kind(path: Path, data: dict[str, Any]) -> str:
    if path.name == "ladder.toml" or "levels" in data:
        return "ladder"
    if path.name == "lexicon.toml" or "groups" in data:
        return "lexicon"
    if "stages" in data or path.parent.name == "scenarios":
        return "scenario"
    if "criteria" in data or path.parent.name == "rubrics":
        return "rubric"
    return "scenario"


def read_file(path: Path) -> tuple[str | None, BaseModel | None, list[Problem]]:
    """Read and validate one file. Returns (kind, model or None, problems)."""
    text = read_text(path)
    if isinstance(text, Problem):
        return None, None, [text]
    return parse_text(path, text)


def read_text(path: Path) -> str | Problem:
    """The text of a regular file, read with a bounded read, or the problem that stops it.

    A named pipe would block the read forever and a device (/dev/zero) never ends, so the file
    is opened without blocking and checked on the open descriptor before anything is read."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        with open(os.open(path, flags), "rb") as f:
            info = os.fstat(f.fileno())
            if not stat.S_ISREG(info.st_mode):
                return Problem(path, f"not a regular file ({_file_type(info.st_mode)})")
            if info.st_size > MAX_FILE_BYTES:
                return Problem(path, f"file is too large ({info.st_size:,} bytes; the limit is 1 MiB)")
            raw = f.read(MAX_FILE_BYTES + 1)  # a file may hold more than its size says (/proc)
    except OSError as exc:
        return Problem(path, f"cannot read the file: {exc.strerror or exc}")
    if len(raw) > MAX_FILE_BYTES:
        return Problem(path, "file is too large (more than 1 MiB)")
    if b"\x00" in raw:
        return Problem(path, "not a text file (it contains binary data)")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return Problem(path, f"not UTF-8 text (bad byte at offset {exc.start})")


def _file_type(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device"


def parse_text(path: Path, text: str) -> tuple[str | None, BaseModel | None, list[Problem]]:
    """Parse and validate the text of ``path``. Returns (kind, model or None, problems)."""
    if not text.strip():
        return None, None, [Problem(path, "file is empty")]
    deep = too_deep(text, MAX_NESTING)
    if deep is not None:
        return None, None, [Problem(path, f"arrays or inline tables nested more than {MAX_NESTING} deep", deep)]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        # "at end of document": the last line that has anything on it
        line = int(m.group(1)) if m else len(text.rstrip().splitlines()) or 1
        msg = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", msg).rstrip(".")
        return None, None, [Problem(path, f"not valid TOML: {msg}", line)]
    kind = _guess_kind(path, data)
    model = KINDS[kind]
    try:
        return kind, model.model_validate(data), []
    except ValidationError as exc:
        lines = key_lines(text)
        return kind, None, [_problem(path, lines, model, err, data) for err in exc.errors()]


def _problem(path: Path, lines: dict[str, int], model: type[BaseModel], err: Any, data: Any) -> Problem:
    loc = tuple(p for p in err["loc"] if p != "[key]")
    kind = err["type"]
    message = err["msg"].removeprefix("Value error, ")
    duplicate = re.match(r"duplicate [\w-]+ id '([^']+)'", message)
    if duplicate:
        loc = _second_occurrence(data, loc, duplicate.group(1))
    if kind == "extra_forbidden":
        known = _fields_at(model, loc[:-1])
        message = f"unknown key {loc[-1]!r}"
        close = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.6)
        owner = _owning_table(model, loc)
        if close:
            message += f" (did you mean {close[0]!r}?)"
        elif owner is not None:
            # The TOML trap: every key after a [table] header belongs to that table.
            message += (
                f"; it belongs to {format_path(owner) or 'the top level'}: move it above the "
                f"{_header(loc[:-1])} header (keys after a header belong to that table)"
            )
        elif known:
            message += "; expected one of " + ", ".join(sorted(known))
    elif kind == "missing":
        message = "missing required key"
    elif kind in ("enum", "literal_error"):
        expected = [e.strip(" '") for e in re.split(r",| or ", err.get("ctx", {}).get("expected", ""))]
        close = difflib.get_close_matches(str(err.get("input")), [e for e in expected if e], n=1, cutoff=0.6)
        message = f"{err.get('input')!r} is not allowed; {message[0].lower()}{message[1:]}"
        if close:
            message += f" (did you mean {close[0]!r}?)"
    line = line_for(lines, loc)
    if line is None and (not loc or (len(loc) == 1 and kind == "missing")):
        line = 1  # about the top-level table itself, which starts on the first line
    return Problem(path, message, line, format_path(loc))


def _fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The keys allowed at a location, for "did you mean" suggestions."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        info = current.model_fields.get(str(part))
        if info is None:
            return []
        current = _inner_model(info.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _second_occurrence(data: Any, loc: tuple[Any, ...], ident: str) -> tuple[Any, ...]:
    """Point a "duplicate id" error at the second item that uses the id."""
    node = data
    for part in loc:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return loc
    for key, value in node.items() if isinstance(node, dict) else []:
        ids = [item.get("id") if isinstance(item, dict) else None for item in value] if isinstance(value, list) else []
        if ids.count(ident) > 1:
            return loc + (key, [i for i, x in enumerate(ids) if x == ident][1], "id")
    return loc


def _owning_table(model: type[BaseModel], loc: tuple[Any, ...]) -> tuple[Any, ...] | None:
    """The nearest enclosing table where the stray last key of ``loc`` is a real field."""
    for end in range(len(loc) - 2, -1, -1):
        if str(loc[-1]) in _fields_at(model, loc[:end]):
            return loc[:end]
    return None


def _header(table: tuple[Any, ...]) -> str:
    name = ".".join(str(p) for p in table if not isinstance(p, int))
    return f"[[{name}]]" if table and isinstance(table[-1], int) else f"[{name}]"


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


# --------------------------------------------------------------------------- library


def load_library(
    scenario_dirs: Iterable[Path] = (),
    rubric_dirs: Iterable[Path] = (),
    files: Iterable[Path] = (),
    include_user: bool = True,
) -> Library:
    """Every scenario, rubric and ladder from every source (see sources.library_sources), with ``files``
    checked on top; without ``files``, from the cache when no file changed (see coach.library.cache)."""
    items = library_items(scenario_dirs, rubric_dirs, files, include_user)
    if files:  # checking files (coach validate): always read afresh
        return build_library(items)
    return cache.cached(items, lambda: build_library(items))


def build_library(items: list[tuple[str, Path]]) -> Library:
    """The library read and checked from ``items`` (origin, file), lowest priority first: never from the cache."""
    lib = Library()
    texts: dict[Path, str] = {}
    loaded: list[tuple[str, Path, BaseModel]] = []
    for origin, path in items:
        text = read_text(path)
        if isinstance(text, Problem):
            lib.problems.append(text)
            continue
        _, model, problems = parse_text(path, text)
        lib.problems.extend(problems)
        if model is not None:
            texts[path] = text
            loaded.append((origin, path, model))
    clashing = _clashes(loaded, texts, lib.problems)
    for origin, path, model in loaded:
        if path in clashing:
            continue
        if isinstance(model, Ladder):
            lib.ladder = Entry(model, path, origin)
            continue
        if isinstance(model, Lexicon):
            lib.lexicons.append(Entry(model, path, origin))
            continue
        table: dict[str, Entry[Any]] = lib.scenarios if isinstance(model, Scenario) else lib.rubrics
        ident = model.id  # type: ignore[attr-defined]
        if ident in table and table[ident].path.resolve() != path.resolve():
            lib.overrides.append((ident, table[ident].path, path))
        table[ident] = Entry(model, path, origin)
    if lib.ladder is None:
        lib.problems.append(Problem(paths.builtin_library() / "rubrics" / "ladder.toml", "no career ladder found"))
    for entry in list(lib.scenarios.values()):
        found = check_scenario(entry.item, lib)
        if found:
            lines = key_lines(texts[entry.path])
            lib.problems.extend(Problem(entry.path, msg, line_for(lines, loc), format_path(loc)) for loc, msg in found)
            del lib.scenarios[entry.item.id]
    return lib


def _clashes(loaded: list[tuple[str, Path, BaseModel]], texts: dict[Path, str], problems: list[Problem]) -> set[Path]:
    """Files of one origin that share an id (or two ladders): a problem on each, naming the others.
    None of them loads, as which one was meant cannot be told; an earlier origin's file stays."""
    groups: dict[tuple[str, str], list[Path]] = {}
    for origin, path, model in loaded:
        if isinstance(model, Lexicon):
            continue  # every lexicon file adds its groups: several never clash
        if isinstance(model, Ladder):
            what = "the ladder is also defined in"
        else:
            kind = "scenario" if isinstance(model, Scenario) else "rubric"
            what = f"{kind} id {model.id!r} is also used by"  # type: ignore[attr-defined]
        groups.setdefault((origin, what), []).append(path)
    clashing: set[Path] = set()
    for (_, what), listed in groups.items():
        if len(listed) < 2:
            continue
        files: dict[Path, Path] = {}
        for path in listed:
            files.setdefault(path.resolve(), path)
        if len(files) < 2:  # one file listed twice
            continue
        key = "levels" if what.startswith("the ladder") else "id"
        where = {path: line_for(key_lines(texts[path]), (key,)) or 1 for path in files.values()}
        for path, line in where.items():
            others = ", ".join(f"{visible(str(p))}:{n}" for p, n in where.items() if p != path)
            none = "neither file is loaded" if len(where) == 2 else "none of them is loaded"
            problems.append(Problem(path, f"{what} {others}; {none}", line, key))
        clashing.update(where)
    return clashing


# --------------------------------------------------------------------------- cross-file checks


def check_scenario(sc: Scenario, lib: Library) -> list[tuple[tuple[Any, ...], str]]:
    """Checks that need other files: rubric ids, criteria, concepts, flow."""
    found: list[tuple[tuple[Any, ...], str]] = []
    for i, rid in enumerate(sc.rubrics):
        if rid not in lib.rubrics:
            found.append((("rubrics", i), _unknown("rubric", rid, lib.rubrics)))
        elif lib.rubrics[rid].item.competency is None:
            found.append((("rubrics", i), f"rubric {rid!r} measures no TPM competency (it has no `competency`)"))
    stage_ids = {s.id for s in sc.stages}
    for si, stage in enumerate(sc.stages):
        here = ("stages", si)
        assessed: dict[str, list[str]] = {}
        unresolved = {a.criterion for a in stage.assess}  # shrinks as criteria resolve
        for ai, a in enumerate(stage.assess):
            rid, cid = a.criterion.split(".")
            loc = here + ("assess", ai, "criterion")
            if rid not in sc.rubrics:
                found.append((loc, f"rubric {rid!r} is not in this scenario's `rubrics` list"))
                continue
            if rid not in lib.rubrics:
                continue  # already reported above
            crit = lib.rubrics[rid].item.criterion(cid)
            if crit is None:
                found.append(
                    (
                        loc,
                        _unknown("criterion", cid, [c.id for c in lib.rubrics[rid].item.criteria])
                        + f" in rubric {rid!r}",
                    )
                )
                continue
            if a.criterion in assessed:
                found.append((loc, f"{a.criterion} is assessed twice in this stage"))
            own = [c.id for c in crit.concepts]
            for ci, concept in enumerate(a.concepts):
                if concept not in own:
                    found.append(
                        (
                            here + ("assess", ai, "concepts", ci),
                            _unknown("concept", concept, own) + f" in {a.criterion}",
                        )
                    )
            for ei, extra in enumerate(a.extra):
                if extra.id in own:
                    found.append(
                        (
                            here + ("assess", ai, "extra", ei, "id"),
                            f"{extra.id!r} is already a concept of {a.criterion}",
                        )
                    )
            if crit.scoring == "signals" and (a.concepts or a.extra):
                found.append((here + ("assess", ai), f"{a.criterion} is scored by signals and takes no concepts"))
            count = len(a.concepts or own) + len(a.extra)
            if crit.scoring == "count" and crit.bands and crit.bands[-1].count > count:
                found.append(
                    (
                        here + ("assess", ai),
                        f"{a.criterion} needs {crit.bands[-1].count} concepts for its lowest band but this stage assesses {count}",
                    )
                )
            assessed[a.criterion] = (list(a.concepts) or own) + [e.id for e in a.extra]
            unresolved.discard(a.criterion)
        concept_refs = {f"{crit}.{c}" for crit, cs in assessed.items() for c in cs}
        # the anti-patterns a stage is scored for are those of the rubrics it assesses
        anti_refs = {
            f"{rid}.{a.id}" for rid in {c.split(".")[0] for c in assessed} for a in lib.rubrics[rid].item.anti_patterns
        }
        unresolved_rubrics = {c.split(".")[0] for c in unresolved}
        rules = [("followups", i, f.when) for i, f in enumerate(stage.followups)]
        rules += [("branches", i, b.when) for i, b in enumerate(stage.branches)]
        for kind, i, when in rules:
            node = conditions.parse(when)
            for ref in sorted(conditions.concept_refs(node) - concept_refs):
                if ref.rsplit(".", 1)[0] in unresolved:
                    continue  # its criterion is already reported
                found.append((here + (kind, i, "when"), _unknown("concept", ref, concept_refs) + " for this stage"))
            for ref in sorted(conditions.criterion_refs(node) - set(assessed) - unresolved):
                found.append((here + (kind, i, "when"), _unknown("criterion", ref, assessed) + " for this stage"))
            for ref in sorted(conditions.anti_refs(node) - anti_refs):
                if ref.split(".")[0] not in unresolved_rubrics:
                    found.append(
                        (here + (kind, i, "when"), _unknown("anti-pattern", ref, anti_refs) + " for this stage")
                    )
        for i, b in enumerate(stage.branches):
            if b.goto != "end" and b.goto not in stage_ids:
                found.append((here + ("branches", i, "goto"), _unknown("stage", b.goto, stage_ids)))
        if stage.then and stage.then != "end" and stage.then not in stage_ids:
            found.append((here + ("then",), _unknown("stage", stage.then, stage_ids)))
    if not found:
        found.extend(_check_flow(sc))
    return found


def next_stage(sc: Scenario, index: int) -> str:
    """Where a stage goes when no branch holds."""
    stage = sc.stages[index]
    if stage.then:
        return stage.then
    for later in sc.stages[index + 1 :]:
        if not later.branch_only:
            return later.id
    return "end"


def _check_flow(sc: Scenario) -> list[tuple[tuple[Any, ...], str]]:
    if sc.stages[0].branch_only:
        return [(("stages", 0, "branch_only"), "the first stage starts the interview and cannot be branch_only")]
    edges: dict[str, set[str]] = {}
    for i, stage in enumerate(sc.stages):
        edges[stage.id] = {b.goto for b in stage.branches} | {next_stage(sc, i)}
    reached, todo = set(), [sc.stages[0].id]
    while todo:
        node = todo.pop()
        if node in reached or node == "end":
            continue
        reached.add(node)
        todo.extend(edges[node])
    found = []
    for i, stage in enumerate(sc.stages):
        if stage.id not in reached:
            found.append((("stages", i, "id"), f"stage {stage.id!r} can never be reached"))
    ends = {"end"}
    changed = True
    while changed:  # stages from which the interview can still finish
        changed = False
        for sid, targets in edges.items():
            if sid not in ends and targets & ends:
                ends.add(sid)
                changed = True
    for i, stage in enumerate(sc.stages):
        if stage.id in reached and stage.id not in ends:
            found.append((("stages", i, "id"), f"stage {stage.id!r} is in a loop that can never reach the end"))
    return found
