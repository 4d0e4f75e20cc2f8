"""The app's progress features: compare with the previous attempt, practice without numbers,
the plan screen and the history's charts, overview and progress against the plan."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from textual.widgets import DataTable, TextArea

from coach import settings
from coach.library.formats import Level
from coach.practice import plan as plans
from coach.practice.resume import persist
from coach.practice.store import Store
from coach.tui.app import make_app
from coach.tui.screens import (
    BriefingScreen,
    CompareScreen,
    FeedbackScreen,
    HistoryScreen,
    InterviewScreen,
    PlanScreen,
    SummaryScreen,
)
from coach.tui.widgets.charts import CompetencyPlot
from tests.practice.test_history import play
from tests.tui.helpers import FixedClock, screen_text, settle

SIZE = (100, 34)
T = datetime(2026, 1, 5, 12, tzinfo=timezone.utc)
NOW = datetime(2026, 1, 14, 9, tzinfo=timezone.utc)
# what a score or a level looks like on screen: 62/100, 3/4, 2.10, "Score ", a bar, "level shown"
SCORE_LIKE = re.compile(r"\d+(\.\d+)?/100|\b\d/4\b|\b\d\.\d\d\b|Score |[█░]{4}|level shown|solid|developing")


def history(library) -> Store:
    store = Store()
    persist(store, play(library, "upmarket-pricing", "weak", started=T))
    persist(store, play(library, "upmarket-pricing", "strong", started=T + timedelta(days=7)))
    persist(store, play(library, "data-product", "middling", started=T + timedelta(days=8)))
    return store


async def test_c_on_the_history_compares_a_session_with_the_previous_attempt(isolated_home, library):
    app = make_app(library, history(library), clock=FixedClock(), now=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        await pilot.press("c")  # the newest session (data-product) has no earlier attempt
        await pilot.pause()
        assert not isinstance(app.screen, CompareScreen)
        await pilot.press("down", "c")  # the strong upmarket attempt, beside the weak one before it
        await pilot.pause()
        assert isinstance(app.screen, CompareScreen)
        shown = screen_text(app)
        assert "Earlier: 2026-01-05 12:00" in shown and "Later: 2026-01-12 12:00" in shown
        assert "Scale and resilience: 0/4 → 4/4 (+4)" in shown
        # the later attempt's clause that earned the credit
        assert "+ gained Tests capacity before customers do: “so I'd want to find the bottleneck, load test" in shown
        await pilot.press("escape")
        assert isinstance(app.screen, HistoryScreen)


async def test_practice_without_numbers_shows_evidence_and_advice_but_no_scores(isolated_home, library):
    store = Store()
    app = make_app(library, store, scenario_id="upmarket-pricing", clock=FixedClock())
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, BriefingScreen)
        await pilot.press("f2")  # the toggle, remembered in settings.json
        assert settings.load()["hide_scores"] is True
        assert "Practising without numbers" in screen_text(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
        answer = "We need a billing engine and a load test. We will not skip monitoring; I recommend phases."
        app.screen.query_one("#answer", TextArea).insert(answer)
        await pilot.press("ctrl+s")
        await settle(pilot)
        if isinstance(app.screen, InterviewScreen):  # a follow-up: reply, then the feedback
            app.screen.query_one("#answer", TextArea).insert("Metering usage events and invoices.")
            await pilot.press("ctrl+s")
            await settle(pilot)
        assert isinstance(app.screen, FeedbackScreen)
        shown = screen_text(app)
        assert "Scores hidden while you practise (your history keeps them)" in shown
        # evidence: the clause that earned the credit (wrapped to the screen)
        assert re.search(r"✓ Sees billing as a major investment: “[^”]*billing engine[^”]*”", " ".join(shown.split()))
        assert re.search(r"✗ [^\n]+: [A-Z]", shown)  # advice for what was missed
        assert not SCORE_LIKE.search(shown), SCORE_LIKE.search(shown)
        for _ in range(12):
            if isinstance(app.screen, SummaryScreen):
                break
            await pilot.press("enter" if isinstance(app.screen, FeedbackScreen) else "ctrl+n")
            if isinstance(app.screen, InterviewScreen):
                await pilot.press("ctrl+n")
            await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        shown = screen_text(app)
        assert "Strengths" in shown and "answered" in shown
        assert not SCORE_LIKE.search(shown), SCORE_LIKE.search(shown)
        await settle(pilot)
    # the history keeps the scores as usual
    (row,) = store.sessions()
    assert row.status == "finished" and row.score is not None and row.score > 0


async def test_the_plan_screen_and_the_history_track_progress_against_the_plan(isolated_home, library):
    store = history(library)
    today = NOW.astimezone().date()
    made = plans.build_plan(store, library, Level.senior_tpm, today + timedelta(days=20), today)
    plans.save_plan(made)
    app = make_app(library, store, clock=FixedClock(), now=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, PlanScreen)
        shown = screen_text(app)
        assert f"Interview on {made.interview} for Senior TPM: 20 day(s) left" in shown
        assert "This week: 0 of 4 planned session(s) done" in shown
        first = library.scenario(made.items[0].scenario).title
        assert f"→ | {today} | {first}" in shown
        await pilot.press("enter")  # the highlighted (next) session's briefing, at the plan's target
        await pilot.pause()
        assert isinstance(app.screen, BriefingScreen)
        assert app.screen.session.scenario.id == made.items[0].scenario
        assert app.screen.session.state.target is Level.senior_tpm
        await pilot.press("escape", "escape", "ctrl+r")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        shown = screen_text(app)
        assert f"Practise next (p): {first}. Your plan for the interview on {made.interview}" in shown
        assert "Plan (l): Interview on" in shown and "This week: 0 of 4 planned session(s) done." in shown
        # sessions on the 12th and 13th: on the 14th, before practising, the streak still stands
        assert "3 session(s) · 0 min practised · current streak: 2 day(s)" in shown
        # a chart per competency practised, the target from the plan
        plots = list(app.screen.query(CompetencyPlot))
        assert len(plots) == len({c for c in store_competencies(store, library)})
        assert "Trade-offs " in shown and "(target Senior TPM) asks 2.75" in shown
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, PlanScreen)


def store_competencies(store, library) -> set[str]:
    from coach.practice.history import timeline

    return set(timeline(store, library))


async def test_the_plan_screen_without_a_plan_says_how_to_make_one(isolated_home, library):
    app = make_app(library, Store(), clock=FixedClock(), now=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, PlanScreen)
        assert "coach plan --date 2027-01-15 --target senior-tpm" in screen_text(app)
        assert not app.screen.query_one(DataTable).display


def test_practise_no_scores_plain_hides_numbers_and_is_remembered(
    isolated_home, library, capsys, monkeypatch, tmp_path
):
    from coach.cli import main

    answers = tmp_path / "answers.txt"
    answers.write_text("We need a billing engine and a load test, in phases.\n\n" * 30, encoding="utf-8")
    assert main(["practice", "upmarket-pricing", "--plain", "--no-scores", "--answers", str(answers)]) == 0
    out = capsys.readouterr().out
    assert "Scores hidden while you practise" in out and "✓ Sees billing as a major investment" in out
    assert not SCORE_LIKE.search(out.split("Summary:")[0].split("== Question 1")[1]), "no score in the feedback"
    assert not SCORE_LIKE.search(out.split("Summary:")[1])
    assert settings.hide_scores() is True
    assert Store().sessions()[0].score is not None  # the history keeps the score
    assert main(["practice", "upmarket-pricing", "--plain", "--scores", "--answers", str(answers)]) == 0
    assert "Score " in capsys.readouterr().out and settings.hide_scores() is False


async def test_a_long_history_shows_the_same_points_on_the_history_screen_and_in_the_report(
    isolated_home, library, monkeypatch
):
    """5,000 sessions: the app's chart and the HTML report draw the same at most CHART_POINTS points
    (one chart model), and the Markdown report still counts every session."""
    import coach.practice.history
    import coach.tui.screens.history
    from coach.render.html import progress_html, progress_markdown
    from coach.render.view import CHART_POINTS
    from tests.render.test_progress_charts import long_history

    points = long_history()
    for module in (coach.practice.history, coach.tui.screens.history):
        monkeypatch.setattr(module, "timeline", lambda *_, **__: points)
    store = Store()
    app = make_app(library, store, clock=FixedClock(), now=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+r")
        await settle(pilot)
        (plot,) = app.screen.query(CompetencyPlot)
        shown = [p.label for p in plot.chart.points]
        assert "latest 3.50" in screen_text(app)
    assert 1 < len(shown) <= CHART_POINTS
    page = progress_html(store, library, today=NOW.date())
    assert re.findall(r"<title>([^<]*)</title>", page[page.index("<svg") :]) == shown
    assert "| Architecture" in progress_markdown(store, library, today=NOW.date())
    assert "| 5000 |" in progress_markdown(store, library, today=NOW.date())
