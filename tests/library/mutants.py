"""Mutants of the real library files, for the loader's fuzz test (and for counting by hand:
`python -m tests.library.mutants 2000 [--validate]` loads 2,000 mutants, or runs `coach validate`
on each, and counts crashes and problems without a location).

Each mutation is a plain function of the text and a `random.Random`: a seed names a mutant here,
and hypothesis's `randoms()` draws (and shrinks) them in the test.
"""

from __future__ import annotations

import random
import re
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted((ROOT / "scenarios").glob("*.toml")) + sorted((ROOT / "rubrics").glob("*.toml"))
_KEY_LINE = re.compile(r"^(\s*)([A-Za-z0-9_-]+)(\s*=\s*)(.*)$")
_STRING = re.compile(r'"(?:[^"\\\n]|\\.)+"')
ODD = [
    "\u202e",  # right-to-left override
    "\u200b",  # zero-width space
    "\ufeff",  # a byte-order mark in the middle
    "\u2028",  # line separator
    "\x1b[2J",  # a terminal escape
    "\r",
    "\x7f",
    "e\u0301\u0301\u0301",  # stacked combining accents
    "🦄",
    "\U000e0001",  # a tag character
    "[",
    '"',
    "=",
    "\udcff",  # a lone surrogate: written as an invalid UTF-8 byte
    "\x00",
]


def _lines(text: str) -> list[str]:
    return text.split("\n")


def delete_line(text: str, rng: random.Random) -> str:
    lines = _lines(text)
    del lines[rng.randrange(len(lines))]
    return "\n".join(lines)


def duplicate_line(text: str, rng: random.Random) -> str:
    lines = _lines(text)
    i = rng.randrange(len(lines))
    lines.insert(i, lines[i])
    return "\n".join(lines)


def truncate(text: str, rng: random.Random) -> str:
    return text[: rng.randrange(len(text))]


def odd_unicode(text: str, rng: random.Random) -> str:
    at = rng.randrange(len(text) + 1)
    return text[:at] + rng.choice(ODD) + text[at:]


def _key_lines(text: str) -> list[int]:
    return [i for i, line in enumerate(_lines(text)) if _KEY_LINE.match(line)]


def change_type(text: str, rng: random.Random) -> str:
    lines, keys = _lines(text), _key_lines(text)
    if not keys:
        return text
    i = rng.choice(keys)
    indent, key, eq, _ = _KEY_LINE.match(lines[i]).groups()  # type: ignore[union-attr]
    value = rng.choice(['"text"', "42", "-1", "3.5", "true", "[]", '["a", 1]', "{}", "{ x = 1 }", "1979-05-27"])
    lines[i] = indent + key + eq + value
    return "\n".join(lines)


def swap_keys(text: str, rng: random.Random) -> str:
    lines, keys = _lines(text), _key_lines(text)
    if len(keys) < 2:
        return text
    a, b = rng.sample(keys, 2)
    ma, mb = _KEY_LINE.match(lines[a]), _KEY_LINE.match(lines[b])
    assert ma and mb
    lines[a] = ma.group(1) + mb.group(2) + ma.group(3) + ma.group(4)
    lines[b] = mb.group(1) + ma.group(2) + mb.group(3) + mb.group(4)
    return "\n".join(lines)


def empty_string(text: str, rng: random.Random) -> str:
    found = list(_STRING.finditer(text))
    if not found:
        return text
    m = rng.choice(found)
    return text[: m.start()] + '""' + text[m.end() :]


def existing_id(text: str, rng: random.Random) -> str:
    """Give an `id` the value of another id in the library (a scenario's, a stage's, a concept's...)."""
    ids = [m.start(1) for m in re.finditer(r'^\s*id = "([^"]*)"', text, re.M)]
    if not ids:
        return text
    at = rng.choice(ids)
    end = text.index('"', at)
    return text[:at] + rng.choice(ALL_IDS) + text[end:]


def rename_header(text: str, rng: random.Random) -> str:
    headers = [m for m in re.finditer(r"^\[\[?([^\]]+)\]\]?", text, re.M)]
    if not headers:
        return text
    m = rng.choice(headers)
    name = m.group(1)
    changed = rng.choice([name + "s", name[:-1], name.replace(".", "..", 1), name.upper(), "x." + name])
    return text[: m.start(1)] + changed + text[m.end(1) :]


def nest_deep(text: str, rng: random.Random) -> str:
    """A value nested hundreds deep in arrays or inline tables."""
    lines, keys = _lines(text), _key_lines(text)
    if not keys:
        return text
    i, depth = rng.choice(keys), rng.randint(40, 600)
    indent, key, eq, _ = _KEY_LINE.match(lines[i]).groups()  # type: ignore[union-attr]
    value = "[" * depth + "]" * depth if rng.random() < 0.5 else "{a=" * depth + "1" + "}" * depth
    lines[i] = indent + key + eq + value
    return "\n".join(lines)


def deep_condition(text: str, rng: random.Random) -> str:
    """A follow-up or branch condition in brackets nested up to 250 deep."""
    found = list(re.finditer(r'^when = "([^"]*)"', text, re.M))
    if not found:
        return nest_deep(text, rng)
    m, depth = rng.choice(found), rng.randint(15, 250)
    return text[: m.start(1)] + "(" * depth + m.group(1) + ")" * depth + text[m.end(1) :]


MUTATIONS: list[Callable[[str, random.Random], str]] = [
    delete_line,
    duplicate_line,
    truncate,
    odd_unicode,
    change_type,
    swap_keys,
    empty_string,
    existing_id,
    rename_header,
    nest_deep,
    deep_condition,
]
ALL_IDS = sorted({m for f in FILES for m in re.findall(r'^\s*id = "([^"]*)"', f.read_text(), re.M)})


def mutant(rng: random.Random) -> tuple[Path, str]:
    """A real library file, and a mutant of it: one to three mutations in a row."""
    source = rng.choice(FILES)
    text = source.read_text(encoding="utf-8")
    for _ in range(rng.randint(1, 3)):
        text = rng.choice(MUTATIONS)(text, rng)
    return source, text


def write_mutant(folder: Path, source: Path, text: str) -> Path:
    """Write the mutant where the library would hold it (scenarios/ or rubrics/, same name)."""
    path = folder / source.parent.name / source.name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    return path


# The problems that may name the file alone: the file cannot be read or parsed as a whole.
WHOLE_FILE = ("file is empty", "not a text file", "not UTF-8", "file is too large", "cannot read", "not a regular file")


def unlocated(problems: list[Any]) -> list[Any]:
    """Problems that name no line although their file was read."""
    return [p for p in problems if p.line is None and not p.message.startswith(WHOLE_FILE)]


def located(output: str, path: Path) -> bool:
    """Whether every problem `coach validate` printed names its file, and its line when it has one."""
    lines = [line for line in output.splitlines() if line.strip()]
    return all(re.match(re.escape(str(path)) + r"(:\d+:|: (" + "|".join(WHOLE_FILE) + "))", line) for line in lines)


def main(count: int, validate: bool) -> None:
    """Load `count` mutants (or run `coach validate` on them) and count the failures."""
    import contextlib
    import io

    from coach.cli import main as coach
    from coach.library.loader import load_library

    runs = failed = crashes = unlocated_runs = 0
    examples: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(count):
            source, text = mutant(random.Random(seed))
            path = write_mutant(Path(tmp) / str(seed), source, text)
            runs += 1
            out, err = io.StringIO(), io.StringIO()
            try:
                with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                    if validate:
                        code = coach(["validate", str(path)])
                    else:
                        bad = unlocated(load_library(files=[path], include_user=False).problems)
            except BaseException:  # noqa: B036  # counting crashes of any kind
                crashes += 1
                examples.setdefault(traceback.format_exc().strip().splitlines()[-1][:70], seed)
                continue
            if validate:
                failed += code != 0
                bad = [] if code == 0 or located(out.getvalue(), path) else [out.getvalue().splitlines()[0]]
                if "Traceback" in err.getvalue():
                    crashes += 1
            if bad:
                unlocated_runs += 1
                for p in bad:
                    examples.setdefault(re.sub(r"'[^']*'", "'…'", str(getattr(p, "message", p)))[:70], seed)
    what = f"`coach validate` runs ({failed} failing)" if validate else "loads"
    print(f"{runs} {what}: {crashes} crashed, {unlocated_runs} with a problem naming no line")
    for message, seed in sorted(examples.items()):
        print(f"  seed {seed}: {message}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500, "--validate" in sys.argv)
