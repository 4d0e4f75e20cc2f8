"""The signal patterns' look-aheads ("\\b(?=[abc])(alpha|beta|...)") only speed them up: each must
list the first letter of every alternative, or a signal word would silently stop counting."""

from __future__ import annotations

import re

import pytest

from coach.scoring import signals

LOOKAHEAD = re.compile(r"\\b\(\?=\[([a-z]+)\]\)\(")


def alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of the group that follows the look-ahead."""
    body = pattern[LOOKAHEAD.match(pattern).end() :]  # type: ignore[union-attr]
    found, depth, current = [], 0, ""
    for ch in body:
        if ch == "(":
            depth += 1
        elif ch == ")":
            if not depth:
                break
            depth -= 1
        if ch == "|" and not depth:
            found.append(current)
            current = ""
        else:
            current += ch
    return [*found, current]


PATTERNS = {name: p for name, p in vars(signals).items() if isinstance(p, re.Pattern) and LOOKAHEAD.match(p.pattern)}


def test_the_patterns_with_a_lookahead_are_found():
    assert {"_SIGNPOSTS", "_METRIC", "_NUMBER_WORDS", "_HEDGES", "_NEXT_STEPS"} <= set(PATTERNS)


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_every_alternative_starts_with_a_lookahead_letter(name):
    pattern = PATTERNS[name].pattern
    letters = set(LOOKAHEAD.match(pattern).group(1))  # type: ignore[union-attr]
    starts = {alt[0] for alt in alternatives(pattern)}
    assert starts <= letters, f"{name}: add {sorted(starts - letters)} to its look-ahead"


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_the_lookahead_changes_no_match(name, library):
    pattern = PATTERNS[name]
    plain = re.compile(LOOKAHEAD.sub(r"\\b(", pattern.pattern, count=1), pattern.flags)
    texts = [c.answer for e in library.scenarios.values() for st in e.item.stages for c in st.calibration]
    texts += [" ".join(alternatives(pattern.pattern)).upper()]
    for text in texts:
        assert [m.span() for m in pattern.finditer(text)] == [m.span() for m in plain.finditer(text)]
