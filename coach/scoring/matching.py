"""Find rubric phrases in an answer: fuzzy, order-free, negation-aware, with spans.

A phrase is reduced to the stems of its meaningful words. It matches where those
stems occur close together in one sentence of the answer, in any order (so "load
test the API" and "test the load" meet), allowing a missing word in longer phrases.
Typos are forgiven by a one-edit lookup on the words as typed (a typo can change a
word's stem): a :class:`Lexicon` indexes every phrase word of five or more letters
under each one-letter deletion, once per rubric; per answer only the words the
lexicon does not know are looked up, and candidates are confirmed with rapidfuzz's
Damerau-Levenshtein distance. All work is bounded by the answer's
token count, so a 50,000-character paste stays fast.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import DamerauLevenshtein

from coach.scoring.text import NEGATORS, Token, content_stems, content_terms, is_negated, stem

NEGATOR_STEMS = frozenset(stem(w) for w in NEGATORS)

MIN_FUZZY_LEN = 5
MAX_WINDOWS = 12  # affirmed/negated candidates examined per phrase


@lru_cache(maxsize=50_000)
def compile_phrase(phrase: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(content_stems(phrase)))


@lru_cache(maxsize=50_000)
def _compile_terms(phrase: str) -> tuple[tuple[str, str], ...]:
    """(stem, word) per distinct stem of the phrase."""
    return tuple({s: (s, w) for s, w in content_terms(phrase)}.values())


def required(k: int) -> int:
    """How many of a phrase's k words must be present to count as a match."""
    if k <= 3:
        return k
    if k <= 5:
        return k - 1
    return -(-3 * k // 4)  # ceil(0.75 k)


@lru_cache(maxsize=100_000)
def _deletions(word: str) -> tuple[str, ...]:
    return tuple({word[:i] + word[i + 1 :] for i in range(len(word))})


@dataclass(frozen=True, slots=True)
class Match:
    phrase: str
    similarity: float  # share of the phrase's words found (typos count a little less)
    first: int  # token indexes (inclusive)
    last: int
    negation: int | None  # token index of the negating word, if negated

    @property
    def negated(self) -> bool:
        return self.negation is not None


class Lexicon:
    """The words of a set of phrases, indexed for one-edit typo lookups."""

    def __init__(self, phrases: Iterable[str]):
        self.words: set[str] = set()
        self.deletions: dict[str, set[str]] = {}
        for phrase in phrases:
            for _, word in _compile_terms(phrase):
                if len(word) >= MIN_FUZZY_LEN and word not in self.words:
                    self.words.add(word)
                    for d in (word, *_deletions(word)):
                        self.deletions.setdefault(d, set()).add(word)

    def near(self, typed: str) -> set[str]:
        """Phrase words one edit away from a typed word."""
        found: set[str] = set()
        for d in (typed, *_deletions(typed)):
            found.update(self.deletions.get(d, ()))
        return {w for w in found if w != typed and DamerauLevenshtein.distance(w, typed, score_cutoff=1) <= 1}


class AnswerIndex:
    """An answer prepared once for matching any number of phrases."""

    def __init__(self, tokens: list[Token], masked: frozenset[int] = frozenset(), lexicon: Lexicon | None = None):
        self.tokens = tokens
        self.positions: dict[str, list[int]] = {}
        words: dict[str, list[int]] = {}
        for i, t in enumerate(tokens):
            if i not in masked:
                self.positions.setdefault(t.stem, []).append(i)
                words.setdefault(t.word, []).append(i)
        # phrase word -> positions of answer words that are a typo of it
        self.typos: dict[str, list[int]] = {}
        if lexicon is not None:
            for typed, where in words.items():
                if len(typed) >= MIN_FUZZY_LEN and typed not in lexicon.words:
                    for word in lexicon.near(typed):
                        self.typos.setdefault(word, []).extend(where)
        self._resolved: dict[tuple[str, str], list[tuple[int, float]]] = {}

    def occurrences(self, stem: str, word: str = "") -> list[tuple[int, float]]:
        """(token index, similarity) of every place the term appears: by stem, or as a
        one-edit typo of the word."""
        key = (stem, word)
        found = self._resolved.get(key)
        if found is None:
            exact = self.positions.get(stem, ())
            found = [(i, 1.0) for i in exact]
            typos = self.typos.get(word)
            if typos:
                found += [(i, 0.85) for i in typos if i not in exact]
                found.sort()
            self._resolved[key] = found
        return found

    def find(self, phrase: str) -> tuple[Match | None, Match | None, float]:
        """The best affirmed match, the best negated match, and the share of the phrase's
        words present anywhere in the answer (how close a missed phrase came)."""
        terms = _compile_terms(phrase)
        k = len(terms)
        if k == 0:
            return None, None, 0.0
        # a phrase that says "no ..." or "without ..." only matches with that word present
        need = k if any(s in NEGATOR_STEMS for s, _ in terms) else required(k)
        per_word = [self.occurrences(s, w) for s, w in terms]
        partial = sum(max(sim for _, sim in occ) for occ in per_word if occ) / k
        if sum(1 for occ in per_word if occ) < need:
            return None, None, partial
        events = sorted((pos, w, sim) for w, occ in enumerate(per_word) for pos, sim in occ)
        max_span = 2 * k + 3  # small words in between count toward the distance
        best_affirmed: Match | None = None
        best_negated: Match | None = None
        seen = 0
        counts: dict[int, int] = {}
        left = 0
        for right, (pos, word, _) in enumerate(events):
            counts[word] = counts.get(word, 0) + 1
            # a match stays within one clause: "the title for its own sake; I want" is not "I want the title"
            while pos - events[left][0] >= max_span or self.tokens[events[left][0]].clause != self.tokens[pos].clause:
                lw = events[left][1]
                counts[lw] -= 1
                if not counts[lw]:
                    del counts[lw]
                left += 1
            if len(counts) < need:
                continue
            window = events[left : right + 1]
            best_sim: dict[int, tuple[float, int]] = {}
            for p, w, sim in window:
                if w not in best_sim or sim > best_sim[w][0]:
                    best_sim[w] = (sim, p)
            similarity = sum(s for s, _ in best_sim.values()) / k
            own = frozenset(p for _, p in best_sim.values())
            first, last = min(own), max(own)
            # small words may sit in between; at most one other meaningful word may
            content = sum(1 for t in self.tokens[first : last + 1] if not t.is_stop)
            if content > len(best_sim) + 1:
                continue
            match = Match(phrase, round(similarity, 3), first, last, is_negated(self.tokens, first, last, own))
            if match.negated:
                if best_negated is None or match.similarity > best_negated.similarity:
                    best_negated = match
            elif best_affirmed is None or match.similarity > best_affirmed.similarity:
                best_affirmed = match
                if similarity == 1.0:
                    break
            seen += 1
            if seen >= MAX_WINDOWS:
                break
        return best_affirmed, best_negated, partial


@dataclass(frozen=True, slots=True)
class ConceptMatch:
    found: bool
    negated: bool
    similarity: float
    match: Match | None  # the evidence: affirmed match if found, else the negated one


def match_concept(index: AnswerIndex, phrases: list[str]) -> ConceptMatch:
    """Credit a concept once, from the best affirmed phrase match; report negation."""
    best: Match | None = None
    best_negated: Match | None = None
    partial = 0.0
    for phrase in phrases:
        affirmed, negated, share = index.find(phrase)
        partial = max(partial, share)
        if affirmed and (best is None or affirmed.similarity > best.similarity):
            best = affirmed
        if negated and (best_negated is None or negated.similarity > best_negated.similarity):
            best_negated = negated
        if best and best.similarity == 1.0:
            break
    if best is not None:
        return ConceptMatch(True, False, best.similarity, best)
    if best_negated is not None:
        return ConceptMatch(False, True, best_negated.similarity, best_negated)
    return ConceptMatch(False, False, round(partial, 3), None)
