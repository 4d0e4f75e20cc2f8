"""Scoring without the app: one answer (score) or a file of many (grade)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator

import click

from coach.cli.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    Sources,
    UserError,
    atomic_output,
    complete_scenario_id,
    emit_report,
    library_options,
    output_options,
    read_answer,
    scenario_stage,
    target_level,
)


@click.command("score", short_help="score one answer and explain the score")
@click.option(
    "--scenario",
    "scenario_id",
    metavar="ID",
    help="the scenario (see `coach list`)",
    shell_complete=complete_scenario_id,
)
@click.option("--stage", metavar="S", help="the stage id (default: the first stage)")
@click.option("--rubric", "rubric_id", metavar="ID", help="score against a rubric alone instead of a stage")
@click.option("--answer", required=True, metavar="FILE", help="the answer text file, or - for standard input")
@output_options("text", "json", "md", help="output format (JSON follows `coach schema report`)")
@click.option("--level", metavar="LEVEL", help="the level you target (default: the scenario's)")
@click.option("--model-answer", is_flag=True, help="also print the model answer and takeaways")
@library_options
def score_command(
    sources: Sources,
    scenario_id: str | None,
    stage: str | None,
    rubric_id: str | None,
    answer: str,
    fmt: str,
    output: str | None,
    level: str | None,
    model_answer: bool,
) -> int:
    """Score an answer against a scenario stage (or a rubric alone) and print the report: levels per
    criterion with evidence quoted from the answer, advice for what was missed, flags, competencies
    and the career-ladder level."""
    from coach.scoring.engine import Scorer

    lib = sources.load()
    text = read_answer(answer)
    scorer = Scorer(lib)
    if rubric_id:
        try:
            report = scorer.score_rubric(lib.rubric(rubric_id), text, target_level=target_level(level))
        except KeyError as exc:
            raise UserError(exc.args[0]) from None
    else:
        if not scenario_id:
            raise UserError("say what to score against: --scenario ID [--stage S] or --rubric ID")
        sc, st = scenario_stage(lib, scenario_id, stage)
        report = scorer.score_stage(sc, st, text, target_level(level))
    emit_report(report, fmt, output, model_answer)
    return EXIT_OK


@click.command("grade", short_help="score many answers from a CSV or JSON Lines file")
@click.argument("source", metavar="[INPUT]", default="-")
@output_options(
    "csv", "jsonl", inferred=True, help="output format (default: from the output file name, else the input's)"
)
@click.option("--input-format", type=click.Choice(["csv", "jsonl"]), help="default: from the file name, else csv")
@click.option("--output-format", type=click.Choice(["csv", "jsonl"]), help="the same as --format")
@click.option(
    "--scenario",
    "scenario_id",
    metavar="ID",
    help="scenario for rows that do not name one",
    shell_complete=complete_scenario_id,
)
@click.option("--rubric", "rubric_id", metavar="ID", help="score every row against this rubric alone")
@library_options
def grade_command(
    sources: Sources,
    source: str,
    fmt: str | None,
    output: str | None,
    input_format: str | None,
    output_format: str | None,
    scenario_id: str | None,
    rubric_id: str | None,
) -> int:
    """Score many answers from INPUT (.csv or .jsonl, or - for standard input). Each row has an `id`, an
    `answer`, and either `scenario` and `stage` (or stage as scenario/stage), or a `rubric` (also --scenario
    or --rubric for all rows). Bad rows are reported on stderr and skipped. A progress bar shows on a
    terminal."""
    from coach.scoring.engine import Scorer
    from coach.scoring.grading import detect_format, grade, open_text, read_rows

    lib = sources.load()
    in_fmt = detect_format(source, input_format)
    explicit = output_format or fmt
    out_fmt = detect_format(output, explicit) if output or explicit else in_fmt
    total = None
    try:
        if source not in (None, "-"):
            with open(source, "rb") as f:
                total = max(sum(1 for _ in f) - (1 if in_fmt == "csv" else 0), 1)
        reader = open_text(source)
    except OSError as exc:
        raise UserError(f"{exc.filename}: {exc.strerror}") from None
    # the output appears only once every row is graded: ctrl+c or a failure leaves no half-written file
    sink = atomic_output(output, newline="") if output and output != "-" else contextlib.nullcontext(sys.stdout)
    with reader, sink as out, _progress(total if sys.stderr.isatty() and total and total > 50 else None) as tick:
        graded, skipped = grade(
            read_rows(reader, in_fmt), Scorer(lib), out, out_fmt, rubric_id, scenario_id, progress=tick
        )
    print(f"graded {graded} answer(s), skipped {skipped}", file=sys.stderr)
    return EXIT_OK if graded or not skipped else EXIT_PROBLEMS


@contextlib.contextmanager
def _progress(total: int | None) -> Iterator[Callable[[], None] | None]:
    """A rich progress bar on stderr counting rows to `total`; none without a total."""
    if total is None:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("grading"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=False) as bar:
        task = bar.add_task("grading", total=total)
        yield lambda: bar.advance(task)


COMMANDS = [score_command, grade_command]
