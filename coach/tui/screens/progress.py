"""Two attempts side by side, and the practice plan: the app's layouts of the comparison and
plan views of coach.render.view (the CLI's `coach compare` and `coach plan` print the same views)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import DataTable, Footer, Static

from coach.practice.plan import current_progress, load_plan
from coach.render.view import ComparisonView, plan_view
from coach.tui.messages import OpenBriefing
from coach.tui.screens.base import CoachScreen
from coach.tui.widgets.basics import CoachHeader, highlighted_key, text


class CompareScreen(CoachScreen):
    BINDINGS = [Binding("escape", "back", "Back", id="compare.back", tooltip="Back to the history")]

    def __init__(self, view: ComparisonView):
        super().__init__()
        self.view = view

    def _parts(self) -> list[Static]:
        v = self.view
        parts = [
            text(
                f"{v.title}\n"
                + "\n".join(
                    f"{name}: {a.started} · overall {a.overall} · level shown: {a.level}"
                    for name, a in (("Earlier", v.before), ("Later", v.after))
                )
            ).add_class("headline")
        ]
        for st in v.stages:
            parts.append(text(f"{st.title}: {st.before} → {st.after}").add_class("subhead"))
            for c in st.criteria:
                change = f" ({c.change})" if c.change else ""
                parts.append(text(f"{c.title}: {c.cells[0]} → {c.cells[1]}{change}").add_class("criterion"))
                parts += [text(f"+ gained {row.text}").add_class("concept", "hit") for row in c.gained]
                parts += [text(f"- lost {row.text}").add_class("concept", "miss") for row in c.lost]
        if v.competencies:
            parts.append(text("Competencies (0-4)").add_class("subhead"))
            parts.append(text("\n".join(f"{title}: {a} → {b}" for title, a, b in v.competencies)))
        return parts

    def compose(self) -> ComposeResult:
        yield CoachHeader()
        yield VerticalScroll(*self._parts(), id="compare")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Compare two attempts"
        self.query_one("#compare").focus()

    def action_back(self) -> None:
        self.dismiss()


NO_PLAN = (
    "No practice plan yet. Make one in a terminal, for example:\n\n"
    "  coach plan --date 2027-01-15 --target senior-tpm --job-description job.txt\n\n"
    "It lists which scenarios to practise on which days until the interview (weakest competencies "
    "first, each practised again after growing gaps); `coach next`, the summary and the history follow it."
)


class PlanScreen(CoachScreen):
    BINDINGS = [
        Binding(
            "enter", "practise", "Practise", id="plan.practise", tooltip="Open the briefing of the highlighted session"
        ),
        Binding("escape", "back", "Back", id="plan.back", tooltip="Back"),
    ]

    def compose(self) -> ComposeResult:
        yield CoachHeader()
        with Vertical(id="plan"):
            yield Static(id="plan-summary", markup=False)
            yield DataTable(id="plan-sessions", cursor_type="row", zebra_stripes=True)
            yield Static(id="plan-why", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Practice plan"
        progress = current_progress(self.coach.store, self.coach.now().astimezone().date())
        summary = self.query_one("#plan-summary", Static)
        table = self.query_one("#plan-sessions", DataTable)
        if progress is None:
            plan = load_plan()
            ended = f"The plan for the interview on {plan.interview} has ended.\n\n" if plan else ""
            summary.update(Content(ended + NO_PLAN))
            table.display = False
            self.query_one("#plan-why", Static).display = False
            return
        v = plan_view(progress, self.coach.library)
        self._target = progress.plan.target
        summary.update(
            Content(
                f"{v.headline}.\n{v.week}.\n\nCompetencies, the first to work on first:\n"
                + "\n".join(f"{i}. {line}" for i, line in enumerate(v.focus, 1))
                + "\n\nSessions (✓ done, → next; Enter opens one):"
            )
        )
        self._rows = v.rows
        table.add_columns("", "Day", "Scenario")
        for i, row in enumerate(v.rows):
            mark = "→" if i == v.next_row else row.mark
            table.add_row(Text(mark), Text(row.day), Text(row.title), key=f"{i}:{row.scenario}")
        if v.next_row is not None:
            table.move_cursor(row=v.next_row)
        table.focus()

    @on(DataTable.RowHighlighted, "#plan-sessions")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        row = self._rows[event.cursor_row]
        self.query_one("#plan-why", Static).update(Content(f"{row.scenario}: {row.reason}"))

    @on(DataTable.RowSelected, "#plan-sessions")
    def _selected(self) -> None:
        self.action_practise()

    def action_practise(self) -> None:
        key = highlighted_key(self.query_one("#plan-sessions", DataTable))
        if key:
            self.post_message(OpenBriefing(key.split(":", 1)[1], self._target))

    def action_back(self) -> None:
        self.dismiss()
