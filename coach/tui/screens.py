"""The coach's screens. Every piece of user or file text is shown as text (Content or
markup=False), never parsed as markup."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Header, Input, Label, OptionList, Select, Static, TextArea

from coach.feedback import bar
from coach.formats import Level
from coach.render import assessed_lines, exhibit_text, reflow
from coach.report import ScoreReport
from coach.session import Mode, Outcome, Session, SessionError, Summary
from coach.store import SessionRow

if TYPE_CHECKING:
    from coach.tui.app import CoachApp

DRAFT_DELAY = 0.5  # seconds of quiet typing before the draft is saved
LEVEL_TITLES = {Level.associate_pm: "Associate PM", Level.tpm: "TPM", Level.senior_tpm: "Senior TPM",
                Level.principal_tpm: "Principal / Group TPM", Level.vp_product: "VP of Product Development"}
LEVEL_OPTIONS = [(LEVEL_TITLES[lvl], lvl) for lvl in Level]
MODE_OPTIONS = [("Study (feedback each answer)", Mode.study), ("Interview (feedback at end)", Mode.interview)]


def highlighted_key(table: DataTable) -> str | None:
    """The key of the table's highlighted row, or None when it is empty."""
    if not table.row_count:
        return None
    return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value


def text(value: str) -> Static:
    """A Static that shows ``value`` exactly as written."""
    return Static(Content(value), markup=False)


class CoachScreen(Screen):
    @property
    def coach(self) -> "CoachApp":
        return self.app  # type: ignore[return-value]


# --------------------------------------------------------------------------- catalogue


class CatalogueScreen(CoachScreen):
    BINDINGS = [
        Binding("enter", "choose", "Brief me", id="catalogue.choose", tooltip="Open the briefing of the highlighted scenario",
                priority=True),
        Binding("/", "search", "Search", id="catalogue.search", tooltip="Type to filter by title, id, tag or summary"),
        Binding("escape", "clear", "Clear filters", id="catalogue.clear", show=False),
        Binding("ctrl+r", "history", "History", id="catalogue.history", tooltip="Past sessions, progress and what to practise next",
                priority=True),
    ]

    def compose(self) -> ComposeResult:
        lib = self.coach.library
        comps = sorted({lib.rubrics[r].item.competency for e in lib.scenarios.values() for r in e.item.rubrics if r in lib.rubrics},
                       key=lambda c: c.title)
        yield Header()
        with Horizontal(id="filters"):
            yield Input(placeholder="Search (/)", id="search", compact=True)
            yield Select([(c.title, c) for c in comps], prompt="Any competency", id="competency", compact=True)
            yield Select([(d.capitalize(), d) for d in ("foundation", "intermediate", "advanced")],
                         prompt="Any difficulty", id="difficulty", compact=True)
            yield Select(LEVEL_OPTIONS, prompt="Any level", id="level", compact=True)
        with Horizontal(id="catalogue-body"):
            yield DataTable(id="scenarios", cursor_type="row", zebra_stripes=True)
            with Vertical(id="detail-pane"):
                with VerticalScroll(id="detail"):
                    yield Static(id="detail-text", markup=False)
                yield Select(LEVEL_OPTIONS, prompt="Target: as scenario", id="target", compact=True)
        yield Static(id="load-problems", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#scenarios", DataTable)
        table.add_columns("Min", "Level", "Scenario")
        self.refresh_table()
        problems = self.coach.library.problems
        status = self.query_one("#load-problems", Static)
        if problems:
            files = len({p.path for p in problems})
            status.update(Content(f"{files} file(s) did not load; run `coach validate` to see why. First: {problems[0]}"))
        else:
            status.display = False
        table.focus()

    def _filters(self) -> tuple[str, object, object, object]:
        return (
            self.query_one("#search", Input).value.strip().lower(),
            self.query_one("#competency", Select).value,
            self.query_one("#difficulty", Select).value,
            self.query_one("#level", Select).value,
        )

    def matching(self) -> list[str]:
        query, comp, difficulty, level = self._filters()
        lib = self.coach.library
        out = []
        for entry in sorted(lib.scenarios.values(), key=lambda e: (e.item.level.rank, e.item.title)):
            sc = entry.item
            comps = {lib.rubrics[r].item.competency for r in sc.rubrics if r in lib.rubrics}
            haystack = " ".join([sc.id, sc.title, sc.summary, " ".join(sc.tags)]).lower()
            if query and not all(word in haystack for word in query.split()):
                continue
            if comp is not Select.NULL and comp not in comps:
                continue
            if difficulty is not Select.NULL and sc.difficulty != difficulty:
                continue
            if level is not Select.NULL and sc.level != level:
                continue
            out.append(sc.id)
        return out

    def refresh_table(self) -> None:
        table = self.query_one("#scenarios", DataTable)
        table.clear()
        lib = self.coach.library
        room = max(20, table.size.width - 16)  # titles fit the table instead of scrolling sideways
        for sid in self.matching():
            sc = lib.scenario(sid)
            title = sc.title if len(sc.title) <= room else sc.title[: room - 1] + "…"
            table.add_row(Text(str(sc.minutes)), Text(LEVEL_TITLES[sc.level]), Text(title), key=sid)
        self.show_detail(self.current_id())

    def on_resize(self) -> None:
        self.call_after_refresh(self.refresh_table)

    def current_id(self) -> str | None:
        return highlighted_key(self.query_one("#scenarios", DataTable))

    def show_detail(self, scenario_id: str | None) -> None:
        detail = self.query_one("#detail-text", Static)
        if scenario_id is None:
            detail.update(Content("No scenario matches these filters. Press Escape to clear them."))
            return
        lib = self.coach.library
        sc = lib.scenario(scenario_id)
        comps = sorted({lib.rubrics[r].item.competency.title for r in sc.rubrics if r in lib.rubrics})
        lines = [sc.title, "", " ".join(sc.summary.split()), "",
                 f"Interviewer: {sc.persona.name}, {sc.persona.role}",
                 f"Level: {LEVEL_TITLES[sc.level]} · {sc.difficulty} · about {sc.minutes} minutes",
                 f"Competencies: {', '.join(comps)}", "", "Questions:"]
        lines += [f"  {i + 1}. {st.title}" for i, st in enumerate(s for s in sc.stages if not s.branch_only)]
        lines += ["", "Enter: read the briefing. Choose your target level below (default: the scenario's)."]
        detail.update(Content("\n".join(lines)))

    @on(DataTable.RowHighlighted, "#scenarios")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail(event.row_key.value if event.row_key else None)

    @on(DataTable.RowSelected, "#scenarios")
    def _selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key and event.row_key.value:
            self.coach.open_briefing(event.row_key.value, self._target())

    @on(Input.Changed, "#search")
    @on(Select.Changed, "#filters Select")
    def _filter_changed(self) -> None:
        self.refresh_table()

    @on(Input.Submitted, "#search")
    def _search_done(self) -> None:
        self.query_one("#scenarios", DataTable).focus()

    def action_choose(self) -> None:
        focused = self.focused
        if isinstance(focused, OptionList):  # an open filter list: Enter picks the option
            focused.action_select()
            return
        if not isinstance(focused, DataTable):  # Enter in the search box: go to the list
            self.query_one("#scenarios", DataTable).focus()
            return
        sid = self.current_id()
        if sid:
            self.coach.open_briefing(sid, self._target())

    def _target(self) -> Level | None:
        value = self.query_one("#target", Select).value
        return value if isinstance(value, Level) else None

    def action_history(self) -> None:
        self.app.push_screen(HistoryScreen())

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_clear(self) -> None:
        self.query_one("#search", Input).value = ""
        for select in self.query("#filters Select").results(Select):
            select.clear()
        self.query_one("#scenarios", DataTable).focus()


# --------------------------------------------------------------------------- briefing


class BriefingScreen(CoachScreen):
    BINDINGS = [
        Binding("ctrl+s", "start", "Start interview", id="briefing.start", tooltip="Start the interview", priority=True),
        Binding("escape", "back", "Back", id="briefing.back", tooltip="Back to the catalogue"),
    ]

    def __init__(self, session: Session):
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        sc = self.session.scenario
        lib = self.coach.library
        yield Header()
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
                    assessed.append(f"{st.title}: " + "; ".join(line.split(" (")[0] for line in assessed_lines(sc, i, lib)))
            minutes = f"About {sc.minutes} minutes, {len(assessed)} questions."
            yield text("What will be assessed\n" + "\n".join(f"• {a}" for a in assessed) + "\n\n" + minutes).add_class("assessed")
        with Horizontal(id="briefing-controls"):
            yield Label("Target level")
            yield Select(LEVEL_OPTIONS, value=self.session.state.target, allow_blank=False, id="target", compact=True)
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

    def action_start(self) -> None:
        if self.session.state.status == "briefing":
            self.session.start()
            self.coach.save(self.session)
        self.app.switch_screen(InterviewScreen(self.session))

    def action_back(self) -> None:
        self.app.pop_screen()


# --------------------------------------------------------------------------- interview


class Turn(Static):
    """One turn of the conversation."""


class InterviewScreen(CoachScreen):
    BINDINGS = [
        Binding("ctrl+s", "submit", "Submit", id="interview.submit", tooltip="Submit your answer", priority=True),
        Binding("ctrl+t", "hint", "Hint", id="interview.hint", tooltip="Reveal the next hint (hints are counted)", priority=True),
        Binding("ctrl+n", "skip", "Skip", id="interview.skip", tooltip="Skip this question (press twice)", priority=True),
    ]
    PALETTE = [("hint", "Interview: reveal a hint", "Show the next hint for this question"),
               ("skip", "Interview: skip this question", "Move on without answering")]

    def __init__(self, session: Session):
        super().__init__()
        self.session = session
        self.busy = False
        self._draft_timer: Timer | None = None
        self._skip_armed = False
        self._warned = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="status"):
            yield Static(id="progress", markup=False)
            yield Static(id="timer", markup=False)
        yield VerticalScroll(id="conversation")
        yield TextArea(self.session.state.draft, id="answer", soft_wrap=True, show_line_numbers=False,
                       placeholder="Type your answer. ctrl+s submits; your draft is saved as you type.")
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

    def _who(self, role: str) -> str:
        return {"interviewer": self.session.scenario.persona.name, "candidate": "You", "coach": "Hint"}[role]

    def _add_turn(self, role: str, kind: str, body: str) -> None:
        label = self._who(role) + (" (follow-up)" if kind == "followup" else "")
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
        self.query_one("#progress", Static).update(
            Content(f"{number}/{total} · {hints} · {self.session.stage.title}{follow}"))
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
                # Said in the conversation, right above the answer box: a toast would cover the box while
                # the learner types. The status line (in reverse) keeps counting the time over.
                warning = Turn(Content.assemble(("Time is up", "bold"), "\n", "Your answer is kept; finish your "
                               "thought and submit with ctrl+s."), markup=False, classes="turn coach time-up")
                conversation = self.query_one("#conversation", VerticalScroll)
                conversation.mount(warning)
                conversation.scroll_end(animate=False)

    # ---------------------------------------------------------------- drafts

    @on(TextArea.Changed, "#answer")
    def _changed(self) -> None:
        self._skip_armed = False
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_DELAY, self._save_draft)

    def _save_draft(self) -> None:
        text_now = self.query_one("#answer", TextArea).text
        self.session.set_draft(text_now)
        session_id, stage = self.session.state.id, self.session.state.current or ""
        store = self.coach.store
        self.run_worker(lambda: store.save_draft(session_id, stage, text_now), thread=True, group="draft",
                        exclusive=True, exit_on_error=False)

    def store_draft_now(self) -> None:
        if self.session.finished or self.session.state.current is None:
            return
        text_now = self.query_one("#answer", TextArea).text
        self.session.set_draft(text_now)
        self.coach.store.save_draft(self.session.state.id, self.session.state.current, text_now)

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
            self.notify("Press ctrl+n again to skip this question.", severity="warning")
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
        self.coach.save(self.session)

    def _run(self, answer_text: str, skip: bool) -> None:
        self.busy = True
        editor = self.query_one("#answer", TextArea)
        editor.read_only = True
        if not skip:
            self._add_turn("candidate", "answer", answer_text)
        self.query_one("#progress", Static).update(Content("Scoring your answer…"))
        self._score(answer_text, skip)

    @work(thread=True, exclusive=True, group="score")
    def _score(self, answer_text: str, skip: bool) -> None:
        try:
            outcome = self.session.skip() if skip else self.session.submit(answer_text)
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
        self.coach.save(self.session)
        if outcome.kind == "followup":
            self._add_turn("interviewer", "followup", outcome.question or "")
        elif outcome.kind == "next":
            if self.session.state.mode is Mode.study and outcome.report:
                self.app.push_screen(FeedbackScreen(self.session, outcome.stage, outcome.report))
            nxt = self.session.stage
            self._add_turn("interviewer", "prompt", nxt.prompt)
        else:
            if self.session.state.mode is Mode.study and outcome.report:
                self.app.push_screen(FeedbackScreen(self.session, outcome.stage, outcome.report, final=True))
            else:
                self.app.switch_screen(SummaryScreen(self.session))
            return
        self._update_status()
        editor.focus()


# --------------------------------------------------------------------------- feedback


def highlighted_answer(answer: str, report: ScoreReport) -> Content:
    """The answer as typed, with credited evidence in bold reverse, negated in strike."""
    content = Content(answer)
    for crit in report.criteria:
        for c in crit.concepts:
            if c.evidence and c.evidence.end <= len(answer):
                style = "bold reverse" if c.found else "strike"
                content = content.stylize(style, c.evidence.start, c.evidence.end)
    for a in report.anti_patterns:
        if a.evidence.end <= len(answer):
            content = content.stylize("underline", a.evidence.start, a.evidence.end)
    return content


def report_sections(report: ScoreReport, answer: str, model_answer: bool) -> Iterable[Static]:
    head = f"Score {report.score:g}/100 · {report.band}"
    if report.level_title:
        head += f" · {report.level_title} level shown"
    yield text(head).add_class("headline")
    for f in report.flags:
        yield text(f"! {f.code.replace('_', ' ')}: {f.message}").add_class("flag")
    for crit in report.criteria:
        yield text(f"{bar(crit.level)} {crit.level}/4  {crit.title}\n{crit.descriptor}").add_class("criterion")
        for c in crit.concepts:
            if c.found and c.evidence:
                yield text(f"✓ {c.label}: “{' '.join(c.evidence.text.split())}”").add_class("concept", "hit")
            elif c.negated and c.evidence:
                yield text(f"✗ {c.label} (you said it negated: “{c.evidence.text}”): {c.advice}").add_class("concept", "miss")
            else:
                yield text(f"✗ {c.label}: {c.advice}").add_class("concept", "miss")
        for s in crit.signals:
            mark = "✓" if s.value >= 0.67 else "✗"
            yield text(f"{mark} {s.signal.replace('_', ' ')}: {s.note}").add_class("concept", "hit" if mark == "✓" else "miss")
    for a in report.anti_patterns:
        yield text(f"! {a.label}: “{a.evidence.text}”. {a.feedback}").add_class("flag")
    if report.competencies:
        yield text("\n".join(f"{bar(c.score)} {c.score:.2f}  {c.note}" for c in report.competencies)).add_class("competencies")
    yield text("Your answer (credited words highlighted, negated ones struck through):").add_class("subhead")
    yield Static(highlighted_answer(answer, report), markup=False, classes="answer-text")
    if model_answer and report.model_answer:
        yield text("Model answer\n\n" + reflow(report.model_answer)).add_class("model")
        yield text("Takeaways\n" + "\n".join(f"• {t}" for t in report.takeaways)).add_class("model")


class FeedbackScreen(CoachScreen):
    BINDINGS = [
        Binding("enter", "continue", "Continue", id="feedback.continue", tooltip="On to the next question"),
        Binding("m", "model", "Model answer", id="feedback.model", tooltip="Show or hide the model answer and takeaways"),
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

    def compose(self) -> ComposeResult:
        yield Header()
        yield VerticalScroll(*report_sections(self.report, self._answer(), self.show_model), id="feedback")
        yield Footer()

    def on_mount(self) -> None:
        stage = self.session.scenario.stage(self.stage_id)
        self.sub_title = f"Feedback: {stage.title if stage else self.stage_id}"
        self.query_one("#feedback").focus()

    async def action_model(self) -> None:
        self.show_model = not self.show_model
        box = self.query_one("#feedback", VerticalScroll)
        await box.remove_children()
        await box.mount_all(report_sections(self.report, self._answer(), self.show_model))
        if self.show_model:
            box.scroll_end(animate=False)

    def action_continue(self) -> None:
        if self.final:
            self.app.switch_screen(SummaryScreen(self.session))
        else:
            self.app.pop_screen()


# --------------------------------------------------------------------------- summary


def summary_parts(s: "Summary") -> list[Static]:
    level = s.level_title or "below the first ladder level"
    parts = [text(f"{s.title}\nOverall {s.score:g}/100 · {s.band} · level shown: {level} · target: {s.target_title}")
             .add_class("headline")]
    parts.append(text("Competencies").add_class("subhead"))
    parts += [text(f"{bar(c.score)} {c.score:.2f}  {c.note}").add_class("concept") for c in s.competencies]
    if s.strengths:
        parts.append(text("Strengths").add_class("subhead"))
        parts += [text(f"+ {x}").add_class("concept") for x in s.strengths]
    if s.work_on:
        parts.append(text("Work on next").add_class("subhead"))
        parts += [text(f"→ {x}").add_class("concept") for x in s.work_on]
    if s.next_scenario or s.next_reason:
        nxt = f"Practise next (n): {s.next_scenario}. {s.next_reason}" if s.next_scenario else s.next_reason
        parts.append(text(nxt).add_class("next"))
    return parts


class SummaryScreen(CoachScreen):
    BINDINGS = [
        Binding("enter", "open_stage", "Stage feedback", id="summary.stage", tooltip="Open the feedback of the highlighted stage"),
        Binding("e", "export", "Export", id="summary.export", tooltip="Save the transcript and report as Markdown and HTML"),
        Binding("n", "next", "Practise next", id="summary.next", tooltip="Open the suggested next scenario"),
        Binding("escape", "catalogue", "Catalogue", id="summary.catalogue", tooltip="Back to the catalogue"),
    ]
    PALETTE = [("export", "Summary: export the transcript and report", "Save as Markdown and HTML")]

    def __init__(self, session: Session):
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="summary"):
            yield Vertical(id="summary-parts")
            yield text("Stages (Enter opens a stage's feedback)").add_class("subhead")
            yield DataTable(id="stages", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Summary"
        summary = self.session.summary()
        parts = summary_parts(summary)
        review = self.session.state.review
        if review is not None and review.reviewed:
            from coach.mentor import side_by_side

            mine = self.session.summary(reviewed=True)
            parts.append(text(f"Mentor's review{' by ' + review.mentor if review.mentor else ''}: {mine.score:g}/100 "
                              f"({mine.band}), level {mine.level_title or 'below the first'}; the automatic score was "
                              f"{summary.score:g}.").add_class("next"))
            for row in side_by_side(self.session):
                if row["reason"]:
                    parts.append(text(f"{row['criterion']} ({row['stage']}): {row['automatic']}/4 → "
                                      f"{row['mentor']}/4, because {row['reason']}").add_class("concept"))
            if review.comment.strip():
                parts.append(text("Mentor's advice: " + review.comment.strip()).add_class("concept"))
        self.query_one("#summary-parts", Vertical).mount_all(parts)
        table = self.query_one("#stages", DataTable)
        table.add_columns("Stage", "Score", "Band")
        for st in summary.stages:
            table.add_row(Text(st.title), Text(f"{st.score:g}"), Text(st.band), key=st.stage)
        table.focus()
        self.coach.save(self.session)

    def action_open_stage(self) -> None:
        stage_id = highlighted_key(self.query_one("#stages", DataTable))
        if stage_id is None:
            return
        for rec, report in self.session.final_reports():
            if rec.stage == stage_id:
                self.app.push_screen(FeedbackScreen(self.session, rec.stage, report, review=True))

    @on(DataTable.RowSelected, "#stages")
    def _selected(self) -> None:
        self.action_open_stage()

    def action_export(self) -> None:
        from coach import paths
        from coach.reports import session_report

        markdown, page = session_report(self.session, "md"), session_report(self.session, "html")
        target = paths.home() / "exports" / f"{self.session.scenario.id}-{self.session.state.id}.md"

        def write() -> None:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(markdown, encoding="utf-8")
            target.with_suffix(".html").write_text(page, encoding="utf-8")

        worker = self.run_worker(write, thread=True, group="export", exit_on_error=False)
        self._export_target = target
        self._export_worker = worker

    def on_worker_state_changed(self, event) -> None:  # type: ignore[no-untyped-def]
        from textual.worker import WorkerState

        if getattr(self, "_export_worker", None) is not event.worker:
            return
        if event.state == WorkerState.SUCCESS:
            self.notify(f"Saved {self._export_target} and {self._export_target.with_suffix('.html').name}",
                        title="Exported", markup=False)
        elif event.state == WorkerState.ERROR:
            self.notify(f"Could not save the report: {event.worker.error}", severity="error", markup=False)

    def action_next(self) -> None:
        summary = self.session.summary()
        if summary.next_scenario:
            self.action_catalogue()
            self.coach.open_briefing(summary.next_scenario)
        else:
            self.notify(summary.next_reason or "No suggestion this time.", markup=False)

    def action_catalogue(self) -> None:
        while len(self.app.screen_stack) > 2:
            self.app.pop_screen()
        if not isinstance(self.app.screen, CatalogueScreen):
            self.app.switch_screen(CatalogueScreen())


# --------------------------------------------------------------------------- dialogs


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,q", "close", "Close", id="help.close")]

    def __init__(self, under: Screen):
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        rows = []
        seen = set()
        for source in (self.under, self.app):
            for b in getattr(source, "BINDINGS", []):
                binding = b if isinstance(b, Binding) else Binding(*b)
                if binding.key in seen:
                    continue
                seen.add(binding.key)
                keys = ", ".join(k.strip() for k in binding.key.split(","))
                rows.append(f"{keys:>14}  {binding.tooltip or binding.description}")
        rows.append(f"{'ctrl+p':>14}  Command palette: practise any scenario, help, and more")
        rows.append(f"{'tab':>14}  Move between fields")
        body = "Keys on this screen\n\n" + "\n".join(rows) + "\n\nPress Escape to close."
        with Vertical(id="help"):
            yield text(body)

    def action_close(self) -> None:
        self.dismiss(None)


def local_time(iso: str) -> str:
    from datetime import datetime

    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso


class ResumeScreen(ModalScreen[str | None]):
    BINDINGS = [
        Binding("enter,r", "resume", "Resume", id="resume.yes"),
        Binding("escape,l", "later", "Later", id="resume.later"),
    ]

    def __init__(self, row: SessionRow):
        super().__init__()
        self.row = row

    def compose(self) -> ComposeResult:
        with Vertical(id="resume"):
            yield text(f"You have an unfinished session:\n\n{self.row.title}\nlast saved {local_time(self.row.updated)}"
                       "\n\nEnter: resume where you stopped, with your draft.\nEscape: not now (it stays in your history).")

    def action_resume(self) -> None:
        self.dismiss(self.row.id)

    def action_later(self) -> None:
        self.dismiss(None)


# --------------------------------------------------------------------------- history


class HistoryScreen(CoachScreen):
    BINDINGS = [
        Binding("enter", "open", "Open", id="history.open", tooltip="Reopen the session's summary, transcript and feedback"),
        Binding("r", "rescore", "Re-score", id="history.rescore", tooltip="Score the session again with the current files"),
        Binding("p", "practise", "Practise next", id="history.next", tooltip="Open the recommended scenario"),
        Binding("escape", "back", "Back", id="history.back", tooltip="Back to the catalogue"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="history"):
            yield Static(id="recommendation", markup=False)
            yield text("Progress by competency (0-4, oldest to newest)").add_class("subhead")
            yield Vertical(id="trends")
            yield text("Sessions (Enter reopens one)").add_class("subhead")
            yield DataTable(id="sessions", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "History and progress"
        self.load()

    def load(self) -> None:
        self.run_worker(self._gather, thread=True, exclusive=True, group="history", exit_on_error=False)

    def _gather(self) -> None:
        from coach.history import recommend, timeline

        lib, store = self.coach.library, self.coach.store
        rows = store.sessions()
        data = timeline(store, lib)
        rec = recommend(store, lib, points=data)
        self.app.call_from_thread(self._show, rows, data, rec)

    def _show(self, rows, data, rec) -> None:  # type: ignore[no-untyped-def]
        from coach.formats import Competency
        from coach.reports import sparkline

        nxt = f"Practise next (p): {self.coach.library.scenario(rec.scenario).title}. " if rec.scenario else ""
        self.query_one("#recommendation", Static).update(Content(nxt + rec.reason))
        self._next = rec.scenario
        trends = self.query_one("#trends", Vertical)
        trends.remove_children()
        if not data:
            trends.mount(text("No finished sessions yet."))
        for comp, series in sorted(data.items()):
            last = series[-1]
            level = LEVEL_TITLES.get(Level(last.level)) if last.level else "below Associate PM"
            # an absolute 0-4 scale: Textual's Sparkline rescales each series to its own range
            trend = sparkline([p.score for p in series][-20:])
            trends.mount(text(f"{Competency(comp).title[:30]:30} {trend:20} {last.score:.2f} · {level} "
                              f"(target {LEVEL_TITLES[Level(last.target)]})").add_class("trend"))
        table = self.query_one("#sessions", DataTable)
        table.clear(columns=True)
        table.add_columns("Started", "Score", "Status", "Mode", "Scenario")
        for r in rows:
            score = f"{r.score:g}" if r.score is not None else "-"
            table.add_row(Text(local_time(r.started)), Text(score), Text(r.status), Text(r.mode), Text(r.title), key=r.id)
        table.focus()

    def _selected_id(self) -> str | None:
        return highlighted_key(self.query_one("#sessions", DataTable))

    @on(DataTable.RowSelected, "#sessions")
    def _row_selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        sid = self._selected_id()
        if sid:
            self.coach.resume(sid)

    def action_rescore(self) -> None:
        sid = self._selected_id()
        if not sid:
            return
        lib, store = self.coach.library, self.coach.store

        def work() -> None:
            from coach.history import load_session, rescore
            from coach.practice import persist

            try:
                session = load_session(store, lib, sid)
            except (KeyError, ValueError) as exc:
                self.app.call_from_thread(self.notify, f"Cannot re-score: {exc}", severity="error", markup=False)
                return
            before = session.summary().score if session.finished else None
            deltas = rescore(session)
            persist(store, session)
            after = session.summary().score if session.finished else None
            moved = [f"{d.stage} {d.before:g}→{d.after:g}" for d in deltas if abs(d.after - d.before) >= 0.05]
            message = (f"Overall {before:g} → {after:g}. " if before is not None and after is not None else "") + (
                "Changed: " + ", ".join(moved) if moved else "No stage changed with the current files.")
            self.app.call_from_thread(self.notify, message, title="Re-scored", markup=False)
            self.app.call_from_thread(self.load)

        self.run_worker(work, thread=True, group="rescore", exit_on_error=False)

    def action_practise(self) -> None:
        if getattr(self, "_next", None):
            self.coach.open_briefing(self._next)

    def action_back(self) -> None:
        self.app.pop_screen()
