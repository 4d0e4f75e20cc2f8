"""The catalogue: every scenario, filtered by search, loop area, competency, difficulty and level.

It shows the app's catalogue (coach/library/index.py: the scenarios' cards, read from the library's index
when it holds the library's files as they are), never the library itself: the app's first screen is
drawn before the library is loaded."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import DataTable, Footer, Input, OptionList, Select, Static

from coach.library.names import AREA_TITLES, AREAS, Level
from coach.render.names import area_text, level_choices, level_title
from coach.tui.messages import CatalogueDrawn, OpenBriefing, OpenHistory, OpenPlan, OpenStories
from coach.tui.screens.base import CoachScreen
from coach.tui.widgets.basics import CoachHeader, highlighted_key


class CatalogueScreen(CoachScreen):
    CSS_PATH = None  # its rules are in app.tcss, parsed with the app's (see SCREENS_CSS)
    _room = 0  # the characters the titles in the table were cut to
    BINDINGS = [
        Binding(
            "enter",
            "choose",
            "Brief me",
            id="catalogue.choose",
            tooltip="Open the briefing of the highlighted scenario",
            priority=True,
        ),
        Binding("/", "search", "Search", id="catalogue.search", tooltip="Type to filter by title, id, tag or summary"),
        Binding(
            "a",
            "next_area",
            "Loop area",
            id="catalogue.area",
            tooltip="Show the next round of the interview loop (behavioral, system design...), then all",
        ),
        Binding("escape", "clear", "Clear filters", id="catalogue.clear", show=False),
        Binding(
            "ctrl+r",
            "history",
            "History",
            id="catalogue.history",
            tooltip="Past sessions, progress and what to practise next",
            priority=True,
        ),
        Binding("y", "stories", "Stories", id="catalogue.stories", tooltip="Your story bank for behavioral questions"),
        Binding(
            "ctrl+l",
            "plan",
            "Plan",
            id="catalogue.plan",
            tooltip="Your practice plan to the interview date",
            priority=True,
        ),
    ]

    def compose(self) -> ComposeResult:
        cards = self.coach.catalogue.cards
        comps = sorted({c for card in cards.values() for c in card.competencies}, key=lambda c: c.title)
        titles = self.coach.catalogue.titles
        yield CoachHeader()
        with Horizontal(id="filters"):
            yield Input(placeholder="Search (/)", id="search", compact=True)
            yield Select([(AREA_TITLES[a], a) for a in AREAS], prompt="Area", id="area", compact=True)
            yield Select([(c.title, c) for c in comps], prompt="Competency", id="competency", compact=True)
            yield Select(
                [(d.capitalize(), d) for d in ("foundation", "intermediate", "advanced")],
                prompt="Difficulty",
                id="difficulty",
                compact=True,
            )
            yield Select(level_choices(titles), prompt="Level", id="level", compact=True)
        with Horizontal(id="catalogue-body"):
            yield DataTable(id="scenarios", cursor_type="row", zebra_stripes=True)
            with Vertical(id="detail-pane"):
                with VerticalScroll(id="detail"):
                    yield Static(id="detail-text", markup=False)
                yield Select(level_choices(titles), prompt="Target: as scenario", id="target", compact=True)
        yield Static(id="load-problems", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#scenarios", DataTable)
        table.add_columns(Text("Min"), Text("Level"), Text("Scenario"))  # plain text: not parsed as markup
        self.refresh_table()
        catalogue = self.coach.catalogue
        status = self.query_one("#load-problems", Static)
        if catalogue.problems:
            files, first = catalogue.problem_files, catalogue.problems[0]
            status.update(Content(f"{files} file(s) did not load; run `coach validate` to see why. First: {first}"))
        else:
            status.display = False
        table.focus()
        self.call_after_refresh(self.post_message, CatalogueDrawn())

    def _filters(self) -> tuple[str, object, object, object, object]:
        return (
            self.query_one("#search", Input).value.strip().lower(),
            self.query_one("#area", Select).value,
            self.query_one("#competency", Select).value,
            self.query_one("#difficulty", Select).value,
            self.query_one("#level", Select).value,
        )

    def matching(self) -> list[str]:
        query, area, comp, difficulty, level = self._filters()
        out = []
        for sc in sorted(self.coach.catalogue.cards.values(), key=lambda sc: (sc.level.rank, sc.title)):
            comps = sc.competencies
            haystack = " ".join([sc.id, sc.title, sc.summary, " ".join(sc.tags)]).lower()
            if query and not all(word in haystack for word in query.split()):
                continue
            if area is not Select.NULL and sc.area != area:
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
        cards, titles = self.coach.catalogue.cards, self.coach.catalogue.titles
        room = self._room = self._title_room()
        for sid in self.matching():
            sc = cards[sid]
            title = sc.title if len(sc.title) <= room else sc.title[: room - 1] + "…"
            table.add_row(Text(str(sc.minutes)), Text(level_title(sc.level, titles)), Text(title), key=sid)
        self.show_detail(self.current_id())

    def _title_room(self) -> int:
        """The characters a title may take, so that titles fit the table instead of scrolling sideways:
        the table's width less its other columns. Before the first layout the table has no width yet: it
        will have 3/5 of the screen's less its left border (app.tcss), so that the first frame's titles
        fit already (_fit_titles cuts them again if not)."""
        width = self.query_one("#scenarios", DataTable).size.width or self.app.size.width * 3 // 5 - 1
        return max(20, width - 16)

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit_titles)

    def _fit_titles(self) -> None:
        """Cut the titles again if the table's width changed, keeping the highlighted scenario."""
        if self._title_room() == self._room:
            return
        table, current = self.query_one("#scenarios", DataTable), self.current_id()
        self.refresh_table()
        if current is not None and current in table.rows:
            table.move_cursor(row=table.get_row_index(current))

    def current_id(self) -> str | None:
        return highlighted_key(self.query_one("#scenarios", DataTable))

    def show_detail(self, scenario_id: str | None) -> None:
        detail = self.query_one("#detail-text", Static)
        if scenario_id is None:
            detail.update(Content("No scenario matches these filters. Press Escape to clear them."))
            return
        sc = self.coach.catalogue.cards[scenario_id]
        comps = sorted(c.title for c in sc.competencies)
        lines = [
            sc.title,
            "",
            " ".join(sc.summary.split()),
            "",
            f"Loop area: {area_text(sc)}",
            f"Interviewer: {sc.interviewer}, {sc.role}",
            f"Level: {level_title(sc.level, self.coach.catalogue.titles)} · {sc.difficulty} · about {sc.minutes} minutes",
            f"Competencies: {', '.join(comps)}",
            "",
            "Questions:",
        ]
        lines += [f"  {i + 1}. {title}" for i, title in enumerate(sc.questions)]
        lines += ["", "Enter: read the briefing. Choose your target level below (default: the scenario's)."]
        detail.update(Content("\n".join(lines)))

    @on(DataTable.RowHighlighted, "#scenarios")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail(event.row_key.value if event.row_key else None)

    @on(DataTable.RowSelected, "#scenarios")
    def _selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key and event.row_key.value:
            self.post_message(OpenBriefing(event.row_key.value, self._target()))

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
        if isinstance(focused, Select):  # this priority binding sees Enter first: open the list, as Select would
            focused.action_show_overlay()
            return
        if not isinstance(focused, DataTable):  # Enter in the search box: go to the list
            self.query_one("#scenarios", DataTable).focus()
            return
        sid = self.current_id()
        if sid:
            self.post_message(OpenBriefing(sid, self._target()))

    def _target(self) -> Level | None:
        value = self.query_one("#target", Select).value
        return value if isinstance(value, Level) else None

    def action_history(self) -> None:
        self.post_message(OpenHistory())

    def action_stories(self) -> None:
        self.post_message(OpenStories())

    def action_plan(self) -> None:
        self.post_message(OpenPlan())

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_next_area(self) -> None:
        """Cycle the area filter: each round of the loop in turn, then every area again."""
        select = self.query_one("#area", Select)
        following = AREAS[AREAS.index(select.value) + 1 :] if select.value in AREAS else AREAS
        if following:
            select.value = following[0]
        else:
            select.clear()

    def action_clear(self) -> None:
        self.query_one("#search", Input).value = ""
        for select in self.query("#filters Select").results(Select):
            select.clear()
        self.query_one("#scenarios", DataTable).focus()
