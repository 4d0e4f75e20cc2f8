"""`coach validate`'s checks of phrases: what the scorer can and cannot match.

A phrase the scorer reduces to small words ("we should", "from you I need") or to one
word that half the library uses ("teams") would credit answers by accident, so it is
refused; a phrase whose small words carried its meaning ("all users", "only once") is
matched without them, so it is flagged as a warning.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from coach.library.loader import Library, Problem
from coach.library.tomllines import format_path, key_lines
from coach.scoring.engine import Scorer
from coach.scoring.matching import PatternError, compile_phrase, expand
from coach.scoring.text import tokenize

# Small words that matching ignores but that can carry a phrase's meaning.
MEANINGFUL_SMALL = frozenset({"all", "every", "only", "same", "once"})

Loc = tuple[str | int, ...]


def phrase_problems(library: Library, files: Sequence[Path] | None = None) -> tuple[list[Problem], list[Problem]]:
    """(errors, warnings) about the phrases of the library's rubrics, scenarios and lexicons,
    or only of ``files`` when given."""
    synonyms, rarity, _ = Scorer(library).shared()
    wanted = {p.resolve() for p in files} if files is not None else None
    errors: list[Problem] = []
    warnings: list[Problem] = []
    for path, located in _phrases(library):
        if wanted is not None and path.resolve() not in wanted:
            continue
        text = _text(path)
        lines = key_lines(text) if text else {}
        for loc, phrase, lexicon in located:
            key = format_path(loc)
            line = lines.get(key) or _line_of(text, lines.get(format_path(loc[:-1])), phrase)
            try:
                variants = expand(phrase)
            except PatternError as exc:
                errors.append(Problem(path, f"“{phrase}”: {exc}", line, key))
                continue
            if lexicon:  # a synonym needs a word that counts; rarity does not apply to it
                if not any(not t.is_stop for v in variants for t in tokenize(v)):
                    errors.append(Problem(path, f"“{phrase}” has only small words, which never match", line, key))
                continue
            for variant in variants:
                compiled = compile_phrase(variant, synonyms, rarity)
                if compiled.problem:
                    errors.append(Problem(path, f"“{variant}” {compiled.problem}; name the idea itself", line, key))
                    break
                if compiled.generic:
                    errors.append(
                        Problem(path, f"“{variant}” has only everyday words: too generic to show the idea", line, key)
                    )
                    break
                ignored = [t.word for t in tokenize(variant) if t.word in MEANINGFUL_SMALL]
                if ignored:
                    words = ", ".join(f"“{w}”" for w in dict.fromkeys(ignored))
                    warnings.append(
                        Problem(
                            path,
                            f"warning: “{variant}” is matched without {words}, which may carry its meaning",
                            line,
                            key,
                        )
                    )
                    break
    return errors, warnings


def _phrases(library: Library) -> Iterator[tuple[Path, list[tuple[Loc, str, bool]]]]:
    for entry in library.rubrics.values():
        rubric = entry.item
        found: list[tuple[Loc, str, bool]] = []
        for i, crit in enumerate(rubric.criteria):
            for j, concept in enumerate(crit.concepts):
                found += [
                    (("criteria", i, "concepts", j, "phrases", k), p, False) for k, p in enumerate(concept.phrases)
                ]
        for i, anti in enumerate(rubric.anti_patterns):
            found += [(("anti_patterns", i, "phrases", k), p, False) for k, p in enumerate(anti.phrases)]
        yield entry.path, found
    for sc_entry in library.scenarios.values():
        found = []
        for s, stage in enumerate(sc_entry.item.stages):
            for a, assess in enumerate(stage.assess):
                for c, concept in enumerate(assess.extra):
                    loc: Loc = ("stages", s, "assess", a, "extra", c, "phrases")
                    found += [((*loc, k), p, False) for k, p in enumerate(concept.phrases)]
        yield sc_entry.path, found
    for lex in library.lexicons:
        found = []
        for g, group in enumerate(lex.item.groups):
            found += [(("groups", g, "words", w), word, True) for w, word in enumerate(group.words)]
        yield lex.path, found


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return ""


def _line_of(text: str, start: int | None, phrase: str) -> int | None:
    """The line of an array item written on a line with others: the first line, from the
    array's own line on, that holds the phrase in quotes."""
    if start is None:
        return None
    for n, line in enumerate(text.splitlines()[start - 1 :], start=start):
        if f'"{phrase}"' in line or f"'{phrase}'" in line:
            return n
    return start
