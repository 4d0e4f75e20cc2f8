"""Progress worth looking at: compare two attempts, and a practice plan to the interview date."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from coach.cli.common import (
    EXIT_OK,
    Sources,
    UserError,
    emit,
    library_options,
    open_store,
    output_options,
    target_level,
)
from coach.cli.history import _open_session


@click.command("compare", short_help="two attempts at a scenario side by side, with the evidence gained and lost")
@click.argument("first", metavar="A")
@click.argument("second", metavar="B")
@output_options("text", "md")
@library_options
def compare_command(sources: Sources, first: str, second: str, fmt: str, output: str | None) -> int:
    """Put two attempts at the same scenario side by side (A and B are session ids, see `coach history`; the
    earlier comes first): each stage's score, each criterion's level, and the evidence the later attempt
    gained and lost."""
    from coach.render.text import comparison_markdown, comparison_text
    from coach.render.view import comparison_view

    if first == second:
        raise UserError("give two different sessions to compare (see `coach history`)")
    lib = sources.load()
    _, a = _open_session(first, lib)
    _, b = _open_session(second, lib)
    try:
        view = comparison_view(a, b)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    emit(comparison_markdown(view) if fmt == "md" else comparison_text(view), output)
    return EXIT_OK


@click.command("plan", short_help="a practice plan to your interview date (`coach next` follows it)")
@click.option("--date", "interview", type=click.DateTime(["%Y-%m-%d"]), metavar="YYYY-MM-DD", help="the interview date")
@click.option("--target", metavar="LEVEL", help="the level you interview for, e.g. senior-tpm")
@click.option(
    "--job-description",
    "job_file",
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="a plain-text job description: the competencies it asks for weigh more",
)
@click.option("--per-week", type=int, help="practice sessions a week (default 4)")
@click.option("--clear", is_flag=True, help="forget the saved plan")
@output_options("text")
@library_options
def plan_command(
    sources: Sources,
    interview: datetime | None,
    target: str | None,
    job_file: Path | None,
    per_week: int | None,
    clear: bool,
    fmt: str,
    output: str | None,
) -> int:
    """Make a practice plan to your interview: the days left, sessions a week, and which scenarios in what
    order (weakest competencies first, each practised again after growing gaps). The plan is saved: `coach
    next`, the summary and the app's history follow it. Without --date, show the saved plan and your progress."""
    from coach import settings
    from coach.practice import plan as plans
    from coach.render.text import plan_text
    from coach.render.view import plan_view

    if clear:
        settings.save(plan=None)
        print("The practice plan is forgotten; `coach next` recommends from your history again.")
        return EXIT_OK
    lib = sources.load()
    store = open_store()
    today = plans.today()
    if interview is None:
        if target or job_file or per_week:
            raise UserError("say when the interview is: coach plan --date YYYY-MM-DD --target LEVEL")
        progress = plans.current_progress(store, today)
        if progress is None:
            raise UserError("no plan yet (or its interview date is past): coach plan --date YYYY-MM-DD --target LEVEL")
        emit(plan_text(plan_view(progress, lib)), output)
        return EXIT_OK
    level = target_level(target)
    if level is None:
        raise UserError("say which level you interview for: --target LEVEL (" + _levels() + ")")
    try:
        made = plans.build_plan(
            store, lib, level, interview.date(), today, per_week or plans.DEFAULT_PER_WEEK, job_file
        )
    except plans.PlanError as exc:
        raise UserError(str(exc)) from None
    try:
        plans.save_plan(made)
    except OSError as exc:
        raise UserError(f"cannot save the plan: {exc.strerror or exc}") from None
    text = plan_text(plan_view(plans.plan_progress(made, [], today), lib))
    emit(text + "\nSaved: `coach next` follows this plan; in the app, ctrl+l on the catalogue shows it.\n", output)
    return EXIT_OK


def _levels() -> str:
    from coach.library.formats import Level

    return "levels are " + ", ".join(lv.value for lv in Level)


COMMANDS = [compare_command, plan_command]
