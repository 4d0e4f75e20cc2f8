"""Text normalisation for matching: tokens with exact spans in the original answer.

Every token keeps the character span it came from, so evidence can be quoted and
highlighted exactly as typed. Normalisation folds Unicode (accents, curly quotes),
case and contractions ("don't" -> "do not"), and stems words with the Snowball
English stemmer so that "scale", "scaling" and "scaled" meet.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

import simplemma
import snowballstemmer

_STEMMER = snowballstemmer.stemmer("english")
MAX_WORD = 40  # longer "words" (a pasted hash, a 100,000-letter run) are kept whole but never analysed further
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

# Words that start a new clause: negation and a phrase's words stay within one clause.
_CLAUSE_WORDS = frozenset({"but", "however", "although", "though", "whereas", "yet", "so", "because", "therefore"})
# Small words that carry little meaning on their own. Negators are deliberately absent.
STOPWORDS = frozenset(
    """a an the and or but if then than so of to in on at by for with from into onto over under
    about as is are was were be been being am do does did doing have has had having i me my we us
    our you your he she it its they them their this that these those there here what which who whom
    whose when where why how will would shall should can could may might must also just very really
    some any each every all both more most other such own same too only again further
    once while during before after above below between through until against per via let get got
    because since though although whether yet either""".split()
)  # "up", "down", "out", "off" and "over" stay: they carry meaning in "pay down", "scale out", "sign off"
# Small words that change a phrase's meaning: "understand why" is not "understand", "test
# before launch" is not "test after launch". A phrase keeps them as words it needs, though
# they never carry a match alone.
KEPT_SMALL = frozenset(
    {"i", "why", "how", "who", "before", "after", "until", "against", "more", "less", "than", "other"}
)
# Everyday words that are not small but cannot carry a match alone: a phrase needs at
# least one other word ("need a rollback" matches on "rollback", never on "need").
GENERIC = frozenset(
    """need needs make take good thing things way use work want know think look keep give say tell see
    come go going time people lot lots well right sure new next first one two part today now start try
    put done able still even much many big small bit kind sort stuff actually like okay ok yes something
    anything everything someone everyone somebody everybody really quite pretty little whole able
    important great""".split()
)
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
    after_comma: bool  # a comma stands between this token and the previous one
    # ``word in STOPWORDS``, stored rather than a property: the scorer asks it of every token
    # several times per answer, and a field is read without a Python call
    is_stop: bool


def fold(text: str) -> str:
    """Unicode and case folding of one word: accents dropped, curly quotes straightened."""
    text = text.replace("’", "'")
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    return text.casefold()


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The stem of the word's dictionary form, so irregular forms meet: "goes", "went" and
    "go" all become "go" (a stemmer alone makes "goe" of "goes")."""
    if len(word) > MAX_WORD or not word.isalpha():
        return word
    stemmed: str = _STEMMER.stemWord(_lemma(word))  # snowballstemmer has no type information
    return stemmed


# Lemmas simplemma gets wrong for this domain, or that merge words a scorer must keep apart.
_LEMMA_KEEP = frozenset({"better", "best", "worse", "worst", "data", "media", "less", "least", "more", "most", "lead"})
_LEMMA_FIX = {"gone": "go", "was": "be", "were": "be"}


@lru_cache(maxsize=200_000)
def is_english(word: str) -> bool:
    """A word English dictionaries know: never read as a typo of another ("most" is not "cost")."""
    return len(word) <= MAX_WORD and bool(simplemma.is_known(word, lang="en"))


def _lemma(word: str) -> str:
    if word in _LEMMA_FIX:
        return _LEMMA_FIX[word]
    if word in _LEMMA_KEEP or len(word) < 3:
        return word
    lemma: str = simplemma.lemmatize(word, lang="en")
    return lemma.casefold() if lemma.isalpha() else word


@lru_cache(maxsize=200_000)
def analyse(raw: str) -> tuple[tuple[str, str, bool], ...]:
    """(word, stem, is a stopword) of one raw word as typed: folded, contractions expanded."""
    return tuple((w, stem(w), w in STOPWORDS) for w in _expand(fold(raw)))


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


@lru_cache(maxsize=4096)
def _gap(gap: str) -> tuple[int, bool]:
    """What the text between two words ends: 2 a sentence, 1 a clause, 0 neither; and whether it
    holds a comma. Cached: answers repeat the same few gaps (", ", ". ", a blank line)."""
    if _SENTENCE_BREAK.search(gap + " "):
        return 2, "," in gap
    return (1 if _CLAUSE_BREAK.search(gap) else 0), "," in gap


_new_token = tuple.__new__  # builds a Token without the Python-level __new__ of a NamedTuple: one call less a word


def tokenize(text: str, limit: int | None = None) -> list[Token]:
    """Tokens of ``text`` with spans; stops after ``limit`` tokens (bounded work)."""
    tokens: list[Token] = []
    sentence = clause = 0
    last_end = 0
    for m in _WORD.finditer(text):
        start, end = m.span()
        gap = text[last_end:start]
        comma = False
        if tokens and gap != " ":  # most gaps are one space
            ends, comma = _gap(gap)
            if ends == 2:
                sentence += 1
            if ends:
                clause += 1
        last_end = end
        for word, word_stem, stop in analyse(m.group()):
            if word in _CLAUSE_WORDS and tokens:
                clause += 1
            tokens.append(_new_token(Token, (word, word_stem, start, end, sentence, clause, comma, stop)))
            comma = False
        if limit is not None and len(tokens) >= limit:
            break
    return tokens


def content_stems_of(texts: Iterable[str]) -> set[str]:
    """The stems of the texts' words that are not small words: ``t.stem for t in tokenize(text)
    if not t.is_stop``, without building a token for every word of a whole library."""
    words = {raw for text in texts for raw in _WORD.findall(text)}
    return {word_stem for raw in words for _, word_stem, stop in analyse(raw) if not stop}


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
    {"until", "unless", "before", "if", "because", "so", "then", "when", "once", "after", "instead", "rather", "which"}
)
Cue = tuple[int, int]  # token indexes (inclusive) of the words that negate or reject a phrase


def is_negated(tokens: list[Token], first: int, last: int, own: frozenset[int] = frozenset()) -> Cue | None:
    """The words that negate or reject tokens[first..last], or None.

    Stance is read from three places, all within the phrase's clause:

    - a negating word before it: up to five words back, or up to nine through a list
      ("no need for reconciliation or an audit"), unless a word such as "until" or
      "because" intervenes; an even number of negators cancels out ("we can't skip
      load testing" affirms it). Negators inside the span that are not part of the
      phrase (``own``) count too;
    - a rejection before it: "rather than X", "instead of X";
    - a judgement after it, even after a list: "X is overkill", "X and Y are not needed",
      "X would only add noise", "X is too slow to be useful", "X is the last thing we
      need", "X can wait", "giving up nothing".
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
        return cues[0], cues[0]
    return _rejected_before(tokens, first, clause) or _judged_after(tokens, last, clause) or _conceded(tokens, last)


_BUT = frozenset({"but", "however", "though", "although", "yet"})
_BACK = frozenset({"it", "that", "those", "them", "this", "these", "they"})
_CONCESSIONS = frozenset({"sounds", "sound", "theory", "paper", "textbook", "classic", "expect", "nice"})
_REJECTING = NEGATORS | {"overhead", "overkill", "instead", "unnecessary", "pointless", "skip", "drop"}


def _conceded(tokens: list[Token], last: int) -> Cue | None:
    """A concession, then a rejection in the next clause of the sentence: "feature flags
    sound careful, but I'd skip them", "a shared plan is nice in theory, but it's overhead".
    The "but" clause must point back ("it", "those") or the phrase's own clause must be a
    concession ("sounds", "in theory", "the textbook answer"), and the "but" clause must reject."""
    clause, sentence = tokens[last].clause, tokens[last].sentence
    own = [t.word for t in tokens[max(0, last - 12) : last + 12] if t.clause == clause]
    nxt = [i for i in range(last + 1, min(len(tokens), last + 40)) if tokens[i].sentence == sentence]
    nxt = [i for i in nxt if tokens[i].clause in (clause + 1, clause + 2)]
    if not nxt or tokens[nxt[0]].word not in _BUT:
        return None
    words = [tokens[i].word for i in nxt]
    refers = any(w in _BACK for w in words[:8]) or any(w in _CONCESSIONS for w in own)
    cue = next((i for i in nxt if tokens[i].word in _REJECTING), None)
    if refers and cue is not None:
        return nxt[0], cue
    return None


_REJECTORS = {("rather", "than"), ("instead", "of"), ("as", "opposed"), ("no", "need")}


def _rejected_before(tokens: list[Token], first: int, clause: int) -> Cue | None:
    """ "rather than X", "instead of a full audit": a pair of words shortly before the phrase."""
    for i in range(first - 1, max(0, first - 5), -1):
        t, prev = tokens[i], tokens[i - 1]
        if t.clause != clause:
            return None
        if (prev.word, t.word) in _REJECTORS:
            return i - 1, i
    return None


# "user management is not the issue", "load testing isn't needed"
_DISMISSED = frozenset(
    """issue problem cause need needed necessary required important priority worth relevant matter helpful
    useful point concern possible feasible realistic practical""".split()
)
# "an SLO is overkill", "a dashboard would be a distraction"
_DISMISSIVE = frozenset(
    """unnecessary irrelevant overkill pointless useless optional premature excessive redundant wasteful
    distraction waste noise overhead overengineering overengineered theatre theater bureaucracy obvious
    trivial detail details self-explanatory luxury""".split()
)
_LATER = frozenset({"later", "eventually", "someday"})  # "acceptance criteria can come later": deferred
# the only words that may stand between the verb and "later" in a deferral ("can add providers later" is a plan)
_DEFERRING = frozenset(
    "come be happen follow wait done handled sorted out dealt with figured looked at addressed tackled".split()
)
_COPULAS = frozenset(
    {"is", "are", "was", "were", "be", "been", "do", "does", "did", "would", "will", "could", "can", "seems", "seem"}
)
_ONLY_HARM = frozenset(
    {"add", "slow", "delay", "create", "cause", "waste", "distract", "confuse", "complicate", "burn"}
)
_NOTHING = frozenset({"nothing", "none"})


def _judged_after(tokens: list[Token], last: int, clause: int) -> Cue | None:
    """A phrase dismissed by what follows it in its clause; a list may stand between
    the phrase and the verdict ("canaries, dashboards and alerts are overkill")."""
    end = min(len(tokens), last + 16)
    after = [i for i in range(last + 1, end) if tokens[i].clause == clause]
    if after and tokens[after[0]].word in _NOTHING:
        return after[0], after[0]  # "giving up nothing", "it costs us nothing" is not a cost named
    # the verdict starts at the first copula or modal; before it only a list may stand
    verb = next((n for n, i in enumerate(after) if tokens[i].word in _COPULAS), None)
    if verb is None:
        return None
    before = [tokens[i] for i in after[:verb]]
    if len(before) > 1 and not any(t.word in _COORDINATORS or t.after_comma for t in before):
        return None  # "X sets the pace and is..." is not a list before a verdict
    if len(before) > 8:
        return None
    rest = after[verb + 1 : verb + 8]
    words = [tokens[i].word for i in rest]
    for n, i in enumerate(rest):
        w = tokens[i].word
        nxt = words[n + 1] if n + 1 < len(words) else ""
        if w in _DISMISSIVE:
            if any(x in NEGATORS for x in words[:n]):
                return None  # "flags are not optional", "it is never a waste"
            return after[verb], i
        if w in NEGATORS and nxt not in _NOT_NEGATING_NEXT and any(x in _DISMISSED for x in words[n + 1 : n + 4]):
            return after[verb], i
        if w == "only" and nxt and stem(nxt) in _ONLY_HARM:  # "would only add noise"
            return after[verb], rest[n + 1]
        if w == "too" and "to" in words[n + 2 : n + 4]:  # "too indirect to be useful"
            return after[verb], i + 1
        if w == "last" and nxt == "thing":  # "the last thing we need"
            return after[verb], rest[n + 1]
        if w == "wait" and n == 0:  # "load testing can wait"
            return after[verb], i
        if w in _LATER and all(x in _DEFERRING for x in words[:n]):  # "can come later", "will be sorted out later"
            return after[verb], i
    return None
