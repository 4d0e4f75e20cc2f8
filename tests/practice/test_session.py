"""The interview session engine on its own: flow, follow-ups, branches, time, save/restore."""

from __future__ import annotations

import pytest

from coach.library.formats import Level
from coach.practice.history import summarise
from coach.practice.session import MAX_VISITS, Mode, Session, SessionError


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def calibration(library, stage_id: str, label: str) -> str:
    stage = library.scenario("upmarket-pricing").stage(stage_id)
    return " ".join(next(c.answer for c in stage.calibration if c.label == label).split())


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def session(library, clock) -> Session:
    s = Session.new(library, "upmarket-pricing", clock=clock)
    s.start()
    return s


def test_cannot_answer_before_the_interview_starts(library):
    s = Session.new(library, "upmarket-pricing")
    with pytest.raises(SessionError):
        s.submit("an answer")
    assert s.start().startswith("So, we're moving upmarket")
    with pytest.raises(SessionError):
        s.start()


def test_missed_concept_brings_the_matching_followup(session):
    outcome = session.submit("We need to scale the servers and add monitoring with alerting and a load test.")
    assert outcome.kind == "followup"
    assert outcome.question.startswith("You haven't mentioned billing")  # missed(...billing-engine) comes first
    assert session.question == outcome.question and session.state.awaiting_followup
    assert outcome.report.concept("architecture.scale-resilience.billing-engine").found is False


def test_followup_reply_is_scored_with_the_first_answer(session):
    session.submit("We need to scale the servers and add monitoring with alerting and a load test.")
    outcome = session.submit("Right: the billing engine must meter usage events and invoice them.")
    assert outcome.kind == "next" and outcome.next_stage == "billing"
    assert outcome.report.concept("architecture.scale-resilience.billing-engine").found
    record = session.state.records[0]
    assert record.answers[1].startswith("Right:") and len(record.followups) == 1


def test_strong_answer_moves_on_without_followup(session, library):
    outcome = session.submit(calibration(library, "strategy", "strong"))
    assert outcome.kind == "next" and outcome.report.band in ("solid", "strong")


def test_low_score_branches_to_remedial_stage_then_rejoins(library, clock):
    s = Session.new(library, "upmarket-pricing", clock=clock)
    s.start()
    for stage in ("strategy", "billing"):
        while s.stage.id == stage:
            s.submit(calibration(library, stage, "strong"))
    assert s.stage.id == "agility"
    s.submit("Engineering is slow. Three months for GIFs is ridiculous, so I'd set tighter deadlines for them.")
    if s.state.awaiting_followup:
        s.submit("I don't know.")
    assert s.stage.id == "agility-basics"  # the branch `score < 30`
    s.submit(calibration(library, "agility-basics", "good"))
    assert s.stage.id == "roadmap"  # `then = "roadmap"`


def test_hints_are_revealed_in_order_and_counted(session):
    stage = session.stage
    assert session.hint() == stage.hints[0]
    assert session.hint() == stage.hints[1]
    assert session.hints_left() == len(stage.hints) - 2
    while session.hint() is not None:
        pass
    assert session.record.hints_used == len(stage.hints)
    assert [t.kind for t in session.state.transcript].count("hint") == len(stage.hints)


def test_time_is_tracked_per_stage_and_warns_without_losing_anything(session, clock):
    assert session.remaining_seconds() == 5 * 60
    clock.now += 400
    assert session.remaining_seconds() == -100  # over time: the answer is still accepted
    session.set_draft("half an answer")
    outcome = session.submit("We need a billing engine and load testing, with monitoring.")
    assert session.state.records[0].seconds == 400
    assert outcome.kind in ("followup", "next")


def test_skip_records_the_stage_and_moves_on(session):
    outcome = session.skip()
    assert session.state.records[0].skipped
    assert outcome.report.score == 0 and "empty" in outcome.report.flag_codes()
    assert outcome.kind == "next"


def test_save_and_restore_exactly(library, clock, session):
    session.hint()
    session.submit("We need to scale the servers and add monitoring with alerting and a load test.")
    session.set_draft("a draft in progress")
    saved = session.dump()
    restored = Session.restore(library, saved, clock=clock)
    assert restored.dump() == saved
    assert restored.question == session.question and restored.state.draft == "a draft in progress"
    # both continue identically
    a = session.submit("Billing: meter usage events, dedupe them, invoice with line items.")
    b = restored.submit("Billing: meter usage events, dedupe them, invoice with line items.")
    assert a.model_dump() == b.model_dump()
    assert session.dump() == restored.dump()


def test_restore_rejects_garbage(library):
    with pytest.raises(ValueError):
        Session.restore(library, "{not json")


def test_visits_are_bounded(library, clock):
    s = Session.new(library, "upmarket-pricing", clock=clock)
    s.start()
    while not s.finished:
        s.skip()
    visits = {}
    for rec in s.state.records:
        visits[rec.stage] = visits.get(rec.stage, 0) + 1
    assert max(visits.values()) <= MAX_VISITS
    assert s.finished


def test_summary_after_a_full_interview(library, clock):
    s = Session.new(library, "upmarket-pricing", target=Level.senior_tpm, mode=Mode.interview, clock=clock)
    s.start()
    answers = {
        "strategy": "strong",
        "billing": "middling",
        "agility": "middling",
        "roadmap": "strong",
        "agility-basics": "good",
    }
    while not s.finished:
        stage = s.stage.id
        s.submit(calibration(library, stage, answers[stage]))
    summary = s.summary()
    assert [st.stage for st in summary.stages] == ["strategy", "billing", "agility", "roadmap"]
    assert summary.target == "senior-tpm" and summary.target_title == "Senior TPM"
    assert {c.competency for c in summary.competencies} >= {"architecture", "trade-offs", "communication"}
    assert all(c.note for c in summary.competencies)
    assert 1 <= len(summary.work_on) <= 3 and len(set(summary.work_on)) == len(summary.work_on)
    assert summary.strengths and all("“" in x for x in summary.strengths if ":" in x)
    assert summarise(s).next_reason  # the one recommender fills in what to practise next
    billing = next(st for st in summary.stages if st.stage == "billing")
    strategy = next(st for st in summary.stages if st.stage == "strategy")
    assert strategy.score > billing.score


def test_store_round_trip_and_resume_with_draft(library, clock, isolated_home):
    from coach.practice.resume import persist, resume, save_draft
    from coach.practice.store import Store

    store = Store()
    s = Session.new(library, "upmarket-pricing", clock=clock)
    s.start()
    persist(store, s)
    save_draft(store, s, "typed but not submitted")
    assert [row.id for row in store.unfinished()] == [s.state.id]
    back = resume(store, library, s.state.id)
    assert back.state.draft == "typed but not submitted" and back.question == s.question


# --------------------------------------------------------------------------- results that agree with themselves


def play_labels(library, scenario_id: str, labels: dict[str, str | None], stop_at: str | None = None) -> Session:
    """Each stage answered with its calibration answer of that label; None skips it. With
    ``stop_at`` the session stops (as a mentor may end it) when that stage opens."""
    s = Session.new(library, scenario_id)
    s.start()
    while not s.finished:
        if s.stage.id == stop_at:
            s.state.status = "finished"
            break
        label = labels.get(s.stage.id)
        s.submit(next(c.answer for c in s.stage.calibration if c.label == label)) if label else s.skip()
    return s


def _concepts(lines: list[str]) -> set[str]:
    return {line.split(":")[0] for line in lines}


def test_a_concept_credited_in_one_stage_is_a_strength_and_not_work_on(library):
    # risky-rollout: the weak rollout answer misses feature flags; the rollback answer names a kill switch
    s = play_labels(library, "risky-rollout", {"experiment": "strong", "rollout": "weak", "rollback": "strong"})
    rollout = next(r for rec, r in s.final_reports() if rec.stage == "rollout")
    assert "Uses feature flags" in _concepts(rollout.improvements)  # that stage alone does advise it
    summary = s.summary()
    assert (
        "Uses feature flags: “the on-call engineer flips the kill switch back to the old engine”" in summary.strengths
    )
    assert "Uses feature flags" not in _concepts(summary.work_on)
    assert len(summary.work_on) == 3  # the slot went to the next piece of advice


def test_no_concept_is_both_strength_and_work_on_across_the_library(library):
    for sid, entry in library.scenarios.items():
        stages = entry.item.stages
        kinds = sorted({c.label for st in stages for c in st.calibration})
        for shift in range(len(kinds)):  # each stage a different calibration answer, in turn
            labels = {st.id: kinds[(i + shift) % len(kinds)] for i, st in enumerate(stages)}
            labels = {
                k: v if any(c.label == v for c in library.scenario(sid).stage(k).calibration) else None
                for k, v in labels.items()
            }
            summary = play_labels(library, sid, labels).summary()
            assert not _concepts(summary.strengths) & _concepts(summary.work_on), (sid, labels)


def test_skipped_and_unreached_stages_are_not_assessed_never_zero(library):
    s = play_labels(library, "upmarket-pricing", {"strategy": "strong"})  # every other question skipped
    strategy = next(r for rec, r in s.final_reports() if rec.stage == "strategy")
    summary = s.summary()
    assert summary.score == strategy.score and summary.band == strategy.band  # skips do not drag it down
    # each competency is what the answered stage showed, not averaged with zeros
    assert {c.competency: c.score for c in summary.competencies} == {
        c.competency: c.score for c in strategy.competencies
    }
    rows = {st.stage: st for st in summary.stages}
    assert rows["strategy"].assessed and rows["strategy"].score == strategy.score
    skipped = [st for st in summary.stages if st.skipped]
    assert skipped and all(st.score is None and st.band is None and not st.assessed for st in skipped)

    nothing = play_labels(library, "upmarket-pricing", {})
    everything_skipped = nothing.summary()
    assert everything_skipped.score is None and everything_skipped.competencies == []
    assert everything_skipped.strengths == [] and everything_skipped.level is None


def test_a_session_stopped_early_lists_the_rest_as_not_assessed(library):
    s = play_labels(library, "upmarket-pricing", {"strategy": "strong"}, stop_at="billing")
    summary = s.summary()
    rows = {st.stage: st for st in summary.stages}
    assert rows["strategy"].assessed
    # billing was opened but never answered; agility and roadmap were never reached
    for stage in ("billing", "agility", "roadmap"):
        assert not rows[stage].assessed and rows[stage].score is None and not rows[stage].skipped
    assert "agility-basics" not in rows  # a branch not taken is not part of the interview
    assert summary.score == rows["strategy"].score

    from coach.render.text import summary_text

    shown = summary_text(summary)
    assert "  not assessed  -           The billing engine" in shown and "skipped" not in shown


def calibration_reports(library):  # type: ignore[no-untyped-def]
    """(answer, report) for every calibration answer in the library."""
    from coach.scoring.engine import Scorer

    scorer = Scorer(library)
    for entry in library.scenarios.values():
        for stage in entry.item.stages:
            for cal in stage.calibration:
                yield cal.answer, scorer.score_stage(entry.item, stage, cal.answer)


def test_every_mark_quotes_evidence_or_gives_advice_and_levels_agree(library):
    from coach.render.text import criterion_rows, level_note, md, to_markdown

    checked = capped = 0
    for answer, report in calibration_reports(library):
        said = " ".join(answer.split())
        markdown = to_markdown(report)
        for crit in report.criteria:
            rows, note = criterion_rows(crit), level_note(crit)
            hits = [row for row in rows if row.hit]
            for row, concept in zip(rows, crit.concepts, strict=False):
                if row.hit:  # a ✓ quotes the answer's own words
                    assert row.evidence.strip("“”") in said, (crit.ref, row)
                else:
                    assert row.advice == concept.advice and concept.advice.strip(), (crit.ref, row)
            for row, signal in zip(rows[len(crit.concepts) :], crit.signals, strict=True):
                if row.hit:  # a ✓ signal says what was observed
                    assert row.evidence == signal.note and signal.note.strip()
                else:  # a ✗ signal says what to do, not only what was measured
                    assert row.advice == signal.advice and signal.advice.strip(), (crit.ref, signal)
            # the level agrees with its rows, or the report says why not
            if crit.level >= 1 and not hits or crit.level == 0 and hits:
                assert note, (crit.ref, crit.level, rows)
            assert not (crit.level == 4 and not hits)
            if crit.signals and int(4 * sum(s.value for s in crit.signals) / len(crit.signals) + 0.5) > crit.level:
                assert note.startswith(f"Capped at {crit.level}/4")  # a capped level says why
                capped += 1
            # the Markdown report shows exactly these rows
            assert all(f"- {md(row.line())}" in markdown for row in rows)  # escaped as Markdown
            checked += 1
        assert markdown.count("\n- ✓ ") + markdown.count("\n- ✗ ") == sum(
            len(criterion_rows(c)) for c in report.criteria
        )
    assert checked > 300 and capped > 0


def test_an_empty_answer_shows_no_ticks(library):
    from coach.render.text import criterion_rows
    from coach.scoring.engine import Scorer

    sc = library.scenario("upmarket-pricing")
    report = Scorer(library).score_stage(sc, sc.stage("strategy"), "")
    assert all(crit.level == 0 for crit in report.criteria)
    assert not [row for crit in report.criteria for row in criterion_rows(crit) if row.hit]
    assert "Confident and direct." not in report.strengths  # nothing was said, so nothing went well
