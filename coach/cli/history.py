"""Your practice history: history, next, report, export, import, rescore."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from coach.cli.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    Sources,
    UserError,
    atomic_output,
    checked_id,
    emit,
    library_options,
    open_store,
    output_options,
    print_table,
    say,
    target_level,
)

if TYPE_CHECKING:
    from coach.library.loader import Library
    from coach.practice.session import Session
    from coach.practice.store import SessionRow, Store
    from coach.practice.stories import StoryImport


def _mentor_scores(sources: Sources, rows: list[SessionRow], states: dict[str, dict[str, Any]]) -> dict[str, float]:
    """The mentor's final overall score of each reviewed session among ``rows``."""
    from coach.practice.session import Session, SessionError

    lib = None
    out = {}
    for r in rows:
        if r.status != "finished" or not (states[r.id].get("review") or {}).get("reviewed"):
            continue
        lib = lib or sources.load()  # only loaded when a session was reviewed
        if r.scenario not in lib.scenarios:
            continue  # the scenario is gone: only the automatic score is known
        try:
            score = Session.restore(lib, states[r.id]).summary(reviewed=True).score
        except (ValueError, KeyError, SessionError):
            continue
        if score is not None:  # nothing assessed: only the automatic score is shown
            out[r.id] = score
    return out


@click.command("history", short_help="list your past practice sessions")
@click.option("--limit", type=int, default=50, show_default=True, help="how many, newest first")
@click.option("--json", "as_json", is_flag=True, help="print JSON (the same as --format json)")
@output_options("table", "json")
@library_options
def history_command(sources: Sources, limit: int, as_json: bool, fmt: str, output: str | None) -> int:
    """List your past practice sessions, newest first."""
    import json

    store = open_store(writable=False)
    rows = store.sessions(limit=limit)
    states = {r.id: json.loads(store.load_state(r.id)) for r in rows}
    mentor = _mentor_scores(sources, rows, states)
    if as_json or fmt == "json":
        from dataclasses import asdict

        emit(json.dumps([asdict(r) | {"mentor_score": mentor.get(r.id)} for r in rows], indent=2) + "\n", output)
        return EXIT_OK
    if not rows:
        emit("No sessions yet. Practise one with `coach` or `coach practice ID`.\n", output)
        return EXIT_OK

    def reviewer(session_id: str) -> str:
        review = states[session_id].get("review") or {}
        return str(review.get("mentor") or "yes") if review.get("reviewed") else "-"

    def score(r: SessionRow) -> str:
        """The mentor's score is final; the automatic one stays beside it. A score another coach
        exported, not recomputed here, says so."""
        auto = f"{r.score:g}" if r.score is not None else "-"
        auto += "" if r.verified or r.score is None else " (as exported, not verified)"
        auto = "awaiting verification" if not r.verified and r.score is None else auto  # imported without scores
        return f"{mentor[r.id]:g} (auto {auto})" if r.id in mentor else auto

    # LEARNER: "you", or the mentee a mentor ran or reviewed the session for (not in your progress)
    table = [
        [
            r.id,
            r.started[:16].replace("T", " "),
            r.scenario,
            r.learner or "you",
            r.mode,
            r.target,
            score(r),
            r.status,
            reviewer(r.id),
        ]
        for r in rows
    ]
    print_table(
        ["SESSION", "STARTED", "SCENARIO", "LEARNER", "MODE", "TARGET", "SCORE", "STATUS", "MENTOR"], table, output
    )
    if store.unverified_ids():  # the library is loaded only then
        from coach.practice.history import awaiting_verification

        _say_awaiting(len(awaiting_verification(store, sources.load(), own=True)), output)
    return EXIT_OK


def _open_session(session_id: str, lib: Library) -> tuple[Store, Session]:
    from coach.practice.history import load_session

    session_id = checked_id(session_id)
    store = open_store(writable=False)
    try:
        return store, load_session(store, lib, session_id)
    except KeyError as exc:
        raise UserError(exc.args[0] + " (see `coach history`)") from None
    except ValueError as exc:
        raise UserError(f"session {session_id!r} cannot be read by this coach: {str(exc).splitlines()[0]}") from None


@click.command("report", short_help="a session report, or your progress across sessions")
@click.argument("session", required=False)
@click.option("--progress", is_flag=True, help="progress across all finished sessions")
@output_options("md", "html", "json")
@library_options
def report_command(sources: Sources, session: str | None, progress: bool, fmt: str, output: str | None) -> int:
    """Write a session's transcript, scores with evidence, advice and model answers, or with --progress
    your competency trends across sessions. SESSION is a session id (see `coach history`)."""
    from coach.render import html as reports

    lib = sources.load()
    if progress:
        # progress has no JSON form: anything but html is Markdown
        store = open_store(writable=False)
        text = reports.progress_html(store, lib) if fmt == "html" else reports.progress_markdown(store, lib)
    else:
        if not session:
            raise UserError("say which session: coach report SESSION (see `coach history`), or --progress")
        store, played = _open_session(session, lib)
        text = reports.session_report(played, fmt, store)
    emit(text, output)
    return EXIT_OK


@click.command("export", short_help="export sessions as JSON Lines (to move machines or send to a mentor)")
@click.option("--session", "sessions", multiple=True, metavar="ID", help="only this session (repeatable)")
@click.option("--learner", metavar="NAME", help="your name, for a mentor collecting a cohort's files")
@output_options("jsonl")
@library_options
def export_command(
    sources: Sources, sessions: tuple[str, ...], learner: str | None, fmt: str, output: str | None
) -> int:
    """Export sessions as JSON Lines, to move machines or to send to a mentor. Everything
    (no --session, no --learner) includes your story bank."""
    from coach.practice.history import export_lines
    from coach.practice.stories import StoryBank
    from coach.practice.stories import export_lines as story_lines

    store = open_store(writable=False)
    lines = export_lines(store, [checked_id(s) for s in sessions], learner or "")  # one session at a time
    stories = [] if sessions or learner else list(story_lines(StoryBank(store)))  # your stories move with you only
    count = 0
    if output:
        try:
            with atomic_output(output) as f:
                for line in lines:
                    f.write(line + "\n")
                    count += 1
                for line in stories:
                    f.write(line + "\n")
        except OSError as exc:
            raise UserError(f"{output}: cannot write: {exc.strerror or exc}") from None
        told = f" and {len(stories)} story(ies)" if stories else ""
        say(f"exported {count} session(s){told} to {output}", err=True)
    else:
        for line in lines:
            print(line)
        for line in stories:
            print(line)
    return EXIT_OK


@click.command("import", short_help="import sessions from JSON Lines exports; sessions already present are kept")
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@click.option(
    "--mine",
    is_flag=True,
    help="the sessions are yours (a mock interview your mentor ran for you): count them in your progress",
)
@click.option(
    "--verify", is_flag=True, help="recompute the imported scores from the answers now (else: `coach rescore`)"
)
@library_options
def import_command(sources: Sources, files: tuple[str, ...], mine: bool, verify: bool) -> int:
    """Import sessions from JSON Lines exports; sessions already present are kept. Imported scores
    count only once recomputed from the answers: with --verify, `coach rescore`, or by the app."""
    from coach.practice.importing import import_file
    from coach.render.terminal import visible

    lib = sources.load()
    store = open_store()
    problems = 0
    awaiting: list[str] = []
    for name in files:
        try:
            # control characters in the file's text are stored as visible marks: no screen ever gets them
            result = import_file(store, lib, Path(name), mine=mine, clean=visible)
        except OSError as exc:
            raise UserError(f"{name}: {exc.strerror}") from None
        except UnicodeDecodeError:
            raise UserError(f"{name}: not a UTF-8 text file") from None
        for problem in result.problems:
            say(f"{name}: {problem} (skipped)", err=True)
        problems += len(result.problems)
        for record in result.records:
            say(f"{name}: {record}")
        reviewed = f", {result.reviewed} updated with a mentor's review" if result.reviewed else ""
        reviewed += f", {result.claimed} now counted as yours" if result.claimed else ""
        say(f"{name}: added {result.added} session(s), {result.unchanged} already present{reviewed}")
        problems += _report_stories(name, result.stories)
        awaiting += result.awaiting
        if result.unverified:
            say(
                f"{name}: {result.unverified} of them are for scenarios not in your library: their scores are "
                "shown as exported, not verified, and do not count in your progress until `coach rescore` "
                "can score them (add the scenario, then `coach rescore`)"
            )
        if result.for_others:
            say(
                f"{name}: {result.for_others} of them were run for another learner and do not count in your "
                "progress; "
                "if they are yours (a mock interview your mentor ran for you), run the import again with --mine"
            )
    if verify:
        _verify(store, lib, awaiting)
    elif awaiting:
        say(
            f"{len(awaiting)} imported session(s) await verification: they do not count in your progress, plan "
            "or `coach next` until their scores are recomputed from the answers. Verify them "
            "now with `coach rescore` (or `coach import --verify` next time); the app also verifies them when it starts."
        )
    return EXIT_PROBLEMS if problems else EXIT_OK


def _verify(store: Store, lib: Library, ids: list[str] | None = None) -> list[str]:
    """Verify the sessions awaiting it (all, or ``ids``), saying how each went; the ids verified.
    Each is saved as it is done: Ctrl+C keeps those done and leaves the rest awaiting."""
    from coach.practice.history import Verified, awaiting_verification, verify_pending

    ids = awaiting_verification(store, lib) if ids is None else ids
    total, count = len(ids), 0
    if not total:
        return []

    def done(v: Verified) -> None:
        nonlocal count
        count += 1
        before, after = (f"{x:g}" if x is not None else "not assessed" for x in (v.before, v.after))
        overall = f"{before} -> {after}" if v.before is not None else after  # None: imported without scores
        say(f"[{count}/{total}] {v.session_id} {v.scenario}: overall {overall}; {v.said}")

    verified = [v.session_id for v in verify_pending(store, lib, ids, done) if v.verified]
    say(f"Verified {len(verified)} of {total} session(s) awaiting verification; their scores now count.")
    return verified


def _report_stories(name: str, result: StoryImport | None) -> int:
    """Say what happened to the file's stories; the number of story records skipped."""
    if result is None or not (result.added or result.unchanged or result.problems):
        return 0
    for number, problem in result.problems:
        say(f"{name}: line {number}: {problem} (story skipped)", err=True)
    say(f"{name}: added {result.added} story(ies), {result.unchanged} already present")
    for theirs, ours in result.renamed:
        say(f"{name}: story {theirs!r} differs from your story with that id; added it as {ours!r}")
    return len(result.problems)


@click.command("rescore", short_help="score past sessions again with the current scenario and rubric files")
@click.argument("session", required=False)
@click.option("--all", "every", is_flag=True, help="every finished session, changed files or not")
@click.option("--apply", is_flag=True, help="save the new scores")
@library_options
def rescore_command(sources: Sources, session: str | None, every: bool, apply: bool) -> int:
    """Re-score sessions whose scenario or rubrics changed (or one SESSION, or --all) and show the change.
    Nothing is saved without --apply, but first, without SESSION, the imported sessions awaiting
    verification are scored from their answers and saved, each as it is done."""
    from coach.practice.history import is_outdated, load_session, rescore
    from coach.practice.resume import persist

    lib = sources.load()
    store = open_store(writable=apply)
    verified: set[str] = set()
    if session:
        ids = [checked_id(session)]
    else:
        if not store.read_only:
            verified = set(_verify(store, lib))
        ids = [
            r.id
            for r in store.sessions(status="finished", limit=1_000_000)
            if r.scenario in lib.scenarios and r.id not in verified
        ]
    rescored = changed = skipped = 0

    def overall(score: float | None) -> str:
        return f"{score:g}" if score is not None else "not assessed"

    for sid in ids:
        try:
            played = load_session(store, lib, sid)
        except (KeyError, ValueError) as exc:
            say(f"{sid}: skipped ({str(exc).splitlines()[0]})", err=True)
            skipped += 1
            continue
        if not session and not is_outdated(played) and not every:
            continue
        before = played.summary().score if played.finished else None
        deltas = rescore(played)
        after = played.summary().score if played.finished else None
        moved = [d for d in deltas if abs(d.after - d.before) >= 0.05]
        rescored += 1
        changed += bool(moved)
        say(f"{sid} {played.scenario.id}: overall {overall(before)} -> {overall(after)}")
        for d in moved:
            say(f"    {d.stage}: {d.before:g} -> {d.after:g}")
        if apply:
            persist(store, played)
    # always end by saying what happened, so an empty output never leaves the user guessing
    if not ids:
        if not verified:
            print("No finished sessions to re-score.")
    elif not rescored and not skipped:
        print(
            f"Nothing to re-score: the {len(ids)} finished session(s) were scored with the current scenario "
            "and rubric files. Use --all to re-score them anyway."
        )
    else:
        done = f"Re-scored {rescored} session(s), {changed} with a changed score"
        done += f", skipped {skipped}" if skipped else ""
        saved = f"saved {rescored}." if apply else "nothing saved (run again with --apply to keep the new scores)."
        print(f"\n{done}; {saved}")
    return EXIT_PROBLEMS if skipped and session else EXIT_OK


@click.command("next", short_help="which scenario to practise next, and why")
@click.option("--level", metavar="LEVEL", help="the level you target")
@library_options
def next_command(sources: Sources, level: str | None) -> int:
    """Which scenario to practise next, and why."""
    from coach.practice.history import awaiting_verification, recommend

    lib = sources.load()
    store = open_store(writable=False)
    rec = recommend(store, lib, target_level(level))
    if rec.scenario:
        say(f"Practise next: {rec.scenario} ({lib.scenario(rec.scenario).title})")
    say(rec.reason)
    _say_awaiting(len(awaiting_verification(store, lib, own=True)))
    return EXIT_OK


def _say_awaiting(count: int, output: str | None = None) -> None:
    """Say that imported sessions await verification (and are not counted yet), if any do."""
    if count:
        from coach.render.view import awaiting_text

        say(awaiting_text(count) + ".", err=bool(output))


COMMANDS = [history_command, next_command, report_command, export_command, import_command, rescore_command]
