"""The `coach` command: it parses arguments and presents the layers below; it holds no domain logic.

Commands live in modules by purpose (practise, history, mentor, author, batch) on click;
coach.cli.common holds what they share. Only click is imported at start-up, so `coach --help`
and every command that does not open the app start fast and never import Textual; `coach` alone
(the app on its catalogue, coach.cli.start) does not even import click.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any

from coach.cli.start import EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, UserError

__all__ = ["UserError", "cli", "main"]


def __getattr__(name: str) -> Any:
    if name == "cli":  # the click group, imported when asked for: `coach` alone never needs it
        from coach.cli.group import cli

        return cli
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main(argv: Sequence[str] | None = None) -> int:
    """Run `coach` with `argv` (default: the command line) and return its exit code:
    0 ok, 1 problems found, 2 a usage or user error, 130 interrupted."""
    try:
        if not (sys.argv[1:] if argv is None else argv) and "_COACH_COMPLETE" not in os.environ:
            from coach.cli.start import open_catalogue  # what the group does with no command, without click

            return open_catalogue()
        from coach.cli.group import cli

        code = cli.main(args=list(argv) if argv is not None else None, prog_name="coach", standalone_mode=False)
    except UserError as exc:  # its message may quote ids and names from files: shown harmlessly
        from coach.render.terminal import visible

        print(f"coach: {visible(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # piped into `head`: the reader has all it wanted
        return EXIT_OK
    except Exception as exc:
        import click

        if isinstance(exc, click.ClickException):  # a usage error: click says what and how to get help
            exc.show()
            return exc.exit_code
        if isinstance(exc, click.Abort):  # click turns ctrl+c into Abort
            print("\ninterrupted", file=sys.stderr)
            return EXIT_INTERRUPTED
        # the history failed under a command (sqlite3 is not imported here: `coach --help` stays fast)
        if type(exc).__module__ != "sqlite3":
            raise
        print(
            f"coach: your history could not be read or written ({exc}); nothing was lost from it. "
            "If the disk is full, free some space and run the command again.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    return code if isinstance(code, int) else EXIT_OK
