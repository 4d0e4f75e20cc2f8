"""What every `coach` command shares: the library options, the store, output and tables, errors.

Only click is imported here at start-up: `coach --help` must stay fast, so the domain
modules, rich and Textual are imported inside the functions that need them.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import click

# what `coach` alone needs lives in start.py, without click; every command uses them from here
from coach.cli.start import EXIT_INTERRUPTED as EXIT_INTERRUPTED
from coach.cli.start import EXIT_OK as EXIT_OK
from coach.cli.start import EXIT_PROBLEMS as EXIT_PROBLEMS
from coach.cli.start import EXIT_USAGE as EXIT_USAGE
from coach.cli.start import UserError as UserError
from coach.cli.start import has_terminal as has_terminal
from coach.cli.start import open_store as open_store
from coach.cli.start import require_terminal as require_terminal
from coach.cli.start import run_app as run_app
from coach.cli.start import run_made_app as run_made_app

if TYPE_CHECKING:
    from click.shell_completion import CompletionItem

    from coach.library.formats import Level
    from coach.library.loader import Library
    from coach.scoring.report import ScoreReport

# --------------------------------------------------------------------------- the library


@dataclass(frozen=True)
class Sources:
    """The extra scenario and rubric folders given with --scenarios and --rubrics."""

    scenarios: tuple[Path, ...] = ()
    rubrics: tuple[Path, ...] = ()

    def load(self, files: Sequence[Path] = ()) -> Library:
        from coach.library.loader import load_library

        return load_library(self.scenarios, self.rubrics, files)


def library_options(command: Callable[..., int]) -> Callable[..., int]:
    """Add --scenarios and --rubrics to a command, which receives them as `sources`."""

    @functools.wraps(command)
    def wrapper(*args: Any, scenarios: tuple[Path, ...], rubrics: tuple[Path, ...], **kwargs: Any) -> int:
        return command(*args, sources=Sources(tuple(scenarios), tuple(rubrics)), **kwargs)

    for name, what in (("rubrics", "rubrics"), ("scenarios", "scenarios")):
        wrapper = click.option(
            f"--{name}",
            multiple=True,
            type=click.Path(path_type=Path),
            metavar="DIR",
            help=f"also load {what} from DIR (repeatable; overrides ids already loaded)",
        )(wrapper)
    return wrapper


def complete_scenario_id(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Shell completion of a scenario id: the ids in the library, with their titles."""
    from click.shell_completion import CompletionItem

    try:
        lib = Sources(tuple(ctx.params.get("scenarios") or ()), tuple(ctx.params.get("rubrics") or ())).load()
    except Exception:  # completion must never print a traceback into the user's shell
        return []
    return [CompletionItem(i, help=e.item.title) for i, e in sorted(lib.scenarios.items()) if i.startswith(incomplete)]


def report_problems(lib: Library, limit: int = 20) -> None:
    if not lib.problems:
        return
    files = {p.path for p in lib.problems}
    print(f"\n{len(lib.problems)} problem(s) in {len(files)} file(s); these did not load:", file=sys.stderr)
    for p in lib.problems[:limit]:
        print(f"  {p}", file=sys.stderr)
    if len(lib.problems) > limit:
        print(f"  ... and {len(lib.problems) - limit} more (run `coach validate`)", file=sys.stderr)


def expand_paths(paths: Sequence[str], not_files: list[str] | None = None) -> list[Path]:
    """The .toml files named or found in folders, each once (by its real path), in order.

    A folder named x.toml goes to `not_files` when given, else is a usage error. Anything else
    that exists is the loader's to read or refuse (a named pipe, a device), never skipped."""
    out: dict[Path, Path] = {}
    for raw in paths:
        p = Path(raw)
        if p.is_dir() and p.suffix != ".toml":
            found = sorted(q for q in p.rglob("*.toml") if not q.is_dir())
        elif p.exists() and not p.is_dir():
            found = [p]
        elif p.exists():
            if not_files is None:
                raise UserError(f"{raw}: not a file")
            not_files.append(raw)
            continue
        else:
            raise UserError(f"{raw}: no such file or folder")
        for q in found:
            out.setdefault(q.resolve(), q)
    return list(out.values())


def read_answer(source: str) -> str:
    """An answer from a regular file, or from standard input for `-`, read with a bounded read (a
    pipe that never ends, or /dev/zero, is refused rather than read forever)."""
    from coach.library.loader import MAX_FILE_BYTES, read_text

    if source == "-":
        text = sys.stdin.read(MAX_FILE_BYTES + 1)
        if len(text) > MAX_FILE_BYTES:
            raise UserError("the answer on standard input is too long (the limit is 1 MiB)")
        return text
    got = read_text(Path(source))
    if not isinstance(got, str):
        raise UserError(f"{source}: cannot read the answer: {got.message}")
    return got


def scenario_stage(lib: Library, scenario_id: str, stage_id: str | None) -> tuple[Any, Any]:
    """The scenario and its stage (default: the first), or a UserError that suggests a close stage id."""
    try:
        sc = lib.scenario(scenario_id)
    except KeyError as exc:
        raise UserError(exc.args[0]) from None
    if stage_id is None:
        return sc, sc.stages[0]
    stage = sc.stage(stage_id)
    if stage is None:
        import difflib

        ids = [st.id for st in sc.stages]
        close = difflib.get_close_matches(stage_id, ids, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else f"; stages are {', '.join(ids)}"
        raise UserError(f"unknown stage {stage_id!r} in {sc.id}{hint}")
    return sc, stage


def checked_id(session_id: str) -> str:
    """A session id given on the command line, or a UserError when it could not be one."""
    from coach import paths

    try:
        return paths.check_id(session_id)
    except ValueError as exc:
        raise UserError(f"{exc} (see `coach history`)") from None


def target_level(raw: str | None) -> Level | None:
    from coach.library.formats import Level

    if raw is None:
        return None
    try:
        return Level(raw)
    except ValueError:
        raise UserError(f"unknown level {raw!r}; levels are {', '.join(lv.value for lv in Level)}") from None


# --------------------------------------------------------------------------- the store and the app


# --------------------------------------------------------------------------- output


class FormatChoice(click.Choice):  # type: ignore[type-arg]
    """The formats a command writes; `markdown` is accepted wherever `md` is, and means the same."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        return super().convert("md" if value == "markdown" and "md" in self.choices else value, param, ctx)


def output_options(
    *formats: str,
    inferred: bool = False,
    help: str = "",  # noqa: A002 (named like click's own help=)
) -> Callable[[Callable[..., int]], Callable[..., int]]:
    """The same `--format` (received as `fmt`) and `-o/--output` on every command that writes a document or data.

    The first format is the default, unless `inferred` (the command works it out; `fmt` is then None)."""

    def decorate(command: Callable[..., int]) -> Callable[..., int]:
        command = click.option(
            "-o",
            "--output",
            metavar="FILE",
            type=click.Path(dir_okay=False),
            help="write to FILE (default: standard output); written whole or not at all",
        )(command)
        return click.option(
            "--format",
            "fmt",
            type=FormatChoice(formats),
            default=None if inferred else formats[0],
            show_default=not inferred,
            help=help or "output format",
        )(command)

    return decorate


@contextlib.contextmanager
def atomic_output(target: str | Path, newline: str | None = None) -> Iterator[TextIO]:
    """A text file that becomes `target` only when the block ends without an error.

    It is written beside the target and moved over it with os.replace, so a failure or ctrl+c
    halfway never leaves an empty or half-written file, nor spoils a file that was there."""
    import tempfile

    target = Path(target)
    try:
        fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    except OSError as exc:
        raise UserError(f"{target}: cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as f:
            yield f
        # mkstemp makes the file private; give it the mode a plain open() would have
        os.chmod(temp, target.stat().st_mode & 0o7777 if target.exists() else 0o666 & ~_umask())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text(target: str | Path, text: str) -> None:
    """Write `text` to `target` atomically; an OSError becomes a clear UserError."""
    try:
        with atomic_output(target) as f:
            f.write(text)
    except OSError as exc:
        raise UserError(f"{target}: cannot write: {exc.strerror or exc}") from None


def emit(text: str, output: str | None) -> None:
    """`text` on standard output, or written to `output` (then `wrote FILE` on standard output).
    Control characters from user text are shown harmlessly either way (a file is read in a terminal too)."""
    from coach.render.terminal import visible

    if output:
        write_text(output, visible(text))
        say(f"wrote {output}")
    else:
        print(visible(text), end="")


def say(text: str, err: bool = False) -> None:
    """One line for the user (on standard error with `err`), its user text shown harmlessly: how every
    command prints ids, names, file names and messages that came from files."""
    from coach.render.terminal import visible

    print(visible(text), file=sys.stderr if err else sys.stdout)


def emit_report(report: ScoreReport, fmt: str, output: str | None, model_answer: bool = False) -> None:
    """A score report as text, Markdown (`md`) or JSON (following `coach schema report`)."""
    if fmt == "json":
        emit(report.model_dump_json(indent=2) + "\n", output)
    elif fmt == "md":
        from coach.render.text import to_markdown

        emit(to_markdown(report, model_answer=model_answer), output)
    else:
        from coach.render.text import to_text

        emit(to_text(report, model_answer=model_answer) + "\n", output)


def fit_widths(header: Sequence[str], rows: Sequence[Sequence[str]], width: int | None) -> list[int]:
    """Each column's width: its longest cell; with a width, the second and third columns shrink to fit it."""
    cols = list(zip(header, *rows, strict=False))
    widths = [max(len(str(c)) for c in col) for col in cols]
    # shrink the widest text columns (a title, competencies) until the table fits
    while width is not None and sum(widths) + 2 * len(widths) > width and max(widths[1], widths[2]) > 12:
        i = 1 if widths[1] >= widths[2] else 2
        widths[i] -= 1
    return widths


def plain_table(header: Sequence[str], rows: Sequence[Sequence[str]], width: int | None = None) -> str:
    """Columns of text; with a width, the second and third columns are cut (with …) to fit it."""

    def cell(text: str, w: int) -> str:
        return text if len(text) <= w else text[: w - 1] + "…"

    widths = fit_widths(header, rows, width)
    return "".join(
        "  ".join(cell(str(c), w).ljust(w) for c, w in zip(row, widths, strict=False)).rstrip() + "\n"
        for row in [header, *rows]
    )


def print_table(header: Sequence[str], rows: Sequence[Sequence[str]], output: str | None = None) -> None:
    """A table: drawn by rich to fit a terminal; as plain full-width text when piped or written to a file."""
    from coach.render.terminal import one_line

    rows = [[one_line(str(c)) for c in row] for row in rows]  # ids and names from files stay one harmless line
    if output or not sys.stdout.isatty():
        emit(plain_table(header, rows), output)
        return
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console()
    # two spaces between columns, as in plain text: the box's blank divider and one of padding
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1, 0, 0), header_style="bold")
    # the same columns shrink as in plain text; every other column keeps its full width
    for name, w in zip(header, fit_widths(header, rows, console.width), strict=False):
        table.add_column(name, width=w, no_wrap=True, overflow="ellipsis")
    for row in rows:
        table.add_row(*(Text(str(c)) for c in row))  # user text stays text: never parsed as markup
    console.print(table)
