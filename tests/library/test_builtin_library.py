"""The built-in library: the rules every scenario and rubric keeps, every scenario played to
its summary, and a sample covering every loop area played through the UI."""

from __future__ import annotations

import pytest
from textual.widgets import TextArea

from coach.library.formats import AREAS, Competency, exhibit_text
from coach.library.loader import load_library
from coach.practice.session import Session
from coach.practice.store import Store
from coach.render.text import summary_text, to_text
from coach.scoring.text import tokenize
from coach.tui.app import make_app
from coach.tui.screens import FeedbackScreen, SummaryScreen
from tests.tui.helpers import FixedClock, screen_text, settle

LIBRARY = load_library(include_user=False)
SCENARIOS = sorted(LIBRARY.scenarios)
# Playing a scenario through the app costs about 2.5 s of CPU, so the app plays a sample: the
# first scenario of each loop area and every scenario with a branch-only stage (its own path
# through the screens). Every scenario still plays to its summary through the session below.
UI_SAMPLE = sorted(
    {next(sid for sid in SCENARIOS if LIBRARY.scenario(sid).area == area) for area in AREAS}
    | {sid for sid in SCENARIOS if any(st.branch_only for st in LIBRARY.scenario(sid).stages)}
)


def test_library_size_and_rubric_coverage():
    assert len(SCENARIOS) >= 12
    competencies = {e.item.competency for e in LIBRARY.rubrics.values()}
    assert competencies == set(Competency), "every competency has a rubric"
    for entry in LIBRARY.rubrics.values():
        assert entry.item.anti_patterns, f"{entry.item.id} lists anti-patterns"


@pytest.mark.parametrize("scenario_id", SCENARIOS)
def test_scenario_keeps_the_library_rules(scenario_id):
    sc = LIBRARY.scenario(scenario_id)
    assert 3 <= len(sc.stages) <= 6
    assert sc.briefing.exhibits, "a briefing with concrete numbers"
    for stage in sc.stages:
        kinds = {c.label.split(" ")[0] for c in stage.calibration}
        assert {"strong", "middling", "weak"} <= kinds | ({"strong"} if "good" in kinds else set()), stage.id
        assert stage.hints and stage.takeaways and stage.model_answer
        assert stage.mentor.probe and stage.mentor.strong or stage.branch_only
    calibrations = [c for s in sc.stages for c in s.calibration]
    assert any({"buzzword_list", "parroting"} & set(c.flags) for c in calibrations), "an answer that games the scorer"
    assert any("negated" in c.label for c in calibrations), "an answer with the right words negated"
    assert sum(len(s.followups) for s in sc.stages) >= 2


def _own_words(text: str) -> set[str]:
    return {t.stem for t in tokenize(text) if not t.is_stop and t.word.isalpha()}


@pytest.mark.parametrize("scenario_id", SCENARIOS)
def test_every_stage_is_calibrated_on_plain_words_and_a_fluent_wrong_answer(scenario_id):
    """Calibration that can catch wording: answers written blind (from `coach show` alone) in
    plain words, and fluent but wrong. The plain answer must not lean on the model answer's
    vocabulary: under 40% of its own words (beyond the question and briefing) are the model's."""
    sc = LIBRARY.scenario(scenario_id)
    given = _own_words(sc.briefing.situation + " " + " ".join(exhibit_text(e) for e in sc.briefing.exhibits))
    for stage in sc.stages:
        labels = {c.label: c for c in stage.calibration}
        assert {"plain words", "fluent but wrong"} <= set(labels), stage.id
        own = _own_words(labels["plain words"].answer) - given - _own_words(stage.prompt)
        shared = len(own & _own_words(stage.model_answer)) / len(own)
        assert shared < 0.4, f"{stage.id}: the plain answer shares {shared:.0%} of its words with the model answer"


def test_coach_list_shows_every_scenario(capsys):
    from coach.cli import main

    main(["list", "--json"])
    import json

    assert {row["id"] for row in json.loads(capsys.readouterr().out)} >= set(SCENARIOS)


def _strong(stage) -> str:  # type: ignore[no-untyped-def]
    return next((c.answer for c in stage.calibration if c.label == "strong"), stage.model_answer)


@pytest.mark.parametrize("scenario_id", SCENARIOS)
def test_every_scenario_plays_to_a_strong_summary(scenario_id):
    session = Session.new(LIBRARY, scenario_id, clock=FixedClock())
    session.start()
    for _ in range(30):
        if session.finished:
            break
        outcome = session.submit(_strong(session.stage))
        assert to_text(outcome.report, ladder=LIBRARY.ladder.item), "every report renders"
        if outcome.kind == "followup":
            session.skip()  # decline the follow-up, as a candidate may
    assert session.finished, f"{scenario_id} did not reach its summary"
    summary = session.summary()
    assert summary_text(summary)
    assert summary.band in ("solid", "strong"), "strong answers make a strong interview"


def test_the_ui_sample_covers_every_loop_area():
    assert {LIBRARY.scenario(sid).area for sid in UI_SAMPLE} == set(AREAS)


@pytest.mark.parametrize("scenario_id", UI_SAMPLE)
async def test_every_loop_area_plays_to_its_summary_in_the_ui(scenario_id, isolated_home):
    app = make_app(LIBRARY, Store(), scenario_id=scenario_id, clock=FixedClock())
    async with app.run_test(size=(100, 34)) as pilot:
        await pilot.press("ctrl+s")  # start from the briefing
        await pilot.pause()
        for _ in range(30):
            if isinstance(app.screen, SummaryScreen):
                break
            if isinstance(app.screen, FeedbackScreen):
                shown = screen_text(app)
                assert "Score " in shown and "/4" in shown
                await pilot.press("enter")
                continue
            stage = app.session.stage
            app.screen.query_one("#answer", TextArea).insert(_strong(stage))
            await pilot.press("ctrl+s")
            await settle(pilot)
        assert isinstance(app.screen, SummaryScreen), f"{scenario_id} did not reach its summary"
        shown = screen_text(app)
        assert "Overall " in shown and "Competencies" in shown
        assert app.session.summary().band in ("solid", "strong"), "strong answers make a strong interview"
