"""A stage's feedback: the score, each criterion's ✓/✗ rows, the answer with its evidence
highlighted and, on request, the model answer."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Static

from coach import settings
from coach.practice.session import Session, assessed
from coach.scoring.report import ScoreReport
from coach.tui.messages import ShowSummary
from coach.tui.screens.base import CoachScreen
from coach.tui.widgets.basics import CoachHeader
from coach.tui.widgets.report import report_sections, skipped_sections


class FeedbackScreen(CoachScreen):
    BINDINGS = [
        Binding("enter", "continue", "Continue", id="feedback.continue", tooltip="On to the next question"),
        Binding(
            "m", "model", "Model answer", id="feedback.model", tooltip="Show or hide the model answer and takeaways"
        ),
        Binding("escape", "continue", "Back", id="feedback.back", show=False),
    ]

    def __init__(self, session: Session, stage_id: str, report: ScoreReport, final: bool = False, review: bool = False):
        super().__init__()
        self.session, self.stage_id, self.report = session, stage_id, report
        self.final, self.review = final, review
        self.show_model = False

    def _answer(self) -> str:
        rec = next(r for r in reversed(self.session.state.records) if r.stage == self.stage_id)
        return "\n\n".join(rec.answers)

    def _sections(self) -> Iterable[Static]:
        rec = next(r for r in reversed(self.session.state.records) if r.stage == self.stage_id)
        if not assessed(rec):
            return skipped_sections(self.report, self.show_model)
        return report_sections(self.report, self._answer(), self.show_model, self.ladder, not settings.hide_scores())

    def compose(self) -> ComposeResult:
        yield CoachHeader()
        yield VerticalScroll(*self._sections(), id="feedback")
        yield Footer()

    def on_mount(self) -> None:
        stage = self.session.scenario.stage(self.stage_id)
        self.sub_title = f"Feedback: {stage.title if stage else self.stage_id}"
        self.query_one("#feedback").focus()

    async def action_model(self) -> None:
        self.show_model = not self.show_model
        box = self.query_one("#feedback", VerticalScroll)
        await box.remove_children()
        await box.mount_all(self._sections())
        if self.show_model:
            box.scroll_end(animate=False)

    def action_continue(self) -> None:
        if self.final:
            self.post_message(ShowSummary(self.session))
        else:
            self.dismiss()
