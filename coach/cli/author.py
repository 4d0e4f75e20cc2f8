"""Commands for authors of scenarios and rubrics:
list, show, validate, schema, new, calibrate, explain, draft-rubric."""

from __future__ import annotations

import difflib
import re
import sys
from pathlib import Path

import click

from coach.cli.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    Sources,
    UserError,
    complete_scenario_id,
    emit,
    expand_paths,
    library_options,
    output_options,
    print_table,
    read_answer,
    report_problems,
    scenario_stage,
    write_text,
)

ID_PATTERN = r"[a-z0-9][a-z0-9-]*"


def _check_id(ident: str) -> None:
    if not re.fullmatch(ID_PATTERN, ident):
        raise UserError(f"{ident!r} is not a valid id: use lower-case letters, digits and hyphens")


def _areas() -> tuple[str, ...]:
    from coach.library.formats import AREAS  # imported here: `coach --help` loads click alone

    return AREAS


@click.command("list", short_help="list the scenarios in the library")
@click.option("--json", "as_json", is_flag=True, help="print JSON (the same as --format json)")
@click.option(
    "--area",
    metavar="AREA",
    shell_complete=lambda ctx, param, incomplete: [a for a in _areas() if a.startswith(incomplete)],
    help="only one round of the interview loop: program-execution, system-design, behavioral, ...",
)
@output_options("table", "json")
@library_options
def list_command(sources: Sources, as_json: bool, area: str | None, fmt: str, output: str | None) -> int:
    """List every scenario: id, title, loop area, competencies, difficulty, target level, time, and
    where it came from. A coaching scenario is marked: it is not counted as interview evidence."""
    if area is not None and area not in _areas():
        close = difflib.get_close_matches(area, _areas(), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise UserError(f"unknown area {area!r}{hint}; areas are {', '.join(_areas())}")
    lib = sources.load()
    rows, records = [], []
    for entry in sorted(lib.scenarios.values(), key=lambda e: e.item.id):
        sc = entry.item
        if area and sc.area != area:
            continue
        comps = sorted(c.value for c in lib.competencies(sc))
        shown_area = (sc.area or "-") + (" (coaching)" if sc.coaching else "")
        # title and competencies stay second and third: they are the columns that shrink to fit a terminal
        rows.append([sc.id, sc.title, ", ".join(comps), shown_area, sc.difficulty, sc.level.value, f"{sc.minutes}m"])
        rows[-1].append(entry.origin)
        records.append(
            {
                "id": sc.id,
                "title": sc.title,
                "area": sc.area,
                "coaching": sc.coaching,
                "competencies": ", ".join(comps),
                "difficulty": sc.difficulty,
                "level": sc.level.value,
                "minutes": f"{sc.minutes}m",
                "origin": entry.origin,
            }
        )
    if as_json or fmt == "json":
        import json

        emit(json.dumps(records, indent=2) + "\n", output)
        return EXIT_OK
    if not rows:
        emit("No scenarios loaded.\n" if not area else f"No scenario in the {area} area.\n", output)
    else:
        print_table(["ID", "TITLE", "COMPETENCIES", "AREA", "DIFFICULTY", "LEVEL", "TIME", "FROM"], rows, output)
    for ident, old, new in lib.overrides:
        print(f"note: {new} overrides {ident!r} from {old}", file=sys.stderr)
    report_problems(lib)
    return EXIT_PROBLEMS if lib.problems else EXIT_OK


@click.command("show", short_help="show a scenario's briefing, interviewer and stages")
@click.argument("scenario_id", metavar="ID", shell_complete=complete_scenario_id)
@library_options
def show_command(sources: Sources, scenario_id: str) -> int:
    """Show a scenario's briefing, interviewer and stages. ID is a scenario id (see `coach list`)."""
    from coach.render.scenario import scenario_text

    lib = sources.load()
    try:
        sc = lib.scenario(scenario_id)
    except KeyError as exc:
        raise UserError(exc.args[0]) from None
    print(scenario_text(sc, lib))
    return EXIT_OK


@click.command("validate", short_help="check scenario, rubric, ladder and lexicon files")
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@library_options
def validate_command(sources: Sources, paths: tuple[str, ...]) -> int:
    """Check files or folders (default: the whole library). Prints file:line: key: message for each
    problem and exits 1 if there is any."""
    not_files: list[str] = []
    files = expand_paths(paths, not_files)
    from coach.scoring.lint import phrase_problems

    lib = sources.load(files)
    found = lib.problems_in(files) if paths else lib.problems
    phrase_errors, warnings = phrase_problems(lib, files if paths else None)
    found = found + phrase_errors
    # a file both in the library and named here is read twice: print each problem once
    problems = list({(p.path.resolve(), p.line, p.key, p.message): p for p in found}.values())
    for raw in not_files:
        print(f"{raw}: not a file")
    for p in problems + warnings:
        print(p)
    if warnings:
        print(f"\n{len(warnings)} warning(s): phrases matched without a small word that may matter.", file=sys.stderr)
    if problems or not_files:
        bad = len({p.path.resolve() for p in problems}) + len(not_files)
        print(f"\n{len(problems) + len(not_files)} problem(s) in {bad} file(s).", file=sys.stderr)
        return EXIT_PROBLEMS
    if paths:
        what = f"{len(files)} file(s)"
    else:
        what = f"{len(lib.scenarios)} scenario(s), {len(lib.rubrics)} rubric(s), the ladder"
        what += f" and {len(lib.lexicons)} lexicon file(s)" if lib.lexicons else ""
    checked = (
        len(files) if paths else len(lib.scenarios) + len(lib.rubrics) + (1 if lib.ladder else 0) + len(lib.lexicons)
    )
    print(f"ok: {what} valid" if checked else "nothing to check")
    return EXIT_OK


@click.command("schema", short_help="print the JSON Schema of a file format")
@click.argument("kind", type=click.Choice(["scenario", "rubric", "ladder", "lexicon", "report"]))
@output_options("json")
@library_options
def schema_command(sources: Sources, kind: str, fmt: str, output: str | None) -> int:
    """Print the JSON Schema for a format. Save it and point your editor at it, e.g. with a
    `#:schema ./scenario.schema.json` first line in a TOML file."""
    import json

    from coach.scoring.report import schema_for

    emit(json.dumps(schema_for(kind), indent=2) + "\n", output)
    return EXIT_OK


@click.command("new", short_help="start a new scenario file from a commented template")
@click.argument("kind", type=click.Choice(["scenario"]))
@click.argument("scenario_id", metavar="ID")
@click.option("-o", "--output", metavar="FILE", help="where to write it (default: your user scenarios folder)")
@click.option("--force", is_flag=True, help="overwrite an existing file")
@library_options
def new_command(sources: Sources, kind: str, scenario_id: str, output: str | None, force: bool) -> int:
    """Start a new scenario file from a commented template. ID is the new scenario's id, e.g. launch-review."""
    from coach import paths
    from coach.library.templates import new_scenario

    _check_id(scenario_id)
    target = Path(output) if output else paths.user_library() / "scenarios" / f"{scenario_id}.toml"
    if target.exists() and not force:
        raise UserError(f"{target} already exists (use --force to overwrite)")
    target.parent.mkdir(parents=True, exist_ok=True)
    write_text(target, new_scenario(scenario_id))
    print(f"wrote {target}")
    print(f"next: edit it, then run `coach validate {target}` and `coach show {scenario_id}`")
    return EXIT_OK


@click.command("calibrate", short_help="run the calibration answers (the authors' tests)")
@click.argument("targets", nargs=-1, metavar="[PATH|ID]...", shell_complete=complete_scenario_id)
@click.option("-q", "--quiet", is_flag=True, help="print only the misses")
@library_options
def calibrate_command(sources: Sources, targets: tuple[str, ...], quiet: bool) -> int:
    """Score every calibration answer in the library, or in the given scenario files, folders or ids, and
    print expected against got. Exits 1 if any answer misses its band or flags."""
    from coach.scoring.grading import calibrate

    files = [Path(p) for p in targets if Path(p).exists()]
    ids = [t for t in targets if not Path(t).exists()]
    lib = sources.load(expand_paths([str(f) for f in files]))
    scenarios = []
    if files:
        wanted = {f.resolve() for f in expand_paths([str(f) for f in files])}
        scenarios = [e.item for e in lib.scenarios.values() if e.path.resolve() in wanted]
        for p in lib.problems_in(wanted):
            print(p, file=sys.stderr)
    elif not ids:
        scenarios = [e.item for e in sorted(lib.scenarios.values(), key=lambda e: e.item.id)]
    if ids:
        try:
            scenarios += [lib.scenario(i) for i in ids]
        except KeyError as exc:
            raise UserError(exc.args[0]) from None
    results = calibrate(lib, scenarios)
    misses = [r for r in results if not r.ok]
    for r in results:
        if quiet and r.ok:
            continue
        want = "/".join(r.expect) + ("" if not r.expect_flags else " +" + ",".join(r.expect_flags))
        want += f" level {r.expect_level} or above" if r.expect_level else ""
        got = r.band + ("" if not r.flags else " +" + ",".join(r.flags))
        got += f" level {r.level or 'below the first'}" if r.expect_level else ""
        mark = "ok  " if r.ok else "MISS"
        print(f"{mark}  {r.scenario}/{r.stage}  {r.label}: expected {want}, got {got} ({r.score:g})")
    print(
        f"\n{len(results) - len(misses)} of {len(results)} calibration answers in their bands"
        + (f"; {len(misses)} missed" if misses else ""),
        file=sys.stderr,
    )
    return EXIT_PROBLEMS if misses or not results else EXIT_OK


@click.command("explain", short_help="show how each concept was matched, for rubric authors")
@click.option("--scenario", "scenario_id", metavar="ID", shell_complete=complete_scenario_id)
@click.option("--stage", metavar="S", help="default: the first stage")
@click.option("--rubric", "rubric_id", metavar="ID", help="explain against a rubric on its own (as `coach grade`)")
@click.option("--prompt", default="", metavar="TEXT", help="with --rubric: the question, so its words earn nothing")
@click.option("--answer", required=True, metavar="FILE", help="the answer text file, or - for standard input")
@output_options("text")
@library_options
def explain_command(
    sources: Sources,
    scenario_id: str | None,
    stage: str | None,
    rubric_id: str | None,
    prompt: str,
    answer: str,
    fmt: str,
    output: str | None,
) -> int:
    """For one answer, show every concept with its best-matching span, similarity, stance (negated,
    rejected, or earned by an omission, with the words that decided it) and the decision, plus
    anti-patterns, signals and flags, so a rubric can be tuned. Give --scenario (and --stage), or
    --rubric for a rubric on its own."""
    from coach.scoring.engine import Scorer
    from coach.scoring.explain import explain_rubric_text, explain_text

    if bool(scenario_id) == bool(rubric_id):
        raise UserError("give --scenario ID (and --stage) or --rubric ID, not both")
    lib = sources.load()
    if rubric_id:
        try:
            rubric = lib.rubric(rubric_id)
        except KeyError as exc:
            raise UserError(exc.args[0]) from None
        text = explain_rubric_text(Scorer(lib), rubric, read_answer(answer), prompt)
    else:
        assert scenario_id is not None
        sc, st = scenario_stage(lib, scenario_id, stage)
        text = explain_text(Scorer(lib), sc, st, read_answer(answer))
    emit(text + "\n", output)
    return EXIT_OK


@click.command("draft-rubric", short_help="draft a rubric from a reference or model answer")
@click.argument("source", metavar="FILE")
@click.option("--id", "rubric_id", required=True, help="the new rubric's id")
@click.option(
    "--competency",
    default="communication",
    help="the competency it measures: trade-offs, communication, technical-influence, execution, "
    "stakeholder-alignment, data-driven, architecture or career-growth (default: communication)",
)
@click.option("--question", metavar="TEXT", help="the question, so its own words earn nothing")
@output_options("toml")
@click.option("--force", is_flag=True, help="overwrite an existing file")
@library_options
def draft_rubric_command(
    sources: Sources,
    source: str,
    rubric_id: str,
    competency: str,
    question: str | None,
    fmt: str,
    output: str | None,
    force: bool,
) -> int:
    """Draft a rubric from a reference answer (FILE, or - for standard input) by one general rule: each
    sentence becomes a criterion and each key word a concept (words the question already uses are left
    out). A first draft to edit."""
    from coach.library.formats import Competency
    from coach.scoring.drafting import draft_rubric, to_toml

    _check_id(rubric_id)
    reference = read_answer(source)
    if not reference.strip():
        raise UserError(f"{source}: the reference answer is empty")
    try:
        measured = Competency(competency)
    except ValueError:
        raise UserError(
            f"unknown competency {competency!r}; choose one of " + ", ".join(c.value for c in Competency)
        ) from None
    rubric = draft_rubric(reference, rubric_id, measured, question=question or "")
    text = to_toml(rubric)
    if output:
        target = Path(output)
        if target.exists() and not force:
            raise UserError(f"{target} already exists (use --force to overwrite)")
        write_text(target, text)
        concepts = sum(len(c.concepts) for c in rubric.criteria)
        print(f"wrote {target}: {len(rubric.criteria)} criteria, {concepts} concepts")
    else:
        print(text, end="")
    return EXIT_OK


COMMANDS = [
    list_command,
    show_command,
    validate_command,
    schema_command,
    new_command,
    calibrate_command,
    explain_command,
    draft_rubric_command,
]
