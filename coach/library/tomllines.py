"""Find the line where a key path is written in a TOML file.

tomllib parses values but forgets positions, so validation errors would only say
*what* is wrong. This scanner reads the same text line by line and records where
each key, table and array-of-tables element starts, so an error can say
`file.toml:42: stages[1].followups[0].when: ...`. It understands the TOML that
people write by hand (tables, arrays of tables, dotted keys, multi-line strings
and arrays); anything it cannot place falls back to the nearest enclosing key.
"""

from __future__ import annotations

import re

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(
    r"""^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*=\s*(.*)$"""
)


def _split_key(dotted: str) -> list[str]:
    parts = re.findall(r"""[A-Za-z0-9_-]+|"[^"]*"|'[^']*'""", dotted)
    return [p[1:-1] if p[:1] in "\"'" else p for p in parts]


def format_path(loc: tuple[str | int, ...] | list[str | int]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


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
            lines.setdefault(format_path(table), number)
            continue

        key = _KEY.match(line)
        if not key or line.lstrip().startswith("#"):
            continue
        path = table + _split_key(key.group(1))
        lines.setdefault(format_path(path), number)
        value = key.group(2)
        for quote in ('"""', "'''"):
            if value.lstrip().startswith(quote) and value.count(quote) == 1:
                in_string = quote
        if value.lstrip().startswith("["):
            depth = _bracket_balance(value)
            if depth > 0:
                array_path, array_depth, array_items = path, depth, 0
    return lines


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
