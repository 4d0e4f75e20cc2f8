"""The small condition language used by follow-ups and branches.

Grammar (whitespace-insensitive)::

    expr    := and_expr ("or" and_expr)*
    and_expr:= unary ("and" unary)*
    unary   := "not" unary | atom
    atom    := "(" expr ")"
             | ("all" | "any") "(" expr ("," expr)* ")"
             | ("hit" | "missed" | "negated") "(" REF ")"
             | "anti" "(" ANTI ")"                 -- an anti-pattern was found
             | "flag" "(" NAME ")"
             | "band" "(" NAME ")"
             | "score" OP NUMBER                  -- stage score, 0-100
             | "level" "(" REF ")" OP NUMBER      -- criterion level, 0-4

REF is ``rubric.criterion.concept`` for hit/missed/negated and ``rubric.criterion``
for level; ANTI is ``rubric.anti-pattern``. Expressions are parsed once, checked against the stage, and evaluated
against a :class:`Facts` object. Nothing here ever runs Python from a file.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NoReturn

BANDS = ("weak", "developing", "solid", "strong")
FLAGS = (
    "empty",
    "too_short",
    "gibberish",
    "buzzword_list",
    "parroting",
    "repetitive",
    "off_topic",
    "truncated",
    "stitched",
    "buzzword_salad",
    "red_flag",
)
_OPS: dict[str, Callable[[float, float], bool]] = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}
MAX_LENGTH = 500  # characters in one condition
MAX_DEPTH = 20  # brackets, all() and any() inside each other; the parser recurses once per level
_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d+)?)|(?P<op><=|>=|==|!=|<|>)|(?P<punct>[(),])|(?P<word>[A-Za-z_][\w.\-]*))"
)


class ConditionError(ValueError):
    """A condition that does not parse; the message says where and why."""


@dataclass(frozen=True)
class Facts:
    """What a condition can look at after an answer is scored."""

    hit: frozenset[str] = frozenset()
    negated: frozenset[str] = frozenset()
    levels: dict[str, float] = field(default_factory=dict)
    score: float = 0.0
    band: str = "weak"
    flags: frozenset[str] = frozenset()
    anti: frozenset[str] = frozenset()
    """The anti-patterns found, as ``rubric.anti-pattern``."""


@dataclass(frozen=True)
class Concept:
    kind: str  # hit | missed | negated
    ref: str

    def evaluate(self, f: Facts) -> bool:
        if self.kind == "hit":
            return self.ref in f.hit
        if self.kind == "negated":
            return self.ref in f.negated
        return self.ref not in f.hit


@dataclass(frozen=True)
class AntiPattern:
    ref: str  # rubric.anti-pattern

    def evaluate(self, f: Facts) -> bool:
        return self.ref in f.anti


@dataclass(frozen=True)
class Named:
    kind: str  # flag | band
    name: str

    def evaluate(self, f: Facts) -> bool:
        return self.name in f.flags if self.kind == "flag" else f.band == self.name


@dataclass(frozen=True)
class Compare:
    subject: str  # "score" or a criterion ref
    op: str
    value: float

    def evaluate(self, f: Facts) -> bool:
        got = f.score if self.subject == "score" else f.levels.get(self.subject, 0.0)
        return _OPS[self.op](got, self.value)


@dataclass(frozen=True)
class Not:
    inner: Node

    def evaluate(self, f: Facts) -> bool:
        return not self.inner.evaluate(f)


@dataclass(frozen=True)
class Combine:
    kind: str  # all | any
    parts: tuple[Node, ...]

    def evaluate(self, f: Facts) -> bool:
        test = all if self.kind == "all" else any
        return test(p.evaluate(f) for p in self.parts)


Node = Concept | AntiPattern | Named | Compare | Not | Combine


def _atoms(node: Node) -> list[Node]:
    if isinstance(node, Not):
        return _atoms(node.inner)
    if isinstance(node, Combine):
        return [atom for part in node.parts for atom in _atoms(part)]
    return [node]


def concept_refs(node: Node) -> set[str]:
    """Every concept reference used in a condition (for load-time checks)."""
    return {a.ref for a in _atoms(node) if isinstance(a, Concept)}


def criterion_refs(node: Node) -> set[str]:
    return {a.subject for a in _atoms(node) if isinstance(a, Compare) and a.subject != "score"}


def anti_refs(node: Node) -> set[str]:
    """Every anti-pattern reference (``rubric.anti-pattern``) used in a condition."""
    return {a.ref for a in _atoms(node) if isinstance(a, AntiPattern)}


def parse(text: str) -> Node:
    if len(text) > MAX_LENGTH:
        raise ConditionError(f"condition is too long ({len(text):,} characters; the limit is {MAX_LENGTH})")
    tokens = _tokenize(text)
    parser = _Parser(text, tokens)
    node = parser.expr()
    if parser.pos < len(tokens):
        parser.fail(f"unexpected {tokens[parser.pos][1]!r}")
    return node


def _tokenize(text: str) -> list[tuple[str, str, int]]:
    tokens, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if not m:
            raise ConditionError(f"cannot read {text[pos:].strip()[:20]!r} at column {pos + 1}")
        kind = m.lastgroup or ""
        tokens.append((kind, m.group(kind), m.start(kind)))
        pos = m.end()
    if not tokens:
        raise ConditionError("condition is empty")
    return tokens


class _Parser:
    def __init__(self, text: str, tokens: list[tuple[str, str, int]]):
        self.text, self.tokens, self.pos, self.depth = text, tokens, 0, 0

    def fail(self, why: str) -> NoReturn:
        col = self.tokens[self.pos][2] + 1 if self.pos < len(self.tokens) else len(self.text) + 1
        shown = self.text if len(self.text) <= 80 else self.text[:77] + "..."
        raise ConditionError(f"{why} at column {col} in {shown!r}")

    def peek(self) -> str | None:
        return self.tokens[self.pos][1] if self.pos < len(self.tokens) else None

    def take(self, expected: str | None = None, kind: str | None = None) -> str:
        if self.pos >= len(self.tokens):
            self.fail(f"expected {expected or kind} but the condition ended")
        k, value, _ = self.tokens[self.pos]
        if (expected and value != expected) or (kind and k != kind):
            self.fail(f"expected {expected or kind}, found {value!r}")
        self.pos += 1
        return value

    def expr(self) -> Node:
        parts = [self.and_expr()]
        while self.peek() == "or":
            self.take("or")
            parts.append(self.and_expr())
        return parts[0] if len(parts) == 1 else Combine("any", tuple(parts))

    def nested(self) -> Node:
        """An expression inside brackets, all() or any(); the parser recurses once per level."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.pos -= 1  # at the bracket that opens one level too many
            self.fail(f"brackets, all() and any() nested more than {MAX_DEPTH} deep")
        node = self.expr()
        self.depth -= 1
        return node

    def and_expr(self) -> Node:
        parts = [self.unary()]
        while self.peek() == "and":
            self.take("and")
            parts.append(self.unary())
        return parts[0] if len(parts) == 1 else Combine("all", tuple(parts))

    def unary(self) -> Node:
        nots = 0  # counted, not recursed: `not not ...` needs no depth
        while self.peek() == "not":
            self.take("not")
            nots += 1
        node = self.atom()
        for _ in range(nots):
            node = Not(node)
        return node

    def ref(self, word: str, shape: str) -> str:
        """``(REF)`` after ``word``, where ``shape`` says what it takes: its dots must match the example's."""
        self.take("(")
        ref = self.take(kind="word")
        if ref.count(".") != shape.count("."):
            self.pos -= 1
            self.fail(f"{word}() takes {shape}, not {ref!r}")
        self.take(")")
        return ref

    def atom(self) -> Node:
        word = self.peek()
        if word == "(":
            self.take("(")
            node = self.nested()
            self.take(")")
            return node
        if word is None or self.tokens[self.pos][0] != "word":
            self.fail("expected a condition such as hit(rubric.criterion.concept) or score < 40")
        self.pos += 1
        if word in ("all", "any"):
            self.take("(")
            parts = [self.nested()]
            while self.peek() == ",":
                self.take(",")
                parts.append(self.nested())
            self.take(")")
            return Combine(word, tuple(parts))
        if word in ("hit", "missed", "negated"):
            return Concept(word, self.ref(word, "a concept as rubric.criterion.concept"))
        if word == "anti":
            return AntiPattern(self.ref(word, "an anti-pattern as rubric.anti-pattern"))
        if word in ("flag", "band"):
            self.take("(")
            name = self.take(kind="word")
            allowed = FLAGS if word == "flag" else BANDS
            if name not in allowed:
                self.pos -= 1
                self.fail(f"unknown {word} {name!r}; expected one of {', '.join(allowed)}")
            self.take(")")
            return Named(word, name)
        if word == "score":
            return Compare("score", self.take(kind="op"), float(self.take(kind="num")))
        if word == "level":
            ref = self.ref(word, "a criterion as rubric.criterion")
            return Compare(ref, self.take(kind="op"), float(self.take(kind="num")))
        self.pos -= 1
        words = ["hit", "missed", "negated", "anti", "flag", "band", "score", "level", "all", "any", "not"]
        close = difflib.get_close_matches(word, words, n=1, cutoff=0.6)
        self.fail(
            f"unknown word {word!r} (did you mean {close[0]!r}?)"
            if close
            else f"unknown word {word!r}; expected one of {', '.join(words)}"
        )
        raise AssertionError  # unreachable: fail() raises
