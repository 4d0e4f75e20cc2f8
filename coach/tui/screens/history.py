"""History and progress: what to practise next, progress against the plan, the overview, each
competency's chart over time, and every session (reopened with Enter, re-scored with r,
compared with the previous attempt with c)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import DataTable, Footer, Static
from textual.worker import Worker, WorkerState

from coach.practice.actions import rescore_session
from coach.practice.history import recommend, timeline
from coach.practice.progress import previous_attempt
from coach.practice.resume import WRITE_FAILURES
from coach.render.html import sparkline
from coach.render.view import ProgressView, progress_view
from coach.tui.messages import OpenBriefing, OpenCompare, OpenPlan, OpenSession, SessionsVerified
from coach.tui.screens.base import CoachScreen
from coach.tui.widgets.basics import CoachHeader, highlighted_key, local_time, text
from coach.tui.widgets.charts import CompetencyPlot

TREND_POINTS = 20  # the sessions each competency's trend shows, newest last


class HistoryScreen(CoachScreen):
    _loading: Worker[None] | None = None
    BINDINGS = [
        Binding(
            "enter", "open", "Open", id="history.open", tooltip="Reopen the session's summary, transcript and feedback"
        ),
        Binding(
            "r", "rescore", "Re-score", id="history.rescore", tooltip="Score the session again with the current files"
        ),
        Binding(
            "c",
            "compare",
            "Compare",
            id="history.compare",
            tooltip="Put the session beside your previous attempt at the same scenario",
        ),
        Binding("p", "practise", "Practise next", id="history.next", tooltip="Open the recommended scenario"),
        Binding("l", "plan", "Plan", id="history.plan", tooltip="Your practice plan to the interview date"),
        Binding("escape", "back", "Back", id="history.back", tooltip="Back to the catalogue"),
    ]

    def compose(self) -> ComposeResult:
        yield CoachHeader()
        with VerticalScroll(id="history"):
            yield Static(id="recommendation", markup=False)
            yield Static(id="plan-progress", markup=False)
            yield Static(id="overview", markup=False)
            yield text("Progress by competency (0-4 over time; the straight line is the target level)").add_class(
                "subhead"
            )
            yield Vertical(id="trends")
            yield text("Sessions (Enter reopens one; c compares it with the previous attempt)").add_class("subhead")
            yield DataTable(id="sessions", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "History and progress"
        self.load()

    def on_sessions_verified(self, _: SessionsVerified) -> None:
        self.load()  # imported scores now count: the overview, the charts and the table change

    def load(self) -> None:
        self._loading = self.run_worker(self._gather, thread=True, exclusive=True, group="history", exit_on_error=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A history that cannot be read (a damaged database, a locked file) says so instead of a blank screen."""
        if event.worker is self._loading and event.state == WorkerState.ERROR:
            problem = f"Could not read your history: {event.worker.error}. Your sessions are not changed."
            self.query_one("#recommendation", Static).update(Content(problem))
            self.notify(problem, severity="error", markup=False)

    def _gather(self) -> None:
        lib, store = self.coach.library, self.coach.store
        rows = store.sessions()
        data = timeline(store, lib)
        now = self.coach.now()
        rec = recommend(store, lib, now=now, points=data)
        progress = progress_view(store, lib, now.astimezone().date(), points=data)
        self.app.call_from_thread(self._show, rows, progress, rec)

    def _show(self, rows, progress: ProgressView, rec) -> None:  # type: ignore[no-untyped-def]
        nxt = f"Practise next (p): {self.coach.library.scenario(rec.scenario).title}. " if rec.scenario else ""
        self.query_one("#recommendation", Static).update(Content(nxt + rec.reason))
        self._next = rec.scenario
        plan = progress.plan
        self.query_one("#plan-progress", Static).update(
            Content(f"Plan (l): {plan.headline}. {plan.week}." if plan else "No practice plan yet (l).")
        )
        self.query_one("#overview", Static).update(Content(progress.overview))
        trends = self.query_one("#trends", Vertical)
        trends.remove_children()
        if not progress.charts:
            trends.mount(text("No finished sessions yet."))
        for chart in progress.charts:
            # also as text, for screen readers; an absolute 0-4 scale (Textual's Sparkline rescales each series)
            trend = sparkline([p.score for p in chart.points][-20:])
            needs = f" asks {chart.target_minimum:.2f}" if chart.target_minimum is not None else ""
            trends.mount(
                text(
                    f"{chart.title} {trend} latest {chart.latest:.2f} · {chart.level} (target {chart.target}){needs}"
                ).add_class("trend"),
                CompetencyPlot(chart),
            )
        table = self.query_one("#sessions", DataTable)
        table.clear(columns=True)
        table.add_columns("Started", "Score", "Status", "Mode", "Scenario")
        for r in rows:
            score = f"{r.score:g}" if r.score is not None else "-"
            score += "" if r.verified or r.score is None else " (as exported, not verified)"
            score = "awaiting verification" if not r.verified and r.score is None else score  # imported without scores
            table.add_row(
                Text(local_time(r.started)), Text(score), Text(r.status), Text(r.mode), Text(r.title), key=r.id
            )
        table.focus()

    def _selected_id(self) -> str | None:
        return highlighted_key(self.query_one("#sessions", DataTable))

    @on(DataTable.RowSelected, "#sessions")
    def _row_selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        sid = self._selected_id()
        if sid:
            self.post_message(OpenSession(sid))

    def action_rescore(self) -> None:
        sid = self._selected_id()
        if not sid:
            return
        lib, store = self.coach.library, self.coach.store
        if store.read_only:
            self.notify(f"Cannot re-score: {store.read_only_reason}", severity="error", markup=False)
            return

        def work() -> None:
            try:
                result = rescore_session(store, lib, sid)
            except (KeyError, ValueError, *WRITE_FAILURES) as exc:
                self.app.call_from_thread(self.notify, f"Cannot re-score: {exc}", severity="error", markup=False)
                return
            self.app.call_from_thread(self.notify, result.describe(), title="Re-scored", markup=False)
            self.app.call_from_thread(self.load)

        self.run_worker(work, thread=True, group="rescore", exit_on_error=False)

    def action_compare(self) -> None:
        sid = self._selected_id()
        if not sid:
            return
        earlier = previous_attempt(self.coach.store, sid)
        if earlier is None:
            self.notify("No earlier finished attempt at this scenario to compare with.", markup=False)
            return
        self.post_message(OpenCompare(earlier.id, sid))

    def action_plan(self) -> None:
        self.post_message(OpenPlan())

    def action_practise(self) -> None:
        if getattr(self, "_next", None):
            self.post_message(OpenBriefing(self._next))

    def action_back(self) -> None:
        self.dismiss()
