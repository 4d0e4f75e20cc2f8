"""The coach's Textual app and the one factory the CLI and the tests share."""

from __future__ import annotations

import asyncio
import signal
import time
from pathlib import Path
from typing import Callable

from textual.app import App
from textual.binding import Binding

from coach.formats import Level
from coach.loader import Library
from coach.practice import snapshot, write
from coach.scoring import Scorer
from coach.session import Mode, Session
from coach.store import Store
from coach.tui.commands import CoachCommands


class CoachApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "TPM Coach"
    COMMANDS = App.COMMANDS | {CoachCommands}
    BINDINGS = [
        Binding("f1", "help", "Help", id="app.help", tooltip="List every key on this screen"),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", tooltip="Quit; your answer and session are saved"),
    ]

    def __init__(self, library: Library, store: Store, session: Session | None = None,
                 scenario_id: str | None = None, clock: Callable[[], float] = time.time,
                 mentor_session: Session | None = None, mentor_name: str = "",
                 review_items: list | None = None, review_output: Path | None = None):
        super().__init__()
        self.library = library
        self.store = store
        self.scorer = Scorer(library)
        self.clock = clock
        self.session = session
        self.scenario_id = scenario_id
        self.mentor_session = mentor_session
        self.mentor_name = mentor_name
        self.review_items = review_items or []
        self.review_output = review_output
        self.review_index = 0
        self.reviewed_states: dict[str, dict] = {}  # session id -> reviewed state, for the output file

    def on_mount(self) -> None:
        from coach.tui.screens import BriefingScreen, CatalogueScreen, InterviewScreen, ResumeScreen, SummaryScreen

        self._install_signal_handlers()
        self.screen_change_signal.subscribe(self, self._screen_changed, immediate=True)
        self.push_screen(CatalogueScreen())
        if self.mentor_session is not None or self.review_items:
            self._open_mentor()
        elif self.session is not None:
            if self.session.finished:
                self.push_screen(SummaryScreen(self.session))
            elif self.session.state.status == "answering":
                self.push_screen(InterviewScreen(self.session))
            else:
                self.push_screen(BriefingScreen(self.session))
        elif self.scenario_id:
            self.open_briefing(self.scenario_id)
        else:
            unfinished = [s for s in self.store.unfinished() if s.scenario in self.library.scenarios]
            if unfinished:
                self.push_screen(ResumeScreen(unfinished[0]), self._resume_answer)

    def _open_mentor(self) -> None:
        from coach.mentor import review_of
        from coach.tui.mentor import MentorScreen

        if self.mentor_session is not None:
            session = self.mentor_session
            session.scorer, session.clock = self.scorer, self.clock
            review_of(session, self.mentor_name)
            self.session = session
            self.push_screen(MentorScreen(session))
            return
        state, _ = self.review_items[self.review_index]
        session = Session(self.library, state, self.scorer, self.clock)
        review_of(session, self.mentor_name)
        self.session = session
        self.push_screen(MentorScreen(session, review=True, output=self.review_output))

    def write_review_file(self, session: Session) -> None:
        """The output holds every session of the input file, the reviewed ones replaced."""
        from coach.history import export_record

        self.reviewed_states[session.state.id] = session.state.model_dump(mode="json")
        lines = []
        for state, record in self.review_items:
            data = self.reviewed_states.get(state.id) or state.model_dump(mode="json")
            lines.append(export_record(data, str(record.get("title") or state.scenario), record.get("score")))
        assert self.review_output is not None
        self.review_output.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def review_next(self) -> bool:
        """Open the next session of the file under review; False when there is none."""
        if self.review_index + 1 >= len(self.review_items):
            return False
        self.review_index += 1
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self._open_mentor()
        return True

    def _resume_answer(self, session_id: str | None) -> None:
        if session_id:
            self.resume(session_id)

    # ------------------------------------------------------------------ sessions

    def new_session(self, scenario_id: str, target: Level | None = None, mode: Mode = Mode.study) -> Session:
        return Session.new(self.library, scenario_id, target, mode, scorer=self.scorer, clock=self.clock)

    def open_briefing(self, scenario_id: str, target: Level | None = None, mode: Mode = Mode.study) -> None:
        from coach.tui.screens import BriefingScreen

        self.session = self.new_session(scenario_id, target, mode)
        self.push_screen(BriefingScreen(self.session))

    def resume(self, session_id: str) -> None:
        from coach.practice import resume
        from coach.tui.screens import InterviewScreen, SummaryScreen

        try:
            session = resume(self.store, self.library, session_id, self.scorer)
        except (KeyError, ValueError) as exc:
            self.notify(f"Could not resume that session: {exc}", severity="error", markup=False)
            return
        session.clock = self.clock
        self.session = session
        self.push_screen(SummaryScreen(session) if session.finished else InterviewScreen(session))

    def save(self, session: Session, wait: bool = False) -> None:
        """Save the session: snapshot now, write in a worker (or now, when quitting)."""
        snap = snapshot(session)
        if wait:
            write(self.store, snap)
        else:
            self.run_worker(lambda: write(self.store, snap), thread=True, group="save", exit_on_error=False)

    # ------------------------------------------------------------------ keeping answers safe

    def save_everything_now(self) -> None:
        """Synchronously save the session and the draft being typed (quit, hang-up)."""
        from coach.tui.screens import InterviewScreen

        for screen in self.screen_stack:
            if isinstance(screen, InterviewScreen):
                screen.store_draft_now()
        if self.session is not None and self.session.state.status != "briefing":
            self.save(self.session, wait=True)

    def _screen_changed(self, screen: object) -> None:
        # A notification belongs to the screen it was raised on; on the next one it would cover what the user
        # came to see. Cleared at once, before queued messages, so one raised just before the change still shows.
        self.clear_notifications()

    def _install_signal_handlers(self) -> None:
        """A closed terminal (SIGHUP) or a kill (SIGTERM) saves before exiting."""
        try:
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGHUP, signal.SIGTERM):
                loop.add_signal_handler(sig, self._on_hangup)
        except (NotImplementedError, RuntimeError, AttributeError, ValueError):
            pass  # not on this platform or not in the main thread (tests)

    def _on_hangup(self) -> None:
        self.save_everything_now()
        self.exit(0)

    async def action_quit(self) -> None:
        self.save_everything_now()
        self.exit(0)

    def action_help(self) -> None:
        from coach.tui.screens import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))


def make_app(library: Library, store: Store, session: Session | None = None, scenario_id: str | None = None,
             clock: Callable[[], float] = time.time, mentor_session: Session | None = None, mentor_name: str = "",
             review_items: list | None = None, review_output: Path | None = None) -> CoachApp:
    """The one way to build the app, for the CLI and the tests alike."""
    return CoachApp(library, store, session=session, scenario_id=scenario_id, clock=clock,
                    mentor_session=mentor_session, mentor_name=mentor_name, review_items=review_items,
                    review_output=review_output)
