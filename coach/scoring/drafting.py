"""Draft a rubric from a reference or model answer, by one general rule.

The rule, applied the same way to every answer:

1. Each sentence (or clause separated by ";") of the reference becomes a criterion,
   weighted by how many key terms it carries.
2. Each meaningful word of that sentence becomes a concept (its stem is what
   matches), except words the question itself already uses: repeating the question
   earns nothing. Adjacent key words also form a two-word phrase, so a concept is
   found by the word or by the pair.
3. Criteria are scored by weighted share, like any hand-written rubric.

It is a first draft for authors (edit the labels, merge concepts, add paraphrases),
and the rubric used to measure agreement with human graders in benchmarks/.
"""

from __future__ import annotations

import json
import re

from coach.library.formats import Competency, ConceptSpec, CriterionSpec, Rubric
from coach.scoring.text import NEGATORS, is_negated, tokenize

DESCRIPTORS = [
    "Says none of what the reference says.",
    "Touches a small part of the reference.",
    "Covers about half of the reference.",
    "Covers most of the reference.",
    "Covers the reference fully.",
]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "x"


def draft_rubric(
    reference: str,
    rubric_id: str,
    competency: Competency = Competency.communication,
    question: str = "",
    title: str | None = None,
) -> Rubric:
    question_stems = {t.stem for t in tokenize(question) if not t.is_stop}
    criteria: list[CriterionSpec] = []
    seen: set[str] = set()
    for n, part in enumerate(p for p in re.split(r"(?<=[.!?;])\s+|\n+", reference) if p.strip()):
        tokens = tokenize(part)
        concepts = []
        for i, t in enumerate(tokens):
            if t.is_stop or len(t.word) < 2 or t.word in NEGATORS or t.stem in seen or t.stem in question_stems:
                continue
            seen.add(t.stem)
            # keep the reference's polarity: "does not return a value" asks for "not return"
            cue = is_negated(tokens, i, i)
            phrase = f"{tokens[cue[0]].word} {t.word}" if cue is not None else t.word
            concepts.append(
                ConceptSpec(
                    id=_slug(t.word) + f"-{len(seen)}",
                    label=phrase,
                    phrases=[phrase],
                    advice=f"The reference answer mentions “{t.word}” here: “{part.strip()}”",
                )
            )
        if not concepts:
            continue
        criteria.append(
            CriterionSpec(
                id=f"part-{n + 1}",
                title=part.strip()[:200],
                weight=float(min(len(concepts), 10)),
                scoring="share",
                descriptors=DESCRIPTORS,
                concepts=concepts,
            )
        )
    if not criteria:  # a reference made only of question words: fall back to all its words
        words = [t for t in tokenize(reference) if not t.is_stop] or tokenize(reference)
        concepts = [
            ConceptSpec(
                id=_slug(t.word) + f"-{i}",
                label=t.word,
                phrases=[t.word] if len(t.word) > 1 else [t.word * 2],
                advice=f"The reference answer says “{t.word}”.",
            )
            for i, t in enumerate(words[:30])
        ]
        criteria = [
            CriterionSpec(
                id="part-1",
                title=reference.strip()[:200] or "reference",
                scoring="share",
                descriptors=DESCRIPTORS,
                concepts=concepts,
            )
        ]
    return Rubric(
        id=rubric_id,
        title=title or f"Drafted from a reference answer ({rubric_id})",
        competency=competency,
        description="Drafted automatically from a reference answer; edit before use.",
        criteria=criteria,
    )


def to_toml(rubric: Rubric) -> str:
    """Write a rubric as a TOML file an author can edit (and `coach validate` accepts)."""

    def q(s: str) -> str:
        return json.dumps(s, ensure_ascii=False)  # JSON strings are valid TOML strings

    out = [
        "#:schema ../docs/schema/rubric.schema.json",
        "# Drafted from a reference answer by `coach draft-rubric`: edit the labels and advice,",
        "# merge concepts that are one idea, and add the paraphrases real candidates use.",
        f"id = {q(rubric.id)}",
        f"title = {q(rubric.title)}",
        *([f"competency = {q(rubric.competency.value)}"] if rubric.competency else []),
        f"description = {q(rubric.description)}",
        f"version = {rubric.version}",
    ]
    for c in rubric.criteria:
        out += [
            "",
            "[[criteria]]",
            f"id = {q(c.id)}",
            f"title = {q(c.title)}",
            f"weight = {c.weight}",
            f"scoring = {q(c.scoring)}",
            "descriptors = [" + ", ".join(q(d) for d in c.descriptors) + "]",
        ]
        for concept in c.concepts:
            out += [
                "",
                "[[criteria.concepts]]",
                f"id = {q(concept.id)}",
                f"label = {q(concept.label)}",
                "phrases = [" + ", ".join(q(p) for p in concept.phrases) + "]",
                f"advice = {q(concept.advice)}",
                f"weight = {concept.weight}",
            ]
    return "\n".join(out) + "\n"
