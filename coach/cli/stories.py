"""Your story bank: `coach story add|list|show|edit|delete|score|match`."""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from coach.cli.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    Sources,
    UserError,
    emit,
    emit_report,
    library_options,
    open_store,
    output_options,
    print_table,
    scenario_stage,
    target_level,
    write_text,
)
from coach.practice.themes import THEMES  # plain data: `coach --help` stays fast

if TYPE_CHECKING:
    from coach.practice.stories import Story, StoryBank

COMPETENCIES = tuple(THEMES)


def _bank() -> StoryBank:
    from coach.practice.stories import StoryBank

    return StoryBank(open_store())


def _get(bank: StoryBank, story_id: str) -> Story:
    try:
        return bank.get(story_id)
    except KeyError as exc:
        raise UserError(f"{exc.args[0]} (see `coach story list`)") from None


FIELD_HELP = {
    "title": "a short title you will recognise",
    "situation": "where and when, the problem, what was at stake",
    "actions": "what you did yourself",
    "result": "how it ended, with numbers",
    "learned": "what you learned and would do differently",
}


def field_options(command: Any) -> Any:
    """--file, --title, --situation, --actions, --result, --learned and --competency, for add and
    edit; the command receives what was given as `fields` (the file's, then the options'), and the
    file's name as `source`."""

    @functools.wraps(command)
    def wrapper(*args: Any, from_file: str | None, competencies: tuple[str, ...], **kwargs: Any) -> int:
        fields = _read_file(from_file) if from_file else {}
        given = {name: kwargs.pop(name) for name in FIELD_HELP}
        fields |= {name: value for name, value in given.items() if value is not None}
        if competencies:
            fields["competencies"] = list(competencies)
        return int(command(*args, fields=fields, source=from_file, **kwargs))

    wrapper = click.option(
        "--competency",
        "competencies",
        multiple=True,
        type=click.Choice(COMPETENCIES),
        help="a competency the story shows (repeatable)",
    )(wrapper)
    for name in reversed(FIELD_HELP):
        wrapper = click.option(f"--{name}", metavar="TEXT", help=FIELD_HELP[name])(wrapper)
    return click.option(
        "--file", "from_file", metavar="FILE", help="a Markdown form (as `coach story show` prints) or TOML"
    )(wrapper)


def _saved(save: Any, source: str | None) -> Story:
    """``save()``'s story; a field it refuses is a clear error naming the file it came from."""
    from coach.practice.stories import StoryError

    try:
        story: Story = save()
    except StoryError as exc:
        raise UserError(f"{source + ': ' if source else ''}{exc}") from None
    return story


def _read_file(name: str) -> dict[str, Any]:
    """A story's fields from a Markdown form (as `coach story show` prints it) or a TOML file."""
    from coach.practice.stories import StoryError, read_fields

    try:
        text = Path(name).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise UserError(f"{name}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise UserError(f"{name}: not UTF-8 text") from None
    try:
        return read_fields(text, toml=name.endswith(".toml"))
    except StoryError as exc:
        raise UserError(f"{name}: {exc}") from None


def _prompt_fields() -> dict[str, Any]:
    """Ask for each field in turn; a field that is not accepted is asked again, the others kept."""
    from coach.practice.stories import FIELDS, StoryError, check_field

    def ask(name: str, read: Any) -> Any:
        while True:
            value = read()
            try:
                return check_field(name, value)
            except StoryError as exc:
                click.echo(f"  {exc}; try again.", err=True)

    def line() -> str:
        got = sys.stdin.readline()
        if not got:
            raise UserError("no more input: the story was not saved")
        return got.rstrip("\n")

    def paragraph() -> str:  # lines until an empty one
        lines = []
        while (got := line()) != "":
            lines.append(got)
        return "\n".join(lines)

    click.echo("A new story. Long answers end with an empty line.")
    fields: dict[str, Any] = {}
    for name, heading in FIELDS.items():
        if name == "title":
            click.echo("Title: ", nl=False)
            fields[name] = ask(name, line)
        else:
            click.echo(f"{heading}:")
            fields[name] = ask(name, paragraph)
    click.echo("Competencies it shows, separated by commas: " + ", ".join(THEMES))
    fields["competencies"] = ask("competencies", lambda: [c.strip() for c in line().split(",") if c.strip()])
    return fields


class _InOrder(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)  # add, list, show, edit, delete, score, match: as they are defined


@click.group("story", cls=_InOrder, short_help="your story bank for behavioral questions: add, list, score, match")
def story_group() -> None:
    """Keep your own stories for behavioral questions ("tell me about a time..."), have them
    scored against the behavioral rubric, and find which one fits a question."""


@story_group.command("add", short_help="add a story: from the options, a file, or answering prompts")
@field_options
def add_command(fields: dict[str, Any], source: str | None) -> int:
    """Add a story. With no options, asks for each part in turn."""
    bank = _bank()
    story = _saved(lambda: bank.add(fields or _prompt_fields()), source)
    print(f"added story {story.id}")
    _print_gaps(bank)
    return EXIT_OK


@story_group.command("list", short_help="your stories, and the competencies no story covers yet")
@output_options("table", "json")
def list_command(fmt: str, output: str | None) -> int:
    """List your stories, the one edited last first, and the competencies no story covers yet."""
    import json

    bank = _bank()
    stories = bank.stories()
    if fmt == "json":
        emit(json.dumps([s.model_dump() for s in stories], indent=2, ensure_ascii=False) + "\n", output)
        return EXIT_OK
    if not stories:
        emit("No stories yet. Add one with `coach story add`.\n", output)
    else:
        rows = [[s.id, s.title, ", ".join(s.competencies) or "-", s.updated[:10]] for s in stories]
        print_table(["ID", "TITLE", "COMPETENCIES", "UPDATED"], rows, output)
    if not output:
        _print_gaps(bank)
    return EXIT_OK


def _print_gaps(bank: StoryBank) -> None:
    gaps = bank.gaps()
    if gaps:
        print("No story covers yet: " + ", ".join(t.id for t in gaps) + ".")


@story_group.command("show", short_help="one story, as the form `edit` opens")
@click.argument("story_id", metavar="ID")
@output_options("md", "json")
def show_command(story_id: str, fmt: str, output: str | None) -> int:
    """Print a story: as a Markdown form (which `coach story add --file` and `edit --file` read back), or JSON."""
    from coach.practice.stories import to_form

    story = _get(_bank(), story_id)
    emit(story.model_dump_json(indent=2) + "\n" if fmt == "json" else to_form(story.model_dump()), output)
    return EXIT_OK


@story_group.command("edit", short_help="change a story: in $EDITOR, from a file, or with options")
@click.argument("story_id", metavar="ID")
@field_options
def edit_command(story_id: str, fields: dict[str, Any], source: str | None) -> int:
    """Change a story. With no options, opens it in your editor ($EDITOR) as a Markdown form."""
    bank = _bank()
    story = _get(bank, story_id)
    if not fields and not source:
        return _edit_in_editor(bank, story)
    _saved(lambda: bank.update(story_id, fields), source)
    print(f"saved story {story_id}")
    return EXIT_OK


def _edit_in_editor(bank: StoryBank, story: Story) -> int:
    """Edit the form until it is saved; text that cannot be saved is kept in a file, never lost."""
    from coach import paths
    from coach.practice.stories import StoryError, from_form, to_form

    text = to_form(story.model_dump())
    while True:
        edited = click.edit(text, extension=".md")
        if edited is None or edited == to_form(story.model_dump()):
            print(f"no change to story {story.id}")
            return EXIT_OK
        try:
            bank.update(story.id, from_form(edited))
        except StoryError as exc:
            print(f"coach: {exc}", file=sys.stderr)
            text = edited
            if sys.stdin.isatty() and click.confirm("Edit again?", default=True):
                continue
            keep = paths.home() / "stories" / f"{story.id}.md"
            keep.parent.mkdir(parents=True, exist_ok=True)
            write_text(keep, edited)
            print(f"Your text is in {keep}; fix it and run `coach story edit {story.id} --file {keep}`.")
            return EXIT_PROBLEMS
        print(f"saved story {story.id}")
        return EXIT_OK


@story_group.command("delete", short_help="delete a story")
@click.argument("story_id", metavar="ID")
@click.option("--yes", is_flag=True, help="do not ask first")
def delete_command(story_id: str, yes: bool) -> int:
    """Delete a story (asks first, unless --yes)."""
    bank = _bank()
    story = _get(bank, story_id)
    if not yes:
        if not sys.stdin.isatty():
            raise UserError("add --yes to delete a story without a terminal to ask on")
        click.confirm(f"Delete {story.id} ({story.title})?", abort=True)
    bank.delete(story_id)
    print(f"deleted story {story_id}")
    return EXIT_OK


@story_group.command("score", short_help="score a story against the behavioral rubric")
@click.argument("story_id", metavar="ID")
@output_options("text", "json", "md", help="output format (JSON follows `coach schema report`)")
@click.option("--level", metavar="LEVEL", help="the level you target")
@library_options
def score_command(sources: Sources, story_id: str, fmt: str, output: str | None, level: str | None) -> int:
    """Score a story against the behavioral rubric: levels per criterion with evidence quoted
    from the story, advice for what is missing, and the career-ladder level it shows."""
    from coach.practice.stories import score_story

    story = _get(_bank(), story_id)
    lib = sources.load()
    try:
        report = score_story(lib, story, target_level(level))
    except (KeyError, ValueError) as exc:
        raise UserError(str(exc.args[0])) from None
    emit_report(report, fmt, output)
    return EXIT_OK


@story_group.command("match", short_help="which of your stories fits a behavioral question")
@click.argument("question", required=False)
@click.option("--scenario", "scenario_id", metavar="ID", help="take the question from a scenario's stage")
@click.option("--stage", metavar="S", help="the stage (default: the first)")
@output_options("text", "json")
@library_options
def match_command(
    sources: Sources, question: str | None, scenario_id: str | None, stage: str | None, fmt: str, output: str | None
) -> int:
    """Which of your stories fit a behavioral QUESTION (or a scenario stage's question), best
    first, and which of the competencies it asks about no story covers yet."""
    import json

    from coach.practice.stories import match

    if scenario_id:
        question = scenario_stage(sources.load(), scenario_id, stage)[1].prompt
    if not question or not question.strip():
        raise UserError('say the question: coach story match "Tell me about a time..." (or --scenario ID)')
    found = match(_bank().stories(), question)
    if fmt == "json":
        data = {
            "competencies": found.themes,
            "stories": [
                {"id": f.story.id, "title": f.story.title, "score": f.score, "why": f.why()} for f in found.fits
            ],
            "uncovered": found.uncovered,
        }
        emit(json.dumps(data, indent=2, ensure_ascii=False) + "\n", output)
        return EXIT_OK
    asks = ", ".join(found.themes) or "none of the competencies stories are tagged with"
    lines = [f"The question asks about: {asks}."]
    if found.fits:
        lines.append("Stories that fit, best first:")
        for f in found.fits[:5]:
            lines += [f"  {f.story.id}  {f.story.title}", f"      {f.why()}"]
    else:
        lines.append("No story fits it yet.")
    if found.uncovered:
        lines.append(f"No story is tagged with: {', '.join(found.uncovered)}. Add one: coach story add")
    emit("\n".join(lines) + "\n", output)
    return EXIT_OK


COMMANDS = [story_group]
