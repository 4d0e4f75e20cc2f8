"""Practising with a mentor: mentor (a mock interview), review, cohort, serve."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import click

from coach.cli.common import (
    EXIT_OK,
    Sources,
    UserError,
    complete_scenario_id,
    emit,
    library_options,
    open_store,
    output_options,
    print_table,
    require_terminal,
    target_level,
)


@click.command("mentor", short_help="run a mock interview as the mentor")
@click.argument("scenario_id", metavar="[ID]", required=False, shell_complete=complete_scenario_id)
@click.option("--name", metavar="NAME", help="your name, shown on the report")
@click.option("--learner", metavar="NAME", help="the mentee's name, shown on the report (default: mentee)")
@click.option("--level", metavar="LEVEL", help="the level the mentee targets")
@library_options
def mentor_command(
    sources: Sources, scenario_id: str | None, name: str | None, learner: str | None, level: str | None
) -> int:
    """Run a scenario live as the mentor: read each prompt out, tick the concepts and anti-patterns you hear
    on the rubric checklist (a typed answer pre-ticks it), override criterion levels with a reason, add
    notes, and export the mentee's report. Saved in your history."""
    from coach.practice.session import Mode, Session

    lib = sources.load()
    store = open_store()
    if not scenario_id:
        raise UserError("say which scenario to run: coach mentor ID (see `coach list`)")
    try:
        session = Session.new(lib, scenario_id, target_level(level), Mode.interview)
    except KeyError as exc:
        raise UserError(exc.args[0]) from None
    # the mentee's session, never the mentor's own practice (see coach.practice.history.own_sessions)
    session.state.learner = learner or "mentee"
    require_terminal()
    from coach.tui.app import make_app

    app = make_app(lib, store, mentor_session=session, mentor_name=name or "")
    app.run()
    return EXIT_OK


@click.command("review", short_help="review a mentee's exported session")
@click.argument("file")
@click.option("--name", metavar="NAME", help="your name, shown on the review")
@click.option("-o", "--output", metavar="FILE", help="where to write the reviewed file (default: FILE.reviewed.jsonl)")
@library_options
def review_command(sources: Sources, file: str, name: str | None, output: str | None) -> int:
    """Open a mentee's export (FILE, from `coach export`), one session after another: read each answer with
    its automatic feedback, agree or override with a reason, comment, and export the reviewed file for the
    mentee to `coach import`."""
    from coach.practice.mentor import read_export

    lib = sources.load()
    try:
        items = read_export(Path(file))
    except OSError as exc:
        raise UserError(f"{file}: {exc.strerror}") from None
    except ValueError as exc:
        raise UserError(str(exc)) from None
    items = [(s, r) for s, r in items if s.scenario in lib.scenarios and s.records]
    if not items:
        raise UserError(f"{file}: no session with answers for a scenario in your library")
    require_terminal()
    from coach.tui.app import make_app

    out = Path(output) if output else Path(file).with_suffix(".reviewed.jsonl")
    app = make_app(lib, open_store(), review_items=items, review_output=out, mentor_name=name or "")
    app.run()
    return EXIT_OK


@click.command("cohort", short_help="a table of learners against competencies from several exports")
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@output_options("table", "md", "json")
@library_options
def cohort_command(sources: Sources, files: tuple[str, ...], fmt: str, output: str | None) -> int:
    """A table of learners against competencies, from mentees' .jsonl exports."""
    from coach.library.formats import Competency
    from coach.practice.mentor import cohort

    lib = sources.load()
    try:
        columns, rows = cohort([Path(f) for f in files], lib)
    except (OSError, ValueError) as exc:
        raise UserError(str(exc)) from None
    if fmt == "json":
        import json

        data = [
            {"learner": name, "competencies": {c: scores[c] for c in columns if c in scores}} for name, scores in rows
        ]
        emit(json.dumps(data, indent=2) + "\n", output)
        return EXIT_OK
    if not rows:
        emit("No finished sessions in these files.\n", output)
        return EXIT_OK
    header = ["LEARNER"] + [Competency(c).title for c in columns]
    table = [[name] + [f"{scores[c]:.2f}" if c in scores else "-" for c in columns] for name, scores in rows]
    if fmt == "md":
        lines = ["| " + " | ".join(header) + " |", "| " + " | ".join("---" for _ in header) + " |"]
        lines += ["| " + " | ".join(row) + " |" for row in table]
        emit("\n".join(lines) + "\n", output)
    else:
        print_table(header, table, output)
    return EXIT_OK


@click.command("serve", short_help="serve the coach to a browser (for a remote mentee)")
@click.option("--host", default="localhost", show_default=True, help="address to bind (keep it local: see README)")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="port")
@click.option(
    "--max-sessions",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="most browser sessions at once (each runs the coach in its own process)",
)
@click.option(
    "--scenario", "scenario_id", metavar="ID", help="open this scenario directly", shell_complete=complete_scenario_id
)
@library_options
def serve_command(sources: Sources, host: str, port: int, max_sessions: int, scenario_id: str | None) -> int:
    """Serve the coach as a web page with textual-serve, bound to localhost unless you say otherwise. The
    address it prints carries a secret token for this run: only a browser that opens it gets in. Share it
    through an SSH tunnel or your own secure proxy rather than opening it to the network."""
    from coach.cli.serving import CoachServer, warn_if_public

    command = shlex.join([sys.executable, "-m", "coach", *(["practice", scenario_id] if scenario_id else [])])
    warn_if_public(host)
    CoachServer(command, host=host, port=port, max_sessions=max_sessions).serve()
    return EXIT_OK


COMMANDS = [mentor_command, review_command, cohort_command, serve_command]
