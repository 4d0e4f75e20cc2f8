"""Score an answer against what a stage (or a rubric on its own) assesses.

Deterministic and explainable: every level comes from concepts found (with the
answer's own words as evidence), communication signals, or both; every cap comes
with a flag that says why. Work per answer is bounded (MAX_TOKENS).
"""

from __future__ import annotations

import re
import threading
from collections import Counter, OrderedDict
from dataclasses import dataclass, field, replace

from coach.library.formats import AntiPattern, CriterionSpec, Ladder, Level, Rubric, Scenario, Stage, exhibit_text
from coach.library.loader import Library
from coach.scoring.ladder import band_for, ceiling_for, competency_scores, exact_level, place_on_ladder
from coach.scoring.matching import AnswerIndex, Compiled, Matcher, Rarity, Synonyms, match_concept, rarity_of
from coach.scoring.report import (
    AntiPatternHit,
    ConceptResult,
    CriterionResult,
    Evidence,
    Flag,
    ScoreReport,
    SignalScore,
)
from coach.scoring.signals import PASS, measure
from coach.scoring.text import GENERIC, Token, content_stems_of, tokenize

MAX_TOKENS = 12_000  # about 60,000 characters of prose; the rest is not read
MAX_CHARS = 100_000  # and never more characters than this, whatever they are
CAPS = {  # the most an answer with this flag can score, and why
    "empty": (0.0, "The answer is empty."),
    "gibberish": (5.0, "The answer does not read as words; nothing could be credited."),
    "off_topic": (10.0, "The answer does not address this question."),
    "too_short": (20.0, "The answer is only a few words; an interviewer needs reasoning, not a headline."),
    "buzzword_list": (
        20.0,
        "The answer is a bare list of keywords. Interviewers credit reasoning: say what you would do and why.",
    ),
    "parroting": (20.0, "Most of the answer repeats the question or briefing back; repeated text earns no credit."),
    "stitched": (
        25.0,
        "Most of the answer is rubric phrases strung together; interviewers credit reasoning that connects them.",
    ),
    "buzzword_salad": (
        25.0,
        "The answer is mostly buzzwords: it commits to no decision, number or step an interviewer could credit.",
    ),
}
MIN_WORDS = 15
# An answer under min_words is capped as a headline unless its content already reaches this level
# (2 = "covers about half"): a short answer that says what was asked is terse, not empty.
SHORT_BUT_COMPLETE = 2.0


@dataclass(frozen=True)
class Concept:
    ref: str
    label: str
    phrases: tuple[str, ...]
    advice: str
    weight: float
    omission: bool = False


@dataclass(frozen=True)
class Criterion:
    ref: str
    rubric: Rubric
    spec: CriterionSpec
    concepts: tuple[Concept, ...]
    weight: float | None = None  # the stage's override of the rubric's weight

    @property
    def effective_weight(self) -> float:
        return self.weight if self.weight is not None else self.spec.weight


@dataclass(frozen=True)
class Target:
    """Everything needed to score answers to one stage, or against one rubric."""

    criteria: tuple[Criterion, ...]
    anti_patterns: tuple[tuple[str, AntiPattern, Rubric], ...]
    prompt: str = ""
    context: str = ""  # briefing and exhibits: repeating them earns nothing
    minutes: float | None = None
    scenario: Scenario | None = None
    stage: Stage | None = None
    vocabulary: frozenset[str] = field(default_factory=frozenset)
    matcher: Matcher | None = None
    known: frozenset[str] = field(default_factory=frozenset)  # every stem the library uses: "on topic" words
    phrase_terms: frozenset[str] = field(default_factory=frozenset)  # the terms of the target's concept phrases
    min_words: int = MIN_WORDS  # fewer words than this is "too short"
    echo_trigrams: frozenset[tuple[str, ...]] = field(default_factory=frozenset)

    @property
    def rubrics(self) -> dict[str, Rubric]:
        return {c.rubric.id: c.rubric for c in self.criteria}


def _concepts(rubric: Rubric, spec: CriterionSpec, only: list[str] | None = None) -> list[Concept]:
    return [
        Concept(f"{rubric.id}.{spec.id}.{c.id}", c.label, tuple(c.phrases), c.advice, c.weight, c.omission)
        for c in spec.concepts
        if not only or c.id in only
    ]


def _trigrams(tokens: list[Token]) -> set[tuple[str, ...]]:
    stems = [t.stem for t in tokens]
    return set(zip(stems, stems[1:], stems[2:], strict=False))


def build_target(
    criteria: list[Criterion],
    prompt: str = "",
    context: str = "",
    minutes: float | None = None,
    scenario: Scenario | None = None,
    stage: Stage | None = None,
    reference: str = "",
    synonyms: Synonyms | None = None,
    rarity: Rarity | None = None,
    known: frozenset[str] = frozenset(),
    compiled_phrases: dict[str, tuple[Compiled, ...]] | None = None,
) -> Target:
    """``reference`` is a model answer: its words count as on-topic, and "too short" is
    judged against its length (a third of it, between 3 and MIN_WORDS words).
    ``synonyms`` come from the lexicon; ``rarity`` counts the concepts each term appears
    in across the library (the target's own concepts when not given); ``known`` is the
    library's vocabulary, which tells a sentence about the work from one that is not.
    ``compiled_phrases`` are phrases compiled with these same synonyms and rarity, to reuse."""
    rubrics = {c.rubric.id: c.rubric for c in criteria}
    anti = tuple((f"{r.id}.{a.id}", a, r) for r in rubrics.values() for a in r.anti_patterns)
    words = [prompt, context, reference]
    words += [p for c in criteria for concept in c.concepts for p in concept.phrases]
    vocabulary = frozenset(t.stem for t in tokenize(" ".join(words)) if not t.is_stop)
    echo = frozenset(_trigrams(tokenize(prompt)) | _trigrams(tokenize(context)))
    min_words = max(3, min(MIN_WORDS, len(tokenize(reference)) // 3)) if reference else MIN_WORDS
    synonyms = synonyms or Synonyms()
    phrase_sets = [concept.phrases for c in criteria for concept in c.concepts] + [a.phrases for _, a, _ in anti]
    if rarity is None:
        rarity = rarity_of(phrase_sets, synonyms)
    matcher = Matcher([p for phrases in phrase_sets for p in phrases], synonyms, rarity, compiled_phrases)
    terms = frozenset(t.key for ps in phrase_sets for p in ps for c in matcher.compile(p) for t in c.terms)
    vocabulary |= terms
    return Target(
        tuple(criteria),
        anti,
        prompt,
        context,
        minutes,
        scenario,
        stage,
        frozenset(vocabulary),
        matcher,
        known | vocabulary if known else frozenset(),
        terms,
        min_words,
        echo,
    )


class CompiledLibrary:
    """What scoring against a library needs, compiled once: the lexicon's synonyms, term rarity,
    the library's vocabulary, and each stage's (or library rubric's) target.

    Shared by every Scorer of the same library (see ``compiled_for``): a session, `coach history`,
    a review and an import each make their own Scorer, and compiling a library and its stages
    costs far more than scoring an answer."""

    def __init__(self, library: Library):
        # the files compiled, kept alive: their ids make the cache's key (see _library_key)
        self.files = (
            [e.item for e in library.lexicons],
            [e.item for e in library.rubrics.values()],
            [e.item for e in library.scenarios.values()],
        )
        self.targets: dict[tuple[object, ...], Target] = {}
        # every phrase compiled for the stages' targets (they share the library's synonyms and rarity)
        self.phrases: dict[str, tuple[Compiled, ...]] = {}
        synonyms = Synonyms(g.words for entry in library.lexicons for g in entry.item.groups)
        rubrics = [e.item for e in library.rubrics.values()]
        scenarios = [e.item for e in library.scenarios.values()]
        phrase_sets = [c.phrases for r in rubrics for cr in r.criteria for c in cr.concepts]
        phrase_sets += [c.phrases for sc in scenarios for st in sc.stages for a in st.assess for c in a.extra]
        texts = [" ".join(p) for p in phrase_sets] + [r.description for r in rubrics]
        for sc in scenarios:
            texts += [sc.briefing.situation, *(exhibit_text(e) for e in sc.briefing.exhibits)]
            texts += [t for st in sc.stages for t in (st.prompt, st.model_answer, *(c.answer for c in st.calibration))]
        known = frozenset(content_stems_of(texts))
        known |= {k for k in synonyms.members}
        known |= {s for s in synonyms.single}
        self.shared = (synonyms, rarity_of(phrase_sets, synonyms), known)


def _library_key(library: Library) -> tuple[tuple[int, ...], ...]:
    """The identity of each file of the library as loaded. Its models are frozen, so the same
    objects say the same things; a library loaded again, or a rubric, scenario or lexicon
    replaced in it, gives a new key, so nothing compiled from old files is reused."""
    return (
        tuple(id(e.item) for e in library.lexicons),
        tuple(id(e.item) for e in library.rubrics.values()),
        tuple(id(e.item) for e in library.scenarios.values()),
    )


# The libraries compiled lately, by _library_key. Each entry holds every object whose id is in
# its key (``files``), so while it is here no other object can be given one of those ids.
_COMPILED: OrderedDict[tuple[tuple[int, ...], ...], CompiledLibrary] = OrderedDict()
_COMPILED_LIBRARIES = 4  # a process rarely has more than one library; tests load many
_COMPILED_LOCK = threading.Lock()  # the app scores in worker threads
SHARED_TARGETS = 1_000  # at most this many targets per library are shared between Scorers


def compiled_for(library: Library) -> CompiledLibrary:
    key = _library_key(library)
    with _COMPILED_LOCK:
        found = _COMPILED.get(key)
        if found is not None:
            _COMPILED.move_to_end(key)
            return found
    compiled = CompiledLibrary(library)  # outside the lock: two threads may both compile, the last one is kept
    with _COMPILED_LOCK:
        _COMPILED[key] = compiled
        while len(_COMPILED) > _COMPILED_LIBRARIES:
            _COMPILED.popitem(last=False)
    return compiled


class Scorer:
    """Scores answers; compiles each stage or rubric once and reuses it."""

    def __init__(self, library: Library):
        self.library = library
        self._targets: dict[tuple[str, str], Target] = {}

    def compiled(self) -> CompiledLibrary:
        """The library as it is now, compiled (by this Scorer or any other)."""
        return compiled_for(self.library)

    def shared(self) -> tuple[Synonyms, Rarity, frozenset[str]]:
        """What every target of the library shares: the lexicon's synonyms, how rare each
        term is across all concepts, and the library's vocabulary."""
        return self.compiled().shared

    @property
    def ladder(self) -> Ladder | None:
        return self.library.ladder.item if self.library.ladder else None

    def stage_target(self, scenario: Scenario, stage: Stage) -> Target:
        key = (scenario.id, stage.id)
        if key not in self._targets:
            self._targets[key] = self._shared_target(scenario, stage) or self._stage_target(scenario, stage)
        return self._targets[key]

    def _shared_target(self, scenario: Scenario, stage: Stage) -> Target | None:
        """The target other Scorers of this library compiled for the stage (compiling it now if
        none did). Only for the library's own scenario objects: one made elsewhere (a file being
        edited, a test's variant) is compiled for this Scorer alone, as the cache would keep it."""
        entry = self.library.scenarios.get(scenario.id)
        if entry is None or entry.item is not scenario or not any(st is stage for st in scenario.stages):
            return None
        compiled = self.compiled()
        key = ("stage", id(scenario), id(stage))  # the ids of objects the library holds: never reused
        target = compiled.targets.get(key)
        if target is None:
            target = compiled.targets[key] = self._stage_target(scenario, stage)
        return target

    def _stage_target(self, scenario: Scenario, stage: Stage) -> Target:
        criteria = []
        for a in stage.assess:
            rid, cid = a.criterion.split(".")
            rubric = self.library.rubric(rid)
            spec = rubric.criterion(cid)
            assert spec is not None, f"{a.criterion} was checked at load time"
            concepts = _concepts(rubric, spec, a.concepts)
            concepts += [
                Concept(f"{a.criterion}.{c.id}", c.label, tuple(c.phrases), c.advice, c.weight, c.omission)
                for c in a.extra
            ]
            criteria.append(Criterion(a.criterion, rubric, spec, tuple(concepts), a.weight))
        context = "\n".join([scenario.briefing.situation] + [exhibit_text(e) for e in scenario.briefing.exhibits])
        compiled = self.compiled()
        synonyms, rarity, known = compiled.shared
        return build_target(
            criteria,
            stage.prompt,
            context,
            stage.time_limit_minutes,
            scenario,
            stage,
            reference=stage.model_answer,
            synonyms=synonyms,
            rarity=rarity,
            known=known,
            compiled_phrases=compiled.phrases,
        )

    def rubric_target(self, rubric: Rubric, prompt: str = "") -> Target:
        key = ("rubric:" + rubric.id, prompt)
        if key not in self._targets:
            self._targets[key] = self._shared_rubric_target(rubric, prompt) or self._rubric_target(rubric, prompt)
        return self._targets[key]

    def _shared_rubric_target(self, rubric: Rubric, prompt: str) -> Target | None:
        """As _shared_target, for the library's own rubrics (a story is scored against one by a
        Scorer of its own); a drafted rubric, or one question too many, is this Scorer's alone."""
        entry = self.library.rubrics.get(rubric.id)
        if entry is None or entry.item is not rubric:
            return None
        compiled = self.compiled()
        key = ("rubric", id(rubric), prompt)
        target = compiled.targets.get(key)
        if target is None:
            if len(compiled.targets) >= SHARED_TARGETS:
                return None  # a batch with a question per row: bounded, as the cache outlives this Scorer
            target = compiled.targets[key] = self._rubric_target(rubric, prompt)
        return target

    def _rubric_target(self, rubric: Rubric, prompt: str) -> Target:
        criteria = [Criterion(f"{rubric.id}.{c.id}", rubric, c, tuple(_concepts(rubric, c))) for c in rubric.criteria]
        synonyms, _, known = self.shared()
        target = build_target(criteria, prompt, synonyms=synonyms)
        # no model answer to measure against: an answer needs about a word per concept
        concepts = sum(len(c.concepts) for c in criteria)
        return replace(target, min_words=max(3, min(MIN_WORDS, concepts)))

    def score_stage(
        self, scenario: Scenario, stage: Stage, answer: str, target_level: Level | None = None
    ) -> ScoreReport:
        report = score(self.stage_target(scenario, stage), answer, self.ladder, target_level or scenario.level)
        return report

    def score_rubric(
        self, rubric: Rubric, answer: str, prompt: str = "", target_level: Level | None = None
    ) -> ScoreReport:
        return score(self.rubric_target(rubric, prompt), answer, self.ladder, target_level)


# --------------------------------------------------------------------------- the scoring itself


_EDGE = "([{\"'“‘.,;:!?)]}”’"


def _evidence(text: str, tokens: list[Token], first: int, last: int) -> Evidence:
    """The matched span, widened to whole written words ("A/B test", not "B test")."""
    start, end = tokens[first].start, tokens[last].end
    while start > 0 and not text[start - 1].isspace() and text[start - 1] not in _EDGE:
        start -= 1
    while end < len(text) and not text[end].isspace() and text[end] not in _EDGE:
        end += 1
    return Evidence(start=start, end=end, text=text[start:end])


MAX_EVIDENCE_TOKENS = 30


def _clause_evidence(text: str, tokens: list[Token], first: int, last: int) -> Evidence:
    """The clause that earned the credit (its sentence when the clause is a fragment of a
    few words), at most MAX_EVIDENCE_TOKENS words around the match: "risk" alone tells a
    learner nothing, "the risk is that a bad write corrupts every device" does."""
    clause, sentence = tokens[first].clause, tokens[first].sentence
    lo, hi = first, last
    while lo > 0 and tokens[lo - 1].clause == clause:
        lo -= 1
    while hi + 1 < len(tokens) and tokens[hi + 1].clause == tokens[last].clause:
        hi += 1
    if hi - lo < 4:
        while lo > 0 and tokens[lo - 1].sentence == sentence:
            lo -= 1
        while hi + 1 < len(tokens) and tokens[hi + 1].sentence == tokens[last].sentence:
            hi += 1
    spare = MAX_EVIDENCE_TOKENS - (last - first + 1)
    if hi - lo + 1 > MAX_EVIDENCE_TOKENS:
        lo = max(lo, first - max(spare, 0) // 2)
        hi = min(hi, max(last, lo + MAX_EVIDENCE_TOKENS - 1))
    return _evidence(text, tokens, lo, hi)


# What makes a clause concrete: a number, a time, a condition, or who does it.
CONCRETE_WORDS = frozenset(
    """one two three four five six seven eight nine ten twelve twenty fifty hundred thousand million billion
    half double twice quarter percent minute minutes hour hours day days week weeks month months
    sprint sprints monday tuesday wednesday thursday friday weekend tomorrow daily weekly monthly
    if unless until when before after
    owner owns engineer engineers support finance legal sales marketing designer vp cto ceo cfo sre lead""".split()
)


def _concrete(tokens: list[Token], first: int, last: int) -> bool:
    clause = tokens[first].clause
    lo, hi = first, last
    while lo > 0 and tokens[lo - 1].clause == clause:
        lo -= 1
    while hi + 1 < len(tokens) and tokens[hi + 1].clause == clause:
        hi += 1
    return any(t.word[0].isdigit() or t.word in CONCRETE_WORDS for t in tokens[lo : hi + 1])


def _span_evidence(text: str, span: tuple[int, int]) -> Evidence:
    return Evidence(start=span[0], end=span[1], text=text[span[0] : span[1]])


def _masks(tokens: list[Token], target: Target) -> tuple[frozenset[int], float, float, int]:
    """Tokens that earn no credit: sentences copied from the prompt or briefing, repeats of
    an earlier sentence, and sentences that are not about the work at all ("yesterday my
    cat walked past the idempotency key"). Returns (masked, parroted share, unique-trigram
    share, off-topic sentences)."""
    by_sentence: dict[int, list[int]] = {}
    for i, t in enumerate(tokens):
        by_sentence.setdefault(t.sentence, []).append(i)
    masked: set[int] = set()
    parroted = off_topic = 0
    seen_sentences: set[tuple[str, ...]] = set()
    for idxs in by_sentence.values():
        sent = [tokens[i] for i in idxs]
        grams = _trigrams(sent)
        if target.echo_trigrams and len(grams) >= 3 and len(grams & target.echo_trigrams) / len(grams) >= 0.6:
            masked.update(idxs)
            parroted += len(idxs)
            continue
        key = tuple(t.stem for t in sent if not t.is_stop)
        if len(key) >= 3 and key in seen_sentences:
            masked.update(idxs)
        seen_sentences.add(key)
        if target.known and not _about_the_work(sent, target.known):
            masked.update(idxs)
            off_topic += 1
    stems = [t.stem for t in tokens]
    all_grams = list(zip(stems, stems[1:], stems[2:], strict=False))
    unique = len(set(all_grams)) / len(all_grams) if all_grams else 1.0
    return frozenset(masked), parroted / max(len(tokens), 1), unique, off_topic


OFF_TOPIC_SHARE = 0.5  # a sentence whose meaningful words are mostly foreign to the library is not about the work


def _about_the_work(sentence: list[Token], known: frozenset[str]) -> bool:
    words = [t for t in sentence if not t.is_stop and not t.word[0].isdigit() and len(t.word) > 2]
    if len(words) < 4:
        return True  # too short to judge
    familiar = sum(1 for t in words if t.stem in known or t.word in GENERIC)
    return familiar / len(words) >= OFF_TOPIC_SHARE


# Words that sound like strategy but commit to nothing; an answer made of them says nothing.
BUZZWORDS = frozenset(
    """leverage leveraging synergy synergies synergistic holistic holistically paradigm empower empowering
    unlock unlocking seamless seamlessly robust best-in-class world-class cutting-edge game-changer
    game-changing innovative innovation ecosystem operationalize operationalise operationalizing
    streamline streamlining excellence transformational transformative disrupt disruptive impactful
    actionable next-generation frictionless bleeding-edge visionary mindset journey north-star
    value-add value-driven outcome-driven data-driven customer-centric cross-functional best-practice
    alignment align aligned optimize optimise optimization optimisation scalable agile strategic
    strategically drive driving""".split()
)
SALAD_SHARE = 0.2  # share of an answer's meaningful words that are buzzwords, above which it is a salad
# Share of an answer's meaningful words that are words of the rubric's phrases, above which the
# phrases were stitched together: honest answers, even ones that reuse the rubric's words, stay
# well below (the library's calibration answers average about half), a string of phrases is near all.
STITCHED_SHARE = 0.8


def _flags(
    text: str,
    tokens: list[Token],
    target: Target,
    parroted: float,
    unique: float,
    hits: int,
    truncated: bool,
    covered: int,
    off_topic: int,
) -> list[str]:
    if not tokens:
        return ["empty"]
    flags = []
    if truncated:
        flags.append("truncated")
    words = len(tokens)
    function_share = sum(t.is_stop for t in tokens) / words
    content = [t for t in tokens if not t.is_stop]
    # Prose runs at 35-55% small words; a keyword list, stuffed or comma-separated, has almost
    # none. Short terse sentences ("Programs begin execution at main.") are not lists.
    fragments = [f for f in re.split(r"[,;\n•·|]+", text[: tokens[-1].end]) if f.strip()]
    listy = len(fragments) >= 4 and words / len(fragments) <= 4
    if words >= 8 and (function_share < 0.12 or (function_share < 0.2 and listy)):
        known = sum(1 for t in tokens if t.stem in target.vocabulary or t.word.isdigit()) / words
        if known >= 0.3:
            flags.append("buzzword_list")
        elif hits == 0:
            flags.append("gibberish")
    elif words >= 6 and hits == 0 and target.vocabulary:
        overlap = sum(1 for t in content if t.stem in target.vocabulary) / max(len(content), 1)
        if overlap < 0.25 or (target.known and off_topic and off_topic >= tokens[-1].sentence + 1):
            flags.append("off_topic")
    if len(content) >= 12 and "buzzword_list" not in flags:
        # a string of phrases: nearly all rubric words, and too few small words to be prose (35-55%)
        if hits >= 3 and covered / len(content) >= STITCHED_SHARE and function_share < 0.3:
            flags.append("stitched")
        elif sum(1 for t in content if t.word in BUZZWORDS) / len(content) >= SALAD_SHARE:
            flags.append("buzzword_salad")
    if parroted >= 0.5:
        flags.append("parroting")
    if words < target.min_words and "gibberish" not in flags:
        flags.append("too_short")
    if words >= 30 and unique < 0.5:
        flags.append("repetitive")
    return flags


WORDS_PER_MINUTE = 110  # about how much a candidate says in a minute; beyond the stage's time, words earn nothing


def score(target: Target, answer: str, ladder: Ladder | None = None, target_level: Level | None = None) -> ScoreReport:
    # every step works on the capped text: at most MAX_CHARS characters and MAX_TOKENS words
    read = answer[:MAX_CHARS]
    tokens = tokenize(read, limit=MAX_TOKENS)
    truncated = len(answer.rstrip()) > len(read) or (len(tokens) >= MAX_TOKENS and tokens[-1].end < len(read.rstrip()))
    if tokens and truncated:
        read = read[: tokens[-1].end]
    masked, parroted, unique, off_topic = _masks(tokens, target) if tokens else (frozenset(), 0.0, 1.0, 0)
    if target.minutes and len(tokens) > target.minutes * WORDS_PER_MINUTE:
        # padding and rambling past the time an interviewer gives never raise a score
        masked = masked | frozenset(range(int(target.minutes * WORDS_PER_MINUTE), len(tokens)))
    index = AnswerIndex(tokens, masked, target.matcher)

    criteria: list[CriterionResult] = []
    pending: list[tuple[Criterion, list[ConceptResult], list[float]]] = []
    hits = 0
    for crit in target.criteria:
        results, weights = [], []
        for concept in crit.concepts:
            m = match_concept(index, list(concept.phrases), concept.omission) if tokens else None
            found = bool(m and m.found)
            hits += found
            results.append(
                ConceptResult(
                    ref=concept.ref,
                    label=concept.label,
                    found=found,
                    negated=bool(m and m.negated),
                    similarity=m.similarity if m else 0.0,
                    phrase=m.match.phrase if m and m.match else None,
                    evidence=_clause_evidence(answer, tokens, m.match.first, m.match.last) if m and m.match else None,
                    negation=_evidence(answer, tokens, *m.match.negation)
                    if m and m.match and m.match.negation is not None
                    else None,
                    advice=concept.advice,
                    concrete=not found or bool(m and m.match and _concrete(tokens, m.match.first, m.match.last)),
                )
            )
            weights.append(concept.weight)
        pending.append((crit, results, weights))

    hit_spans = [(c.evidence.start, c.evidence.end) for _, rs, _ in pending for c in rs if c.found and c.evidence]
    content = [
        (exact_level(c.spec, rs, ws, []), c.effective_weight) for c, rs, ws in pending if c.spec.scoring != "signals"
    ]
    # what the content earned, weighted as the criteria are: how the answer is said cannot lift it above this
    content_level = sum(lv * w for lv, w in content) / sum(w for _, w in content) if content else None
    for crit, results, weights in pending:
        signals = []
        if crit.spec.scoring == "signals" and tokens:  # an empty answer has no delivery to measure
            for sig in crit.spec.signals:
                r = measure(sig, read, tokens, target.prompt, target.minutes, hit_spans)
                signals.append(
                    SignalScore(
                        signal=sig.value,
                        value=r.value,
                        note=r.note,
                        advice=r.advice,
                        evidence=[_span_evidence(answer, s) for s in r.spans],
                    )
                )
        exact = exact_level(crit.spec, results, weights, signals) if tokens else 0.0
        if crit.spec.scoring == "signals" and content_level is not None:
            exact = min(exact, content_level + 1)  # clear delivery of nothing is not clarity
        level = int(exact + 0.5)
        criteria.append(
            CriterionResult(
                ref=crit.ref,
                title=crit.spec.title,
                rubric=crit.rubric.id,
                competency=crit.rubric.competency.value if crit.rubric.competency else "",
                scoring=crit.spec.scoring,
                weight=crit.effective_weight,
                level=level,
                exact_level=round(exact, 3),
                descriptor=crit.spec.descriptors[level],
                concepts=results,
                signals=signals,
            )
        )

    anti_hits: list[AntiPatternHit] = []
    for ref, anti, _rubric in target.anti_patterns:
        m = match_concept(index, list(anti.phrases)) if tokens else None
        if m and m.found and m.match:
            anti_hits.append(
                AntiPatternHit(
                    ref=ref,
                    label=anti.label,
                    feedback=anti.feedback,
                    penalty=anti.penalty,
                    evidence=_clause_evidence(answer, tokens, m.match.first, m.match.last),
                )
            )

    covered = sum(1 for i in index.phrase_words(target.phrase_terms) if not tokens[i].is_stop)
    flags = _flags(answer, tokens, target, parroted, unique, hits, truncated, covered, off_topic)
    if "too_short" in flags and content_level is not None and content_level >= SHORT_BUT_COMPLETE:
        flags.remove("too_short")  # short, but it says what was asked: terse is not a headline
    competencies, raw = competency_scores(criteria, anti_hits, target.rubrics)
    content_criteria = [c for c in criteria if c.scoring != "signals"]
    if content_criteria:  # how it is said may pull the score down, never lift it above the content
        unpenalised = competency_scores(criteria, [], target.rubrics)[1]
        content_only = competency_scores(content_criteria, [], target.rubrics)[1]
        raw = max(0.0, min(unpenalised, content_only) - (unpenalised - raw))
    cap = min((CAPS[f][0] for f in flags if f in CAPS), default=100.0)
    if _red_flag_cap(anti_hits) < min(cap, raw):
        cap = _red_flag_cap(anti_hits)
        flags.append("red_flag")
    final = round(min(raw, cap), 1)
    if final < raw or final == 0:  # a capped answer cannot show high competency scores either
        for c in competencies:  # (nor one worth nothing: delivery alone earns no level on the ladder)
            c.score = round(c.score * final / raw, 2) if raw else 0.0
    report = ScoreReport(
        scenario=target.scenario.id if target.scenario else None,
        stage=target.stage.id if target.stage else None,
        scenario_version=target.scenario.version if target.scenario else None,
        rubric_versions={r.id: r.version for r in target.rubrics.values()},
        words=len(tokens),
        score=final,
        band=band_for(final),
        flags=[Flag(code=f, message=_flag_message(f, cap)) for f in flags],
        criteria=criteria,
        anti_patterns=anti_hits,
        competencies=competencies,
        model_answer=target.stage.model_answer if target.stage else None,
        takeaways=list(target.stage.takeaways) if target.stage else [],
    )
    if ladder:
        place_on_ladder(report, ladder, target_level, ceiling_for(target.scenario))
    report.strengths, report.improvements = _feedback(report)
    return report


def _red_flag_cap(hits: list[AntiPatternHit]) -> float:
    """An interviewer who hears a harmful claim stops short of "strong", whatever else is said;
    two (or one grave one, penalty 1 or more) and the answer is at best developing."""
    if not hits:
        return 100.0
    return RED_FLAG_CAPS[1] if len(hits) >= 2 or sum(h.penalty for h in hits) >= 1 else RED_FLAG_CAPS[0]


RED_FLAG_CAPS = (74.9, 54.9)  # just under the floors of strong and of solid


def _flag_message(code: str, cap: float) -> str:
    if code in CAPS:
        return CAPS[code][1] + (f" Score capped at {CAPS[code][0]:g}." if CAPS[code][0] else "")
    return {
        "red_flag": f"The answer makes a claim interviewers treat as a red flag (see below); score capped at {cap:g}.",
        "truncated": f"Only the first {MAX_TOKENS:,} words ({MAX_CHARS:,} characters) were scored.",
        "repetitive": "The answer repeats itself; each point is credited once.",
    }[code]


def concept_key(label: str) -> str:
    """What makes two concepts the same thing to a learner: the label they read."""
    return "concept:" + " ".join(label.lower().split())


def feedback_items(report: ScoreReport) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(key, text) of what went well and of what to work on, most valuable first. The key
    names the concept, signal or anti-pattern, so that one thing is never both: a concept
    credited anywhere in the report is left out of the advice."""
    strengths: list[tuple[str, str]] = []
    for c in report.criteria:
        for concept in c.concepts:
            if concept.found and concept.evidence:
                quote = " ".join(concept.evidence.text.split())  # a wrapped line reads as one
                strengths.append((concept_key(concept.label), f"{concept.label}: \u201c{quote}\u201d"))
        for s in c.signals:
            if s.value >= 0.9 and s.signal not in ("structure", "concision", "plain_language"):
                strengths.append(("signal:" + s.signal, s.note))
    first: dict[str, str] = {}
    for key, line in strengths:
        first.setdefault(key, line)  # one line per concept: the first quote
    strengths = list(first.items())
    credited = {key for key, _ in strengths}
    improvements: list[tuple[float, str, str, str]] = []  # (priority, source, key, text)
    for hit in report.anti_patterns:
        improvements.append((10 + hit.penalty, hit.ref, "anti:" + hit.ref, f"{hit.label}: {hit.feedback}"))
    for c in report.criteria:
        gap = 4 - c.level
        if not gap:
            continue
        for concept in c.concepts:
            if not concept.found:
                prefix = " (you said it negated)" if concept.negated else ""
                priority = c.weight * gap + (0.5 if concept.negated else 0)
                improvements.append(
                    (priority, c.ref, concept_key(concept.label), f"{concept.label}{prefix}: {concept.advice}")
                )
        for s in c.signals:
            if s.value < PASS:  # the signals marked ✗
                improvements.append(
                    (c.weight * gap * (1 - s.value) * 0.8, c.ref, "signal:" + s.signal, f"{s.note} {s.advice}".strip())
                )
    improvements.sort(key=lambda item: -item[0])
    per_source: Counter[str] = Counter()
    ordered: dict[str, str] = {}
    for _, source, key, text in improvements:
        if key in credited or key in ordered or text in ordered.values() or per_source[source] >= 2:
            continue  # credited elsewhere, said already, or spreading advice across criteria
        per_source[source] += 1
        ordered[key] = text
    return strengths, list(ordered.items())


def _feedback(report: ScoreReport) -> tuple[list[str], list[str]]:
    strengths, improvements = feedback_items(report)
    return [text for _, text in strengths[:6]], [text for _, text in improvements[:5]]
