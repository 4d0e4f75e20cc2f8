"""Mentor screens: running a mock interview live, and reviewing a mentee's export.
They present coach.practice.mentor; every judgement lives in the session's MentorReview."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import (
    DataTable,
    Footer,
    Input,
    OptionList,
    Select,
    Static,
    TabbedContent,
    TabPane,
    TextArea,
)

from coach.practice.mentor import checklist, finish, mentor_view, prefill, side_by_side, stage_review
from coach.practice.review import Override
from coach.practice.session import Session
from coach.render.scenario import reflow
from coach.render.text import level_text, overall_text
from coach.render.view import level_cell
from coach.tui.messages import ExportReview, SaveSession
from coach.tui.screens.base import SCREENS_CSS
from coach.tui.widgets.basics import CoachHeader, local_time, text

LEVEL_CHOICES = [("automatic", -1)] + [(f"level {n}", n) for n in range(5)]


def _takes_text(widget: object) -> bool:
    return isinstance(widget, Input) or (isinstance(widget, TextArea) and not widget.read_only)


def _stray_text(screen: Screen, event: events.Key | events.Paste) -> str:
    """Text typed or pasted while the focus is on something that does not take it (the
    tab bar, a list, a table, a read-only answer) and that no key binding uses; "" otherwise."""
    if _takes_text(screen.focused):
        return ""
    if isinstance(event, events.Paste):
        return event.text
    if event.is_printable and event.character and event.key not in screen.active_bindings:
        return event.character
    return ""


def _type_into(area: TextArea, typed: str) -> None:
    """Add ``typed`` at the end of ``area`` and give it the focus, so the next keys follow."""
    area.move_cursor(area.document.end)
    area.insert(typed)
    area.focus()


class Checklist(OptionList):
    """Items to tick, shown as [x] and [ ] so the state never depends on colour alone."""

    BINDINGS = [Binding("space", "toggle", "Tick / untick", id="checklist.toggle", tooltip="Tick or untick the item")]

    class Changed(Message):
        pass

    def set_items(self, items: list[tuple[str, str]], ticked: set[str]) -> None:
        self.refs = [ref for ref, _ in items]
        self.labels = [label for _, label in items]
        self.ticked = set(ticked) & set(self.refs)
        self.clear_options()
        self.add_options([self._prompt(i) for i in range(len(self.refs))])

    @property
    def selected(self) -> set[str]:
        return set(getattr(self, "ticked", set()))

    def _prompt(self, i: int) -> Text:
        return Text(("[x] " if self.refs[i] in self.ticked else "[ ] ") + self.labels[i])

    def toggle(self, i: int) -> None:
        ref = self.refs[i]
        self.ticked.symmetric_difference_update({ref})
        self.replace_option_prompt_at_index(i, self._prompt(i))
        self.post_message(self.Changed())

    # The checklist's own `toggle` (space), not DOMNode.action_toggle(attribute_name), which it deliberately replaces.
    def action_toggle(self) -> None:  # type: ignore[override]
        if self.highlighted is not None:
            self.toggle(self.highlighted)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.toggle(event.option_index)


class MentorScreen(Screen):
    """One stage at a time. Live mode runs the interview; review mode walks an export's stages."""

    CSS_PATH = SCREENS_CSS

    BINDINGS = [
        Binding(
            "ctrl+s",
            "score_answer",
            "Score typed answer",
            id="mentor.score",
            tooltip="Score the mentee's typed answer and pre-tick the checklist",
            priority=True,
        ),
        Binding(
            "ctrl+n", "next_stage", "Next stage", id="mentor.next", tooltip="Save this stage and move on", priority=True
        ),
        Binding(
            "ctrl+e",
            "finish",
            "Finish",
            id="mentor.finish",
            tooltip="Finish and review the final scores",
            priority=True,
        ),
        Binding(
            "f2",
            "tab('tab-question')",
            "Question",
            id="mentor.tab1",
            tooltip="The prompt, notes and follow-ups",
            show=False,
            priority=True,
        ),
        Binding(
            "f3",
            "tab('tab-checklist')",
            "Checklist",
            id="mentor.tab2",
            tooltip="Tick the concepts and anti-patterns you hear",
            show=False,
            priority=True,
        ),
        Binding(
            "f4",
            "tab('tab-scores')",
            "Scores",
            id="mentor.tab3",
            tooltip="Automatic levels and your overrides",
            show=False,
            priority=True,
        ),
        Binding(
            "f5",
            "tab('tab-notes')",
            "Notes",
            id="mentor.tab4",
            tooltip="Your notes and the mentee's typed answer",
            show=False,
            priority=True,
        ),
    ]

    def action_tab(self, tab: str, focus: str = "") -> None:
        self.query_one("#mentor-tabs", TabbedContent).active = tab
        # in review the mentee's answer is read-only: F5 goes to the mentor's notes
        notes = "#notes" if self.review_mode else "#typed"
        first = {
            "tab-checklist": "#checklist",
            "tab-notes": notes,
            "tab-question": "#question",
            "tab-scores": "#scores",
        }
        widget = self.query_one(focus or first[tab])
        widget.focus()
        self.call_after_refresh(widget.focus)  # the tab bar may take focus as the pane switches

    def on_key(self, event: events.Key) -> None:
        # typing on a tab with nothing to type into goes to the mentor's notes, never nowhere
        if typed := _stray_text(self, event):
            event.stop()
            event.prevent_default()
            self._take_note(typed)

    def on_paste(self, event: events.Paste) -> None:
        if typed := _stray_text(self, event):
            event.stop()
            self._take_note(typed)

    def _take_note(self, typed: str) -> None:
        self.query_one("#mentor-tabs", TabbedContent).active = "tab-notes"
        _type_into(self.query_one("#notes", TextArea), typed)

    def keep_typed(self) -> None:
        """Keep the notes and the typed answer in the session as they are (on quit)."""
        stage_review(self.session, self.stage_id).notes = self.query_one("#notes", TextArea).text
        if not self.review_mode:
            self.session.state.draft = self.query_one("#typed", TextArea).text

    def __init__(
        self, session: Session, review: bool = False, output: Path | None = None, place: tuple[int, int] = (1, 1)
    ):
        super().__init__()
        self.session = session
        self.review_mode = review
        self.output = output
        self.place = place  # in review: this session's number in the file, and how many it holds
        self.stage_ids = [rec.stage for rec, _ in session.final_reports()] if review else []
        self.position = 0

    @property
    def stage_id(self) -> str:
        return self.stage_ids[self.position] if self.review_mode else self.session.stage.id

    def compose(self) -> ComposeResult:
        yield CoachHeader()
        yield Static(id="mentor-status", markup=False)
        with TabbedContent(id="mentor-tabs"):
            with TabPane("Question", id="tab-question"):
                yield VerticalScroll(id="question")
            with TabPane("Checklist", id="tab-checklist"):
                yield Checklist(id="checklist")
            with TabPane("Scores", id="tab-scores"):
                yield VerticalScroll(id="scores")
            with TabPane("Notes", id="tab-notes"):
                yield text(
                    "The mentee's answer (read-only in a review):"
                    if self.review_mode
                    else "The mentee's answer (typed or pasted here; ctrl+s scores it):"
                ).add_class("subhead")
                yield TextArea(id="typed", soft_wrap=True)
                yield text("Your notes on this stage (shared with the mentee in the report):").add_class("subhead")
                yield TextArea(id="notes", soft_wrap=True)
        yield Footer()

    async def on_mount(self) -> None:
        self.sub_title = self.heading()
        if not self.review_mode and self.session.state.status == "briefing":
            self.session.start()
        await self.show_stage()
        if not self.review_mode:
            self.set_interval(1, self._tick)

    # ---------------------------------------------------------------- display

    def heading(self) -> str:
        """Whose session this is and, in review, which one of the file."""
        state, title = self.session.state, self.session.scenario.title
        if self.review_mode:
            # the date before the title: a long title is what the header cuts short
            return (
                f"Reviewing {state.learner or 'the mentee'} · session {self.place[0]} of {self.place[1]} · "
                f"{local_time(state.started)} · {title}"
            )
        return f"Mock interview with {state.learner} · {title}" if state.learner else f"Mentor: {title}"

    def _tick(self) -> None:
        left = self.session.remaining_seconds() if not self.session.finished else None
        stage = self.session.scenario.stage(self.stage_id)
        n = (self.position + 1, len(self.stage_ids)) if self.review_mode else self.session.stage_number()
        timer = (
            ""
            if left is None
            else (f" · ⏱ {int(left // 60)}:{int(left % 60):02d} left" if left > 0 else " · ⏱ time is up")
        )
        self.query_one("#mentor-status", Static).update(
            Content(f"Stage {n[0]} of {n[1]}: {stage.title if stage else self.stage_id}{timer}")
        )

    def _record(self):  # type: ignore[no-untyped-def]
        return next(r for r in reversed(self.session.state.records) if r.stage == self.stage_id)

    async def show_stage(self) -> None:
        stage = self.session.scenario.stage(self.stage_id)
        assert stage is not None
        review = stage_review(self.session, self.stage_id)
        rec = self._record()
        if self.review_mode and rec.report is not None:
            prefill(review, rec.report)
        question = self.query_one("#question", VerticalScroll)
        await question.remove_children()  # finish removing before mounting widgets with the same ids
        label = "The question was:" if self.review_mode else "Read out:"
        parts: list[Widget] = [text(f"{label}\n" + reflow(stage.prompt)).add_class("headline")]
        if stage.mentor.probe:
            parts.append(text("Probe if shallow:\n" + "\n".join(f"• {p}" for p in stage.mentor.probe)))
        if stage.mentor.strong:
            parts.append(text("A strong answer shows:\n" + "\n".join(f"• {p}" for p in stage.mentor.strong)))
        if self.review_mode:
            parts.append(
                text("The mentee's answer:\n" + ("\n\n".join(rec.answers) or "(skipped)")).add_class("answer-text")
            )
        elif stage.followups:
            parts.append(text("Follow-ups to choose from (Enter asks one):").add_class("subhead"))
            options = OptionList(*[Content(f.ask) for f in stage.followups], id="followups")
            parts.append(options)
        if rec.followups:
            parts.append(text("Asked:\n" + "\n".join(f"• {f}" for f in rec.followups)))
        await question.mount_all(parts)
        items = checklist(self.session, self.stage_id)
        self.query_one("#checklist", Checklist).set_items(
            [(ref, f"{'! ' if group == 'Anti-pattern' else ''}{label}  ·  {group}") for ref, label, group in items],
            set(review.ticked) | set(review.anti),
        )
        await self._show_scores()
        for area, value in (
            (self.query_one("#notes", TextArea), review.notes),
            (self.query_one("#typed", TextArea), "\n\n".join(rec.answers) or self.session.state.draft),
        ):
            area.load_text(value)
            area.move_cursor(area.document.end)  # what is typed next follows what is there
        self.query_one("#typed", TextArea).read_only = self.review_mode
        self._tick()

    def _auto_report(self):  # type: ignore[no-untyped-def]
        rec = self._record()
        return rec.report or self.session.score_record(rec)

    async def _show_scores(self) -> None:
        auto = self._auto_report()
        review = stage_review(self.session, self.stage_id)
        mentor = mentor_view(self.session, self.stage_id, auto, review)
        box = self.query_one("#scores", VerticalScroll)
        await box.remove_children()
        rows: list[Widget] = [text(_headline(auto, mentor)).add_class("headline")]
        for a, m in zip(auto.criteria, mentor.criteria, strict=False):
            line = text(_criterion_line(a, m, a.ref in review.overrides)).add_class("subhead")
            line.id = f"yours-{_key(a.ref)}"
            rows.append(line)
            row = Horizontal(classes="override")
            rows.append(row)
        await box.mount_all(rows)
        for a, row in zip(auto.criteria, box.query(".override").results(Horizontal), strict=False):
            override = review.overrides.get(a.ref)
            await row.mount(
                Select(
                    LEVEL_CHOICES,
                    value=override.level if override else -1,
                    allow_blank=False,
                    compact=True,
                    id=f"level-{_key(a.ref)}",
                ),
                Input(
                    override.reason if override else "",
                    placeholder="Reason for the override",
                    compact=True,
                    id=f"reason-{_key(a.ref)}",
                ),
            )

    # ---------------------------------------------------------------- capturing judgement

    def _capture(self) -> bool:
        """Store ticks, overrides and notes; False (with a message) if an override lacks a reason."""
        review = stage_review(self.session, self.stage_id)
        refs = self.query_one("#checklist", Checklist).selected
        review.ticked = [r for r, _, g in checklist(self.session, self.stage_id) if r in refs and g != "Anti-pattern"]
        review.anti = [r for r, _, g in checklist(self.session, self.stage_id) if r in refs and g == "Anti-pattern"]
        review.notes = self.query_one("#notes", TextArea).text
        for crit in self._auto_report().criteria:
            level = self.query_one(f"#level-{_key(crit.ref)}", Select).value
            reason = self.query_one(f"#reason-{_key(crit.ref)}", Input).value.strip()
            if isinstance(level, int) and level >= 0:
                if not reason:
                    self.notify(f"Give a reason for overriding '{crit.title}'.", severity="warning", markup=False)
                    self.action_tab("tab-scores", focus=f"#reason-{_key(crit.ref)}")
                    return False
                review.overrides[crit.ref] = Override(level=level, reason=reason)
            else:
                review.overrides.pop(crit.ref, None)
        return True

    @on(Checklist.Changed)
    @on(Select.Changed, ".override Select")
    def _judgement_changed(self) -> None:
        """Keep the ticks, and show the mentor's scores as they stand now on the Scores tab."""
        review = stage_review(self.session, self.stage_id)
        refs = self.query_one("#checklist", Checklist).selected
        items = checklist(self.session, self.stage_id)
        review.ticked = [r for r, _, g in items if r in refs and g != "Anti-pattern"]
        review.anti = [r for r, _, g in items if r in refs and g == "Anti-pattern"]
        # the levels chosen count at once; their reasons are required only when the stage is saved
        live = review.model_copy(deep=True)
        auto = self._auto_report()
        for crit in auto.criteria:
            for select in self.query(f"#level-{_key(crit.ref)}").results(Select):
                if isinstance(select.value, int) and select.value >= 0:
                    live.overrides[crit.ref] = Override(level=select.value, reason="(reason to come)")
                else:
                    live.overrides.pop(crit.ref, None)
        mentor = mentor_view(self.session, self.stage_id, auto, live)
        for head in self.query("#scores .headline").results(Static):
            head.update(Content(_headline(auto, mentor)))
        for a, m in zip(auto.criteria, mentor.criteria, strict=False):
            for line in self.query(f"#yours-{_key(a.ref)}").results(Static):
                line.update(Content(_criterion_line(a, m, a.ref in live.overrides)))

    @on(OptionList.OptionSelected, "#followups")
    def _ask(self, event: OptionList.OptionSelected) -> None:
        stage = self.session.scenario.stage(self.stage_id)
        assert stage is not None
        ask = stage.followups[event.option_index].ask
        rec = self._record()
        if ask not in rec.followups:
            from coach.practice.session import Turn

            rec.followups.append(ask)
            self.session.state.transcript.append(Turn(role="interviewer", kind="followup", stage=rec.stage, text=ask))
            self.notify("Marked as asked.", markup=False)

    def action_score_answer(self) -> None:
        # read the typed answer only after the editor has processed any pending keys
        self.query_one("#typed", TextArea).call_later(self._score_answer)

    async def _score_answer(self) -> None:
        if self.review_mode:
            return
        typed = self.query_one("#typed", TextArea).text
        if not typed.strip():
            self.notify("Nothing typed: tick what you hear on the Checklist tab.", severity="warning")
            return
        rec = self._record()
        # the stage is shown again with the new score: keep the notes and the levels and reasons on screen
        self.keep_typed()
        chosen = {
            c.ref: (
                self.query_one(f"#level-{_key(c.ref)}", Select).value,
                self.query_one(f"#reason-{_key(c.ref)}", Input).value,
            )
            for c in self._auto_report().criteria
        }
        rec.answers = [typed]
        rec.report = self.session.score_record(rec)
        review = stage_review(self.session, self.stage_id)
        review.prefilled = False
        prefill(review, rec.report)
        await self.show_stage()
        for ref, (level, reason) in chosen.items():
            self.query_one(f"#level-{_key(ref)}", Select).value = level
            self.query_one(f"#reason-{_key(ref)}", Input).value = reason
        self.action_tab("tab-checklist")
        self.notify(f"Scored {rec.report.score:g}/100; the checklist is pre-ticked. Confirm or untick.", markup=False)

    def action_next_stage(self) -> None:
        self.query_one("#typed", TextArea).call_later(self._next_stage)

    async def _next_stage(self) -> None:
        if not self._capture():
            return
        if self.review_mode:
            if self.position + 1 < len(self.stage_ids):
                self.position += 1
                await self.show_stage()
            else:
                self.action_finish()
            return
        rec = self._record()
        typed = self.query_one("#typed", TextArea).text
        if typed.strip() and rec.answers != [typed]:
            rec.answers = [typed]
        if not rec.answers:
            rec.answers = ["(answered aloud)"]
        from coach.practice.session import Turn

        self.session.state.transcript.append(
            Turn(role="candidate", kind="answer", stage=rec.stage, text=rec.answers[-1])
        )
        rec.report = self.session.score_record(rec)
        mentor = mentor_view(self.session, rec.stage, rec.report, stage_review(self.session, rec.stage))
        self.session.state.draft = ""
        outcome = self.session.advance(mentor)
        self.post_message(SaveSession(self.session))
        if outcome.kind == "finished":
            self.action_finish()
        else:
            await self.show_stage()
            self.action_tab("tab-question")

    def action_finish(self) -> None:
        if not self._capture():
            return
        if not self.review_mode and not self.session.finished:
            self.session.state.status = "finished"
        place = f"session {self.place[0]} of {self.place[1]}" if self.review_mode else ""
        self.app.push_screen(MentorSummaryScreen(self.session, self.output, place))


def _key(ref: str) -> str:
    return ref.replace(".", "--")


def _headline(auto, mentor) -> str:  # type: ignore[no-untyped-def]
    return f"Automatic {auto.score:g}/100 · yours {mentor.score:g}/100 ({mentor.band})"


def _criterion_line(auto, mentor, overridden: bool) -> str:  # type: ignore[no-untyped-def]
    """One criterion on the Scores tab: the automatic level and the mentor's, from ticks or an override."""
    return f"{auto.title}: automatic {auto.level}/4 · yours {mentor.level}/4" + (
        " (your override)" if overridden else ""
    )


class MentorSummaryScreen(Screen):
    CSS_PATH = SCREENS_CSS
    BINDINGS = [
        Binding(
            "ctrl+e",
            "export",
            "Export",
            id="mentor.export",
            tooltip="Save the mentee's report (Markdown and HTML) and the session",
            priority=True,
        ),
        Binding("escape", "back", "Back", id="mentor.back", tooltip="Back to the stages"),
    ]

    def __init__(self, session: Session, output: Path | None = None, place: str = ""):
        super().__init__()
        self.session = session
        self.output = output
        self.place = place  # in review: "session n of N"

    def compose(self) -> ComposeResult:
        yield CoachHeader()
        with VerticalScroll(id="mentor-summary"):
            yield Static(id="mentor-headline", markup=False)
            yield DataTable(id="side-by-side", cursor_type="row")
            yield text("Your overall advice for the mentee:").add_class("subhead")
            yield TextArea(
                self.session.state.review.comment if self.session.state.review else "", id="comment", soft_wrap=True
            )
        yield Footer()

    def on_mount(self) -> None:
        whose = " · ".join(filter(None, [self.session.state.learner, self.place]))
        self.sub_title = (f"{whose} · " if whose else "") + "Final scores: yours beside the automatic ones"
        comment = self.query_one("#comment", TextArea)
        comment.move_cursor(comment.document.end)
        comment.focus()  # the advice is what the mentor types here
        auto, mine = self.session.summary(), self.session.summary(reviewed=True)
        self.query_one("#mentor-headline", Static).update(
            Content(
                f"Automatic {overall_text(auto)} · yours {overall_text(mine)} · level shown: "
                f"{level_text(mine)} · target {mine.target_title}"
            )
        )
        table = self.query_one("#side-by-side", DataTable)
        table.add_columns("Stage", "Criterion", "Automatic", "Yours", "Reason")
        for row in side_by_side(self.session):
            table.add_row(
                Text(row["stage"]),
                Text(row["criterion"]),
                Text(level_cell(row["automatic"])),
                Text(level_cell(row["mentor"])),
                Text(row["reason"]),
            )

    def on_key(self, event: events.Key) -> None:
        # typing while the table has the focus still goes into the advice
        if typed := _stray_text(self, event):
            event.stop()
            event.prevent_default()
            _type_into(self.query_one("#comment", TextArea), typed)

    def on_paste(self, event: events.Paste) -> None:
        if typed := _stray_text(self, event):
            event.stop()
            _type_into(self.query_one("#comment", TextArea), typed)

    def keep_typed(self) -> None:
        """Keep the advice in the session as it is (on quit, or going back to the stages)."""
        from coach.practice.mentor import review_of

        review_of(self.session).comment = self.query_one("#comment", TextArea).text

    def action_export(self) -> None:
        self.keep_typed()
        finish(self.session)
        self.post_message(ExportReview(self.session))

    def action_back(self) -> None:
        self.keep_typed()
        self.dismiss()
