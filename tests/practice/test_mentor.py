"""Mentor logic without the app: the mentor's view of a stage, cohorts, review files (the screens: tests/tui/test_mentor_screens.py)."""

from __future__ import annotations

from coach.cli import main
from coach.practice.history import export_lines
from coach.practice.mentor import mentor_view, prefill, read_export, side_by_side, stage_review
from coach.practice.resume import persist
from coach.practice.session import Override, Session
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
