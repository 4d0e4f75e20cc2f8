"""The library covers a real TPM interview loop: the mix of rounds, the catalogue's loop-area
filter, coaching scenarios that are not interview evidence, and follow-ups that probe a strong
answer or challenge a confident wrong one."""

from __future__ import annotations

from collections import Counter

import pytest
from textual.widgets import DataTable, Select

from coach.library.formats import AREAS
from coach.practice.history import export_lines, recommend, timeline
from coach.practice.mentor import Cohort, cohort
from coach.practice.resume import persist
from coach.practice.session import Session
from coach.practice.store import Store
from coach.render.view import summary_view
from coach.scoring.engine import Scorer
from coach.tui.app import make_app
from tests.conftest import ROOT
from tests.tui.helpers import FixedClock, screen_text

# the loop's published mix, as minimum counts of interview scenarios (coaching does not count)
LOOP_MINIMUMS = {
    "program-execution": 6,
    "system-design": 4,
    "behavioral": 5,
    "metrics": 2,
    "product-sense": 2,
    "written": 1,
}


def play(library, scenario_id: str, label: str = "strong") -> Session:
    """A finished session answered with each stage's calibration answer of that label."""
    s = Session.new(library, scenario_id)
    s.start()
    while not s.finished:
        pick = next((c.answer for c in s.stage.calibration if c.label == label), None)
        s.submit(pick) if pick else s.skip()
    return s


# --------------------------------------------------------------------------- the mix


def test_the_library_follows_the_interview_loop(library):
    scenarios = [e.item for e in library.scenarios.values()]
    assert len(scenarios) >= 22
    assert all(sc.area in AREAS for sc in scenarios), [sc.id for sc in scenarios if sc.area is None]
    mix = Counter(sc.area for sc in scenarios if not sc.coaching)
    assert {area: mix[area] for area in LOOP_MINIMUMS} == {
        area: max(mix[area], least) for area, least in LOOP_MINIMUMS.items()
    }, f"the loop's mix needs at least {LOOP_MINIMUMS}; the library has {dict(mix)}"
    assert [sc.id for sc in scenarios if sc.coaching] == ["ladder-growth"]


def test_behavioral_scenarios_score_the_story_and_more(library):
    behavioral = [e.item for e in library.scenarios.values() if e.item.area == "behavioral" and not e.item.coaching]
    for sc in behavioral:
        if "behavioral" not in sc.rubrics:
            continue  # eng-leader-to-tpm: a career question scored on career growth
        assessed = {a.criterion for st in sc.stages for a in st.assess}
        story = {f"behavioral.{c}" for c in ("situation", "ownership", "result", "learning")}
        assert story <= assessed, f"{sc.id} assesses the whole story"
        assert len(sc.rubrics) >= 2, f"{sc.id} is scored against behavioral and another rubric"
    assert sum("behavioral" in sc.rubrics for sc in behavioral) >= 5


def test_the_written_exercise_has_time_to_write_and_is_scored_as_a_document(library):
    written = [e.item for e in library.scenarios.values() if e.item.area == "written"]
    for sc in written:
        longest = max(st.time_limit_minutes or 0 for st in sc.stages)
        assert longest >= 20, f"{sc.id}: a written exercise gets a long time limit"
        assessed = {a.criterion for st in sc.stages for a in st.assess}
        assert "communication.written" in assessed, "scored for structure"
        assert assessed - {"communication.written", "communication.clarity"}, "and for substance"


# --------------------------------------------------------------------------- coaching


def test_a_coaching_session_is_not_interview_evidence(isolated_home, library, tmp_path):
    store = Store()
    coaching = play(library, "ladder-growth")
    persist(store, coaching)
    assert timeline(store, library) == {}, "no competency trend, no ladder level from coaching"
    assert recommend(store, library).scenario != "ladder-growth", "practise next is interview practice"
    # said where the learner sees the result
    assert "coaching, not counted" in summary_view(coaching.summary()).headline
    interview = play(library, "eng-leader-to-tpm")
    persist(store, interview)
    assert {p.scenario for series in timeline(store, library).values() for p in series} == {"eng-leader-to-tpm"}
    assert "coaching" not in summary_view(interview.summary()).headline
    # a mentor's cohort compares interview evidence only
    path = tmp_path / "sam.jsonl"
    path.write_text("\n".join(export_lines(store, [coaching.state.id], learner="Sam")) + "\n")
    assert cohort([path], library) == Cohort(columns=[], rows=[], problems=[], left_out=0)


# --------------------------------------------------------------------------- follow-ups


def test_a_confident_wrong_answer_is_challenged_and_a_strong_one_probed(library):
    """risky-rollout: keeping the ramp going while edits are duplicated draws the challenge;
    a strong answer draws a deeper question instead of nothing."""
    for label, expected in [
        ("fluent wrong: keeps ramping", "You would keep the ramp going while people's edits are being duplicated"),
        ("strong", "Good. The repair job touches people's data too."),
    ]:
        s = Session.new(library, "risky-rollout")
        s.start()
        s.skip()
        s.skip()
        assert s.stage.id == "rollback"
        answer = next(c.answer for c in s.stage.calibration if c.label == label)
        outcome = s.submit(answer)
        assert outcome.kind == "followup" and outcome.question.startswith(expected), label


def test_the_roadmap_proposal_is_scored_on_the_search_limit(library):
    """The 80,000 tasks against the 50,000-task search limit is checked where the proposal is made."""
    stage = library.scenario("roadmap-negotiation").stage("propose")
    refs = {f"{a.criterion}.{e.id}" for a in stage.assess for e in a.extra}
    assert "trade-offs.decision.search-for-deal" in refs
    s = Session.new(library, "roadmap-negotiation")
    s.start()
    s.skip()
    outcome = s.submit("I'd do SSO because the customer needs it and the audit log next. Bulk import can wait a bit.")
    assert outcome.question and "80,000 tasks" in outcome.question


# --------------------------------------------------------------------------- phrases and red flags

LOOP_SCENARIOS = [
    "bad-news-to-exec",
    "conflict-between-teams",
    "decision-memo",
    "disagree-and-commit",
    "enterprise-compliance",
    "enterprise-search",
    "failure-you-owned",
    "leading-through-ambiguity",
    "metering-design",
    "metric-drop",
    "multi-team-launch",
    "privacy-requests",
    "what-to-build-next",
]
RUBRICS = ["architecture", "behavioral", "career-growth", "data-driven", "product-sense"]


@pytest.mark.parametrize(
    "path", [f"scenarios/{s}.toml" for s in LOOP_SCENARIOS] + [f"rubrics/{r}.toml" for r in RUBRICS]
)
def test_phrases_name_their_idea(capsys, path):
    """`coach validate FILE` refuses a phrase that comes down to small, everyday or common words
    ("my part", "the ask is", "went live"): it would credit answers by accident. (The whole
    library: tests/cli/test_commands.py::test_validate_whole_library.)"""
    from coach.cli import main

    code = main(["validate", str(ROOT / path)])
    assert code == 0, capsys.readouterr().out


def _stage_report(library, scenario_id: str, stage_id: str, answer: str):
    scenario = library.scenario(scenario_id)
    return Scorer(library).score_stage(scenario, scenario.stage(stage_id), answer)


def test_a_deletion_that_leaves_backups_or_analytics_out_is_a_red_flag(library):
    """privacy-requests: calling the copies out of scope is a legal failure however well it is said."""
    report = _stage_report(
        library,
        "privacy-requests",
        "meaning",
        "Deleted means the row goes from the users table and the main database. Analytics is out of scope, "
        "and backups are out of scope too, since they are only for disasters.",
    )
    assert "architecture.deletion-leaves-copies" in [hit.ref for hit in report.anti_patterns]
    assert report.score <= 54.9


def test_a_memo_that_moves_every_account_at_once_is_a_red_flag(library):
    """decision-memo: the memo is also judged on moving accounts to new billing safely."""
    answer = (
        "Recommendation: buy the billing vendor. It is live in ten weeks and costs 0.8% of revenue; building takes "
        "seven months. To keep it simple we cut everyone over on launch day and fix any wrong invoice afterwards. "
        "Next step: approve the contract on Thursday."
    )
    report = _stage_report(library, "decision-memo", "memo", answer)
    assert "architecture.big-bang-switch" in [hit.ref for hit in report.anti_patterns]
    safe = _stage_report(
        library,
        "decision-memo",
        "memo",
        answer.replace(
            "we cut everyone over on launch day and fix any wrong invoice afterwards",
            "we run the vendor's bills side by side with ours for a month, then move a small group of teams first",
        ),
    )
    assert not safe.anti_patterns and safe.score > report.score


# --------------------------------------------------------------------------- the catalogue


async def test_the_catalogue_filters_by_loop_area(isolated_home, library):
    app = make_app(library, Store(), clock=FixedClock())
    async with app.run_test(size=(100, 34)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#scenarios", DataTable)
        everything = table.row_count
        seen: dict[str, set[str]] = {}
        for area in AREAS:
            await pilot.press("a")  # the next round of the loop
            await pilot.pause()
            assert app.screen.query_one("#area", Select).value == area
            seen[area] = {str(table.get_row_at(i)[-1]) for i in range(table.row_count)}
            ids = {key.value for key in table.rows}
            assert ids and all(library.scenario(sid).area == area for sid in ids), area
        assert "Designing collaborators on to-do lists" in seen["system-design"]
        await pilot.press("a")  # after the last area: every scenario again
        await pilot.pause()
        assert table.row_count == everything
        # a coaching scenario says so where it is chosen
        while app.screen.query_one("#area", Select).value != "behavioral":
            await pilot.press("a")
            await pilot.pause()
        table.move_cursor(row=[key.value for key in table.rows].index("ladder-growth"))
        await pilot.pause()
        assert "Loop area: Behavioral (coaching, not counted)" in screen_text(app)
