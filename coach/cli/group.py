"""The `coach` group: commands listed under headings in --help, a suggestion for a mistyped command,
and the app when no command is given."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import Any

import click

from coach.cli import author, batch, history, mentor, practise, progress, stories
from coach.cli.start import open_catalogue

# The headings of `coach --help`, in order, each with its commands in the order they are listed.
SECTIONS: list[tuple[str, Sequence[click.Command]]] = [
    ("Practise", practise.COMMANDS),
    ("History", [*history.COMMANDS, *progress.COMMANDS]),
    ("Stories", stories.COMMANDS),
    ("Mentor", mentor.COMMANDS),
    ("Author", author.COMMANDS),
    ("Batch", batch.COMMANDS),
]


class CoachGroup(click.Group):
    """A click group whose help lists commands by section, and that suggests a close command name."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        longest = max(len(name) for name in self.commands)
        width = formatter.width - 6 - longest
        for title, commands in SECTIONS:
            # names padded to the longest so that the descriptions line up across sections
            rows = [((c.name or "").ljust(longest), c.get_short_help_str(width)) for c in commands if not c.hidden]
            with formatter.section(title):
                formatter.write_dl(rows)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            close = difflib.get_close_matches(name, list(self.commands), n=1)
            hint = f" Did you mean {close[0]!r}?" if close else " See `coach --help`."
            ctx.fail(f"No such command {name!r}.{hint}")
        return super().resolve_command(ctx, args)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("tpm-coach")
    except PackageNotFoundError:
        return "0+unknown"


def _print_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(f"coach {_version()}")
        ctx.exit()


@click.group(
    "coach",
    cls=CoachGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 120},
    epilog="Run `coach` with no command to open the app. `coach COMMAND --help` explains each command.",
)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show the version and exit.",
)
@click.pass_context
def cli(ctx: click.Context) -> Any:
    """TPM Coach: practise Technical Product Manager interviews in the terminal."""
    if ctx.invoked_subcommand is None:
        # `coach` with no command (coach.cli.main opens it without click; this is for cli.main([])):
        # the app, on the catalogue (browsing works on a read-only history)
        return open_catalogue()
    return None


for _title, _commands in SECTIONS:
    for _command in _commands:
        cli.add_command(_command)
