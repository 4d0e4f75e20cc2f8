"""Find the line where a key path is written in a TOML file.

tomllib parses values but forgets positions, so validation errors would only say
*what* is wrong. This scanner reads the same text line by line and records where
each key, table and array-of-tables element starts, so an error can say
`file.toml:42: stages[1].followups[0].when: ...`. It understands the TOML that
people write by hand (tables, arrays of tables, dotted keys, multi-line strings
and arrays); anything it cannot place falls back to the nearest enclosing key.

It also measures how deep arrays and inline tables nest (`too_deep`) before tomllib
recurses into them, and writes keys so that a message never carries a raw control
character (`format_path`, `visible`).
"""

from __future__ import annotations

import re
import sys

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

_BARE = re.compile(r"[A-Za-z0-9_-]+")
_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(
    r"""^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*=\s*(.*)$"""
)


def _split_key(dotted: str) -> list[str]:
    parts = re.findall(r"""[A-Za-z0-9_-]+|"[^"]*"|'[^']*'""", dotted)
    return [_unquote(p) if p[:1] in "\"'" else p for p in parts]


def _unquote(key: str) -> str:
    """A quoted key as tomllib reads it: escapes such as \\u001b decoded."""
    if key[0] == "'" or "\\" not in key:
        return key[1:-1]
    try:
        return str(tomllib.loads(f"k = {key}")["k"])
    except tomllib.TOMLDecodeError:
        return key[1:-1]


def format_path(loc: tuple[str | int, ...] | list[str | int]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + _quote_key(str(part))
    return out


def _quote_key(key: str) -> str:
    """A key as TOML writes it: bare when it can be, else quoted, with anything unprintable
    (terminal escapes, bidi overrides) escaped so that a message never carries it raw."""
    if _BARE.fullmatch(key):
        return key
    return '"' + visible(key.replace("\\", "\\\\").replace('"', '\\"')) + '"'


def visible(text: str) -> str:
    """``text`` with every unprintable character (controls, bidi overrides) written as an escape."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def key_lines(text: str) -> dict[str, int]:
    """Map each key path written in ``text`` to its 1-based line number."""
    lines: dict[str, int] = {}
    counters: dict[str, int] = {}
    table: list[str | int] = []
    in_string: str | None = None  # the closing quote of an open multi-line string
    array_path: list[str | int] | None = None
    array_depth = 0
    array_items = 0

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw
        if in_string:
            if in_string in line:
                in_string = None
            continue
        if array_path is not None:
            stripped = line.strip()
            if array_depth == 1 and stripped and stripped[0] in "{[\"'0123456789-tf":
                lines.setdefault(format_path(array_path + [array_items]), number)
                array_items += 1  # one element per line, as hand-written arrays are
            array_depth += _bracket_balance(line)
            if array_depth <= 0:
                array_path = None
            continue

        header = _HEADER.match(line)
        if header and not line.lstrip().startswith("#"):
            names = _split_key(header.group(2))
            if header.group(1) == "[[":
                # the array itself gets a new element; only its parents resolve to their latest
                resolved = _resolve(names[:-1], counters) + [names[-1]]
                base = format_path(resolved)
                index = counters.get(base, -1) + 1
                counters[base] = index
                resolved = resolved + [index]
            else:
                resolved = _resolve(names, counters)
            table = resolved
            _record(lines, table, 1, number)  # `[a.b]` also defines `a` here, if nothing did before
            continue

        key = _KEY.match(line)
        if not key or line.lstrip().startswith("#"):
            continue
        path = table + _split_key(key.group(1))
        _record(lines, path, len(table) + 1, number)
        value = key.group(2)
        for quote in ('"""', "'''"):
            if value.lstrip().startswith(quote) and value.count(quote) == 1:
                in_string = quote
        if value.lstrip().startswith("["):
            depth = _bracket_balance(value)
            if depth > 0:
                array_path, array_depth, array_items = path, depth, 0
    return lines


def _record(lines: dict[str, int], path: list[str | int], start: int, number: int) -> None:
    """Give ``path`` and its prefixes from ``start`` parts on the line ``number``, unless an earlier line has them."""
    for end in range(start, len(path) + 1):
        lines.setdefault(format_path(path[:end]), number)


def _resolve(names: list[str], counters: dict[str, int]) -> list[str | int]:
    """Turn a header like `stages.followups` into `stages[2].followups` using the
    index of the latest `[[stages]]` seen so far."""
    resolved: list[str | int] = []
    for name in names:
        resolved.append(name)
        base = format_path(resolved)
        if base in counters:
            resolved.append(counters[base])
    return resolved


def _bracket_balance(text: str) -> int:
    """Net open brackets on a line, ignoring brackets inside simple strings."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'', "", text).split("#")[0]
    return text.count("[") + text.count("{") - text.count("]") - text.count("}")


def line_for(lines: dict[str, int], loc: tuple[str | int, ...]) -> int | None:
    """The line of the longest prefix of ``loc`` that the file spells out."""
    for end in range(len(loc), 0, -1):
        found = lines.get(format_path(loc[:end]))
        if found:
            return found
    return None


# What the nesting scan stops at: a multi-line string's opening, a whole one-line string or comment,
# a bracket or brace, or a quote that opens a one-line string which never closes.
_NEST_TOKEN = re.compile(r"""\"\"\"|'''|"[^"\\\n]*(?:\\.[^"\\\n]*)*"|'[^'\n]*'|\#[^\n]*|[\[\]{}"']""")


def too_deep(text: str, limit: int) -> int | None:
    """The line where arrays and inline tables first nest more than ``limit`` deep, or None.

    tomllib reads nesting by recursion: a one-kilobyte file nested 500 deep raises RecursionError.
    This scan runs first. It skips strings and comments as tomllib reads them, and gives up where
    tomllib stops with an error anyway (a string that never ends)."""
    depth, pos = 0, 0
    while found := _NEST_TOKEN.search(text, pos):
        token, pos = found.group(), found.end()
        if token in ("[", "{"):
            depth += 1
            if depth > limit:
                return text.count("\n", 0, found.start()) + 1
        elif token in ("]", "}"):
            depth = max(depth - 1, 0)
        elif token in ('"""', "'''"):
            end = _multiline_end(text, pos, token)
            if end is None:
                return None
            pos = end
        elif token in ('"', "'"):
            return None
    return None


def _multiline_end(text: str, start: int, quote: str) -> int | None:
    """Where a multi-line string opened just before ``start`` ends, as tomllib reads it."""
    pos = start
    while True:
        end = text.find(quote, pos)
        if end < 0:
            return None
        before = end
        while quote[0] == '"' and before > start and text[before - 1] == "\\":
            before -= 1
        if (end - before) % 2 == 0:  # not an escaped quote
            break
        pos = end + 1
    end += 3
    for _ in range(2):  # the string may end with one or two quotes of its own
        end += text.startswith(quote[0], end)
    return end
