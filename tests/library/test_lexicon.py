"""The built-in lexicon (rubrics/lexicon.toml): a few hundred synonym groups, every member a
valid pattern that keeps a meaningful word of its own."""

from __future__ import annotations

import pytest

from coach.scoring.matching import expand
from coach.scoring.text import GENERIC, tokenize


@pytest.fixture(scope="module")
def groups(library):
    assert len(library.lexicons) == 1, "the built-in library has one lexicon"
    return library.lexicons[0].item.groups


def test_the_lexicon_covers_the_domain_with_a_few_hundred_groups(groups):
    assert 250 <= len(groups) <= 400


def test_every_member_keeps_a_meaningful_word(groups):
    """Small words are dropped, so a member of several words that comes down to one everyday
    word ("let them know" is just "know") would fold every use of that word into the group.
    A run of several everyday words ("next time") is an idiom that says something specific
    (see matching.phrase_terms); the scorer keeps it, and so does this check."""
    useless = []
    for group in groups:
        for member in group.words:
            for variant in expand(member):  # raises on a bad pattern
                tokens = tokenize(variant)
                words = [t.word for t in tokens if not t.is_stop]
                # one everyday word left is useless; two or more are an idiom ("next time"), matched as a run
                if not words or (len(tokens) > 1 and len(words) == 1 and words[0] in GENERIC):
                    useless.append((group.words[0], variant))
    assert not useless


@pytest.mark.parametrize(
    "word",
    # each has a common other sense in an answer (see the notes in rubrics/lexicon.toml)
    ["release", "accounts", "page", "leave", "cancel", "check", "decide", "flag", "ship", "developer", "stale"],
)
def test_ambiguous_words_are_never_members_on_their_own(groups, word):
    assert not [g.words[0] for g in groups if word in g.words]
