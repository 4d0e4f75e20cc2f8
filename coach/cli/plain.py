"""`coach practice ID --plain`: the interview line by line, in any terminal or pipe.

For screen readers, remote shells without a full-screen UI, and scripted runs. An
answer ends with a blank line or the end of input. Reading answers from a file gives
a deterministic transcript: nothing random or time-dependent is printed to stdout.
"""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Callable
from typing import TextIO

from coach.practice.history import summarise
from coach.practice.resume import Unsaved, save_draft, snapshot
from coach.practice.resume import save as save_snapshot
from coach.practice.session import Mode, Session
from coach.practice.store import Store
from coach.render.scenario import briefing_text
from coach.render.terminal import visible
from coach.render.text import report_text, summary_text
from coach.render.view import report_view, summary_view

COMMANDS = {"/hint", "/skip", "/quit"}
HELP = (
    "An answer ends with a blank line. Commands go on a line of their own: /hint shows a hint (what you "
    "typed before it stays, carry on), /skip moves on (what you typed before it is sent as your answer, "
    "with no follow-up), /quit stops and saves (what you typed before it is kept as your draft)."
)


def read_answer(
    stream: TextIO, on_line: Callable[[str], None] | None = None, typed: list[str] | None = None
) -> tuple[list[str], str | None] | None:
    """Read an answer, continuing the lines already `typed` (a draft, or text before a /hint).

    It ends at a blank line after some text, at a command on a line of its own, or at the end
    of input. Returns (lines, command), command None unless one ended it; None when the input
    ended with nothing new typed (the caller saves, and any draft stays a draft)."""
    lines = list(typed or [])
    for line in stream:
        line = line.rstrip("\n").rstrip("\r")
        if line.strip() in COMMANDS:
            return lines, line.strip()
        if not line.strip():
            if lines:
                return lines, None
            continue
        lines.append(line)
        if on_line:
            on_line("\n".join(lines))
    return (lines, None) if len(lines) > len(typed or []) else None


def run_plain(
    session: Session,
    store: Store | None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    interactive: bool = False,
    numbers: bool = True,
) -> int:
    """``numbers``: False in practice without numbers (feedback keeps its evidence and advice)."""
    # the standard streams as they are now (not when this module was imported: a test may have replaced them)
    stdin, stdout, stderr = stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr
    sc = session.scenario
    say = lambda text="": print(visible(text), file=stdout, flush=True)  # noqa: E731 (a resumed answer may hold escapes)
    who = sc.persona.name

    said: list[str] = []  # the last failed save's reason, told once until saving works again

    def told(unsaved: Unsaved | None) -> None:
        """A failed save never stops the interview: say what happened and where the answers are."""
        if unsaved is None:
            said.clear()
        elif said != [unsaved.reason]:
            # (a path is never broken across lines: it must stay whole to be copied)
            print(
                f"\n{textwrap.fill(unsaved.message(), 88, break_long_words=False, break_on_hyphens=False)}\n",
                file=stderr,
                flush=True,
            )
            said[:] = [unsaved.reason]

    def save() -> None:
        if store:
            told(save_snapshot(store, snapshot(session)))

    def keep_typed(text: str) -> None:
        if store:
            unsaved = save_draft(store, session, text)
            if unsaved:
                told(unsaved)

    def saved_where(kept: str = "") -> str:
        if said:  # the last save failed
            return "the session could not be saved in your history: it is kept where said above."
        return f"the session is saved{kept}."

    if session.state.status == "briefing":
        say(f"TPM Coach · {sc.title}")
        say(textwrap.fill(HELP, 88))
        say()
        say(briefing_text(sc))
        session.start()
        save()
    else:
        say(f"TPM Coach · resuming {sc.title}")
        say(textwrap.fill(HELP, 88))

    typed = session.state.draft.splitlines()  # a resumed draft is the start of the answer, as in the app
    ask = True
    while not session.finished:
        if ask:
            number, total = session.stage_number()
            limit = f", about {session.stage.time_limit_minutes:g} min" if session.stage.time_limit_minutes else ""
            say()
            if session.state.awaiting_followup:
                say(f"{who} (follow-up):")
            else:
                say(f"== Question {number} of {total}: {session.stage.title}{limit} ==")
                say(f"{who}:")
            say(textwrap.indent(session.question.strip(), "  "))
            if typed:
                say("Your saved draft starts your answer (add lines to it; a blank line sends it):")
                say(textwrap.indent("\n".join(typed), "  | "))
            say("> (your answer; a blank line sends it)")
        ask = True
        got = read_answer(stdin, keep_typed, typed)
        if got is None:
            save()
            print(
                f"\nInput ended; {saved_where()} Resume it with: coach practice --resume {session.state.id} --plain",
                file=stderr,
            )
            return 0
        lines, command = got
        new = lines[len(typed) :] + ([command] if command else [])
        if new and not interactive:  # answers from a file: show them, so this is a transcript
            say(textwrap.indent("\n".join(new), "  | "))
        text = "\n".join(lines)
        if command == "/quit":
            save()
            kept = " with your draft" if text.strip() else ""
            print(
                f"Stopped; {saved_where(kept)} Resume it with: coach practice --resume {session.state.id} --plain",
                file=stderr,
            )
            return 0
        if command == "/hint":
            hint = session.hint()
            say(f"Hint: {hint}" if hint else "No more hints for this question.")
            save()
            typed = lines
            if lines:  # carry on with the same answer rather than asking again
                say("> (your answer so far is kept; carry on, a blank line sends it)")
                ask = False
            continue
        typed = []
        outcome = session.move_on(text) if command == "/skip" else session.submit(text)
        save()
        if session.state.mode is Mode.study and outcome.report is not None and outcome.kind != "followup":
            say()
            say(report_text(report_view(outcome.report, numbers=numbers), model_answer=True))
    say()
    say(summary_text(summary_view(summarise(session, store), numbers), times=interactive))
    return 0
