"""coach.render.terminal: the one helper that makes control characters visible."""

from __future__ import annotations

from coach.render.terminal import one_line, visible


def test_control_characters_are_shown_not_obeyed():
    assert visible("\x1b]52;c;SGk=\x07") == "^[]52;c;SGk=^G"  # a clipboard write
    assert visible("\x1b[2J\x9b31m\x7f") == "^[[2J<U+009B>31m^?"  # a screen clear, a C1 CSI, DEL
    assert visible("safe\rEVIL") == "safe^MEVIL"  # a carriage return cannot hide what came before
    assert visible("abc\u202edef") == "abc<U+202E>def"  # nor can a right-to-left override reorder it
    assert visible("line one\r\nline two\tend") == "line one\nline two\tend"  # line breaks and tabs stay
    assert visible("Zoë – ✓ 日本") == "Zoë – ✓ 日本"


def test_one_line_keeps_a_cell_on_its_line():
    assert one_line("Sam\nJones\t\x1b[1m") == "Sam Jones ^[[1m"
