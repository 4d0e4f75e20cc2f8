"""Scores follow substance, not vocabulary: paraphrase, stance, accidents, gaming, evidence.

Every answer here is written for these tests; none comes from the shared eval sets.
The rubric and lexicon are small files made here, so each test shows one mechanism.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from coach.library.loader import load_library
from coach.scoring.engine import Scorer
from coach.scoring.matching import AnswerIndex, Matcher, PatternError, Synonyms, expand
from coach.scoring.text import tokenize

RUBRIC = """
id = "release-safety"
title = "Release safety"
competency = "architecture"
description = "Shipping a risky change safely."

[[criteria]]
id = "safety"
title = "Ships change safely"
descriptors = ["none", "little", "some", "most", "all"]

[[criteria.concepts]]
id = "rollback"
label = "Can undo the change"
phrases = ["roll back the release"]
advice = "Say how you undo it."

[[criteria.concepts]]
id = "canary"
label = "Tries it on a few users first"
phrases = ["canary release", "(pilot|trial) group"]
advice = "Start small."

[[criteria.concepts]]
id = "load-test"
label = "Tests capacity"
phrases = ["load test at peak traffic"]
advice = "Prove capacity before launch."

[[criteria.concepts]]
id = "prereq"
label = "Knows what must come first"
phrases = ["is a prerequisite for", "from you I need"]
advice = "Say what must be true first."

[[criteria.concepts]]
id = "dashboards"
label = "Watches the release"
phrases = ["dashboard", "alerting"]
advice = "Say what you watch."

[[criteria]]
id = "delivery"
title = "Says it clearly"
scoring = "signals"
signals = ["confidence", "quantification", "structure"]
descriptors = ["none", "little", "some", "most", "all"]
"""

LEXICON = """
[[groups]]
words = ["roll back", "revert", "(switch|turn|move) [everyone|it|them] back", "undo"]

[[groups]]
words = ["canary", "small slice of users", "handful of users"]
"""

OMISSION = """
id = "lab-critique"
title = "Critique of a procedure"
description = "What a procedure leaves out."

[[criteria]]
id = "gaps"
title = "Finds what is missing"
descriptors = ["none", "little", "some", "most", "all"]

[[criteria.concepts]]
id = "amount"
label = "Notices the amount is not given"
phrases = ["how much vinegar"]
omission = true
advice = "Say which quantity the procedure leaves out."
"""


@pytest.fixture(scope="module")
def scorer(tmp_path_factory: pytest.TempPathFactory) -> Scorer:
    folder: Path = tmp_path_factory.mktemp("rubrics")
    (folder / "release-safety.toml").write_text(RUBRIC)
    (folder / "lab-critique.toml").write_text(OMISSION)
    (folder / "lexicon.toml").write_text(LEXICON)
    return Scorer(load_library(rubric_dirs=[folder], include_user=False))


def concepts(scorer: Scorer, answer: str, rubric: str = "release-safety") -> dict[str, tuple[bool, bool]]:
    """concept id -> (found, negated)"""
    report = scorer.score_rubric(scorer.library.rubric(rubric), answer)
    return {c.ref.split(".")[-1]: (c.found, c.negated) for crit in report.criteria for c in crit.concepts}


# --------------------------------------------------------------------------- paraphrase


@pytest.mark.parametrize(
    "answer",
    [
        "If the numbers dip we switch everyone back to the last release.",
        "We revert the release within minutes when errors climb.",
        "Undo the release at the first sign of lost edits.",
    ],
)
def test_a_synonym_from_the_lexicon_matches_the_rubric_phrase(scorer: Scorer, answer: str) -> None:
    assert concepts(scorer, answer)["rollback"] == (True, False)


def test_patterns_cover_many_wordings_in_one_line() -> None:
    assert set(expand("(switch|turn) [it] back")) == {"switch it back", "switch back", "turn it back", "turn back"}
    with pytest.raises(PatternError):
        expand("(switch back")
    with pytest.raises(PatternError):
        expand("(a|b) (c|d) (e|f) (g|h) (i|j) (k|l)")  # 64 phrases: split it


def test_pattern_alternatives_match(scorer: Scorer) -> None:
    assert concepts(scorer, "A trial group of ten teams gets it for a week.")["canary"] == (True, False)
    assert concepts(scorer, "A canary release to a small slice of users comes first.")["canary"] == (True, False)
    assert concepts(scorer, "We give the release to a small slice of users and watch.")["canary"] == (True, False)


def test_irregular_forms_meet() -> None:
    matcher = Matcher(["go live", "child task"])
    for answer in ("It went live on Monday.", "The feature goes live after review.", "Children tasks were lost."):
        index = AnswerIndex(tokenize(answer), matcher=matcher)
        assert any(index.find(p)[0] for p in ("go live", "child task")), answer


def test_typo_allowance_grows_with_word_length() -> None:
    matcher = Matcher(["reconciliation report", "cost"])

    def found(answer: str, phrase: str) -> bool:
        return AnswerIndex(tokenize(answer), matcher=matcher).find(phrase)[0] is not None

    assert found("the reconcilation report", "reconciliation report")  # one edit
    assert found("the reconcilliaton report", "reconciliation report")  # two edits in a long word
    assert not found("most of it", "cost")  # a short word's neighbour is another word


# --------------------------------------------------------------------------- key words


def test_function_words_never_carry_a_match(scorer: Scorer) -> None:
    walk = "This is a nice day for a walk in the park with my dog, and from you I only need a smile."
    report = scorer.score_rubric(scorer.library.rubric("release-safety"), walk)
    assert not any(c.found for crit in report.criteria for c in crit.concepts)
    assert report.band == "weak"


def test_a_long_phrase_may_miss_a_word_but_never_its_key_word() -> None:
    matcher = Matcher(["load test at peak traffic"])

    def found(answer: str) -> bool:
        return AnswerIndex(tokenize(answer), matcher=matcher).find("load test at peak traffic")[0] is not None

    assert found("We load test the traffic at launch.")  # "peak" missing: fine
    assert not found("We load test at peak.")  # "traffic", the phrase's rarest word, missing


def test_a_phrase_that_collapses_to_a_common_word_never_matches() -> None:
    from coach.scoring.matching import Rarity, compile_phrase

    rarity = Rarity(__import__("collections").Counter({"team": 14}), concepts=75)
    assert not compile_phrase("teams", Synonyms(), rarity).usable  # in 14 of 75 concepts: says nothing alone
    assert len(compile_phrase("other teams", Synonyms(), rarity).terms) == 2  # "other" changes the meaning: kept
    assert not compile_phrase("we should", Synonyms(), rarity).usable
    assert not compile_phrase("from you I need", Synonyms(), rarity).usable
    assert compile_phrase("idempotency key", Synonyms(), rarity).usable


# --------------------------------------------------------------------------- stance


@pytest.mark.parametrize(
    "answer",
    [
        "A dashboard would only add noise at this stage.",
        "A dashboard is overkill for a change this small.",
        "Honestly a dashboard is the last thing we need.",
        "A dashboard is too indirect to be useful here.",
        "Rather than a dashboard, the team will ask customers.",
        "Dashboards, pagers and runbooks are not needed for this.",
        "A dashboard can wait until next quarter.",
        "A dashboard sounds sensible, but I would skip it for a change this small.",
        "Everyone reaches for a dashboard here, but that is overhead we cannot afford.",
    ],
)
def test_rejection_by_judgement_earns_nothing(scorer: Scorer, answer: str) -> None:
    assert concepts(scorer, answer)["dashboards"] == (False, True)


def test_not_optional_is_not_a_rejection(scorer: Scorer) -> None:
    assert concepts(scorer, "A dashboard is not optional for this launch.")["dashboards"] == (True, False)
    # a "but" that rejects something else leaves the first idea standing
    assert concepts(scorer, "We watch a dashboard, but we skip the pager.")["dashboards"] == (True, False)


def test_negation_stops_at_the_clause_boundary(scorer: Scorer) -> None:
    answer = "We have no budget for extra staff, and so a dashboard with alerting is how we watch it."
    assert concepts(scorer, answer)["dashboards"] == (True, False)


def test_an_omission_concept_is_earned_by_saying_what_is_missing(scorer: Scorer) -> None:
    assert concepts(scorer, "The procedure does not say how much vinegar to use.", "lab-critique")["amount"][0]
    assert not concepts(scorer, "Pour in the vinegar and wait.", "lab-critique")["amount"][0]


def test_explain_shows_the_words_that_decided_the_stance(scorer: Scorer) -> None:
    from coach.scoring.explain import explain_rubric_text

    text = explain_rubric_text(scorer, scorer.library.rubric("release-safety"), "A dashboard would only add noise.")
    assert "NEGATED" in text and "“would only add”" in text


# --------------------------------------------------------------------------- density and gaming

IDEA = "We roll back the release at once if errors rise, and a canary release to a handful of users goes first."
FILLER = textwrap.dedent(
    """
    I remember a project at a previous company where the office had a lovely kitchen and
    we would talk about weekend plans over coffee for a long while before standup.
    """
).strip()


def test_padding_past_the_time_budget_never_raises_a_score(scorer: Scorer) -> None:
    from coach.library.formats import Rubric

    rubric: Rubric = scorer.library.rubric("release-safety")
    target = scorer.rubric_target(rubric)
    from dataclasses import replace

    from coach.scoring.engine import score

    timed = replace(target, minutes=5.0)  # as a stage with a five-minute limit
    short = score(timed, IDEA).score
    ramble = score(timed, IDEA + " " + " ".join([FILLER] * 30)).score  # about 1,000 words
    assert ramble <= short


def test_stitched_rubric_phrases_stay_weak(scorer: Scorer) -> None:
    stitched = (
        "Roll back the release, canary release, pilot group, load test at peak traffic, dashboard alerting, "
        "roll back the release with dashboard alerting, canary release load test at peak traffic."
    )
    report = scorer.score_rubric(scorer.library.rubric("release-safety"), stitched)
    assert report.band == "weak"
    assert {"stitched", "buzzword_list"} & set(report.flag_codes())


def test_a_buzzword_salad_in_full_sentences_stays_weak(scorer: Scorer) -> None:
    salad = (
        "We will leverage cross-functional synergies to drive holistic alignment and unlock scalable value. "
        "By operationalising a robust, seamless framework we empower innovative excellence across the ecosystem. "
        "This strategic, customer-centric mindset will streamline our transformational journey."
    )
    report = scorer.score_rubric(scorer.library.rubric("release-safety"), salad)
    assert report.band == "weak" and "buzzword_salad" in report.flag_codes()


def test_delivery_cannot_lift_an_answer_above_its_content(scorer: Scorer) -> None:
    confident = (
        "First, we ship on Monday to 100% of users. Second, we move fast: 3 teams, 12 engineers, 2 weeks. "
        "Finally, we celebrate the launch with the whole company on Friday at 5 pm."
    )
    report = scorer.score_rubric(scorer.library.rubric("release-safety"), confident)
    content = next(c for c in report.criteria if c.scoring != "signals")
    delivery = next(c for c in report.criteria if c.scoring == "signals")
    assert delivery.exact_level > content.exact_level  # it is said well...
    assert report.score <= 25 * content.exact_level  # ...which cannot lift the score above what it says
    assert delivery.exact_level <= content.exact_level + 1  # nor show clear delivery of nothing


def test_a_competency_earned_by_delivery_alone_shows_no_more_than_the_score(library) -> None:
    """'I do not know.' is short and plain (the communication rubric's signals like it) but says nothing:
    it scores 0, so no competency, communication included, may show a level for it."""
    scenario = library.scenario("upmarket-pricing")
    report = Scorer(library).score_stage(scenario, scenario.stages[0], "I do not know.")
    assert report.score == 0
    assert [c.score for c in report.competencies] == [0.0] * len(report.competencies)


def test_evidence_is_the_clause_that_earned_the_credit(scorer: Scorer) -> None:
    answer = "Before launch we run a load test at peak traffic of three times today's load; then we ship."
    report = scorer.score_rubric(scorer.library.rubric("release-safety"), answer)
    c = next(c for crit in report.criteria for c in crit.concepts if c.ref.endswith("load-test"))
    assert c.evidence is not None
    assert c.evidence.text == "Before launch we run a load test at peak traffic of three times today's load"
    assert answer[c.evidence.start : c.evidence.end] == c.evidence.text


def test_a_rubric_without_a_competency_claims_no_ladder_level(scorer: Scorer) -> None:
    report = scorer.score_rubric(scorer.library.rubric("lab-critique"), "It does not say how much vinegar.")
    assert report.score > 0 and report.level is None and report.competencies == []
