"""The summary of a finished session: overall score and level, competencies, strengths,
what to work on, the mentor's review if any, and each stage's result."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import DataTable, Footer
from textual.worker import Worker, WorkerState

from coach import settings
from coach.practice.actions import export_session
from coach.practice.history import summarise
from coach.practice.mentor import side_by_side
from coach.practice.session import Session, Summary
from coach.render.html import session_report
from coach.render.text import level_text, overall_text
from coach.render.view import level_cell, summary_view
from coach.tui.messages import PractiseNext, SaveSession, ShowCatalogue, ShowFeedback
from coach.tui.screens.base import CoachScreen
from coach.tui.widgets.basics import CoachHeader, highlighted_key, text
from coach.tui.widgets.report import summary_parts


class SummaryScreen(CoachScreen):
    BINDINGS = [
        Binding(
            "enter",
            "open_stage",
            "Stage feedback",
            id="summary.stage",
            tooltip="Open the feedback of the highlighted stage",
        ),
        Binding(
            "e", "export", "Export", id="summary.export", tooltip="Save the transcript and report as Markdown and HTML"
        ),
        Binding("n", "next", "Practise next", id="summary.next", tooltip="Open the suggested next scenario"),
        Binding("escape", "catalogue", "Catalogue", id="summary.catalogue", tooltip="Back to the catalogue"),
        # The stages table has the focus but no scrolling of its own: these keys move the page.
        Binding("home", "top", "Top", id="summary.top", tooltip="Back to the headline", show=False, priority=True),
        Binding(
            "pageup",
            "page_up",
            "Page up",
            id="summary.pageup",
            tooltip="Scroll the summary up",
            show=False,
            priority=True,
        ),
        Binding(
            "pagedown",
            "page_down",
            "Page down",
            id="summary.pagedown",
            tooltip="Scroll the summary down",
            show=False,
            priority=True,
        ),
        Binding("end", "bottom", "End", id="summary.end", tooltip="To the stages table", show=False, priority=True),
    ]
    PALETTE = [("export", "Summary: export the transcript and report", "Save as Markdown and HTML")]

    def __init__(self, session: Session):
        super().__init__()
        self.session = session
        self.summary: Summary | None = None
        self._row = 0

    def compose(self) -> ComposeResult:
        yield CoachHeader()
        with VerticalScroll(id="summary"):
            yield Vertical(id="summary-parts")
            yield text("Stages (Enter opens a stage's feedback)").add_class("subhead")
            yield DataTable(id="stages", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Summary"
        # "Practise next" comes from the one recommender over the whole history (about 0.2 s
        # for 200 sessions), so every view names the same scenario.
        store = self.coach.store
        self.summary = summary = summarise(self.session, store)
        numbers = not settings.hide_scores()  # practice without numbers: the history keeps them
        parts = summary_parts(summary, numbers)
        review = self.session.state.review
        if review is not None and review.reviewed:
            mine = summarise(self.session, store, reviewed=True)
            parts.append(
                text(
                    f"Mentor's review{' by ' + review.mentor if review.mentor else ''}: {overall_text(mine)}, "
                    f"level {level_text(mine)}; the automatic score was {overall_text(summary)}."
                ).add_class("next")
            )
            for row in side_by_side(self.session):
                if row["reason"]:
                    parts.append(
                        text(
                            f"{row['criterion']} ({row['stage']}): {level_cell(row['automatic'])} → "
                            f"{level_cell(row['mentor'])}, because {row['reason']}"
                        ).add_class("concept")
                    )
            if review.comment.strip():
                parts.append(text("Mentor's advice: " + review.comment.strip()).add_class("concept"))
        self.query_one("#summary-parts", Vertical).mount_all(parts)
        table = self.query_one("#stages", DataTable)
        table.add_columns(*(("Stage", "Score", "Band") if numbers else ("Stage", "Result", "")))
        for st in summary_view(summary, numbers).stages:
            table.add_row(Text(st.title), Text(st.score), Text(st.band), key=st.stage)
        self._row = table.cursor_row
        table.focus(scroll_visible=False)  # the summary opens at its headline
        self.post_message(SaveSession(self.session))

    @on(DataTable.RowHighlighted, "#stages")
    def _row_moved(self, event: DataTable.RowHighlighted) -> None:
        # The table does not scroll itself (it is as tall as its rows): when the learner moves
        # its cursor, bring the table into view. The first highlight, on opening, does not count.
        if event.cursor_row != self._row:
            self._row = event.cursor_row
            self.query_one("#summary", VerticalScroll).scroll_to_widget(event.data_table, animate=False)

    def action_top(self) -> None:
        self.query_one("#summary", VerticalScroll).scroll_home(animate=False)

    def action_bottom(self) -> None:
        self.query_one("#summary", VerticalScroll).scroll_end(animate=False)

    def action_page_up(self) -> None:
        self.query_one("#summary", VerticalScroll).scroll_page_up(animate=False)

    def action_page_down(self) -> None:
        self.query_one("#summary", VerticalScroll).scroll_page_down(animate=False)

    def action_open_stage(self) -> None:
        stage_id = highlighted_key(self.query_one("#stages", DataTable))
        if stage_id is None:
            return
        for rec, report in self.session.final_reports():
            if rec.stage == stage_id:
                self.post_message(ShowFeedback(self.session, rec.stage, report, review=True))
                return
        self.notify("This question was not reached in this session: it is not assessed.", markup=False)

    @on(DataTable.RowSelected, "#stages")
    def _selected(self) -> None:
        self.action_open_stage()

    def action_export(self) -> None:
        store, session = self.coach.store, self.session

        def write() -> list[Path]:
            return export_session(session, lambda fmt: session_report(session, fmt, store))

        self._export_worker = self.run_worker(write, thread=True, group="export", exit_on_error=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if getattr(self, "_export_worker", None) is not event.worker:
            return
        if event.state == WorkerState.SUCCESS and event.worker.result:
            markdown, page = event.worker.result
            self.notify(f"Saved {markdown} and {page.name}", title="Exported", markup=False)
        elif event.state == WorkerState.ERROR:
            self.notify(f"Could not save the report: {event.worker.error}", severity="error", markup=False)

    def action_next(self) -> None:
        summary = self.summary
        if summary is None:
            return
        if summary.next_scenario:
            self.post_message(PractiseNext(summary.next_scenario))
        else:
            self.notify(summary.next_reason or "No suggestion this time.", markup=False)

    def action_catalogue(self) -> None:
        self.post_message(ShowCatalogue())
