"""Load the scenario and rubric library from every source and check it.

Sources, lowest priority first: the built-in library, the user folder, each folder
in COACH_PATH, then folders given on the command line. A file whose id matches an
earlier one overrides it. Every problem becomes a :class:`Problem` that names the
file, the line and the key path; a broken file never stops the others loading.
"""

from __future__ import annotations

import difflib
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar, get_args

from pydantic import BaseModel, ValidationError

from coach import paths
from coach.library import conditions
from coach.library.formats import KINDS, Competency, Ladder, Lexicon, Rubric, Scenario
from coach.library.tomllines import format_path, key_lines, line_for

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

MAX_FILE_BYTES = 1024 * 1024
T = TypeVar("T", Scenario, Rubric, Ladder, Lexicon)


@dataclass(frozen=True)
class Problem:
    path: Path
    message: str
    line: int | None = None
    key: str = ""

    def __str__(self) -> str:
        where = str(self.path) + (f":{self.line}" if self.line else "")
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
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, None, [Problem(path, f"file is too large ({size:,} bytes; the limit is 1 MiB)")]
        raw = path.read_bytes()
    except OSError as exc:
        return None, None, [Problem(path, f"cannot read the file: {exc.strerror or exc}")]
    if b"\x00" in raw:
        return None, None, [Problem(path, "not a text file (it contains binary data)")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, None, [Problem(path, f"not UTF-8 text (bad byte at offset {exc.start})")]
    if not text.strip():
        return None, None, [Problem(path, "file is empty")]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        line = int(m.group(1)) if m else None
        msg = re.sub(r"\s*\(at line \d+, column \d+\)", "", msg).rstrip(".")
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
    return Problem(path, message, line_for(lines, loc), format_path(loc))


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


def _toml_files(folder: Path) -> list[Path]:
    try:
        return sorted(p for p in folder.iterdir() if p.suffix == ".toml" and p.is_file())
    except OSError:
        return []


def library_sources(
    scenario_dirs: Iterable[Path] = (), rubric_dirs: Iterable[Path] = (), include_user: bool = True
) -> list[tuple[str, Path]]:
    """(origin, folder) pairs, lowest priority first."""
    out: list[tuple[str, Path]] = []

    def root(origin: str, base: Path) -> None:
        subs = [base / "rubrics", base / "scenarios"]
        if any(s.is_dir() for s in subs):
            out.extend((origin, s) for s in subs if s.is_dir())
        elif base.is_dir():
            out.append((origin, base))

    root("built-in", paths.builtin_library())
    if include_user:
        root("user", paths.user_library())
    for extra in paths.coach_path():
        root("COACH_PATH", extra)
    out.extend(("--rubrics", Path(d)) for d in rubric_dirs)
    out.extend(("--scenarios", Path(d)) for d in scenario_dirs)
    return out


def load_library(
    scenario_dirs: Iterable[Path] = (),
    rubric_dirs: Iterable[Path] = (),
    files: Iterable[Path] = (),
    include_user: bool = True,
) -> Library:
    lib = Library()
    items: list[tuple[str, Path]] = []
    for origin, folder in library_sources(scenario_dirs, rubric_dirs, include_user):
        items.extend((origin, p) for p in _toml_files(folder))
    items.extend(("checked", Path(f)) for f in files)
    seen_in_origin: dict[tuple[str, str, str], Path] = {}
    for origin, path in items:
        kind, model, problems = read_file(path)
        lib.problems.extend(problems)
        if model is None:
            continue
        if isinstance(model, Ladder):
            if lib.ladder is not None and lib.ladder.origin == origin:
                lib.problems.append(Problem(path, f"a second ladder (the first is {lib.ladder.path})"))
                continue
            lib.ladder = Entry(model, path, origin)
            continue
        if isinstance(model, Lexicon):
            lib.lexicons.append(Entry(model, path, origin))
            continue
        table: dict[str, Entry[Any]] = lib.scenarios if isinstance(model, Scenario) else lib.rubrics
        ident = model.id  # type: ignore[attr-defined]
        first = seen_in_origin.get((origin, kind or "", ident))
        if first is not None and first.resolve() != path.resolve():
            lib.problems.append(Problem(path, f"duplicate {kind} id {ident!r} (also in {first})", 1, "id"))
            continue
        seen_in_origin[(origin, kind or "", ident)] = path
        if ident in table and table[ident].path.resolve() != path.resolve():
            lib.overrides.append((ident, table[ident].path, path))
        table[ident] = Entry(model, path, origin)
    if lib.ladder is None:
        lib.problems.append(Problem(paths.builtin_library() / "rubrics" / "ladder.toml", "no career ladder found"))
    for entry in list(lib.scenarios.values()):
        found = check_scenario(entry.item, lib)
        if found:
            lib.problems.extend(_place(entry.path, found))
            del lib.scenarios[entry.item.id]
    return lib


def _place(path: Path, found: list[tuple[tuple[Any, ...], str]]) -> list[Problem]:
    try:
        lines = key_lines(path.read_text(encoding="utf-8-sig"))
    except OSError:
        lines = {}
    return [Problem(path, msg, line_for(lines, loc), format_path(loc)) for loc, msg in found]


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
