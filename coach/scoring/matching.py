"""Find rubric phrases in an answer: by meaning words, through synonyms, with stance and spans.

A phrase is reduced to its meaningful words (small words such as "is", "for" and "we"
never carry a match). Each word becomes a *term*: its stem, or the key of a synonym
group from the lexicon when the word (or a run of words, "switch it back") belongs to
one, so "roll back", "revert" and "switch everyone back" all meet. A phrase matches
where its terms occur close together in one clause of the answer, in any order,
allowing a missing term in longer phrases, but never its *key term*: the rarest one
across the library, the word that makes the phrase specific.

Phrases may be patterns: ``(switch|turn) [it] back`` stands for "switch it back",
"switch back", "turn it back" and "turn back".

Typos are forgiven by an edit-distance look-up that grows with word length (one edit
from five letters, two from nine) on the words as typed, confirmed with rapidfuzz's
Damerau-Levenshtein distance. All work is bounded by the answer's token count and
word length, so a 50,000-character paste or a 100,000-letter word stays fast.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from rapidfuzz.distance import DamerauLevenshtein

from coach.scoring.text import (
    GENERIC,
    KEPT_SMALL,
    MAX_WORD,
    NEGATORS,
    Cue,
    Token,
    is_english,
    is_negated,
    stem,
    tokenize,
)

NEGATOR_STEMS = frozenset(stem(w) for w in NEGATORS)
GENERIC_STEMS = frozenset(stem(w) for w in GENERIC)  # "given" is "give"

MIN_FUZZY_LEN = 5
MAX_WINDOWS = 12  # affirmed/negated candidates examined per phrase
MAX_VARIANTS = 32  # a pattern may stand for at most this many phrases
MAX_GAP = 2  # small words allowed between the words of a several-word synonym ("switch it back")


def typo_edits(word: str) -> int:
    """How many edits a typed word may be from a phrase word: none for short words, whose
    neighbours are other words ("cost"/"most"), one from five letters, two from nine."""
    n = len(word)
    return 0 if n < MIN_FUZZY_LEN else (1 if n < 9 else 2)


# --------------------------------------------------------------------------- patterns

_PATTERN = re.compile(r"\(([^()\[\]]*)\)|\[([^()\[\]]*)\]")


class PatternError(ValueError):
    pass


@lru_cache(maxsize=20_000)
def expand(phrase: str) -> tuple[str, ...]:
    """The phrases a pattern stands for: ``(a|b)`` is one of the alternatives, ``[x]`` is optional."""
    if not any(c in phrase for c in "()[]|"):
        return (phrase,)
    parts: list[tuple[str, ...]] = []
    pos = 0
    for m in _PATTERN.finditer(phrase):
        parts.append((phrase[pos : m.start()],))
        if m.group(1) is not None:
            options = tuple(o.strip() for o in m.group(1).split("|"))
            if len(options) < 2 or not all(options):
                raise PatternError(f"“({m.group(1)})” needs two or more alternatives separated by |")
        else:
            options = (m.group(2).strip(), "")
        parts.append(options)
        pos = m.end()
    tail = phrase[pos:]
    if any(c in tail or c in "".join(p[0] for p in parts[::2]) for c in "()[]|"):
        raise PatternError("unbalanced brackets: use (a|b) for alternatives and [word] for an optional word")
    parts.append((tail,))
    count = 1
    for p in parts:
        count *= len(p)
    if count > MAX_VARIANTS:
        raise PatternError(f"the pattern stands for {count} phrases; at most {MAX_VARIANTS}: split it")
    variants = (" ".join("".join(choice).split()) for choice in itertools.product(*parts))
    return tuple(dict.fromkeys(v for v in variants if v))


# --------------------------------------------------------------------------- synonyms


class Synonyms:
    """Groups of words and short phrases that mean the same here (from the lexicon).

    Each group has a key; a member of one word is known by its stem, a member of several
    by the stems of its meaningful words in order. A word may belong to several groups.
    """

    def __init__(self, groups: Iterable[Sequence[str]] = ()):
        self.single: dict[str, list[str]] = {}
        self.multi: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        self.members: dict[str, list[str]] = {}
        for members in groups:
            key = ""
            for member in members:
                for variant in expand(member):
                    words = tokenize(variant)
                    stems = tuple(t.stem for t in words if not t.is_stop)
                    if not stems or (len(stems) == 1 < len(words) and stems[0] in GENERIC_STEMS):
                        continue  # "from now on" would be any "now": such a member cannot be told apart
                    key = key or "~" + "_".join(stems)
                    if len(stems) == 1:
                        if key not in self.single.setdefault(stems[0], []):
                            self.single[stems[0]].append(key)
                    else:
                        self.multi.setdefault(stems[0], []).append((stems, key))
                    self.members.setdefault(key, []).append(variant)
        for runs in self.multi.values():
            runs.sort(key=lambda run: -len(run[0]))
        # each run with the set of its other stems: an answer without one of them cannot hold it
        self._gated = {
            first: [(frozenset(stems[1:]), stems, key) for stems, key in runs] for first, runs in self.multi.items()
        }
        self._starts = frozenset(self.single) | frozenset(self.multi)  # the stems a member can start with

    def __bool__(self) -> bool:
        return bool(self.single or self.multi)

    def occurrences(self, tokens: Sequence[Token], skip: frozenset[int] = frozenset()) -> list[tuple[str, int, int]]:
        """(group key, first, last) of every group member in the tokens; a member of several
        words may have up to MAX_GAP other words between its words, within one clause."""
        found: list[tuple[str, int, int]] = []
        present = {t.stem for t in tokens}
        # the runs starting with a stem that the answer could hold, worked out once per stem
        # (an answer repeats its words; most runs are ruled out by a word it never uses)
        possible: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for i, t in enumerate(tokens):
            if t.stem not in self._starts or t.is_stop or i in skip:
                continue
            for key in self.single.get(t.stem, ()):
                found.append((key, i, i))
            runs = possible.get(t.stem)
            if runs is None:
                gated = self._gated.get(t.stem)
                runs = [(stems, key) for rest, stems, key in gated if rest <= present] if gated else []
                possible[t.stem] = runs
            for stems, key in runs:
                last = _run_end(tokens, i, stems, skip)
                if last is not None:
                    found.append((key, i, last))
        return found


def _run_end(tokens: Sequence[Token], first: int, stems: tuple[str, ...], skip: frozenset[int]) -> int | None:
    """Where a member of several words ends, if it starts at ``first``: its words in order, with
    at most MAX_GAP small words between them ("switch it back"; a member that allows a word of
    meaning in between says so: "(switch|turn) [everyone] back")."""
    pos = first
    for s in stems[1:]:
        for j in range(pos + 1, min(len(tokens), pos + 2 + MAX_GAP)):
            t = tokens[j]
            if j not in skip and t.stem == s and t.clause == tokens[first].clause:
                pos = j
                break
            if not t.is_stop:
                return None  # "roll back the release" is not "rolling release"
        else:
            return None
    return pos


# --------------------------------------------------------------------------- phrases


class Term(NamedTuple):  # a tuple: hashed thousands of times per answer (the look-up cache's key)
    key: str  # a stem, or a synonym group's key ("~roll_back")
    word: str  # the word as written, for typo look-ups ("" for a run of several words)
    generic: bool  # an everyday word that cannot carry a match alone ("need", "way")


@dataclass(frozen=True)
class Rarity:
    """In how many concepts each term appears: the fewer, the more a term tells concepts apart."""

    counts: Counter[str]
    concepts: int

    @property
    def common(self) -> float:
        """Terms in more concepts than this are too common to carry a phrase alone."""
        return max(3.0, COMMON_SHARE * self.concepts)


COMMON_SHARE = 0.08  # not lower: one phrase more must not switch off every one-word phrase of a common word


@dataclass(frozen=True, slots=True)
class Compiled:
    phrase: str
    terms: tuple[Term, ...]
    key: int  # index of the term a match may never miss: the rarest
    need: int  # how many terms must be present
    problem: str = ""  # why the phrase can never match, if it cannot
    keys: tuple[str, ...] = ()  # each term's key (AnswerIndex looks them up for every phrase of every answer)

    @property
    def usable(self) -> bool:
        return not self.problem

    @property
    def generic(self) -> bool:
        """Only everyday words ("need", "way", "make sure"): it matches, but says little
        (`coach validate` refuses it in a library; a drafted rubric may need it)."""
        return all(t.generic for t in self.terms)


def required(k: int) -> int:
    """How many of a phrase's k terms must be present to count as a match."""
    if k <= 3:
        return k
    if k <= 5:
        return k - 1
    return -(-3 * k // 4)  # ceil(0.75 k)


def phrase_terms(phrase: str, synonyms: Synonyms) -> tuple[Term, ...]:
    """The distinct terms of one plain phrase (not a pattern), synonyms folded to their group."""
    tokens = tokenize(phrase)
    groups = sorted(synonyms.occurrences(tokens), key=lambda g: (-(g[2] - g[1]), g[1])) if synonyms else []
    taken: dict[int, Term] = {}
    covered: set[int] = set()
    for key, first, last in groups:  # longest runs first, each word in one group at most
        span = {i for i in range(first, last + 1) if not tokens[i].is_stop}
        if span & covered:
            continue
        covered |= span
        word = tokens[first].word if first == last else ""
        # a run of several words from the lexicon is an idiom ("next time", "going forward"): it says
        # something specific even when each of its words is everyday
        taken[first] = Term(key, word, len(span) == 1 and all(tokens[i].stem in GENERIC_STEMS for i in span))
    for i, t in enumerate(tokens):
        if i not in covered and (not t.is_stop or t.word in KEPT_SMALL):
            taken[i] = Term(t.stem, t.word, t.stem in GENERIC_STEMS or t.is_stop)
    terms = [taken[i] for i in sorted(taken)]
    return tuple({t.key: t for t in terms}.values())


def compile_phrase(phrase: str, synonyms: Synonyms, rarity: Rarity | None = None) -> Compiled:
    counts = rarity.counts if rarity else Counter()
    terms = phrase_terms(phrase, synonyms)
    k = len(terms)
    # a phrase that says "no ..." or "without ..." only matches with that word present
    need = k if any(t.key in NEGATOR_STEMS for t in terms) else required(k)
    candidates = [n for n, t in enumerate(terms) if not t.generic] or list(range(k))
    key = min(candidates, key=lambda n: (counts.get(terms[n].key, 0), -len(terms[n].word or terms[n].key)), default=0)
    problem = ""
    if not terms or all(t.key in KEPT_SMALL for t in terms):
        problem = "has only small words (such as “is”, “for”, “we”), which never carry a match"
    elif all(t.generic for t in terms) and len(tokenize(phrase)) > k:
        words = ", ".join(f"“{t.word or t.key}”" for t in terms)
        problem = f"comes down to everyday words ({words}) once its small words are set aside: too generic"
    elif k == 1 and rarity and counts.get(terms[0].key, 0) > rarity.common and terms[0].key not in NEGATOR_STEMS:
        word = terms[0].word or terms[0].key
        problem = f"comes down to “{word}”, a word in {counts[terms[0].key]} concepts of the library: too common alone"
    return Compiled(phrase, terms, key, need, problem, tuple(t.key for t in terms))


def rarity_of(concept_phrases: Iterable[Iterable[str]], synonyms: Synonyms) -> Rarity:
    counts: Counter[str] = Counter()
    concepts = 0
    for phrases in concept_phrases:
        keys = {t.key for p in phrases for v in _variants(p) for t in phrase_terms(v, synonyms)}
        counts.update(keys)
        concepts += 1
    return Rarity(counts, concepts)


def _variants(phrase: str) -> tuple[str, ...]:
    try:
        return expand(phrase)
    except PatternError:
        return (phrase,)  # reported by `coach validate`; matched as written meanwhile


# --------------------------------------------------------------------------- typos


def _deletions(word: str, edits: int) -> set[str]:
    found = {word}
    for _ in range(edits):
        found |= {w[:i] + w[i + 1 :] for w in found for i in range(len(w))}
    return found


@lru_cache(maxsize=8192)
def _phrase_word_deletions(word: str, edits: int) -> frozenset[str]:
    """_deletions of a phrase word, remembered: every target of a library indexes its phrases' words
    for typos, and the stages of a library share most of them (an answer's words are not kept)."""
    return frozenset(_deletions(word, edits))


class Typos:
    """The words of a set of phrases, indexed for typo look-ups (symmetric deletions)."""

    def __init__(self, words: Iterable[str]):
        self.words: set[str] = set()
        self.deletions: dict[str, set[str]] = {}
        self._near: dict[str, frozenset[str]] = {}  # typed word -> phrase words: answers reuse words
        for word in words:
            edits = typo_edits(word)
            if edits and word not in self.words and len(word) <= MAX_WORD:
                self.words.add(word)
                for d in _phrase_word_deletions(word, edits):
                    self.deletions.setdefault(d, set()).add(word)

    def near(self, typed: str) -> frozenset[str]:
        """Phrase words within their typo allowance of a typed word."""
        cached = self._near.get(typed)
        if cached is not None:
            return cached
        edits = typo_edits(typed)
        if not edits or len(typed) > MAX_WORD:
            return frozenset()
        found: set[str] = set()
        for d in _deletions(typed, edits):
            found.update(self.deletions.get(d, ()))
        near = frozenset(
            w
            for w in found
            if w != typed
            and DamerauLevenshtein.distance(w, typed, score_cutoff=min(edits, typo_edits(w)))
            <= min(edits, typo_edits(w))
        )
        if len(self._near) < 100_000:  # bounded: a flood of made-up words is not remembered
            self._near[typed] = near
        return near


# --------------------------------------------------------------------------- the matcher


class Matcher:
    """Everything needed to match one target's phrases, compiled once and reused."""

    def __init__(
        self,
        phrases: Iterable[str],
        synonyms: Synonyms | None = None,
        rarity: Rarity | None = None,
        shared: dict[str, tuple[Compiled, ...]] | None = None,
    ):
        """``shared`` holds phrases compiled by other Matchers with these very synonyms and rarity
        (a library's stages share most rubric phrases); it gains the phrases compiled here."""
        self.synonyms = synonyms or Synonyms()
        self.rarity = rarity
        self._compiled: dict[str, tuple[Compiled, ...]] = {}  # this target's phrases
        self._shared = shared
        words: set[str] = set()
        for phrase in phrases:
            for c in self.compile(phrase):
                words.update(t.word for t in c.terms if t.word)
        for key in {t.key for cs in self._compiled.values() for c in cs for t in c.terms if t.key.startswith("~")}:
            for member in self.synonyms.members.get(key, ()):  # "rollbak" is a typo of a synonym too
                if " " not in member.strip():
                    words.add(member.strip().casefold())
        self.typos = Typos(words)

    def compile(self, phrase: str) -> tuple[Compiled, ...]:
        compiled = self._compiled.get(phrase)
        if compiled is None:
            compiled = self._shared.get(phrase) if self._shared is not None else None
            if compiled is None:
                compiled = tuple(compile_phrase(v, self.synonyms, self.rarity) for v in _variants(phrase))
                if self._shared is not None:
                    self._shared[phrase] = compiled
            self._compiled[phrase] = compiled
        return compiled


@dataclass(frozen=True, slots=True)
class Match:
    phrase: str
    similarity: float  # share of the phrase's terms found (typos count a little less)
    first: int  # token indexes (inclusive)
    last: int
    negation: Cue | None  # token indexes of the words that negate or reject it

    @property
    def negated(self) -> bool:
        return self.negation is not None


class AnswerIndex:
    """An answer prepared once for matching any number of phrases."""

    def __init__(self, tokens: list[Token], masked: frozenset[int] = frozenset(), matcher: Matcher | None = None):
        self.tokens = tokens
        self.matcher = matcher or Matcher(())
        self.positions: dict[str, list[int]] = {}
        self.ends: dict[tuple[str, int], int] = {}  # where a several-word synonym run ends
        words: dict[str, list[int]] = {}
        for i, t in enumerate(tokens):
            if i not in masked and (not t.is_stop or t.word in KEPT_SMALL):
                self.positions.setdefault(t.stem, []).append(i)
                words.setdefault(t.word, []).append(i)
        for key, first, last in self.matcher.synonyms.occurrences(tokens, masked):
            self.positions.setdefault(key, []).append(first)
            if last != first:
                self.ends[(key, first)] = max(last, self.ends.get((key, first), first))
        # phrase word -> positions of answer words that are a typo of it
        self.typos: dict[str, list[int]] = {}
        typos = self.matcher.typos
        for typed, where in words.items():
            if typo_edits(typed) and typed not in typos.words and not is_english(typed):
                for word in typos.near(typed):
                    self.typos.setdefault(word, []).extend(where)
        self._resolved: dict[Term, list[tuple[int, float]]] = {}

    def phrase_words(self, keys: Iterable[str]) -> set[int]:
        """Positions of the answer's words that are words (or synonyms) of any of the terms."""
        positions, ends = self.positions, self.ends
        present = positions.keys() & keys  # an answer holds few of a target's terms: skip the rest
        return {j for key in present for i in positions[key] for j in range(i, ends.get((key, i), i) + 1)}

    def occurrences(self, term: Term) -> list[tuple[int, float]]:
        """(token index, similarity) of every place the term appears: by stem or synonym,
        or as a typo of the word (or of a one-word synonym)."""
        found = self._resolved.get(term)
        if found is None:
            exact = self.positions.get(term.key, [])
            found = [(i, 1.0) for i in sorted(set(exact))]
            if self.typos:
                words = [term.word] if term.word else []
                words += [m for m in self.matcher.synonyms.members.get(term.key, ()) if " " not in m]
                fuzzy = {i for w in words for i in self.typos.get(w.casefold(), ())} - set(exact)
                if fuzzy:
                    found = sorted(found + [(i, 0.85) for i in fuzzy])
            self._resolved[term] = found
        return found

    def find(self, phrase: str) -> tuple[Match | None, Match | None, float]:
        """The best affirmed match, the best negated match, and the share of the phrase's
        terms present anywhere in the answer (how close a missed phrase came), over the
        phrases a pattern stands for."""
        affirmed: Match | None = None
        negated: Match | None = None
        share = 0.0
        positions, typos = self.positions, self.typos
        for compiled in self.matcher.compile(phrase):
            k = len(compiled.terms)
            if not k or compiled.problem:  # a phrase that can never match
                continue
            # a quick look before building any lists: most phrases miss their key term outright
            key = compiled.terms[compiled.key]
            if key.key not in positions and (
                not typos or (not key.key.startswith("~") and key.word.casefold() not in typos)
            ):
                share = max(share, sum(map(positions.__contains__, compiled.keys)) / k)
                continue
            found, rejected, present = self._find(compiled)
            share = max(share, present)
            if rejected is not None:  # (most phrases are not in an answer at all: nothing to compare)
                negated = _better(negated, rejected)
            if found is not None:
                affirmed = _better(affirmed, found)
                if affirmed is not None and affirmed.similarity == 1.0:
                    break
        return affirmed, negated, share

    def _find(self, c: Compiled) -> tuple[Match | None, Match | None, float]:
        """One usable phrase whose key term the answer may hold (see find)."""
        terms, k = c.terms, len(c.terms)
        per_term = [self.occurrences(t) for t in terms]
        partial = sum(max(sim for _, sim in occ) for occ in per_term if occ) / k
        if not per_term[c.key] or sum(1 for occ in per_term if occ) < c.need:
            return None, None, partial
        events = sorted((pos, w, sim) for w, occ in enumerate(per_term) for pos, sim in occ)
        max_span = 2 * k + 3  # small words in between count toward the distance
        best_affirmed: Match | None = None
        best_negated: Match | None = None
        seen = 0
        counts: dict[int, int] = {}
        left = 0
        for pos, word, _ in events:
            counts[word] = counts.get(word, 0) + 1
            # a match stays within one clause: "the title for its own sake; I want" is not "I want the title"
            while pos - events[left][0] >= max_span or self.tokens[events[left][0]].clause != self.tokens[pos].clause:
                lw = events[left][1]
                counts[lw] -= 1
                if not counts[lw]:
                    del counts[lw]
                left += 1
            if len(counts) < c.need or c.key not in counts:
                continue
            if len(counts) < k and all(terms[w].generic for w in counts):
                continue  # the words found are the everyday ones; the phrase's point is missing
            best_sim: dict[int, tuple[float, int]] = {}
            for p, w, sim in (e for e in events[left:] if e[0] <= pos):
                if w not in best_sim or sim > best_sim[w][0]:
                    best_sim[w] = (sim, p)
            similarity = sum(s for s, _ in best_sim.values()) / k
            own_starts = [(p, terms[w].key) for w, (_, p) in best_sim.items()]
            first = min(p for p, _ in own_starts)
            last = max(self.ends.get((key, p), p) for p, key in own_starts)
            own = frozenset(i for p, key in own_starts for i in range(p, self.ends.get((key, p), p) + 1))
            # small words may sit in between; at most one other meaningful word may
            content = sum(1 for i in range(first, last + 1) if not self.tokens[i].is_stop and i not in own)
            if content > 1:
                continue
            match = Match(c.phrase, round(similarity, 3), first, last, is_negated(self.tokens, first, last, own))
            if match.negated:
                best_negated = _better(best_negated, match)
            else:
                best_affirmed = _better(best_affirmed, match)
                if similarity == 1.0:
                    break
            seen += 1
            if seen >= MAX_WINDOWS:
                break
        return best_affirmed, best_negated, partial


def _better(a: Match | None, b: Match | None) -> Match | None:
    if a is None:
        return b
    if b is None:
        return a
    return b if b.similarity > a.similarity else a


@dataclass(frozen=True, slots=True)
class ConceptMatch:
    found: bool
    negated: bool
    similarity: float
    match: Match | None  # the evidence: affirmed match if found, else the negated one


def match_concept(index: AnswerIndex, phrases: list[str], omission: bool = False) -> ConceptMatch:
    """Credit a concept once, from the best affirmed phrase match; report negation.
    An ``omission`` concept is about something missing ("the procedure does not say how
    much vinegar"), so a negated mention is what earns it."""
    best: Match | None = None
    best_negated: Match | None = None
    partial = 0.0
    for phrase in phrases:
        affirmed, negated, share = index.find(phrase)
        partial = max(partial, share)
        if negated is not None:
            best_negated = _better(best_negated, negated)
        if affirmed is not None:
            best = _better(best, affirmed)
            if best is not None and best.similarity == 1.0:
                break
    if omission:
        if best_negated is not None:
            return ConceptMatch(True, False, best_negated.similarity, best_negated)
        return ConceptMatch(False, False, round(partial, 3), None)
    if best is not None:
        return ConceptMatch(True, False, best.similarity, best)
    if best_negated is not None:
        return ConceptMatch(False, True, best_negated.similarity, best_negated)
    return ConceptMatch(False, False, round(partial, 3), None)
