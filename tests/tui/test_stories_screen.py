"""The story bank in the app: add a story, see it listed with the gaps, score it, match a question,
and never lose what was typed in the form."""

from __future__ import annotations

from textual.widgets import DataTable, Input, SelectionList, TextArea

from coach.practice.store import Store
from coach.practice.stories import StoryBank
from coach.tui.app import make_app
from coach.tui.screens import CatalogueScreen, StoriesScreen
from coach.tui.screens.dialogs import ConfirmScreen
from coach.tui.screens.stories import StoryFormScreen, StoryReportScreen
from tests.tui.helpers import FixedClock, screen_text, settle

SITUATION = "Last year payments and platform disagreed about who owned retries, two weeks before a fixed launch date."
ACTIONS = "I met with both tech leads and I proposed a split. I decided to cut the invoice redesign."
RESULT = "As a result we shipped on time and failed payments dropped from 4% to 1.5%."
LEARNED = "I learned that a conflict is often a missing owner. Next time I would write owners down in week one."


async def type_text(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press(*["space" if c == " " else c for c in text])


async def settle_until(pilot, done) -> None:  # type: ignore[no-untyped-def]
    """Settle until ``done()``: a save's worker hands over to the list's reload worker, a step at a time."""
    for _ in range(50):
        await settle(pilot)
        if done():
            return
    raise AssertionError("the screen never got there")


async def open_stories(pilot):  # type: ignore[no-untyped-def]
    await pilot.press("y")
    await settle_until(pilot, lambda: "No story covers yet" in screen_text(pilot.app))
    assert isinstance(pilot.app.screen, StoriesScreen)


async def test_add_a_story_see_it_listed_and_score_it(isolated_home, library):
    store = Store()
    app = make_app(library, store, clock=FixedClock())
    async with app.run_test(size=(100, 34)) as pilot:
        await open_stories(pilot)
        assert "No story covers yet: conflict, failure, disagree-commit" in screen_text(app)
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, StoryFormScreen)
        await type_text(pilot, "Two teams, one retry owner")  # the title box has the focus
        for name, text in (("situation", SITUATION), ("actions", ACTIONS), ("result", RESULT), ("learned", LEARNED)):
            form.query_one(f"#{name}", TextArea).insert(text)
        form.query_one("#competencies", SelectionList).focus()
        await pilot.press("space")  # the first competency: conflict
        await pilot.pause()
        assert "Ticked: conflict" in screen_text(app)
        await pilot.press("ctrl+s")
        await settle_until(pilot, lambda: "Two teams, one retry owner | conflict" in screen_text(app))

        assert isinstance(app.screen, StoriesScreen)
        shown = screen_text(app)
        assert "Two teams, one retry owner | conflict" in shown
        assert "No story covers yet: failure, disagree-commit" in shown
        assert "What I did\nI met with both tech leads" in shown  # the highlighted story's detail
        await pilot.press("s")
        await settle_until(pilot, lambda: isinstance(app.screen, StoryReportScreen))
        report = screen_text(app)
        assert "Story: Two teams, one retry owner" in report and "Score " in report
        assert "Says what you did yourself" in report and "✓ Makes a call and owns it (Bias for Action)" in report
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert isinstance(app.screen, CatalogueScreen)
    assert [s.competencies for s in StoryBank(store).stories()] == [["conflict"]]


async def test_the_form_keeps_what_was_typed_until_it_is_saved(isolated_home, library):
    store = Store()
    app = make_app(library, store, clock=FixedClock())
    async with app.run_test(size=(100, 34)) as pilot:
        await open_stories(pilot)
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        form.query_one("#situation", TextArea).insert(SITUATION)
        await pilot.press("ctrl+s")  # no title
        await settle_until(pilot, lambda: "Not saved" in screen_text(app))
        assert app.screen is form
        assert "Not saved: title: String should have at least 1 character" in screen_text(app)
        assert form.query_one("#situation", TextArea).text == SITUATION
        await pilot.press("escape")  # leaving with changes asks first
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is form and form.query_one("#situation", TextArea).text == SITUATION
        await pilot.press("ctrl+q")  # quitting saves it rather than lose it
        await pilot.pause()
    saved = StoryBank(Store()).stories()
    assert [(s.title, s.situation) for s in saved] == [("Untitled story (saved when the coach closed)", SITUATION)]


async def test_edit_match_and_delete(isolated_home, library):
    store = Store()
    bank = StoryBank(store)
    bank.add({"title": "Two teams, one retry owner", "situation": SITUATION, "competencies": ["conflict"]})
    bank.add(
        {"title": "The migration I rushed", "situation": "I skipped the dry run and it broke.", "competencies": []}
    )
    app = make_app(library, store, clock=FixedClock())
    async with app.run_test(size=(100, 34)) as pilot:
        await open_stories(pilot)
        await pilot.press("m")
        await type_text(pilot, "Tell me about a conflict with another team")
        await pilot.press("enter")
        await pilot.pause()
        shown = screen_text(app)
        assert "The question asks about: conflict." in shown
        assert "Fits: Two teams, one retry owner (tagged conflict" in shown
        table = app.screen.query_one("#stories", DataTable)
        assert table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value == "two-teams-one-retry-owner"

        await pilot.press("enter")  # edit the highlighted story
        await pilot.pause()
        assert isinstance(app.screen, StoryFormScreen)
        title = app.screen.query_one("#title", Input)
        assert title.value == "Two teams, one retry owner"
        title.value = "One owner for retries"
        await pilot.press("ctrl+s")
        await settle_until(pilot, lambda: "One owner for retries | conflict" in screen_text(app))

        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen) and "Delete the story" in screen_text(app)
        await pilot.press("y")
        await settle_until(pilot, lambda: "One owner" not in screen_text(app))
        assert isinstance(app.screen, StoriesScreen)
    assert [s.title for s in StoryBank(store).stories()] == ["The migration I rushed"]
