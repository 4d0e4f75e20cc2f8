"""Text normalisation for matching: tokens with exact spans in the original answer.

Every token keeps the character span it came from, so evidence can be quoted and
highlighted exactly as typed. Normalisation folds Unicode (accents, curly quotes),
case and contractions ("don't" -> "do not"), and stems words with the Snowball
English stemmer so that "scale", "scaling" and "scaled" meet.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

import snowballstemmer

_STEMMER = snowballstemmer.stemmer("english")
_WORD = re.compile(r"\d+(?:[.,]\d+)*%?|[^\W_]+(?:['’][^\W_]+)*")
_CLAUSE_BREAK = re.compile(r"[.;:!?()\[\]\u2014\u2013]|\s-\s")  # commas are soft: see is_negated
# A single newline is a soft wrap; a blank line or a new list item starts a new sentence.
_SENTENCE_BREAK = re.compile(r"[.!?]\s|[.!?]$|\n\s*\n|\n\s*(?:[-*\u2022]|\d+[.)])\s")

_CONTRACTIONS = {
    "can't": ("can", "not"),
    "cannot": ("can", "not"),
    "won't": ("will", "not"),
    "shan't": ("shall", "not"),
    "ain't": ("is", "not"),
    "i'm": ("i", "am"),
    "let's": ("let", "us"),
}
_SUFFIXES = (("n't", "not"), ("'re", "are"), ("'ll", "will"), ("'ve", "have"), ("'d", "would"), ("'s", ""))

_CLAUSE_WORDS = frozenset({"but", "however", "although", "though", "whereas", "yet"})
# Small words that carry little meaning on their own. Negators are deliberately absent.
STOPWORDS = frozenset(
    """a an the and or but if then than so of to in on at by for with from into onto over under
    about as is are was were be been being am do does did doing have has had having i me my we us
    our you your he she it its they them their this that these those there here what which who whom
    whose when where why how will would shall should can could may might must also just very really
    some any each every all both more most other such own same too only again further
    once while during before after above below between through until against per via let get got""".split()
)  # "up", "down", "out", "off" and "over" stay: they carry meaning in "pay down", "scale out", "sign off"
NEGATORS = frozenset(
    {"not", "no", "never", "without", "nor", "neither", "none", "nothing", "nobody", "avoid", "skip", "lack", "lacking"}
)
# "not only X but also Y" and friends do not negate X.
_NOT_NEGATING_NEXT = frozenset({"only", "just", "merely", "doubt", "matter", "least", "longer"})


class Token(NamedTuple):  # a tuple: cheap to build by the thousand
    word: str  # normalised word
    stem: str
    start: int  # span in the original text
    end: int
    sentence: int
    clause: int
    after_comma: bool = False  # a comma stands between this token and the previous one

    @property
    def is_stop(self) -> bool:
        return self.word in STOPWORDS


def fold(text: str) -> str:
    """Unicode and case folding of one word: accents dropped, curly quotes straightened."""
    text = text.replace("’", "'")
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    return text.casefold()


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    stemmed: str = _STEMMER.stemWord(word)  # snowballstemmer has no type information
    return stemmed


@lru_cache(maxsize=200_000)
def analyse(raw: str) -> tuple[tuple[str, str], ...]:
    """(word, stem) pairs for one raw word as typed: folded, contractions expanded."""
    return tuple((w, stem(w)) for w in _expand(fold(raw)))


@lru_cache(maxsize=200_000)
def _expand(word: str) -> tuple[str, ...]:
    if word in _CONTRACTIONS:
        return _CONTRACTIONS[word]
    if "'" in word:
        for suffix, full in _SUFFIXES:
            if word.endswith(suffix):
                base = word[: -len(suffix)]
                return (base, full) if full else (base,)
        return tuple(p for p in word.split("'") if p)
    return (word,)


def tokenize(text: str, limit: int | None = None) -> list[Token]:
    """Tokens of ``text`` with spans; stops after ``limit`` tokens (bounded work)."""
    tokens: list[Token] = []
    sentence = clause = 0
    last_end = 0
    for m in _WORD.finditer(text):
        start, end = m.span()
        gap = text[last_end:start]
        comma = False
        if tokens and gap != " ":  # most gaps are one space: skip the regexes
            if _SENTENCE_BREAK.search(gap + " "):
                sentence += 1
                clause += 1
            elif _CLAUSE_BREAK.search(gap):
                clause += 1
            comma = "," in gap
        last_end = end
        for word, word_stem in analyse(m.group()):
            if word in _CLAUSE_WORDS and tokens:
                clause += 1
            tokens.append(Token(word, word_stem, start, end, sentence, clause, comma))
            comma = False
        if limit is not None and len(tokens) >= limit:
            break
    return tokens


def content_terms(text: str) -> list[tuple[str, str]]:
    """(stem, word) of the meaningful words of a phrase. A phrase that is mostly small words
    ("we should", "just tell them") keeps them all, or it would shrink to one common word."""
    toks = tokenize(text)
    content = [(t.stem, t.word) for t in toks if not t.is_stop]
    if len(content) >= 2:
        return content
    if content and len(toks) <= 2 and all(t.word in _LIGHT or not t.is_stop for t in toks):
        return content  # "the risk", "risk of": the small word adds nothing
    return [(t.stem, t.word) for t in toks]  # "should take", "we should": keep them whole


_LIGHT = frozenset({"a", "an", "the", "of", "to", "for", "with", "my", "our", "your", "their"})  # not "on": "take on"


def content_stems(text: str) -> list[str]:
    return [s for s, _ in content_terms(text)]


_COORDINATORS = frozenset({"or", "and", "nor"})
_COMPARATIVES = frozenset({"more", "less", "later", "earlier", "fewer", "longer", "sooner", "greater"})
# Words that end a negation's reach: "we will not ship until we have a rollback plan".
_SCOPE_BREAKERS = frozenset(
    {"until", "unless", "before", "if", "because", "so", "then", "when", "once", "after", "instead", "rather"}
)


def is_negated(tokens: list[Token], first: int, last: int, own: frozenset[int] = frozenset()) -> int | None:
    """Index of the negating word that governs tokens[first..last], or None.

    A negator governs a phrase in the same clause up to five words before it, or up to
    nine through a list ("no need for reconciliation or an audit"), unless a word such as
    "until" or "because" intervenes. Negators inside the span that are not part of the
    phrase (``own``) count too. An even number of negators cancels out ("we can't skip
    load testing" affirms load testing).
    """
    clause = tokens[first].clause
    cues: list[int] = []
    for i in range(last, max(-1, first - 10), -1):
        t = tokens[i]
        if t.clause != clause:
            if i >= first:
                continue  # inside the span, in a later clause
            break
        if i < first and t.word in _SCOPE_BREAKERS:
            break
        if i in own or t.word not in NEGATORS:
            continue
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        nxt = following.word if following else ""
        if (t.word == "not" and nxt in _NOT_NEGATING_NEXT) or (t.word == "no" and nxt in ("doubt", "matter")):
            continue
        if t.word == "no" and nxt in _COMPARATIVES and i + 2 < len(tokens) and tokens[i + 2].word == "than":
            continue  # "no more than five minutes old" is a quantity, not a negation
        if t.word == "no" and following is not None and following.after_comma:
            continue  # "No, we need load testing": an interjection
        gap = tokens[i + 1 : first + 1]
        # "no A, B or C": the list's "or" may come after the phrase
        listed = any(g.word in _COORDINATORS and g.clause == clause for g in tokens[i + 1 : last + 4])
        if (first - i > 5 or any(g.after_comma for g in gap)) and not listed:
            continue
        cues.append(i)
    if len(cues) % 2 == 1:
        return cues[0]
    return _negated_after(tokens, last, clause)


# "user management is not the issue", "load testing isn't needed", "an SLO is overkill"
_DISMISSED = frozenset(
    {
        "issue",
        "problem",
        "cause",
        "need",
        "needed",
        "necessary",
        "required",
        "important",
        "priority",
        "worth",
        "relevant",
        "matter",
        "helpful",
        "useful",
        "point",
    }
)
_DISMISSIVE = frozenset({"unnecessary", "irrelevant", "overkill", "pointless", "useless", "optional"})
_COPULAS = frozenset({"is", "are", "was", "were", "be", "do", "does", "did", "isn't", "aren't"})


def _negated_after(tokens: list[Token], last: int, clause: int) -> int | None:
    """A phrase dismissed by what follows it in the same clause."""
    after = [(i, tokens[i]) for i in range(last + 1, min(len(tokens), last + 6)) if tokens[i].clause == clause]
    if not after or after[0][1].word not in _COPULAS:
        return None
    for n, (i, t) in enumerate(after[1:], start=1):
        if t.word in _DISMISSIVE:
            return i
        following = after[n + 1][1].word if n + 1 < len(after) else ""
        if (
            t.word in NEGATORS
            and following not in _NOT_NEGATING_NEXT
            and any(w.word in _DISMISSED for _, w in after[n + 1 : n + 4])
        ):
            return i
    return None
