"""Mentor logic without the app: the mentor's view of a stage, cohorts, review files (the screens: tests/tui/test_mentor_screens.py)."""

from __future__ import annotations

from coach.cli import main
from coach.practice.history import export_lines
from coach.practice.mentor import mentor_view, prefill, read_export, side_by_side, stage_review
from coach.practice.resume import persist
from coach.practice.review import Override
from coach.practice.session import Session
from coach.practice.store import Store
from tests.practice.test_history import play


def test_mentor_view_keeps_the_automatic_report_and_applies_ticks_and_overrides(library):
    s = Session.new(library, "upmarket-pricing")
    s.start()
    s.submit("We need a billing engine and load testing.")
    rec = s.state.records[0]
    auto = rec.report
    review = stage_review(s, "strategy")
    prefill(review, auto)
    assert "architecture.scale-resilience.billing-engine" in review.ticked
    review.ticked.append("stakeholder-alignment.strategy-link.business-goal")
    review.overrides["communication.clarity"] = Override(level=1, reason="Rambled for five minutes")
    mine = mentor_view(s, "strategy", auto, review)
    assert auto.concept("stakeholder-alignment.strategy-link.business-goal").found is False  # untouched
    assert mine.concept("stakeholder-alignment.strategy-link.business-goal").found is True
    clarity = next(c for c in mine.criteria if c.ref == "communication.clarity")
    assert clarity.level == 1
    row = next(r for r in side_by_side(s) if r["ref"] == "communication.clarity")
    assert row["reason"] == "Rambled for five minutes" and row["mentor"] == 1


def test_cohort_table_from_several_files(library, isolated_home, tmp_path, capsys):
    store = Store()
    files = []
    for name, label in (("Ana", "strong"), ("Ben", "weak")):
        s = play(library, "upmarket-pricing", label)
        s.state.learner = name
        persist(store, s)
        path = tmp_path / f"{name.lower()}.jsonl"
        path.write_text("\n".join(export_lines(store, [s.state.id])) + "\n")
        files.append(str(path))
    assert main(["cohort", *files, "--format", "md"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("| LEARNER | ") and "Architecture fluency" in out[0]
    ana = next(ln for ln in out if ln.startswith("| Ana |"))
    ben = next(ln for ln in out if ln.startswith("| Ben |"))
    assert float(ana.split("|")[2]) > float(ben.split("|")[2])


def test_a_review_file_without_a_learner_is_named_after_the_file(library, isolated_home, tmp_path):
    store = Store()
    persist(store, play(library, "tech-debt-case", "middling"))
    export = tmp_path / "ana.jsonl"
    export.write_text("\n".join(export_lines(store)) + "\n")
    assert [state.learner for state, _ in read_export(export)] == ["ana"]


def test_side_by_side_says_not_assessed_for_a_stage_nobody_answered_or_judged(library):
    """A mock interview where only the first question was answered: the other stages are 'not assessed'
    on the mentor's final screen and in the reports, never 0/4."""
    from coach.practice.mentor import finish, review_of
    from coach.render.text import session_markdown
    from tests.practice.test_history import play_stages

    s = play_stages(library, "risky-rollout", {"experiment": "strong"})
    review_of(s, "Jo")
    for stage in {rec.stage for rec in s.state.records}:  # the mentor saw every stage played
        stage_review(s, stage)
    finish(s, "Good start")
    rows = side_by_side(s)
    answered = [r for r in rows if r["stage"] == "experiment"]
    others = [r for r in rows if r["stage"] != "experiment"]
    assert answered and all(r["automatic"] is not None and r["mentor"] is not None for r in answered)
    assert others and all(r["automatic"] is None and r["mentor"] is None for r in others)
    markdown = session_markdown(s)
    skipped_stage = others[0]["stage"]
    assert f"| {skipped_stage} | {others[0]['criterion']} | not assessed | not assessed |" in markdown
    unanswered = [line for line in markdown.splitlines() if any(line.startswith(f"| {r['stage']} |") for r in others)]
    assert unanswered and not any("0/4" in line for line in unanswered)
