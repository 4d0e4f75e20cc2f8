"""Text bound for a terminal, made harmless: the one place control characters are handled.

Ids, names, answers and titles come from files other people send. Printed raw, an escape
sequence in them could write the clipboard (OSC 52), retitle the window, clear the screen
or hide text behind a carriage return. Every command prints user text through ``visible``.
"""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, C1 controls, and the invisible bidirectional controls
# that reorder what is shown ("Trojan Source").
_HIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _shown(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if code < 0x20:
        return "^" + chr(code + 0x40)  # caret notation, as `cat -v`: ESC is ^[, BEL is ^G, CR is ^M
    if code == 0x7F:
        return "^?"
    return f"<U+{code:04X}>"


def visible(text: str) -> str:
    """``text`` with every control character shown as a harmless mark (ESC as ``^[``, C1 and
    bidirectional controls as ``<U+009B>``); tabs and line breaks stay (a Windows line end is
    a line break, a lone carriage return is shown as ``^M``)."""
    text = text.replace("\r\n", "\n")
    return _HIDDEN.sub(_shown, text)


def one_line(text: str) -> str:
    """``visible`` for a table cell or a one-line message: line breaks and tabs become spaces."""
    return visible(re.sub(r"[\t\n]", " ", text))
