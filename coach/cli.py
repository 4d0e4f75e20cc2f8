"""The `coach` command.

Imports inside each handler are deliberate: `coach --help` and the batch commands
must start fast and never import Textual; only the commands that open the UI do.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

if TYPE_CHECKING:
    from coach.loader import Library

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


class UserError(Exception):
    """A problem the user can fix; printed without a traceback."""


def _library(args: argparse.Namespace, files: Sequence[Path] = ()) -> "Library":
    from coach.loader import load_library

    return load_library(args.scenarios or (), args.rubrics or (), files)


def _report_problems(lib: "Library", limit: int = 20) -> None:
    if not lib.problems:
        return
    files = {p.path for p in lib.problems}
    print(f"\n{len(lib.problems)} problem(s) in {len(files)} file(s); these did not load:", file=sys.stderr)
    for p in lib.problems[:limit]:
        print(f"  {p}", file=sys.stderr)
    if len(lib.problems) > limit:
        print(f"  ... and {len(lib.problems) - limit} more (run `coach validate`)", file=sys.stderr)


# --------------------------------------------------------------------------- commands


def cmd_list(args: argparse.Namespace) -> int:
    import shutil

    lib = _library(args)
    rows = []
    for entry in sorted(lib.scenarios.values(), key=lambda e: e.item.id):
        sc = entry.item
        comps = sorted({lib.rubrics[r].item.competency.value for r in sc.rubrics if r in lib.rubrics})
        rows.append([sc.id, sc.title, ", ".join(comps), sc.difficulty, sc.level.value, f"{sc.minutes}m", entry.origin])
    if args.json:
        import json

        keys = ["id", "title", "competencies", "difficulty", "level", "minutes", "origin"]
        print(json.dumps([dict(zip(keys, r)) for r in rows], indent=2))
        return EXIT_OK
    if not rows:
        print("No scenarios loaded.")
    else:
        width = shutil.get_terminal_size((120, 24)).columns
        for row in rows:  # the table only names origins other than the built-in library
            row[-1] = "" if row[-1] == "built-in" else row[-1]
        _print_table(["ID", "TITLE", "COMPETENCIES", "DIFFICULTY", "LEVEL", "TIME", "FROM"], rows, width)
    for ident, old, new in lib.overrides:
        print(f"note: {new} overrides {ident!r} from {old}", file=sys.stderr)
    _report_problems(lib)
    return EXIT_PROBLEMS if lib.problems else EXIT_OK


def _print_table(header: list[str], rows: list[list[str]], width: int) -> None:
    cols = list(zip(header, *rows))
    widths = [max(len(str(c)) for c in col) for col in cols]
    # shrink the widest text columns (title, competencies) until the table fits
    while sum(widths) + 2 * len(widths) > width and max(widths[1], widths[2]) > 12:
        i = 1 if widths[1] >= widths[2] else 2
        widths[i] -= 1

    def cell(text: str, w: int) -> str:
        return text if len(text) <= w else text[: w - 1] + "…"

    for row in [header, *rows]:
        print("  ".join(cell(str(c), w).ljust(w) for c, w in zip(row, widths)).rstrip())


def cmd_show(args: argparse.Namespace) -> int:
    from coach.render import scenario_text

    lib = _library(args)
    try:
        sc = lib.scenario(args.id)
    except KeyError as exc:
        raise UserError(exc.args[0]) from None
    print(scenario_text(sc, lib))
    return EXIT_OK


def _expand(paths: Sequence[str]) -> list[Path]:
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            out.extend(sorted(q for q in p.rglob("*.toml") if q.is_file()))
        elif p.exists():
            out.append(p)
        else:
            raise UserError(f"{raw}: no such file or folder")
    return out


def cmd_validate(args: argparse.Namespace) -> int:
    files = _expand(args.paths)
    lib = _library(args, files)
    problems = lib.problems_in(files) if files else lib.problems
    for p in problems:
        print(p)
    checked = len(files) if files else len(lib.scenarios) + len(lib.rubrics) + (1 if lib.ladder else 0)
    if problems:
        bad = len({p.path for p in problems})
        print(f"\n{len(problems)} problem(s) in {bad} file(s).", file=sys.stderr)
        return EXIT_PROBLEMS
    what = f"{len(files)} file(s)" if files else (
        f"{len(lib.scenarios)} scenario(s), {len(lib.rubrics)} rubric(s) and the ladder"
    )
    print(f"ok: {what} valid" if checked else "nothing to check")
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    import json

    from coach.schemas import schema_for

    print(json.dumps(schema_for(args.kind), indent=2))
    return EXIT_OK


def cmd_new(args: argparse.Namespace) -> int:
    from coach import paths
    from coach.templates import new_scenario

    import re

    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", args.id):
        raise UserError(f"{args.id!r} is not a valid id: use lower-case letters, digits and hyphens")
    target = Path(args.output) if args.output else paths.user_library() / "scenarios" / f"{args.id}.toml"
    if target.exists() and not args.force:
        raise UserError(f"{target} already exists (use --force to overwrite)")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(new_scenario(args.id), encoding="utf-8")
    print(f"wrote {target}")
    print(f"next: edit it, then run `coach validate {target}` and `coach show {args.id}`")
    return EXIT_OK


# --------------------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="coach",
        description="TPM Coach: practise Technical Product Manager interviews in the terminal.",
        epilog="Run `coach` with no command to open the app. `coach COMMAND --help` explains each command.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--scenarios", action="append", type=Path, metavar="DIR",
                        help="also load scenarios from DIR (repeatable; overrides ids already loaded)")
    common.add_argument("--rubrics", action="append", type=Path, metavar="DIR",
                        help="also load rubrics from DIR (repeatable; overrides ids already loaded)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, handler: Callable[[argparse.Namespace], int], help: str, desc: str = "") -> argparse.ArgumentParser:
        p = sub.add_parser(name, parents=[common], help=help, description=desc or help)
        p.set_defaults(handler=handler)
        return p

    p = add("list", cmd_list, "list the scenarios in the library",
            "List every scenario: id, title, competencies, difficulty, target level, time, and where it came from.")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")

    p = add("show", cmd_show, "show a scenario's briefing, interviewer and stages")
    p.add_argument("id", help="scenario id (see `coach list`)")

    p = add("validate", cmd_validate, "check scenario, rubric and ladder files",
            "Check files or folders (default: the whole library). Prints file:line: key: message for each "
            "problem and exits 1 if there is any.")
    p.add_argument("paths", nargs="*", metavar="PATH", help="files or folders to check")

    p = add("schema", cmd_schema, "print the JSON Schema of a file format",
            "Print the JSON Schema for a format. Save it and point your editor at it, e.g. with a "
            "`#:schema ./scenario.schema.json` first line in a TOML file.")
    p.add_argument("kind", choices=["scenario", "rubric", "ladder"])

    p = add("new", cmd_new, "start a new scenario file from a commented template")
    p.add_argument("kind", choices=["scenario"])
    p.add_argument("id", help="the new scenario's id, e.g. launch-review")
    p.add_argument("-o", "--output", metavar="FILE", help="where to write it (default: your user scenarios folder)")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    return parser


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("tpm-coach")
    except PackageNotFoundError:
        return "0+unknown"


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    try:
        if handler is None:
            return open_app(args)
        return handler(args)
    except UserError as exc:
        print(f"coach: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


def open_app(args: argparse.Namespace) -> int:
    build_parser().print_help()
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
