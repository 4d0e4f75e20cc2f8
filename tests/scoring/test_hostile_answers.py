"""Hostile answers are scored on a bounded part of the text, with bounded work per word.

The answers are built from the recipes in tests/data/hostile/answers.json (benchmarks/hostile.py
prints their time and memory). The tests check what bounds the work, never the clock.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coach.scoring import matching, text
from coach.scoring.engine import MAX_CHARS, MAX_TOKENS, Scorer

RECIPES = json.loads((Path(__file__).parent.parent / "data" / "hostile" / "answers.json").read_text())
NAMES = [name for name in RECIPES if not name.startswith("_")]


def build(name: str) -> str:
    r = RECIPES[name]
    return str(r["before"] + r["piece"] * r["times"] + r["after"])


@pytest.fixture(scope="module")
def rollback(library):  # type: ignore[no-untyped-def]
    scorer = Scorer(library)
    sc = library.scenario("risky-rollout")
    return lambda answer: scorer.score_stage(sc, sc.stage("rollback"), answer)


@pytest.mark.parametrize("name", NAMES)
def test_hostile_answer_is_scored_on_a_capped_text(rollback, name: str, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    answer = build(name)
    seen: list[int] = []
    real = text.tokenize
    monkeypatch.setattr(
        "coach.scoring.engine.tokenize", lambda t, limit=None: seen.append(len(t)) or real(t, limit=limit)
    )
    report = rollback(answer)
    assert report.words <= MAX_TOKENS
    assert max(seen) <= MAX_CHARS  # the scorer never reads past the cap, whatever the answer holds
    if len(answer) > MAX_CHARS:
        assert "truncated" in report.flag_codes()
    assert report.score <= 35  # none of them is an answer


def test_typo_lookups_skip_giant_words(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(word: str, edits: int) -> set[str]:
        if len(word) > text.MAX_WORD:
            raise AssertionError(f"typo deletions computed for a {len(word)}-letter word")
        return real(word, edits)

    real = matching._deletions
    monkeypatch.setattr(matching, "_deletions", refuse)
    matcher = matching.Matcher(["reconciliation report"])
    index = matching.AnswerIndex(text.tokenize("the " + "a" * 100_000 + " report"), matcher=matcher)
    assert index.find("reconciliation report")[0] is None
    assert text.stem("b" * 100_000) == "b" * 100_000  # not lemmatised or stemmed either
