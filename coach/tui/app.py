"""The coach's Textual app and the one factory the CLI and the tests share.

The app holds the session being worked on and reacts to what the screens ask for: each
screen posts a message (coach/tui/messages.py) and the on_* handlers below answer it."""

from __future__ import annotations

import errno
import importlib
import os
import signal
import threading
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App
from textual.binding import Binding
from textual.theme import Theme
from textual.worker import Worker, WorkerState

from coach import paths
from coach.library.index import Catalogue, LibraryLoad
from coach.tui import screens
from coach.tui.commands import CoachCommands
from coach.tui.messages import (
    CatalogueDrawn,
    ExportReview,
    OpenBriefing,
    OpenCompare,
    OpenHistory,
    OpenPlan,
    OpenSession,
    OpenStories,
    PractiseNext,
    SaveDraft,
    SaveSession,
    ShowCatalogue,
    ShowFeedback,
    ShowSummary,
    StartInterview,
)

if TYPE_CHECKING:  # imported where used: the first screen is drawn before these modules are loaded
    from coach.library.loader import Library
    from coach.library.names import Level
    from coach.practice.resume import Unsaved
    from coach.practice.session import Mode, Session
    from coach.practice.store import Store
    from coach.scoring.engine import Scorer

# After SIGHUP (terminal closed) or SIGTERM the session is saved and the process has ended by this many
# seconds (plus the save itself), even if Textual is stuck writing to a terminal that is gone or stalled.
EXIT_WITHIN = 1.2
# Imported sessions verified in the background between two refreshes of the screens showing progress.
VERIFY_BATCH = 25
EXIT_SIGNALS = tuple(s for s in (getattr(signal, "SIGHUP", None), signal.SIGTERM) if s is not None)


class CoachApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "TPM Coach"
    COMMANDS = App.COMMANDS | {CoachCommands}
    BINDINGS = [
        Binding("f1", "help", "Help", id="app.help", tooltip="List every key on this screen"),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", tooltip="Quit; your answer and session are saved"),
    ]

    def __init__(
        self,
        library: Library | LibraryLoad,
        store: Store,
        session: Session | None = None,
        scenario_id: str | None = None,
        clock: Callable[[], float] = time.time,
        mentor_session: Session | None = None,
        mentor_name: str = "",
        review_items: list | None = None,
        review_output: Path | None = None,
        now: Callable[[], datetime] | None = None,
    ):
        super().__init__()
        # the wall clock for what depends on the day: recommendations, the streak, the plan (tests freeze it)
        self.now = now or (lambda: datetime.now(timezone.utc))
        # Given a LibraryLoad (`coach` on its catalogue), the catalogue is drawn from the library's index and
        # the library itself is loaded in a worker once the catalogue is on screen (see library_ready).
        self._load = library if isinstance(library, LibraryLoad) else None
        self._library: Library | None = None if isinstance(library, LibraryLoad) else library
        self.catalogue = self._load.catalogue() if self._load else Catalogue.of(self.library)
        self.store = store
        self._scorer: Scorer | None = None
        self.clock = clock
        self.session = session
        self.scenario_id = scenario_id
        self.mentor_session = mentor_session
        self.mentor_name = mentor_name
        self.review_items = review_items or []
        self.review_output = review_output
        self.review_index = 0
        self.reviewed_states: dict[str, dict] = {}  # session id -> reviewed state, for the output file
        self.unsaved: Unsaved | None = None
        """The last save failed (a full disk): where the session is kept meanwhile (see practice.resume)."""
        self._offer_when_loaded = False
        self._signalled = threading.Event()  # SIGHUP or SIGTERM arrived (see run)
        self._saved_after_signal = threading.Event()

    @property
    def library(self) -> Library:
        """The scenario library; while the worker is still loading it, waits for it (see library_ready)."""
        if self._library is None:
            assert self._load is not None
            self._library = self._load.library()
        return self._library

    def on_mount(self) -> None:
        self._apply_saved_theme()
        self.screen_change_signal.subscribe(self, self._screen_changed, immediate=True)
        self.push_screen(screens.CatalogueScreen())
        self._say_how_the_history_is()
        if self.mentor_session is not None or self.review_items:
            self._open_mentor()
        elif self.session is not None:
            if self.session.finished:
                self.push_screen(screens.SummaryScreen(self.session))
            elif self.session.state.status == "answering":
                self.push_screen(screens.InterviewScreen(self.session))
            else:
                self.push_screen(screens.BriefingScreen(self.session))
        elif self.scenario_id:
            self.open_briefing(self.scenario_id)
        elif self._library is not None:
            self.call_after_refresh(self._offer_to_resume)  # once the catalogue is drawn: it needs the sessions' code
        else:
            self._offer_when_loaded = True  # it needs the library: see _library_loaded
        if self._library is not None:
            self.call_after_refresh(self._verify_imports)

    def on_catalogue_drawn(self, message: CatalogueDrawn) -> None:
        """Load the library once the catalogue is on screen: a worker started sooner would slow its first frame."""
        if self._library is None and not any(w.group == "library" for w in self.workers):
            self._load_library()

    def _load_library(self) -> Worker[Library]:
        return self.run_worker(self._library_in_background, thread=True, group="library", name="library")

    def _library_in_background(self) -> Library:
        assert self._load is not None
        library = self._load.library()
        # The resume offer and a new session need the sessions' code and the scorer's (a second or so to
        # import): imported here, they do not freeze the catalogue once the library is loaded.
        importlib.import_module("coach.practice.actions")
        return library

    async def library_ready(self) -> None:
        """Wait for the library when a screen needs it before its worker is done: the widget with the focus
        shows that it loads. Keys pressed meanwhile wait in the app's queue and go, in order, to what opens."""
        if self._library is not None or self._load is None or self._load.loaded:
            return
        workers = [w for w in self.workers if w.group == "library"]
        worker = workers[0] if workers else self._load_library()
        busy = self.screen.focused
        if busy is not None:
            busy.loading = True
        try:
            await worker.wait()
        finally:
            if busy is not None:
                busy.loading = False

    def _library_loaded(self) -> None:
        """The worker has loaded the library: the catalogue shows it if it differs from the index (a file
        changed since), then the coach offers to resume an unfinished session."""
        catalogue = Catalogue.of(self.library)
        if catalogue != self.catalogue:
            self.catalogue = catalogue
            for screen in self.screen_stack:
                if isinstance(screen, screens.CatalogueScreen):
                    screen.refresh_table()
        self._verify_imports()
        if self._offer_when_loaded:
            self._offer_when_loaded = False
            self._offer_to_resume()

    def _offer_to_resume(self) -> None:
        if self.store.read_only:
            return  # it could not go on: nothing would be saved
        from coach.practice.actions import resumable

        unfinished = resumable(self.store, self.library)
        if unfinished and isinstance(self.screen, screens.CatalogueScreen):
            self.push_screen(screens.ResumeScreen(unfinished), self._resume_answer)

    def _say_how_the_history_is(self) -> None:
        """A read-only history, or sessions a failed save kept aside and now taken back."""
        if self.store.read_only:
            self.notify(self.store.read_only_reason, title="Read-only", severity="warning", timeout=20, markup=False)
            return
        if not any(any(folder.glob("*.json")) for folder in paths.unsaved_folders()):
            return  # nothing was kept aside: no need to load what taking it back takes
        from coach.practice.resume import recover

        for line in recover(self.store):
            self.notify(line, title="Kept from a failed save", timeout=20, markup=False)

    def _verify_imports(self) -> None:
        """Recompute, in a worker, the scores of imported sessions awaiting verification, so a user
        who imports and opens the app gets verified numbers without doing anything. Each session is
        saved as it is done; quitting stops the work and leaves the rest awaiting."""
        if not self.store.read_only:
            self.run_worker(self._verifying, thread=True, group="verify", exit_on_error=False)

    def _verifying(self) -> None:
        from textual.worker import get_current_worker

        from coach.practice.history import awaiting_verification, verify_pending
        from coach.practice.resume import WRITE_FAILURES

        worker = get_current_worker()
        try:
            ids = awaiting_verification(self.store, self.library)
        except WRITE_FAILURES:
            return  # a history that cannot be read now: the app says so where it is used
        if not ids:
            return
        done = 0

        def verified(_: object) -> None:
            nonlocal done
            done += 1
            if done % VERIFY_BATCH == 0 and done < len(ids):
                self.call_from_thread(self._verified, done, len(ids), False)

        try:
            verify_pending(self.store, self.library, ids, verified, stop=lambda: worker.is_cancelled)
        except WRITE_FAILURES:
            return  # a full disk, a history closed as the app ends: the rest stays awaiting, for next time
        if not worker.is_cancelled:
            self.call_from_thread(self._verified, done, len(ids), True)

    def _verified(self, done: int, total: int, finished: bool) -> None:
        """Some imported sessions are verified: the screens showing progress read the history again."""
        from coach.tui.messages import SessionsVerified

        for screen in self.screen_stack:
            screen.post_message(SessionsVerified())
        if finished and done:
            self.notify(f"Verified {done} imported session(s): their scores now count in your progress.", markup=False)

    def _cannot_practise(self) -> bool:
        """True (and says why) when answers could not be saved at all: the history is read-only."""
        if self.store.read_only:
            self.notify(
                "Practice cannot start: " + self.store.read_only_reason, severity="error", timeout=20, markup=False
            )
        return self.store.read_only

    def _open_mentor(self) -> None:
        from coach.practice.mentor import review_of

        if self.mentor_session is not None:
            session = self.mentor_session
            session.scorer, session.clock = self.scorer, self.clock
            review_of(session, self.mentor_name)
            self.session = session
            self.push_screen(screens.MentorScreen(session))
            return
        from coach.practice.session import Session

        state, _ = self.review_items[self.review_index]
        session = Session(self.library, state, self.scorer, self.clock)
        review_of(session, self.mentor_name)
        self.session = session
        self.push_screen(
            screens.MentorScreen(
                session, review=True, output=self.review_output, place=(self.review_index + 1, len(self.review_items))
            )
        )

    def write_review_file(self, session: Session) -> None:
        """The output holds every session of the input file, the reviewed ones replaced."""
        from coach.practice.actions import write_atomically
        from coach.practice.exchange import export_record

        self.reviewed_states[session.state.id] = session.state.model_dump(mode="json")
        lines = []
        for state, record in self.review_items:
            data = self.reviewed_states.get(state.id) or state.model_dump(mode="json")
            lines.append(export_record(data, str(record.get("title") or state.scenario), record.get("score")))
        assert self.review_output is not None
        write_atomically(self.review_output, "\n".join(lines) + "\n")

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

    @property
    def scorer(self) -> Scorer:
        """The one scorer of the app's sessions (made when first needed: not for the first screen)."""
        if self._scorer is None:
            from coach.scoring.engine import Scorer

            self._scorer = Scorer(self.library)
        return self._scorer

    def new_session(self, scenario_id: str, target: Level | None = None, mode: Mode | None = None) -> Session:
        from coach.practice.session import Mode, Session

        return Session.new(self.library, scenario_id, target, mode or Mode.study, scorer=self.scorer, clock=self.clock)

    def open_briefing(self, scenario_id: str, target: Level | None = None, mode: Mode | None = None) -> None:
        self.session = self.new_session(scenario_id, target, mode)
        self.push_screen(screens.BriefingScreen(self.session))

    def resume(self, session_id: str) -> None:
        from coach.practice.actions import resume_session

        try:
            session = resume_session(self.store, self.library, session_id, self.scorer, self.clock)
        except (KeyError, ValueError) as exc:
            self.notify(f"Could not resume that session: {exc}", severity="error", markup=False)
            return
        if not session.finished and self._cannot_practise():
            return
        self.session = session
        self.push_screen(screens.SummaryScreen(session) if session.finished else screens.InterviewScreen(session))

    def save(self, session: Session, wait: bool = False) -> None:
        """Save the session: snapshot now, write in a worker (or now, when quitting). A save that
        fails keeps the session aside and says so (see saved); it never stops the interview."""
        from coach.practice.resume import save, save_draft_of, snapshot

        if self.store.read_only:
            return  # nothing new can be practised; what is shown came from the history
        snap = snapshot(session)
        if wait:  # quitting: the answer being typed too, and run_app says where it was kept if need be
            draft_unsaved = save_draft_of(self.store, snap)
            self.unsaved = save(self.store, snap) or draft_unsaved
        else:
            # the worker returns what went wrong, if anything; on_worker_state_changed then says so
            self.run_worker(lambda: save(self.store, snap), thread=True, group="save", exit_on_error=False)

    def saved(self, unsaved: Unsaved | None, draft: bool = False) -> None:
        """After a save: say when saving fails (once, until it works again), and when it works again."""
        if unsaved is None:
            if self.unsaved is not None and not draft:  # a draft saved says nothing of the session
                self.unsaved = None
                self._tell("Saved again", "Your session is in your history again.", "saved")
            return
        if self.unsaved is None:
            self._tell("Not saved", unsaved.message(), "unsaved")
        self.unsaved = unsaved

    def _tell(self, title: str, body: str, kind: str) -> None:
        """In the conversation of an interview in progress (see InterviewScreen.say), else in a notification."""
        interviews = [s for s in self.screen_stack if isinstance(s, screens.InterviewScreen)]
        for interview in interviews:
            interview.say(title, body, kind)
        if not interviews:
            self.notify(
                body, title=title, severity="error" if kind == "unsaved" else "information", timeout=30, markup=False
            )

    # ------------------------------------------------------------------ keeping answers safe

    def save_everything_now(self) -> None:
        """Synchronously save the session and the draft being typed (quit, hang-up)."""
        for screen in self.screen_stack:
            if isinstance(screen, screens.InterviewScreen):
                screen.store_draft_now()
            elif hasattr(screen, "keep_typed"):  # the mentor's notes and advice
                screen.keep_typed()
        if self.session is not None and self.session.state.status != "briefing":
            self.save(self.session, wait=True)

    def _screen_changed(self, screen: object) -> None:
        # A notification belongs to the screen it was raised on; on the next one it would cover what the user
        # came to see. Cleared at once, before queued messages, so one raised just before the change still shows.
        self.clear_notifications()

    # ------------------------------------------------------------------ hang-up and kill

    def run(self, **kwargs):  # type: ignore[no-untyped-def,override]
        """Run the app; in a terminal, SIGHUP and SIGTERM save and end the process (see _end_after_signal)."""
        if kwargs.get("headless") or os.name != "posix" or threading.current_thread() is not threading.main_thread():
            return super().run(**kwargs)
        # Once the terminal is closed, Textual's output thread dies on its first failed write (on a stalled
        # terminal it blocks), and the event loop then waits for ever to queue more output: a handler run by
        # the loop (loop.add_signal_handler) never runs, and even SIGTERM is ignored. So the C-level handler
        # writes the signal number to a pipe (set_wakeup_fd), and a thread of our own wakes up on it,
        # whatever the main thread is doing; the Python handlers do nothing. Before this point, during
        # start-up, the default action ends the process at once: there is nothing to save yet.
        wake_read, wake_write = os.pipe()
        os.set_blocking(wake_write, False)
        previous = {sig: signal.signal(sig, lambda signum, frame: None) for sig in EXIT_SIGNALS}
        previous_fd = signal.set_wakeup_fd(wake_write, warn_on_full_buffer=False)
        watcher = threading.Thread(target=self._end_after_signal, args=(wake_read,), name="coach-signals", daemon=True)
        watcher.start()
        try:
            return super().run(**kwargs)
        finally:
            if self._signalled.is_set():  # the app has exited after a signal: once the save is done, end here
                self._saved_after_signal.wait(EXIT_WITHIN)  # (Python's clean-up at exit takes half a second)
                _end_process()
            else:
                signal.set_wakeup_fd(previous_fd)
                for sig, handler in previous.items():
                    signal.signal(sig, handler)
                os.close(wake_write)  # the thread reads the end of the pipe and stops

    def _end_after_signal(self, wake_read: int) -> None:
        """Wait for SIGHUP/SIGTERM; then save, ask the app to exit, and end the process by EXIT_WITHIN."""
        while True:
            woken_by = os.read(wake_read, 64)  # signal numbers; SIGWINCH (a resize) wakes us too
            if not woken_by:  # the app ended normally
                os.close(wake_read)
                return
            if set(woken_by) & set(EXIT_SIGNALS):
                break
        self._signalled.set()
        deadline = time.monotonic() + EXIT_WITHIN
        try:
            self._on_hangup()
        except Exception:  # nothing can be shown on a closed terminal, and the exit must still happen
            pass
        finally:
            self._saved_after_signal.set()
        if not _terminal_gone():
            time.sleep(max(0.0, deadline - time.monotonic()))  # time for Textual to exit and restore the terminal
        _end_process()  # Textual is stuck, or there is no terminal left to restore

    def _on_hangup(self) -> None:
        """Save now and ask the app to exit (thread-safe: called from the signal thread)."""
        self.save_everything_now()
        self.exit(0)

    def on_exit_app(self) -> None:
        """Textual's ExitApp, before Textual's own handler. Served by `coach serve`, it is how the app hears that its
        tab closed or the server stopped (textual-serve's "quit"): save what was typed since the last pause."""
        self.save_everything_now()

    async def action_quit(self) -> None:
        self.save_everything_now()
        self.exit(0)

    # ------------------------------------------------------------------ the theme, remembered

    def _apply_saved_theme(self) -> None:
        from coach import settings

        name = settings.load().get("theme")
        if isinstance(name, str) and name in self.available_themes:  # a theme since removed is ignored
            self.theme = name
        self.theme_changed_signal.subscribe(self, self._remember_theme)

    def _remember_theme(self, theme: Theme) -> None:
        """However the theme was chosen (the palette's "Change theme"), the next start uses it."""
        from coach import settings

        if settings.load().get("theme") == theme.name:
            return
        try:
            settings.save(theme=theme.name)
        except OSError as exc:
            self.notify(f"Could not remember the theme: {exc}", severity="warning", markup=False)

    def action_help(self) -> None:
        if not isinstance(self.screen, screens.HelpScreen):
            self.push_screen(screens.HelpScreen(self.screen))

    # ------------------------------------------------------------------ what the screens ask for
    # A key pressed twice may post a message twice before the first is handled: the checks
    # of the screen on top keep that from opening a screen twice.

    def on_open_briefing(self, message: OpenBriefing) -> Awaitable[None] | None:
        if isinstance(self.screen, screens.BriefingScreen):
            return None
        if self._library is None and self._load is not None and not self._load.loaded:
            return self._open_briefing_once_loaded(message)  # Textual awaits it: the app's queue waits with it
        self._open_briefing_asked(message)
        return None

    async def _open_briefing_once_loaded(self, message: OpenBriefing) -> None:
        await self.library_ready()
        self._open_briefing_asked(message)

    def _open_briefing_asked(self, message: OpenBriefing) -> None:
        if message.scenario_id not in self.library.scenarios:  # only when a file changed since the index was read
            self.notify(f"That scenario is no longer in the library ({message.scenario_id}).", markup=False)
            return
        self.open_briefing(message.scenario_id, message.target)

    def on_start_interview(self, message: StartInterview) -> None:
        if not isinstance(self.screen, screens.BriefingScreen):
            return
        session = message.session
        if self._cannot_practise():
            return
        if session.state.status == "briefing":
            session.start()
            self.save(session)
        self.switch_screen(screens.InterviewScreen(session))

    def on_save_session(self, message: SaveSession) -> None:
        self.save(message.session)

    def on_save_draft(self, message: SaveDraft) -> None:
        from coach.practice.resume import save_draft_of, snapshot

        if self.store.read_only:
            return
        snap = snapshot(message.session)
        self.run_worker(
            lambda: save_draft_of(self.store, snap), thread=True, group="draft", exclusive=True, exit_on_error=False
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A save done in a worker (see save and on_save_draft): say what went wrong, or that it works again."""
        if event.worker.group in ("save", "draft") and event.state == WorkerState.SUCCESS:
            self.saved(event.worker.result, draft=event.worker.group == "draft")
        elif event.worker.group == "library" and event.state == WorkerState.SUCCESS:
            self._library_loaded()

    def on_show_feedback(self, message: ShowFeedback) -> None:
        if not isinstance(self.screen, screens.FeedbackScreen):
            self.push_screen(
                screens.FeedbackScreen(
                    message.session, message.stage_id, message.report, final=message.final, review=message.review
                )
            )

    def on_show_summary(self, message: ShowSummary) -> None:
        if not isinstance(self.screen, screens.SummaryScreen):
            self.switch_screen(screens.SummaryScreen(message.session))

    def show_catalogue(self) -> None:
        """Close every screen above the catalogue."""
        while len(self.screen_stack) > 2:
            self.pop_screen()
        if not isinstance(self.screen, screens.CatalogueScreen):
            self.switch_screen(screens.CatalogueScreen())

    def on_show_catalogue(self, message: ShowCatalogue) -> None:
        self.show_catalogue()

    def on_practise_next(self, message: PractiseNext) -> None:
        if isinstance(self.screen, screens.SummaryScreen):
            self.show_catalogue()
            self.open_briefing(message.scenario_id)

    def on_open_history(self, message: OpenHistory) -> None:
        if not isinstance(self.screen, screens.HistoryScreen):
            self.push_screen(screens.HistoryScreen())

    def on_open_stories(self, message: OpenStories) -> None:
        if not isinstance(self.screen, screens.StoriesScreen):
            self.push_screen(screens.StoriesScreen())

    def on_open_session(self, message: OpenSession) -> None:
        if isinstance(self.screen, screens.HistoryScreen):
            self.resume(message.session_id)

    def on_open_plan(self, message: OpenPlan) -> None:
        if not isinstance(self.screen, screens.PlanScreen):
            self.push_screen(screens.PlanScreen())

    def on_open_compare(self, message: OpenCompare) -> None:
        from coach.practice.history import load_session
        from coach.render.view import comparison_view

        if not isinstance(self.screen, screens.HistoryScreen):
            return
        try:
            first, second = (load_session(self.store, self.library, sid, self.scorer) for sid in message.ids)
            view = comparison_view(first, second)
        except (KeyError, ValueError) as exc:
            self.notify(f"Cannot compare: {exc}", severity="error", markup=False)
            return
        self.push_screen(screens.CompareScreen(view))

    def on_export_review(self, message: ExportReview) -> None:
        """The mentor's export: the session saved, the mentee's report (Markdown and HTML)
        and, when reviewing a file, the reviewed file; then its next session."""
        from functools import partial

        from coach.practice.actions import export_session
        from coach.render.html import session_report

        session = message.session
        self.save(session, wait=True)
        try:
            saved = [path.name for path in export_session(session, partial(session_report, session), tag="mentor")]
            if self.review_output is not None:
                self.write_review_file(session)
                saved.append(str(self.review_output))
        except (OSError, ValueError) as exc:  # ValueError: not a safe file name (see paths.file_in)
            self.notify(f"Could not save the report: {exc}", severity="error", markup=False)
            return
        self.notify("Saved " + ", ".join(saved), title="Exported", markup=False)
        if self.review_output is not None:
            left = len(self.review_items) - self.review_index - 1
            if left and self.review_next():
                self.notify(f"Next session in the file ({left} to go).", markup=False)


def make_app(
    library: Library | LibraryLoad,
    store: Store,
    session: Session | None = None,
    scenario_id: str | None = None,
    clock: Callable[[], float] = time.time,
    mentor_session: Session | None = None,
    mentor_name: str = "",
    review_items: list | None = None,
    review_output: Path | None = None,
    now: Callable[[], datetime] | None = None,
) -> CoachApp:
    """The one way to build the app, for the CLI and the tests alike. ``now``: the wall clock
    for what depends on the day (recommendations, streak, plan); tests freeze it."""
    return CoachApp(
        library,
        store,
        session=session,
        scenario_id=scenario_id,
        clock=clock,
        mentor_session=mentor_session,
        mentor_name=mentor_name,
        review_items=review_items,
        review_output=review_output,
        now=now,
    )


def _terminal_gone() -> bool:
    """True when the terminal has been closed (hung up): nothing is left to restore on it."""
    import termios

    try:
        termios.tcgetattr(0)
    except termios.error as exc:
        return exc.args[0] == errno.EIO  # hung up (ENOTTY, not a terminal at all, is not "gone")
    return False


def _end_process() -> None:
    """End at once, with no clean-up: it could block on the terminal, and what matters is saved and
    committed (SQLite autocommit or COMMIT). Nothing is buffered for stdout while the app runs."""
    os._exit(0)
