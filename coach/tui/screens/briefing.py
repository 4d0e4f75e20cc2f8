"""The briefing: the situation, the exhibits and what will be assessed, before the clock starts."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Label, Select, Static

from coach import settings
from coach.library.formats import Level, exhibit_text
from coach.practice.session import Mode, Session
from coach.render.scenario import assessed_lines, reflow
from coach.render.view import level_choices
from coach.tui.messages import StartInterview
from coach.tui.screens.base import CoachScreen
from coach.tui.widgets.basics import CoachHeader, text

MODE_OPTIONS = [("Study (feedback each answer)", Mode.study), ("Interview (feedback at end)", Mode.interview)]


class BriefingScreen(CoachScreen):
    BINDINGS = [
        Binding(
            "ctrl+s", "start", "Start interview", id="briefing.start", tooltip="Start the interview", priority=True
        ),
        Binding("escape", "back", "Back", id="briefing.back", tooltip="Back to the catalogue"),
        Binding(
            "f2",
            "toggle_scores",
            "Scores",
            id="briefing.scores",
            tooltip="Hide or show scores and levels while practising (evidence and advice stay; remembered)",
        ),
    ]

    def __init__(self, session: Session):
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        sc = self.session.scenario
        lib = self.coach.library
        yield CoachHeader()
        with VerticalScroll(id="briefing"):
            yield text(sc.title).add_class("title")
            yield text(f"Interviewer: {sc.persona.name}, {sc.persona.role}").add_class("persona")
            yield text(" ".join(sc.persona.manner.split())).add_class("manner")
            yield text(reflow(sc.briefing.situation)).add_class("situation")
            for ex in sc.briefing.exhibits:
                yield text(exhibit_text(ex)).add_class("exhibit")
            assessed = []
            for i, st in enumerate(sc.stages):
                if not st.branch_only:
                    assessed.append(
                        f"{st.title}: " + "; ".join(line.split(" (")[0] for line in assessed_lines(sc, i, lib))
                    )
            minutes = f"About {sc.minutes} minutes, {len(assessed)} questions."
            yield text("What will be assessed\n" + "\n".join(f"• {a}" for a in assessed) + "\n\n" + minutes).add_class(
                "assessed"
            )
            yield Static(scores_state(), id="scores-state", markup=False)
        with Horizontal(id="briefing-controls"):
            yield Label("Target level")
            yield Select(
                level_choices(self.ladder),
                value=self.session.state.target,
                allow_blank=False,
                id="target",
                compact=True,
            )
            yield Label("Mode")
            yield Select(MODE_OPTIONS, value=self.session.state.mode, allow_blank=False, id="mode", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Briefing"
        self.query_one("#briefing").focus()

    @on(Select.Changed, "#target")
    def _target(self, event: Select.Changed) -> None:
        if isinstance(event.value, Level):
            self.session.state.target = event.value

    @on(Select.Changed, "#mode")
    def _mode(self, event: Select.Changed) -> None:
        if isinstance(event.value, Mode):
            self.session.state.mode = event.value

    def action_toggle_scores(self) -> None:
        super().action_toggle_scores()
        self.query_one("#scores-state", Static).update(scores_state())

    def action_start(self) -> None:
        self.post_message(StartInterview(self.session))

    def action_back(self) -> None:
        self.dismiss()


def scores_state() -> Content:
    if settings.hide_scores():
        return Content("Practising without numbers: scores and levels are hidden, evidence and advice shown (F2).")
    return Content("Scores and levels are shown with your feedback (F2 hides them while you practise).")
