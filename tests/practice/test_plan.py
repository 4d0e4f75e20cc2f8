"""The practice plan (`coach plan`): deterministic for a day and a history, weakest competencies
first, spaced repetition, the job description's weights, clear errors, and `coach next` following it."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from coach import settings
from coach.cli import main
from coach.library.formats import Level
from coach.practice import plan as plans
from coach.practice.history import recommend
from coach.practice.resume import persist
from coach.practice.store import Store
from tests.practice.test_history import play

HOSTILE = Path(__file__).resolve().parent.parent / "data" / "hostile"
DAY = date(2026, 3, 2)  # a Monday
JOB = """Senior Technical Program Manager, Analytics Platform.
You will define success metrics and a primary metric for every launch, set a baseline and a target,
run A/B tests with a control group and a clear hypothesis, check statistical significance, and write
SQL against the warehouse. You care about data quality checks, data freshness and metric definitions."""


def history(library) -> Store:
    """Three finished sessions in January: strong at data and execution, weak at the rest."""
    store = Store()
    t = datetime(2026, 1, 5, 12, tzinfo=timezone.utc)
    persist(store, play(library, "data-product", "strong", started=t))
    persist(store, play(library, "upmarket-pricing", "weak", started=t + timedelta(days=7)))
    persist(store, play(library, "goal-to-spec", "strong", started=t + timedelta(days=8)))
    return store


def test_a_plan_is_the_same_for_the_same_day_and_history_weakest_first_with_growing_gaps(isolated_home, library):
    store = history(library)
    first = plans.build_plan(store, library, Level.senior_tpm, date(2026, 4, 15), DAY)
    again = plans.build_plan(store, library, Level.senior_tpm, date(2026, 4, 15), DAY)
    assert first.items == again.items and first.focus == again.focus

    # 44 days at 4 a week: 26 sessions, from the day the plan is made to the day before the interview
    assert len(first.items) == 26 and first.items[0].day == DAY and first.items[-1].day < date(2026, 4, 15)
    # weakest first: the competencies furthest below what Senior TPM asks lead, and the first session is for the first
    gaps = [f.gap for f in first.focus]
    assert first.focus[0].gap == max(gaps) and first.focus[-1].gap == min(gaps)
    assert first.items[0].competency == first.focus[0].competency
    # strong in January at data and stakeholders: at the target, they come last (kept fresh, not repeated)
    assert [f.competency for f in first.focus[-2:]] == ["data-driven", "stakeholder-alignment"]
    assert "at the target" in next(i.reason for i in first.items if i.competency == "stakeholder-alignment")
    # spaced repetition: a scenario for a competency short of the target comes back after growing gaps (1, 3, 7 days)
    sid = first.items[0].scenario
    days = [i.day for i in first.items if i.scenario == sid]
    gaps_between = [(b - a).days for a, b in zip(days, days[1:], strict=False)]
    assert len(days) == 4 and all(g >= need for g, need in zip(gaps_between, plans.GAPS, strict=False))
    assert [i.repeat for i in first.items if i.scenario == sid] == [0, 1, 2, 3]
    assert "again after" in next(i.reason for i in first.items if i.scenario == sid and i.repeat)
    # the plan's sessions are interview practice: scenarios of the library, never a coaching one
    assert {i.scenario for i in first.items} <= {e.item.id for e in library.scenarios.values() if not e.item.coaching}


def test_a_job_description_weights_the_competencies_it_asks_for(isolated_home, library, tmp_path):
    store = Store()  # no history: without a job description every competency is equally far from the target
    plain = plans.build_plan(store, library, Level.senior_tpm, date(2026, 4, 15), DAY)
    job = tmp_path / "job.txt"
    job.write_text(JOB, encoding="utf-8")
    weighted = plans.build_plan(store, library, Level.senior_tpm, date(2026, 4, 15), DAY, job_file=job)
    assert plain.focus[0].competency != "data-driven"
    assert weighted.focus[0].competency == "data-driven"
    top = weighted.focus[0]
    assert top.weight == 3.0 and {"Names the primary success metric", "Can ask SQL-level questions"} <= set(top.asked)
    assert (
        weighted.items[0].competency == "data-driven" and "the job description asks for it" in weighted.items[0].reason
    )
    assert [i.scenario for i in weighted.items] != [i.scenario for i in plain.items]


def test_plan_command_prints_and_saves_the_plan_and_says_what_is_wrong(
    isolated_home, library, capsys, monkeypatch, tmp_path
):
    monkeypatch.setattr(plans, "today", lambda: DAY)
    assert main(["plan", "--date", "2026-04-15", "--target", "senior-tpm", "--per-week", "3"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Interview on 2026-04-15 for Senior TPM: 44 day(s) left · 3 session(s) a week")
    assert "This week: 0 of 3 planned session(s) done" in out and "  → 2026-03-02  " in out
    assert "`coach next` follows this plan" in out
    assert plans.load_plan() is not None and plans.load_plan().per_week == 3
    assert main(["plan"]) == 0  # shows the saved plan
    assert capsys.readouterr().out.startswith("Interview on 2026-04-15 for Senior TPM")

    def error(*args: str) -> str:
        assert main(["plan", *args]) == 2
        return capsys.readouterr().err

    assert "the interview date 2026-03-01 is in the past (today is 2026-03-02)" in error(
        "--date", "2026-03-01", "--target", "tpm"
    )
    assert "unknown level 'boss'; levels are associate-pm, tpm, senior-tpm, principal-tpm, vp-product" in error(
        "--date", "2026-04-15", "--target", "boss"
    )
    assert "levels are associate-pm" in error("--date", "2026-04-15")
    missing = tmp_path / "nope.txt"
    assert f"{missing}: cannot read the job description: No such file or directory" in error(
        "--date", "2026-04-15", "--target", "tpm", "--job-description", str(missing)
    )
    latin1 = HOSTILE / "job-description-latin1.txt"
    assert f"{latin1}: the job description is not UTF-8 plain text" in error(
        "--date", "2026-04-15", "--target", "tpm", "--job-description", str(latin1)
    )
    huge = tmp_path / "huge.txt"
    huge.write_text("metrics " * 40_000, encoding="utf-8")
    assert "a job description is at most 200 KB of plain text" in error(
        "--date", "2026-04-15", "--target", "tpm", "--job-description", str(huge)
    )
    assert "Traceback" not in capsys.readouterr().err
    assert plans.load_plan().per_week == 3, "a failed plan leaves the saved one alone"


def test_next_summary_and_history_follow_a_saved_plan(isolated_home, library, capsys):
    store = history(library)
    today = datetime.now(timezone.utc).astimezone().date()  # the plan is relative to the day the test runs
    made = plans.build_plan(store, library, Level.principal_tpm, today + timedelta(days=30), today, per_week=5)
    without = recommend(store, library)
    assert without.scenario != made.items[0].scenario, "the plan must say something the recommender would not"
    plans.save_plan(made)

    assert main(["next"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Practise next: {made.items[0].scenario} (")
    assert f"Your plan for the interview on {made.interview} (30 day(s) left): session 1 of {len(made.items)}" in out

    # practising it moves the plan on, even before the session is saved (the summary says it first)
    played = play(library, made.items[0].scenario, "middling")
    from coach.practice.history import summarise

    assert summarise(played, store).next_scenario == made.items[1].scenario
    persist(store, played)
    assert main(["next"]) == 0
    assert capsys.readouterr().out.startswith(f"Practise next: {made.items[1].scenario} (")

    # an interview in the past, or another target asked for, and the recommender decides again
    assert recommend(store, library, target=Level.tpm).reason == recommend(store, library, target=Level.tpm).reason
    assert "Your plan" not in recommend(store, library, target=Level.tpm).reason
    settings.save(plan={**made.model_dump(mode="json"), "interview": str(today - timedelta(days=1))})
    assert "Your plan" not in recommend(store, library).reason
    settings.save(plan={"interview": "not a date"})  # a damaged plan is no plan, never a crash
    assert main(["next"]) == 0 and "Your plan" not in capsys.readouterr().out


@pytest.mark.parametrize("per_week", [0, 15])
def test_sessions_per_week_are_bounded(isolated_home, library, per_week):
    with pytest.raises(plans.PlanError, match="between 1 and 14"):
        plans.make_plan(library, {}, {}, Level.tpm, DAY + timedelta(days=10), DAY, per_week)


def test_the_plan_mixes_the_parts_of_the_interview_loop(isolated_home, library):
    """Each scenario names its loop area: the plan introduces them so the loop's parts alternate,
    every interview scenario once before any comes back, and never the coaching one."""
    made = plans.make_plan(library, {}, {}, Level.senior_tpm, DAY + timedelta(days=60), DAY, per_week=7)
    first = [i.scenario for i in made.items if i.repeat == 0]
    interview = {e.item.id for e in library.scenarios.values() if not e.item.coaching}
    assert set(first) == interview and len(first) == len(interview)
    areas = [library.scenario(sid).area for sid in first[:8]]
    assert len(set(areas)) >= 5  # the first week already touches most of the loop
