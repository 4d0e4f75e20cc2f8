"""What a Scorer compiles from a library is shared by every Scorer of it, and never outlives the files."""

from __future__ import annotations

import copy
from pathlib import Path

from coach.library.loader import load_library
from coach.practice.session import Session
from coach.scoring.engine import Scorer

ANSWER = "Before launch we are load testing everything at three times peak, so customers never find our limits."
LOAD_TESTING = "architecture.scale-resilience.load-testing"


def found(scorer: Scorer, library, answer: str = ANSWER) -> bool:
    sc = library.scenario("upmarket-pricing")
    report = scorer.score_stage(sc, sc.stage("strategy"), answer)
    concept = report.concept(LOAD_TESTING)
    assert concept is not None
    return concept.found


def without_load_testing(library):
    """The library with the architecture rubric's load-testing phrases replaced (as if its file changed)."""
    changed = copy.copy(library)
    changed.rubrics = dict(library.rubrics)
    old = library.rubrics["architecture"]
    rubric = old.item
    criteria = []
    for crit in rubric.criteria:
        concepts = [
            c.model_copy(update={"phrases": ["quarterly zebra census"]}) if c.id == "load-testing" else c
            for c in crit.concepts
        ]
        criteria.append(crit.model_copy(update={"concepts": concepts}))
    changed.rubrics["architecture"] = type(old)(rubric.model_copy(update={"criteria": criteria}), old.path, old.origin)
    return changed


def test_sessions_of_one_library_compile_each_stage_once(library):
    # each session (and `coach history`, a review, an import) makes its own Scorer: the stage
    # it scores against is compiled by the first of them only
    sc = library.scenario("upmarket-pricing")
    stage = sc.stage("strategy")
    first = Session.new(library, sc.id).scorer.stage_target(sc, stage)
    second = Session.new(library, sc.id).scorer.stage_target(sc, stage)
    assert second is first
    assert Scorer(library).shared() is Scorer(library).shared()


def test_a_changed_rubric_is_compiled_again(library):
    assert found(Scorer(library), library)
    changed = without_load_testing(library)
    assert not found(Scorer(changed), changed)  # not the phrases compiled for the first library
    assert found(Scorer(library), library)  # and the first library's are intact


def test_a_rubric_replaced_in_the_same_library_is_compiled_again(library):
    mine = copy.copy(library)
    mine.rubrics = dict(library.rubrics)
    assert found(Scorer(mine), mine)
    mine.rubrics["architecture"] = without_load_testing(library).rubrics["architecture"]
    assert not found(Scorer(mine), mine)


def test_an_edited_rubric_file_is_compiled_again(tmp_path: Path):
    # a rubric folder given as an option overrides the built-in rubric of the same id
    built_in = Path(__file__).resolve().parents[2] / "rubrics" / "architecture.toml"
    rubric = tmp_path / "architecture.toml"
    rubric.write_text(built_in.read_text(encoding="utf-8"), encoding="utf-8")
    before = load_library(rubric_dirs=[tmp_path], include_user=False)
    assert found(Scorer(before), before)
    text = rubric.read_text(encoding="utf-8")
    start = text.index('  "load test", "stress test"')
    end = text.index("]", start)
    rubric.write_text(text[:start] + '  "quarterly zebra census",\n' + text[end:], encoding="utf-8")
    after = load_library(rubric_dirs=[tmp_path], include_user=False)
    assert not found(Scorer(after), after)


def test_a_phrase_compiled_for_one_stage_is_reused_not_mixed_into_another():
    from coach.scoring.matching import Matcher, Synonyms

    synonyms = Synonyms([["roll back", "revert"]])
    shared: dict = {}
    first = Matcher(["load test the billing engine", "roll back"], synonyms, shared=shared)
    second = Matcher(["roll back", "feature flag"], synonyms, shared=shared)
    assert second.compile("roll back") is first.compile("roll back")  # compiled once
    # each target still forgives typos of its own words only ("biling" is not a typo of stage two's words)
    assert "billing" in first.typos.words and "billing" not in second.typos.words
    assert second.compile("roll back") == Matcher(["roll back"], synonyms).compile("roll back")
