"""The interview: the conversation, the answer being typed (its draft saved as it is typed),
hints, skips and the timer. Scoring runs in a worker."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Footer, Static, TextArea

from coach.practice.session import Mode, Outcome, Session, SessionError
from coach.render.scenario import reflow
from coach.render.view import role_name
from coach.tui.messages import SaveDraft, SaveSession, ShowFeedback, ShowSummary
from coach.tui.screens.base import CoachScreen
from coach.tui.widgets.basics import CoachHeader

DRAFT_DELAY = 0.5  # seconds of quiet typing before the draft is saved


class Turn(Static):
    """One turn of the conversation."""


class InterviewScreen(CoachScreen):
    BINDINGS = [
        Binding("ctrl+s", "submit", "Submit", id="interview.submit", tooltip="Submit your answer", priority=True),
        Binding(
            "ctrl+t",
            "hint",
            "Hint",
            id="interview.hint",
            tooltip="Reveal the next hint (hints are counted)",
            priority=True,
        ),
        Binding(
            "ctrl+n", "skip", "Skip", id="interview.skip", tooltip="Skip this question (press twice)", priority=True
        ),
    ]
    PALETTE = [
        ("hint", "Interview: reveal a hint", "Show the next hint for this question"),
        ("skip", "Interview: skip this question", "Move on without answering"),
    ]

    def __init__(self, session: Session):
        super().__init__()
        self.session = session
        self.busy = False
        self._draft_timer: Timer | None = None
        self._skip_armed = False
        self._warned = False

    def compose(self) -> ComposeResult:
        yield CoachHeader()
        with Horizontal(id="status"):
            yield Static(id="progress", markup=False)
            yield Static(id="timer", markup=False)
        yield VerticalScroll(id="conversation")
        yield TextArea(
            self.session.state.draft,
            id="answer",
            soft_wrap=True,
            show_line_numbers=False,
            placeholder="Type your answer. ctrl+s submits; your draft is saved as you type.",
        )
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.session.scenario.title
        for turn in self.session.state.transcript:
            self._add_turn(turn.role, turn.kind, turn.text)
        self._update_status()
        self.set_interval(1, self._update_status)
        answer = self.query_one("#answer", TextArea)
        answer.move_cursor(answer.document.end)
        answer.focus()

    # ---------------------------------------------------------------- display

    def _add_turn(self, role: str, kind: str, body: str) -> None:
        label = role_name(role, self.session.scenario.persona.name) + (" (follow-up)" if kind == "followup" else "")
        shown = reflow(body) if role != "candidate" else body.strip()  # the candidate's text stays as typed
        turn = Turn(Content.assemble((label, "bold"), "\n", shown), markup=False, classes=f"turn {role} {kind}")
        conversation = self.query_one("#conversation", VerticalScroll)
        conversation.mount(turn)
        conversation.scroll_end(animate=False)

    def _update_status(self) -> None:
        if self.session.finished or self.session.state.current is None:
            return
        number, total = self.session.stage_number()
        hints = f"hints {self.session.record.hints_used}/{len(self.session.stage.hints)}"
        follow = " (follow-up)" if self.session.state.awaiting_followup else ""
        progress = self.query_one("#progress", Static)
        progress.set_class(self._skip_armed, "armed")
        if self._skip_armed:  # asked in the status line: a toast would cover the answer box
            typed = self.query_one("#answer", TextArea).text.strip()
            progress.update(
                Content(
                    "Press ctrl+n again to "
                    + ("send what you wrote and move on" if typed else "skip this question")
                    + "; keep typing to stay."
                )
            )
        else:
            progress.update(Content(f"{number}/{total} · {hints} · {self.session.stage.title}{follow}"))
        left = self.session.remaining_seconds()
        timer = self.query_one("#timer", Static)
        if left is None:
            timer.update(Content("no time limit"))
        elif left > 0:
            timer.update(Content(f"⏱ {int(left // 60)}:{int(left % 60):02d} left"))
            timer.remove_class("overtime")
        else:
            timer.update(Content(f"⏱ time is up (+{int(-left // 60)}:{int(-left % 60):02d}) · finish and submit"))
            timer.add_class("overtime")
            if not self._warned:
                self._warned = True
                # The status line (in reverse) keeps counting the time over.
                self.say("Time is up", "Your answer is kept; finish your thought and submit with ctrl+s.", "time-up")

    def say(self, title: str, body: str, kind: str) -> None:
        """Tell the learner something in the conversation, right above the answer box: a toast would
        cover the box while they type."""
        turn = Turn(Content.assemble((title, "bold"), "\n", body), markup=False, classes=f"turn coach {kind}")
        conversation = self.query_one("#conversation", VerticalScroll)
        conversation.mount(turn)
        conversation.scroll_end(animate=False)

    # ---------------------------------------------------------------- drafts

    @on(TextArea.Changed, "#answer")
    def _changed(self) -> None:
        if self._skip_armed:
            self._skip_armed = False
            self._update_status()
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_DELAY, self._save_draft)

    def _save_draft(self) -> None:
        self.session.set_draft(self.query_one("#answer", TextArea).text)
        self.post_message(SaveDraft(self.session))

    def store_draft_now(self) -> None:
        """Keep what is typed in the session now (quitting: the app then saves it at once)."""
        if self.session.finished or self.session.state.current is None:
            return
        self.session.set_draft(self.query_one("#answer", TextArea).text)

    # ---------------------------------------------------------------- actions

    def action_submit(self) -> None:
        # Keys typed just before ctrl+s may still wait in the editor's own queue: read the
        # text only after the editor has processed them, or their characters would be lost.
        self.query_one("#answer", TextArea).call_later(self._submit_now)

    def _submit_now(self) -> None:
        answer = self.query_one("#answer", TextArea)
        if self.busy:
            return
        if not answer.text.strip():
            self.notify("Type an answer first, or press ctrl+n twice to skip.", severity="warning")
            return
        self._run(answer.text, skip=False)

    def action_skip(self) -> None:
        if self.busy:
            return
        if not self._skip_armed:
            self._skip_armed = True
            self._update_status()
            return
        self._skip_armed = False
        self.query_one("#answer", TextArea).call_later(self._skip_now)

    def _skip_now(self) -> None:
        if not self.busy:
            self._run(self.query_one("#answer", TextArea).text, skip=True)

    def action_hint(self) -> None:
        if self.busy:
            return
        hint = self.session.hint()
        if hint is None:
            self.notify("No more hints for this question.")
            return
        self._add_turn("coach", "hint", hint)
        self._update_status()
        self.post_message(SaveSession(self.session))

    def _run(self, answer_text: str, skip: bool) -> None:
        self.busy = True
        editor = self.query_one("#answer", TextArea)
        editor.read_only = True
        if answer_text.strip():  # a skip sends what was typed, so it shows as the answer
            self._add_turn("candidate", "answer", answer_text)
        self.query_one("#progress", Static).update(Content("Scoring your answer…"))
        self._score(answer_text, skip)

    @work(thread=True, exclusive=True, group="score")
    def _score(self, answer_text: str, skip: bool) -> None:
        try:
            outcome = self.session.move_on(answer_text) if skip else self.session.submit(answer_text)
        except SessionError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        self.app.call_from_thread(self._after, outcome)

    def _after(self, outcome: Outcome) -> None:
        self.busy = False
        self._warned = False
        editor = self.query_one("#answer", TextArea)
        editor.read_only = False
        editor.load_text("")
        self.post_message(SaveSession(self.session))
        if outcome.kind == "followup":
            self._add_turn("interviewer", "followup", outcome.question or "")
        elif outcome.kind == "next":
            if self.session.state.mode is Mode.study and outcome.report:
                self.post_message(ShowFeedback(self.session, outcome.stage, outcome.report))
            nxt = self.session.stage
            self._add_turn("interviewer", "prompt", nxt.prompt)
        else:
            if self.session.state.mode is Mode.study and outcome.report:
                self.post_message(ShowFeedback(self.session, outcome.stage, outcome.report, final=True))
            else:
                self.post_message(ShowSummary(self.session))
            return
        self._update_status()
        editor.focus()
