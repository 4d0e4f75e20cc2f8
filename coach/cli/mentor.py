"""Practising with a mentor: mentor (a mock interview), review, cohort, serve."""

from __future__ import annotations

import shlex
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
    library_options,
    open_store,
    output_options,
    print_table,
    require_terminal,
    run_made_app,
    say,
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

    return run_made_app(make_app(lib, store, mentor_session=session, mentor_name=name or ""))


@click.command("review", short_help="review a mentee's exported session")
@click.argument("file")
@click.option("--name", metavar="NAME", help="your name, shown on the review")
@click.option("-o", "--output", metavar="FILE", help="where to write the reviewed file (default: FILE.reviewed.jsonl)")
@library_options
def review_command(sources: Sources, file: str, name: str | None, output: str | None) -> int:
    """Open a mentee's export (FILE, from `coach export`), one session after another: read each answer with
    its automatic feedback, agree or override with a reason, comment, and export the reviewed file for the
    mentee to `coach import`."""
    from coach.practice.mentor import sessions_in
    from coach.render.terminal import visible

    lib = sources.load()
    try:
        # the automatic scores are recomputed, not taken from the file; control characters in its text
        # become visible marks, so the review screens never send them to the terminal
        mentee = sessions_in(Path(file), lib, clean=visible)
    except OSError as exc:
        raise UserError(f"{file}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise UserError(f"{file}: not a UTF-8 text file") from None
    for problem in mentee.problems:
        say(f"{problem} (skipped)", err=True)
    items = [
        (s, r.model_dump(mode="json", exclude={"state"}))
        for s, r in mentee.sessions
        if s.scenario in lib.scenarios and s.records
    ]
    if not items:
        raise UserError(f"{file}: no session with answers for a scenario in your library")
    require_terminal()
    from coach.tui.app import make_app

    out = Path(output) if output else Path(file).with_suffix(".reviewed.jsonl")
    return run_made_app(make_app(lib, open_store(), review_items=items, review_output=out, mentor_name=name or ""))


@click.command("cohort", short_help="a table of learners against competencies from several exports")
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@output_options("table", "md", "json")
@library_options
def cohort_command(sources: Sources, files: tuple[str, ...], fmt: str, output: str | None) -> int:
    """A table of learners against competencies, from mentees' .jsonl exports."""
    from coach.library.formats import Competency
    from coach.practice.mentor import cohort
    from coach.render.terminal import visible

    lib = sources.load()
    try:
        table = cohort([Path(f) for f in files], lib, clean=visible)
    except OSError as exc:
        raise UserError(f"{exc.filename}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise UserError("a file is not UTF-8 text") from None
    for problem in table.problems:
        say(f"{problem} (skipped)", err=True)
    if table.left_out:
        say(f"{table.left_out} finished session(s) of scenarios not in your library were left out", err=True)
    columns, rows = table.columns, table.rows
    code = EXIT_PROBLEMS if table.problems else EXIT_OK
    if fmt == "json":
        import json

        data = [
            {
                "learner": name,
                "competencies": {c: scores[c][0] for c in columns if c in scores},
                "not_verified": [c for c in columns if c in scores and not scores[c][1]],
            }
            for name, scores in rows
        ]
        emit(json.dumps(data, indent=2) + "\n", output)
        return code
    if not rows:
        emit("No finished sessions in these files.\n", output)
        return code

    def cell(score: tuple[float, bool] | None) -> str:
        return "-" if score is None else f"{score[0]:.2f}" + ("" if score[1] else "*")

    header = ["LEARNER"] + [Competency(c).title for c in columns]
    table_rows = [[name] + [cell(scores.get(c)) for c in columns] for name, scores in rows]
    verified = "Scores recomputed from the answers with your library: verified"
    if any(not ok for _, scores in rows for _, ok in scores.values()):
        verified += "; * as exported, not verified (a mentor's review, or stages your scenario no longer has)"
    note = verified + "."
    if fmt == "md":
        from coach.render.text import md_cell

        lines = ["| " + " | ".join(header) + " |", "| " + " | ".join("---" for _ in header) + " |"]
        lines += ["| " + " | ".join(md_cell(cell) for cell in row) + " |" for row in table_rows]
        emit("\n".join(lines) + "\n\n" + note + "\n", output)
    else:
        print_table(header, table_rows, output)
        say(note)
    return code


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
