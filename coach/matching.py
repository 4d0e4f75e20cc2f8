"""Find rubric phrases in an answer: fuzzy, order-free, negation-aware, with spans.

A phrase is reduced to the stems of its meaningful words. It matches where those
stems occur close together in one sentence of the answer, in any order (so "load
test the API" and "test the load" meet), allowing a missing word in longer phrases.
Typos are forgiven by a one-edit lookup: every stem of five or more letters is also
indexed under each one-letter deletion, and candidates are confirmed with
rapidfuzz's Damerau-Levenshtein distance. All work is bounded by the answer's
token count, so a 50,000-character paste stays fast.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import DamerauLevenshtein

from coach.text import NEGATORS, Token, content_stems, is_negated, stem

NEGATOR_STEMS = frozenset(stem(w) for w in NEGATORS)

MIN_FUZZY_LEN = 5
MAX_WINDOWS = 12  # affirmed/negated candidates examined per phrase


@lru_cache(maxsize=50_000)
def compile_phrase(phrase: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(content_stems(phrase)))


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


class AnswerIndex:
    """An answer prepared once for matching any number of phrases."""

    def __init__(self, tokens: list[Token], masked: frozenset[int] = frozenset()):
        self.tokens = tokens
        self.positions: dict[str, list[int]] = {}
        for i, t in enumerate(tokens):
            if i not in masked:
                self.positions.setdefault(t.stem, []).append(i)
        self._fuzzy: dict[str, list[str]] | None = None
        self._resolved: dict[str, list[tuple[int, float]]] = {}

    def _fuzzy_index(self) -> dict[str, list[str]]:
        if self._fuzzy is None:
            index: dict[str, list[str]] = {}
            for s in self.positions:
                if len(s) >= MIN_FUZZY_LEN:
                    for d in _deletions(s):
                        index.setdefault(d, []).append(s)
                    index.setdefault(s, []).append(s)
            self._fuzzy = index
        return self._fuzzy

    def occurrences(self, stem: str) -> list[tuple[int, float]]:
        """(token index, similarity) of every place the stem appears, typos included."""
        found = self._resolved.get(stem)
        if found is not None:
            return found
        found = [(i, 1.0) for i in self.positions.get(stem, ())]
        if len(stem) >= MIN_FUZZY_LEN:
            index = self._fuzzy_index()
            candidates = set(index.get(stem, ()))
            for d in _deletions(stem):
                candidates.update(index.get(d, ()))
            candidates.discard(stem)
            for c in candidates:
                if DamerauLevenshtein.distance(stem, c, score_cutoff=1) <= 1:
                    found.extend((i, 0.85) for i in self.positions[c])
            found.sort()
        self._resolved[stem] = found
        return found

    def find(self, phrase: str) -> tuple[Match | None, Match | None]:
        """The best affirmed match and the best negated match of a phrase."""
        stems = compile_phrase(phrase)
        k = len(stems)
        if k == 0:
            return None, None
        # a phrase that says "no ..." or "without ..." only matches with that word present
        need = k if any(s in NEGATOR_STEMS for s in stems) else required(k)
        per_word = [self.occurrences(s) for s in stems]
        if sum(1 for occ in per_word if occ) < need:
            return None, None
        events = sorted((pos, w, sim) for w, occ in enumerate(per_word) for pos, sim in occ)
        max_span = k + 3
        best_affirmed: Match | None = None
        best_negated: Match | None = None
        seen = 0
        counts: dict[int, int] = {}
        left = 0
        for right, (pos, word, _) in enumerate(events):
            counts[word] = counts.get(word, 0) + 1
            while pos - events[left][0] >= max_span or self.tokens[events[left][0]].sentence != self.tokens[pos].sentence:
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
        return best_affirmed, best_negated

    def best_partial(self, phrase: str) -> float:
        """Share of the phrase's words present anywhere in the answer (for `coach explain`)."""
        stems = compile_phrase(phrase)
        if not stems:
            return 0.0
        return sum(max((s for _, s in self.occurrences(w)), default=0.0) for w in stems) / len(stems)


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
    for phrase in phrases:
        affirmed, negated = index.find(phrase)
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
    partial = max((index.best_partial(p) for p in phrases), default=0.0)
    return ConceptMatch(False, False, round(partial, 3), None)
