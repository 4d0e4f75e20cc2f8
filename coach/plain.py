"""`coach practice ID --plain`: the interview line by line, in any terminal or pipe.

For screen readers, remote shells without a full-screen UI, and scripted runs. An
answer ends with a blank line or the end of input. Reading answers from a file gives
a deterministic transcript: nothing random or time-dependent is printed to stdout.
"""

from __future__ import annotations

import sys
import textwrap
from typing import TextIO

from coach.feedback import summary_text, to_text
from coach.practice import persist, save_draft
from coach.render import briefing_text
from coach.session import Mode, Session
from coach.store import Store

COMMANDS = {"/hint", "/skip", "/quit"}


def read_answer(stream: TextIO, on_line: "callable[[str], None] | None" = None) -> str | None:
    """Lines up to a blank line (after some text) or the end of input; None at end of input."""
    lines: list[str] = []
    for line in stream:
        line = line.rstrip("\n").rstrip("\r")
        if not line.strip():
            if lines:
                break
            continue
        lines.append(line)
        if len(lines) == 1 and line.strip() in COMMANDS:
            break
        if on_line:
            on_line("\n".join(lines))
    else:
        if not lines:
            return None
    return "\n".join(lines)


def run_plain(session: Session, store: Store | None, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout,
              stderr: TextIO = sys.stderr, interactive: bool = False) -> int:
    sc = session.scenario
    say = lambda text="": print(text, file=stdout, flush=True)  # noqa: E731
    who = sc.persona.name

    def save() -> None:
        if store:
            persist(store, session)

    if session.state.status == "briefing":
        say(f"TPM Coach · {sc.title}")
        say("An answer ends with a blank line. Type /hint for a hint, /skip to move on, /quit to stop and save.")
        say()
        say(briefing_text(sc))
        session.start()
        save()
    else:
        say(f"TPM Coach · resuming {sc.title}")

    while not session.finished:
        number, total = session.stage_number()
        limit = f", about {session.stage.time_limit_minutes:g} min" if session.stage.time_limit_minutes else ""
        say()
        if session.state.awaiting_followup:
            say(f"{who} (follow-up):")
        else:
            say(f"== Question {number} of {total}: {session.stage.title}{limit} ==")
            say(f"{who}:")
        say(textwrap.indent(session.question.strip(), "  "))
        if session.state.draft:
            say(f"(your saved draft: {session.state.draft!r}; type the answer again or add to it)")
        say("> (your answer; a blank line sends it)")
        answer = read_answer(stdin, (lambda text: save_draft(store, session, text)) if store else None)
        if answer is not None and not interactive:  # answers from a file: show them, so this is a transcript
            say(textwrap.indent(answer, "  | "))
        if answer is None:
            save()
            print(f"\nInput ended; the session is saved. Resume it with: coach practice --resume {session.state.id} --plain",
                  file=stderr)
            return 0
        command = answer.strip()
        if command == "/quit":
            save()
            print(f"Stopped; the session is saved. Resume it with: coach practice --resume {session.state.id} --plain",
                  file=stderr)
            return 0
        if command == "/hint":
            hint = session.hint()
            say(f"Hint: {hint}" if hint else "No more hints for this question.")
            save()
            continue
        outcome = session.skip() if command == "/skip" else session.submit(answer)
        save()
        if session.state.mode is Mode.study and outcome.report is not None and outcome.kind != "followup":
            say()
            say(to_text(outcome.report, model_answer=True))
    say()
    say(summary_text(session.summary(store=store), times=interactive))
    return 0
