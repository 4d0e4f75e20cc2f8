"""Paraphrase recall through the built-in lexicon (rubrics/lexicon.toml) and the everyday
phrases in the rubrics: a good answer in plain words earns the concept, and a word with a
common other sense does not earn it by accident."""

from __future__ import annotations

import json

import pytest

from coach.cli import main
from coach.scoring.engine import Scorer


@pytest.fixture(scope="module")
def scorer(library):
    return Scorer(library)


def rubric_report(scorer, library, rubric_id: str, answer: str):
    return scorer.score_rubric(library.rubric(rubric_id), answer)


@pytest.mark.parametrize(
    "rubric, ref, answer",
    [
        # synonym groups: one member of a group meets the rubric's wording
        ("architecture", "architecture.change-safety.feature-flags", "I'd hide the new checkout behind a toggle."),
        ("architecture", "architecture.change-safety.rollback", "If orders fail we redeploy the last good build."),
        ("architecture", "architecture.scale-resilience.bottlenecks", "The shared database is the choke point."),
        ("architecture", "architecture.scale-resilience.slo", "We promise enterprise clients four nines."),
        ("architecture", "architecture.data-integration.consistency", "No double charges when the client resends."),
        (
            "data-driven",
            "data-driven.experimentation.controlled-test",
            "Half the shoppers see it; a comparison group does not.",
        ),
        ("data-driven", "data-driven.data-fluency.quality-checks", "Some invoices show up twice in the export."),
        ("execution", "execution.plan.capacity", "We spend one day a week cleaning up legacy code."),
        ("execution", "execution.risk-and-measure.risks", "The biggest danger is the vendor missing the date."),
        ("stakeholder-alignment", "stakeholder-alignment.people.business-partners", "I'd brief the sellers early."),
        ("trade-offs", "trade-offs.options.user-impact", "Customers leave if invoices stay wrong."),
        ("trade-offs", "trade-offs.options.time-to-market", "Buying gets us to customers sooner."),
        ("technical-influence", "technical-influence.trust.listens", "I'd hear the engineers out first."),
        ("career-growth", "career-growth.plan.mentors", "I'd find someone who made the move to advise me."),
        # everyday phrases added to the rubrics
        ("architecture", "architecture.change-safety.staged-rollout", "We give it to our own staff first, then widen."),
        ("data-driven", "data-driven.measurement.guardrails", "Nothing else gets worse while we chase signups."),
        ("trade-offs", "trade-offs.decision.sacrifice", "The price we pay is a slower second release."),
        # everyday wordings the calibration answers in plain words needed (engineer A's rubrics and lexicon)
        ("architecture", "architecture.change-safety.feature-flags", "The new export ships behind an off switch."),
        ("architecture", "architecture.change-safety.rollback", "If it misbehaves we flip it back in minutes."),
        (
            "architecture",
            "architecture.data-integration.migration",
            "We copy the old data into the new store in batches.",
        ),
        (
            "architecture",
            "architecture.scale-resilience.observability",
            "Before guessing I'd measure where the time goes.",
        ),
        ("data-driven", "data-driven.measurement.segments", "We split the results by plan type."),
        ("execution", "execution.plan.estimates", "Single sign-on is about four weeks for two engineers."),
        ("execution", "execution.plan.dependencies", "Order matters: the schema change, then the new screen."),
        ("execution", "execution.risk-and-measure.risks", "The first job is to stop it getting worse."),
        (
            "stakeholder-alignment",
            "stakeholder-alignment.people.customers",
            "I'd listen to customer calls with the sales team.",
        ),
        (
            "stakeholder-alignment",
            "stakeholder-alignment.people.shared-docs",
            "There is one shared page with the current step.",
        ),
        ("technical-influence", "technical-influence.trust.listens", "I'd ask the engineers what trade-offs they see."),
        ("trade-offs", "trade-offs.options.alternatives", "Is there a cheaper fix that buys us a year?"),
        ("trade-offs", "trade-offs.decision.criteria", "Cleaning it up makes us faster in the long run."),
        # everyday wordings the last plain-words misses needed (engineer C's final pass)
        ("product-sense", "product-sense.judging.small-test", "We build a scrappy version and show it to five teams."),
        (
            "product-sense",
            "product-sense.judging.success-metric",
            "It earns a team if half the pilots use it every week.",
        ),
        ("trade-offs", "trade-offs.decision.recommendation", "My advice is to keep the current vendor."),
        ("data-driven", "data-driven.data-fluency.quality-checks", "I'd check the numbers against the source."),
        ("data-driven", "data-driven.experimentation.hypothesis", "A few theories fit the drop in signups."),
        ("architecture", "architecture.data-integration.consistency", "The consumer should discard duplicates."),
        ("trade-offs", "trade-offs.options.alternatives", "There are three ways to go here."),
        ("trade-offs", "trade-offs.options.reversibility", "If the vendor disappoints, we can undo it."),
        ("trade-offs", "trade-offs.decision.sacrifice", "I'm comfortable with losing that account."),
        ("trade-offs", "trade-offs.decision.revisit", "We build the connector if enough buyers ask for it."),
        ("data-driven", "data-driven.data-fluency.quality-checks", "Some orders show up more than once."),
    ],
)
def test_everyday_wording_earns_the_concept(scorer, library, rubric, ref, answer):
    report = rubric_report(scorer, library, rubric, answer)
    concept = report.concept(ref)
    assert concept is not None and concept.found and not concept.negated, ref
    assert answer[concept.evidence.start : concept.evidence.end] == concept.evidence.text  # quoted as typed


@pytest.mark.parametrize(
    "rubric, ref, answer",
    [
        # "move it back" postpones a date; it is not a rollback
        ("architecture", "architecture.change-safety.rollback", "We would move the launch back by a week."),
        # "cancel" and "leave" alone are not churn
        ("trade-offs", "trade-offs.options.user-impact", "We cancel the meeting and leave the details to design."),
        # a delay in a schedule is not latency
        ("data-driven", "data-driven.measurement.guardrails", "The delay comes from waiting for legal approval."),
        # one-word members are matched with typos: "retry" must not read as a retro, "promise" as a premise
        ("execution", "execution.risk-and-measure.agile-cadence", "A retry could charge the card twice."),
        ("data-driven", "data-driven.experimentation.hypothesis", "We promise a refund within a day."),
        # "develop" is not a developer, so "develop ... problem" is not blaming the developers
        ("communication", None, "We develop the plan and fix the problem with the engineers."),
        # a phrase that came down to one common word matched any use of it
        ("trade-offs", "trade-offs.decision.recommendation", "The providers limit how many calls we can make."),
        ("trade-offs", "trade-offs.decision.sacrifice", "Once we decide, the roadmap does not change."),
        ("technical-influence", "technical-influence.loop.roadmap", "Once we decide, the roadmap does not change."),
        ("technical-influence", "technical-influence.trust.accountable", "If it goes wrong, that is a shared call."),
        ("technical-influence", "technical-influence.trust.support", "If it goes wrong, that is a shared call."),
        ("career-growth", None, "I liked turning customer problems into plans, not only the how."),
        ("technical-influence", None, "If we overrule an engineering concern, I'll write down why."),
        ("architecture", None, "After launch I keep improving reliability from the support tickets."),
    ],
)
def test_words_with_another_common_sense_earn_nothing(scorer, library, rubric, ref, answer):
    report = rubric_report(scorer, library, rubric, answer)
    if ref is None:
        assert not report.anti_patterns, [a.ref for a in report.anti_patterns]
        return
    concept = report.concept(ref)
    assert concept is not None and not concept.found, (ref, concept.evidence)


def test_naming_a_benefit_is_not_claiming_there_is_no_downside(scorer, library):
    report = rubric_report(
        scorer, library, "trade-offs", "The benefit of buying is speed; the advantage of building is control."
    )
    assert "trade-offs.no-downside" not in {a.ref for a in report.anti_patterns}


def test_score_credits_a_plain_words_answer_with_its_own_words(tmp_path, capsys):
    answer = (
        "First our own staff use it for a week, then a handful of customers. It sits behind a toggle, "
        "so if anything looks wrong we switch it off and put everyone back on the old version."
    )
    path = tmp_path / "answer.txt"
    path.write_text(answer, encoding="utf-8")
    assert main(["score", "--rubric", "architecture", "--answer", str(path), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    found = {c["ref"]: c["evidence"]["text"] for cr in report["criteria"] for c in cr["concepts"] if c["found"]}
    for ref in ("feature-flags", "staged-rollout", "rollback"):
        evidence = found.get(f"architecture.change-safety.{ref}")
        assert evidence and evidence in answer, (ref, found)


@pytest.mark.parametrize(
    "rubric, anti, harmful, sound",
    [
        (
            "stakeholder-alignment",
            "disowns-outcomes",
            "Revenue follows on its own once we ship; I don't want to be measured on things I don't control.",
            "I'd agree the adoption target with my manager and answer for it, even though sales shares it.",
        ),
        (
            "execution",
            "defers-unknowns",
            "The spec stays light: we will handle risks as they come up during the sprint.",
            "The spec lists the open questions and the two biggest risks, with a spike for the first.",
        ),
        (
            "execution",
            "waves-off-known-issue",
            "The import bug is a rare edge case; we'll fix it in a follow-up patch.",
            "The import bug hits people who change time zone; we reproduce the edge case before launch.",
        ),
        (
            "communication",
            "blame",
            "The other system is wrong, so I'd ask that team to align their numbers with ours.",
            "The two systems disagree, so I'd compare a sample of records with that team.",
        ),
        (
            "data-driven",
            "trusts-raw-count",
            "The total matches the dashboard, so there's no need to look for duplicates.",
            "The total matches the dashboard, but I'd still look for duplicates before trusting it.",
        ),
    ],
)
def test_a_harmful_claim_is_a_red_flag_and_its_sound_version_is_not(scorer, library, rubric, anti, harmful, sound):
    ref = f"{rubric}.{anti}"
    assert ref in {a.ref for a in rubric_report(scorer, library, rubric, harmful).anti_patterns}
    assert ref not in {a.ref for a in rubric_report(scorer, library, rubric, sound).anti_patterns}


@pytest.mark.parametrize(
    "scenario_id, stage_id, ref, answer",
    [
        # a stage's own concepts (`extra`) need everyday wordings too
        (
            "metric-drop",
            "narrow",
            "data-driven.data-fluency.two-explanations",
            "Maybe the new build dropped the event.",
        ),
        ("metering-design", "failures", "architecture.data-integration.late-events", "Some tablets report late."),
        (
            "enterprise-compliance",
            "residency",
            "trade-offs.options.lighter-option",
            "We offer the usual contract clauses first.",
        ),
    ],
)
def test_everyday_wording_earns_the_stage_concept(scorer, library, scenario_id, stage_id, ref, answer):
    scenario = library.scenario(scenario_id)
    concept = scorer.score_stage(scenario, scenario.stage(stage_id), answer).concept(ref)
    assert concept is not None and concept.found and not concept.negated, ref


def test_counting_twice_is_not_defining_the_metric(scorer, library):
    """'what counts as' came down to "count": any count earned 'pins down metric definitions'."""
    scenario = library.scenario("data-product")
    report = scorer.score_stage(scenario, scenario.stage("quality"), "Maybe some rows are counted twice after retries.")
    assert not report.concept("data-driven.data-fluency.definitions").found
    assert report.concept("data-driven.data-fluency.quality-checks").found
