"""The story bank: your stories for behavioral questions, the form to add and edit one, a story's
score against the behavioral rubric, the competencies no story covers, and which story fits a
question. The bank itself is coach.practice.stories; reading and scoring run in workers."""

from __future__ import annotations

from typing import Any, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Label, SelectionList, Static, TextArea

from coach.practice.stories import FIELDS, Story, StoryBank, StoryError, match, score_story
from coach.practice.themes import THEMES
from coach.scoring.report import ScoreReport
from coach.tui.screens.base import SCREENS_CSS, CoachHost, CoachScreen
from coach.tui.screens.dialogs import ConfirmScreen
from coach.tui.widgets.basics import CoachHeader, highlighted_key, text
from coach.tui.widgets.report import report_sections

HINTS = {
    "situation": "Where and when, your role, the problem, and what was at stake.",
    "actions": "What you did yourself: 'I decided', 'I met with', 'I wrote'.",
    "result": "How it ended, with numbers: 'failed payments fell from 4% to 1.5%'.",
    "learned": "What you learned, and what you would do differently next time.",
}


def story_view(story: Story) -> str:
    """A story as plain text for the screen: its title, then each part under its heading."""
    parts = [story.title]
    for name, heading in list(FIELDS.items())[1:]:
        value = getattr(story, name)
        parts += ["", heading, value or "(not written yet)"]
    parts += ["", "Competencies: " + (", ".join(THEMES[c].title for c in story.competencies) or "none tagged")]
    return "\n".join(parts)


class StoriesScreen(CoachScreen):
    AUTO_FOCUS = "#stories"
    BINDINGS = [
        Binding("a", "add", "Add", id="stories.add", tooltip="Write a new story"),
        Binding("e", "edit", "Edit", id="stories.edit", tooltip="Edit the highlighted story (Enter too)"),
        Binding("s", "score", "Score", id="stories.score", tooltip="Score the story against the behavioral rubric"),
        Binding("m", "match", "Match", id="stories.match", tooltip="Type a question: which story fits it"),
        Binding("d", "delete", "Delete", id="stories.delete", tooltip="Delete the highlighted story (asks first)"),
        Binding("escape", "back", "Back", id="stories.back", tooltip="Back to the catalogue"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.stories: dict[str, Story] = {}

    @property
    def bank(self) -> StoryBank:
        return StoryBank(self.coach.store)

    def compose(self) -> ComposeResult:
        yield CoachHeader()
        yield Input(
            placeholder="Match a question (m): type a behavioral question, then Enter",
            id="story-question",
            compact=True,
        )
        yield Static(id="story-match", markup=False)
        yield Static(id="story-gaps", markup=False)
        with Horizontal(id="stories-body"):
            yield DataTable(id="stories", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="story-detail"):
                yield Static(id="story-text", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Story bank"
        self.query_one("#story-match", Static).display = False
        self.query_one("#stories", DataTable).add_columns("Story", "Competencies")
        self.load()

    def load(self, select: str | None = None) -> None:
        bank = self.bank

        def work() -> None:
            stories, gaps = bank.stories(), bank.gaps()
            self.app.call_from_thread(self._show, stories, [g.id for g in gaps], select)

        self.run_worker(work, thread=True, exclusive=True, group="stories", exit_on_error=False)

    def _show(self, stories: list[Story], gaps: list[str], select: str | None) -> None:
        self.stories = {s.id: s for s in stories}
        gap_line = "No story covers yet: " + ", ".join(gaps) + "." if gaps else "Your stories cover every competency."
        self.query_one("#story-gaps", Static).update(Content(gap_line))
        table = self.query_one("#stories", DataTable)
        table.clear()
        for s in stories:
            table.add_row(Text(s.title), Text(", ".join(s.competencies) or "-"), key=s.id)
        if select in self.stories:
            table.move_cursor(row=table.get_row_index(select))
        self._detail(self.current())
        if not stories:
            self.query_one("#story-text", Static).update(
                Content("No stories yet. Press a to write your first: a conflict, a failure you owned, a hard call.")
            )
        if not isinstance(self.focused, Input):
            table.focus()

    def current(self) -> Story | None:
        sid = highlighted_key(self.query_one("#stories", DataTable))
        return self.stories.get(sid) if sid else None

    def _detail(self, story: Story | None) -> None:
        if story is not None:
            self.query_one("#story-text", Static).update(Content(story_view(story)))

    @on(DataTable.RowHighlighted, "#stories")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._detail(self.stories.get(str(event.row_key.value)) if event.row_key else None)

    @on(DataTable.RowSelected, "#stories")
    def _selected(self) -> None:
        self.action_edit()

    # ---------------------------------------------------------------- actions

    def action_add(self) -> None:
        self.app.push_screen(StoryFormScreen(None), self._saved)

    def action_edit(self) -> None:
        story = self.current()
        if story is not None:
            self.app.push_screen(StoryFormScreen(story), self._saved)

    def _saved(self, story_id: str | None) -> None:
        if story_id:
            self.load(select=story_id)

    def action_delete(self) -> None:
        story = self.current()
        if story is None:
            return

        bank = self.bank

        def delete() -> None:
            bank.delete(story.id)
            self.app.call_from_thread(self.notify, f"Deleted “{story.title}”.", markup=False)
            self.app.call_from_thread(self.load)

        def answer(yes: bool | None) -> None:
            if yes:
                self.run_worker(delete, thread=True, group="delete-story", exit_on_error=False)

        self.app.push_screen(ConfirmScreen(f"Delete the story “{story.title}”? This cannot be undone."), answer)

    def action_score(self) -> None:
        story = self.current()
        if story is None:
            return
        library = self.coach.library
        scorer = getattr(self.app, "scorer", None)

        def work() -> None:
            try:
                report = score_story(library, story, scorer=scorer)
            except (KeyError, ValueError) as exc:
                self.app.call_from_thread(self.notify, str(exc.args[0]), severity="warning", markup=False)
                return
            self.app.call_from_thread(self.app.push_screen, StoryReportScreen(story, report))

        self.run_worker(work, thread=True, group="score-story", exit_on_error=False)

    def action_match(self) -> None:
        self.query_one("#story-question", Input).focus()

    @on(Input.Submitted, "#story-question")
    def _match(self, event: Input.Submitted) -> None:
        box = self.query_one("#story-match", Static)
        if not event.value.strip():
            box.display = False
            return
        found = match(self.stories.values(), event.value)
        asks = ", ".join(found.themes) or "none of the competencies stories are tagged with"
        lines = [f"The question asks about: {asks}."]
        lines += [f"Fits: {f.story.title} ({f.why()})" for f in found.fits[:3]] or ["No story fits it yet."]
        if found.uncovered:
            lines.append("No story is tagged with: " + ", ".join(found.uncovered) + ".")
        box.update(Content("\n".join(lines)))
        box.display = True
        table = self.query_one("#stories", DataTable)
        if found.fits:
            table.move_cursor(row=table.get_row_index(found.fits[0].story.id))
        table.focus()

    def action_back(self) -> None:
        if isinstance(self.focused, Input):  # Escape leaves the question box first
            self.query_one("#stories", DataTable).focus()
            return
        self.dismiss()


class StoryFormScreen(Screen["str | None"]):
    """Add or edit a story. What is typed stays on the screen until it is saved: a field that
    cannot be saved says why and keeps the text, leaving with changes asks first, and quitting the
    app saves what was typed (keep_typed). Dismissed with the saved story's id, or None."""

    CSS_PATH = SCREENS_CSS

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="story-form.save", tooltip="Save the story", priority=True),
        Binding("escape", "cancel", "Back", id="story-form.cancel", tooltip="Leave (asks first if you changed it)"),
    ]

    def __init__(self, story: Story | None):
        super().__init__()
        self.story = story
        self.saving = False
        self.kept = False  # what was typed has been kept on quit

    @property
    def coach(self) -> CoachHost:
        return cast(CoachHost, self.app)

    def compose(self) -> ComposeResult:
        s = self.story
        yield CoachHeader()
        with VerticalScroll(id="story-form"):
            yield Label("Title")
            yield Input(s.title if s else "", id="title", placeholder="A short title you will recognise")
            for name, heading in list(FIELDS.items())[1:]:
                yield Label(f"{heading}: {HINTS[name]}")
                yield TextArea(getattr(s, name) if s else "", id=name, soft_wrap=True, classes="story-field")
            yield Label("Competencies it shows (space ticks one)")
            chosen = set(s.competencies) if s else set()
            yield SelectionList[str](
                *[(t.title, t.id, t.id in chosen) for t in THEMES.values()], id="competencies", compact=True
            )
            yield Static(id="ticked", markup=False)  # the ticks in words: the boxes differ only by colour
        yield Static(id="form-problem", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"Edit: {self.story.title}" if self.story else "New story"
        self.query_one("#form-problem", Static).display = False
        self._ticked()
        self.initial = self.fields()
        self.query_one("#title", Input).focus()

    @on(SelectionList.SelectedChanged, "#competencies")
    def _ticked(self) -> None:
        chosen = self.query_one("#competencies", SelectionList).selected
        self.query_one("#ticked", Static).update(Content("Ticked: " + (", ".join(chosen) or "none")))

    def fields(self) -> dict[str, Any]:
        out: dict[str, Any] = {"title": self.query_one("#title", Input).value}
        for name in list(FIELDS)[1:]:
            out[name] = self.query_one(f"#{name}", TextArea).text
        out["competencies"] = list(self.query_one("#competencies", SelectionList).selected)
        return out

    def changed(self) -> bool:
        return self.fields() != self.initial

    def _write(self, fields: dict[str, Any]) -> Story:
        bank = StoryBank(self.coach.store)
        return bank.update(self.story.id, fields) if self.story else bank.add(fields)

    def action_save(self) -> None:
        if self.saving:
            return
        self.saving = True
        fields = self.fields()

        def work() -> None:
            try:
                story = self._write(fields)
            except StoryError as exc:
                self.app.call_from_thread(self._problem, str(exc))
                return
            self.app.call_from_thread(self._done, story)

        self.run_worker(work, thread=True, group="save-story", exit_on_error=False)

    def _problem(self, message: str) -> None:
        self.saving = False
        box = self.query_one("#form-problem", Static)
        box.update(Content(f"Not saved: {message}. Your text is still here; fix it and press ctrl+s."))
        box.display = True

    def _done(self, story: Story) -> None:
        self.story = story
        self.initial = self.fields()
        self.notify(f"Saved “{story.title}”.", markup=False)
        self.dismiss(story.id)

    def action_cancel(self) -> None:
        if not self.changed():
            self.dismiss(None)
            return

        def answer(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmScreen("Leave without saving? What you typed in this story will be lost."), answer)

    def keep_typed(self) -> None:
        """On quit or hang-up: save what was typed rather than lose it (a new story with no title
        gets one, so that it can be found)."""
        if self.saving or self.kept or not self.changed():
            return  # kept already: quitting calls this twice (the quit action, then Textual's ExitApp)
        fields = self.fields()
        fields["title"] = fields["title"].strip() or "Untitled story (saved when the coach closed)"
        try:
            self._write(fields)
            self.kept = True
        except StoryError:
            pass  # nothing can be shown now; the form said what is wrong when it was saved


class StoryReportScreen(CoachScreen):
    """A story's score against the behavioral rubric, laid out as a stage's feedback is."""

    BINDINGS = [Binding("escape,enter", "back", "Back", id="story-report.back", tooltip="Back to your stories")]

    def __init__(self, story: Story, report: ScoreReport):
        super().__init__()
        self.story, self.report = story, report

    def compose(self) -> ComposeResult:
        yield CoachHeader()
        sections = report_sections(self.report, self.story.text(), False, self.ladder)
        yield VerticalScroll(text(f"Story: {self.story.title}").add_class("subhead"), *sections, id="feedback")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"Score: {self.story.title}"
        self.query_one("#feedback").focus()

    def action_back(self) -> None:
        self.dismiss()
