"""Communication signals: how an answer is written, not what it says.

Each signal gives a value from 0 to 1, a one-line note for feedback and, where it
can, the spans of the answer that earned it. The rules are simple and visible on
purpose: a learner should be able to predict how to improve each one.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from coach.library.formats import Signal
from coach.scoring.text import Token

Span = tuple[int, int]


PASS = 0.67  # a signal at or above this earns a ✓; below it, it comes with advice


@dataclass(frozen=True)
class SignalResult:
    signal: Signal
    value: float
    note: str
    """What was observed."""
    spans: tuple[Span, ...] = ()
    advice: str = ""
    """What to do about it; every value below PASS has some."""


_FIRST_PERSON_CALL = re.compile(
    r"\b(i(?:'d| would)? recommend|my (?:recommendation|answer|view|take|call)|short (?:answer|version)|in short|"
    r"bottom line|i(?:'d| would) (?:go|start|choose|pick|prioriti[sz]e|propose|focus|do)|we should|the answer is|"
    r"(?:two|three|four|five) (?:\w+ )?(?:things|areas|investments|options|steps|reasons|risks|parts|causes|questions)|the key (?:is|question)|"
    r"i see (?:three|two|four)|it comes down to|the (?:main|biggest|key|first|most important) (?:thing|issue|investment|"
    r"change|problem|risk|priority|question)|most important(?:ly)?)\b",
    re.I,
)
# Every signpost starts with a word character, so "(?:^|\b)" is "\b". A look-ahead such as
# "(?=[fst...])" lists the letters a pattern's words start with: it changes no match, and spares
# the regex trying every alternative at every word (two to four times as fast). Keep it in step
# with the alternatives.
_SIGNPOSTS = re.compile(
    r"\b(?=[fstnlioma])(first(?:ly)?|second(?:ly)?|third(?:ly)?|then|next|finally|lastly|to summari[sz]e|in summary|"
    r"overall|on the other hand|meanwhile|as a result)\b",
    re.I,
)
_LIST_ITEM = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+", re.M)
_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]{1,5}s?\b")
_COMMON_ACRONYMS = frozenset(
    "I OK US UK EU API APIs UI UX SQL KPI KPIs ROI QA CEO CTO CFO VP PM PMs TPM TPMs MVP Q1 Q2 Q3 Q4 AI ML "
    "SaaS HR IT ID IDs URL PDF CSV FAQ ETA AWS GCP iOS OS SDK SDKs B2B B2C GIF GIFs".split()
)
_NUMBER = re.compile(
    r"\b\d+(?:[.,]\d+)?\s*(?:%|percent|ms|x|k|m|s|seconds|minutes|hours|days|weeks|months|quarters|users|customers)?\b|\$\d+",
    re.I,
)
_METRIC = re.compile(
    r"\b(?=[abceklnoprtu])(roi|return on investment|adoption|retention|churn|latency|conversion|revenue|p9[059]|kpis?|nps|usage|"
    r"error rate|uptime|availability|throughput|engagement|cost per|lead time|cycle time|okrs?|baseline|target)\b",
    re.I,
)
_NUMBER_WORDS = re.compile(r"\b(?=[adht])(half|double|twice|triple|tenfold|ten times|a third|a quarter)\b", re.I)
_HEDGES = re.compile(
    r"\b(?=[abehiklmnpsty])(i think|i guess|i feel like|maybe|perhaps|probably|kind of|sort of|basically|hopefully|i suppose|"
    r"somewhat|stuff|things like that|and so on|etc|honestly|to be honest|i'm not sure|not sure|you know|like i said)\b",
    re.I,
)
_STAKEHOLDERS = re.compile(
    r"\b(engineer(?:ing|s)?|tech lead|architects?|design(?:ers?)?|support|sales|marketing|finance|legal|security|"
    r"leadership|executives?|vp|cto|ceo|cfo|customers?|users?|data (?:team|science|engineers?)|qa|ops|"
    r"operations|partners?|product managers?|pms?|stakeholders|account managers?|customer success|mentors?|managers?)\b",
    re.I,
)
_NEXT_STEPS = re.compile(
    r"\b(?=[abcdfiknorstw])(next steps?|i(?:'ll| will)|we(?:'ll| will)|owner|owned by|by (?:monday|tuesday|wednesday|thursday|friday|"
    r"end of (?:the )?(?:week|month|quarter|sprint)|next week|tomorrow)|this week|next week|action items?|follow up|"
    r"follow-up|deadline|schedule|kick off|kickoff|set up a|book a|draft|review it with|check in)\b",
    re.I,
)


def _spans(pattern: re.Pattern[str], text: str, limit: int = 8) -> tuple[Span, ...]:
    return tuple(m.span() for m in itertools.islice(pattern.finditer(text), limit))


def measure(
    signal: Signal,
    text: str,
    tokens: list[Token],
    prompt: str = "",
    minutes: float | None = None,
    hits: Sequence[Span] = (),
) -> SignalResult:
    """``hits`` are the spans of concepts credited in the answer (used by answer_first)."""
    if signal is Signal.answer_first:
        return _answer_first(text, tokens, prompt, hits)
    return _MEASURES[signal](text, tokens, prompt, minutes)


def _answer_first(text: str, tokens: list[Token], prompt: str, hits: Sequence[Span]) -> SignalResult:
    first = [t for t in tokens if t.sentence == 0]
    if not first:
        return SignalResult(Signal.answer_first, 0.0, "No opening sentence.", advice="Lead with your position.")
    end = first[-1].end
    opening = text[first[0].start : end]
    call = _FIRST_PERSON_CALL.search(opening)
    if call:
        return SignalResult(
            Signal.answer_first,
            1.0,
            "Opens with a clear position.",
            ((first[0].start + call.start(), first[0].start + call.end()),),
        )
    in_opening = [h for h in hits if h[1] <= end]
    if in_opening:
        return SignalResult(
            Signal.answer_first, 1.0, "Opens with substance that answers the question.", tuple(in_opening[:3])
        )
    prompt_words = _prompt_stems(prompt)
    overlap = {t.stem for t in first if not t.is_stop} & prompt_words
    if len(overlap) >= 2 and len(first) <= 40:
        return SignalResult(
            Signal.answer_first,
            0.75,
            "Opens on the question, though without a clear position.",
            ((first[0].start, end),),
        )
    return SignalResult(
        Signal.answer_first, 0.25, "The opening does not answer the question.", advice="Lead with your position."
    )


@lru_cache(maxsize=256)
def _prompt_stems(prompt: str) -> frozenset[str]:
    from coach.scoring.text import tokenize

    return frozenset(t.stem for t in tokenize(prompt) if not t.is_stop)


def _structure(text: str, tokens: list[Token], prompt: str, minutes: float | None) -> SignalResult:
    words = len(tokens)
    signposts = _spans(_SIGNPOSTS, text)
    items = _spans(_LIST_ITEM, text)
    paragraphs = len([p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()])
    if words < 60:
        return SignalResult(Signal.structure, 1.0, "Short enough to need no structure.", signposts)
    score = min(len(signposts), 3) / 3 * 0.5 + (0.3 if len(items) >= 2 else 0) + (0.3 if paragraphs >= 2 else 0)
    score = round(min(1.0, score), 2)
    if score >= PASS:
        return SignalResult(Signal.structure, score, "Signposted and easy to follow.", signposts + items)
    note = "Some structure, but the parts are not signposted." if score >= 0.3 else "One block of text."
    return SignalResult(
        Signal.structure,
        score,
        note,
        signposts + items,
        advice="Signpost the parts (first, second, finally) or use short paragraphs.",
    )


def _concision(text: str, tokens: list[Token], prompt: str, minutes: float | None) -> SignalResult:
    if not tokens:
        return SignalResult(Signal.concision, 0.0, "Nothing to measure.", advice="Answer in a few short sentences.")
    sentences = tokens[-1].sentence + 1
    avg = len(tokens) / sentences
    value = 1.0 if avg <= 22 else max(0.2, 1.0 - (avg - 22) / 20)
    budget = (minutes or 5) * 90  # generous words for the time given
    if len(tokens) > budget:
        value *= max(0.3, budget / len(tokens))
    note = f"Average sentence {avg:.0f} words, {len(tokens)} words in all."
    advice = []
    if avg > 22:
        advice.append("Shorter sentences would land better.")
    if len(tokens) > budget:
        advice.append(f"Long for the time given: about {int(budget)} words is plenty.")
    return SignalResult(Signal.concision, round(value, 2), note, advice=" ".join(advice))


def _plain_language(text: str, tokens: list[Token], prompt: str, minutes: float | None) -> SignalResult:
    unexplained, explained = [], []
    for m in _ACRONYM.finditer(text):
        word = m.group()
        if word in _COMMON_ACRONYMS or word.rstrip("s") in _COMMON_ACRONYMS:
            continue
        before, after = text[max(0, m.start() - 2) : m.start()], text[m.end() : m.end() + 12]
        if "(" in before or after.lstrip().startswith(("(", ",", "-", "—", "i.e", "meaning", "which", "or ")):
            explained.append(m.span())
        else:
            unexplained.append(m.span())
    if not unexplained:
        return SignalResult(Signal.plain_language, 1.0, "Plain language; no unexplained jargon.", tuple(explained))
    names = sorted({text[s:e] for s, e in unexplained})
    value = round(max(0.3, 1.0 - 0.2 * len(names)), 2)
    note = ("Mostly plain language; " if value >= PASS else "") + "unexplained acronyms: " + ", ".join(names[:5]) + "."
    return SignalResult(
        Signal.plain_language,
        value,
        note[0].upper() + note[1:],
        tuple(unexplained[:8]),
        advice="Explain acronyms for a mixed audience.",
    )


def _quantification(text: str, tokens: list[Token], prompt: str, minutes: float | None) -> SignalResult:
    numbers = _spans(_NUMBER, text) + _spans(_NUMBER_WORDS, text)
    metrics = _spans(_METRIC, text)
    value = round(min(1.0, (len(numbers) + 0.5 * len(metrics)) / 3), 2)
    if value >= PASS:
        return SignalResult(Signal.quantification, value, "Concrete: numbers and metrics.", (numbers + metrics)[:8])
    return SignalResult(
        Signal.quantification,
        value,
        "Few numbers or metrics.",
        (numbers + metrics)[:8],
        advice="Add numbers: sizes, targets, dates, the metric that shows success.",
    )


def _confidence(text: str, tokens: list[Token], prompt: str, minutes: float | None) -> SignalResult:
    hedges = _spans(_HEDGES, text, limit=50)
    density = 100 * len(hedges) / max(len(tokens), 1)
    value = round(max(0.0, 1.0 - density / 6), 2)
    if value >= PASS:
        return SignalResult(Signal.confidence, value, "Confident and direct.", hedges[:8])
    return SignalResult(
        Signal.confidence,
        value,
        f"{len(hedges)} hedge or filler word(s) ('maybe', 'I think', 'kind of').",
        hedges[:8],
        advice="Say it plainly.",
    )


def _stakeholders(text: str, tokens: list[Token], prompt: str, minutes: float | None) -> SignalResult:
    found = list(_STAKEHOLDERS.finditer(text))
    distinct = {m.group().lower().rstrip("s") for m in found}
    value = round(min(1.0, len(distinct) / 3), 2)
    note = (
        "Names who is involved: " + ", ".join(sorted(distinct)[:6]) + "."
        if distinct
        else "Does not say who is involved."
    )
    advice = "" if value >= PASS else "Say who is involved: engineering, design, support, finance, customers."
    return SignalResult(Signal.stakeholders, value, note, tuple(m.span() for m in found[:8]), advice=advice)


def _next_steps(text: str, tokens: list[Token], prompt: str, minutes: float | None) -> SignalResult:
    spans = _spans(_NEXT_STEPS, text)
    value = min(1.0, len(spans) / 2)
    if value >= PASS:
        return SignalResult(Signal.next_steps, value, "Ends with next steps and owners.", spans)
    note = "One next step, without an owner or a date." if spans else "No next steps."
    return SignalResult(
        Signal.next_steps, value, note, spans, advice="Close with the next step, who owns it and by when."
    )


# "I" as the subject of a story's actions, and "we": a story told in "we" hides the teller's part.
# "i.e." is not the pronoun.
_I = re.compile(r"\b[Ii](?:['’](?:m|ve|d|ll))?\b(?!\.\w)")
_WE = re.compile(r"\b(?:we|We|WE)(?:['’](?:re|ve|d|ll))?\b")


def _first_person(text: str, tokens: list[Token], prompt: str, minutes: float | None) -> SignalResult:
    mine, ours = _spans(_I, text, limit=1000), _spans(_WE, text, limit=1000)
    share = len(mine) / (len(mine) + len(ours)) if mine else 0.0
    # "I" at least half as often as "we", and more than once, earns the whole value
    value = round(min(1.0, 2 * share) * min(1.0, len(mine) / 2), 2)
    counts = f"'I' {len(mine)} time(s), 'we' {len(ours)} time(s)"
    if value >= PASS:
        return SignalResult(Signal.first_person, value, f"Says what you did yourself: {counts}.", mine[:8])
    return SignalResult(
        Signal.first_person,
        value,
        f"Your own part is hard to see: {counts}.",
        mine[:8],
        advice="Say what you did yourself ('I called the meeting', 'I wrote the plan'); 'we' hides your part.",
    )


_MEASURES = {
    Signal.structure: _structure,
    Signal.concision: _concision,
    Signal.plain_language: _plain_language,
    Signal.quantification: _quantification,
    Signal.confidence: _confidence,
    Signal.stakeholders: _stakeholders,
    Signal.next_steps: _next_steps,
    Signal.first_person: _first_person,
}
