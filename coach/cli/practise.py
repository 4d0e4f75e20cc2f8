"""Practising: `coach practice`, in the app or line by line (--plain, see coach.cli.plain)."""

from __future__ import annotations

import sys

import click

from coach.cli.common import (
    Sources,
    UserError,
    checked_id,
    complete_scenario_id,
    library_options,
    open_store,
    run_app,
    target_level,
)


@click.command("practice", short_help="practise a scenario (the app, or --plain in any terminal)")
@click.argument("scenario_id", metavar="[ID]", required=False, shell_complete=complete_scenario_id)
@click.option("--plain", is_flag=True, help="line by line, no full-screen UI (screen readers, pipes)")
@click.option(
    "--mode",
    type=click.Choice(["study", "interview"]),
    default="study",
    help="study: feedback after each answer (default); interview: feedback only at the end",
)
@click.option("--level", metavar="LEVEL", help="the level you target (default: the scenario's)")
@click.option("--answers", metavar="FILE", help="with --plain: read answers from FILE (blank-line separated)")
@click.option("--resume", metavar="SESSION", help="resume a saved session by its id")
@click.option(
    "--no-scores/--scores",
    "no_scores",
    default=None,
    help="hide scores and levels while practising, keeping evidence and advice (remembered; --scores shows them again)",
)
@library_options
def practice_command(
    sources: Sources,
    scenario_id: str | None,
    plain: bool,
    mode: str,
    level: str | None,
    answers: str | None,
    resume: str | None,
    no_scores: bool | None,
) -> int:
    """Practise a scenario (ID, see `coach list`; omit it to choose in the app) in the full-screen app, or
    with --plain line by line in any terminal or pipe (an answer ends with a blank line; /hint, /skip and
    /quit are commands). Sessions are saved as you go."""
    from coach import settings
    from coach.practice.session import Mode, Session

    if no_scores is not None and no_scores != settings.hide_scores():
        try:
            settings.save(hide_scores=no_scores)
        except OSError as exc:
            raise UserError(f"cannot remember the choice of scores: {exc.strerror or exc}") from None
    lib = sources.load()
    store = open_store()
    if plain:  # (the app says this on its own screen)
        from coach.practice.resume import recover

        for line in recover(store):
            print(line, file=sys.stderr)
    session: Session | None
    if resume:
        from coach.practice.resume import resume as resume_session

        try:
            session = resume_session(store, lib, checked_id(resume))
        except KeyError as exc:
            raise UserError(exc.args[0]) from None
        except ValueError as exc:
            raise UserError(f"session {resume!r} cannot be read by this coach: {str(exc).splitlines()[0]}") from None
    elif scenario_id:
        try:
            session = Session.new(lib, scenario_id, target_level(level), Mode(mode))
        except KeyError as exc:
            raise UserError(exc.args[0]) from None
    elif plain:
        raise UserError("say which scenario to practise: coach practice ID --plain (see `coach list`)")
    else:
        session = None
    if plain:
        from coach.cli.plain import run_plain

        source = sys.stdin
        if answers:
            try:
                source = open(answers, encoding="utf-8")
            except OSError as exc:
                raise UserError(f"{answers}: {exc.strerror}") from None
        assert session is not None
        return run_plain(
            session,
            store,
            stdin=source,
            interactive=sys.stdin.isatty() and not answers,
            numbers=not settings.hide_scores(),
        )
    return run_app(lib, store, session)


COMMANDS = [practice_command]
