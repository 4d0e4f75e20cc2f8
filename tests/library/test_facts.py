"""The built-in scenarios share one company: its facts (users, latency, how long collaborators
has taken...) are written once in scenarios/company/facts.toml, and every scenario must agree
with them."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

FACTS_FILE = ROOT / "scenarios" / "company" / "facts.toml"
FACTS = tomllib.loads(FACTS_FILE.read_text(encoding="utf-8"))["facts"]
SCENARIO_FILES = sorted((ROOT / "scenarios").glob("*.toml"))


def _text(path: Path) -> str:
    """The scenario's own words: not its calibration answers, which are candidates' words and may
    get a fact wrong on purpose (or by a blind writer's guess)."""
    import re

    # from a calibration header to its answer, never into the next table (its expect = [...] is no table)
    calibration = r'\[\[stages\.calibration\]\](?:(?!\[\[).)*?answer = """.*?"""'
    text = re.sub(calibration, " ", path.read_text(encoding="utf-8"), flags=re.S)
    return " ".join(text.split())  # hard-wrapped prose reads as one line


def disagreements(fact: dict, name: str, text: str) -> list[str]:
    """Every place ``text`` states ``fact`` with another value."""
    allowed = {fact["value"].lower(), *(v.lower() for v in fact.get("also", []))}
    out = []
    for pattern in fact["patterns"]:
        for m in re.finditer(pattern, text, flags=re.IGNORECASE):
            if m.group(1).lower() not in allowed:
                out.append(f"{name}: {m.group(0)!r} says {m.group(1)}, the facts file says {fact['value']}")
    return out


@pytest.mark.parametrize("fact", FACTS, ids=[f["id"] for f in FACTS])
def test_every_scenario_agrees_with_the_company_facts(fact):
    found = [d for path in SCENARIO_FILES for d in disagreements(fact, path.name, _text(path))]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("fact", FACTS, ids=[f["id"] for f in FACTS])
def test_every_fact_pattern_finds_a_mention(fact):
    texts = [_text(path) for path in SCENARIO_FILES]
    for pattern in fact["patterns"]:
        assert any(re.search(pattern, t, flags=re.IGNORECASE) for t in texts), (
            f"{fact['id']}: {pattern!r} matches no scenario; remove it or fix it"
        )


def test_a_disagreement_is_reported_with_the_words_that_say_it():
    """The check catches the contradictions issue 14 found: 13 against 14 months, 1.8 s against 1.6 s."""
    facts = {f["id"]: f for f in FACTS}
    old = 'rows = [ ["Collaborators on to-do lists", "13 months in, not shipped"], ["Task update latency (p95)", "1.8 s'
    assert disagreements(facts["collaborators-months"], "old.toml", old) == [
        "old.toml: 'Collaborators on to-do lists\", \"13 months' says 13, the facts file says 14"
    ]
    assert disagreements(facts["p95-update-latency"], "old.toml", old) == [
        "old.toml: 'latency (p95)\", \"1.8 s' says 1.8, the facts file says 1.6"
    ]


def test_the_search_limit_is_read_where_search_times_out():
    """A trigger in an answer ("another account over 100,000 tasks") is not the search limit;
    a scenario saying search times out at another number is."""
    fact = {f["id"]: f for f in FACTS}["search-limit"]
    assert disagreements(fact, "a.toml", "the rebuild starts if we sign another account over 100,000 tasks") == []
    assert disagreements(fact, "a.toml", "Search times out above 60,000 tasks") == [
        "a.toml: 'times out above 60,000 tasks' says 60,000, the facts file says 50,000"
    ]
