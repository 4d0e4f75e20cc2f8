"""`coach compare A B`: two attempts at one scenario side by side, with the evidence gained and lost."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from coach.cli import main
from coach.practice.resume import persist
from coach.practice.store import Store
from tests.practice.test_history import play

T = datetime(2026, 1, 5, 12, tzinfo=timezone.utc)
# the strong answer's evidence for load testing: the clause that earned the credit
LOAD_TEST = (
    "Tests capacity before customers do: “so I'd want to find the bottleneck, load test at several times current peak"
)


def unwrapped(text: str) -> str:
    """The text with its line wrapping undone (long evidence wraps onto indented lines)."""
    return " ".join(text.split())


def attempts(library) -> tuple[str, str, str]:
    """A weak then a strong attempt at upmarket-pricing, and a session of another scenario."""
    store = Store()
    weak = play(library, "upmarket-pricing", "weak", started=T)
    strong = play(library, "upmarket-pricing", "strong", started=T + timedelta(days=7))
    other = play(library, "data-product", "strong", started=T + timedelta(days=8))
    for s in (weak, strong, other):
        persist(store, s)
    return weak.state.id, strong.state.id, other.state.id


def test_compare_puts_the_earlier_attempt_first_and_shows_what_was_gained(isolated_home, library, capsys):
    weak, strong, _ = attempts(library)
    assert main(["compare", strong, weak]) == 0  # the order given does not matter: the earlier comes first
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "Compare: Moving upmarket: engagement pricing and the tech debt in the way"
    assert lines[1].startswith(f"  earlier  {weak}  2026-01-05 12:00  overall ") and "weak" in lines[1]
    assert lines[2].startswith(f"  later    {strong}  2026-01-12 12:00  overall ") and "strong" in lines[2]
    # per stage, per criterion: the levels, the change, and the later attempt's own words for what it gained
    assert "\nWhat the strategy means for engineering: " in out
    assert "  Scale and resilience: 0/4 → 4/4  (+4)\n" in out
    assert f"\n    + {LOAD_TEST[:40]}" in out and f"+ {LOAD_TEST}" in unwrapped(out)
    # a stage only the weak attempt reached (a remedial branch) moves no evidence: the later side says so
    assert (
        re.search(r"\nA step back: [^\n]*\?: [\d.]+ → not reached\n", out)
        and "  Clear and well structured: 1/4 → not assessed\n" in out
    )
    assert "\nCompetencies (0-4)\n" in out


def test_compare_lists_evidence_lost_when_the_later_attempt_is_weaker(isolated_home, library, capsys):
    weak, strong, _ = attempts(library)
    store = Store()
    worse = play(library, "upmarket-pricing", "weak", started=T + timedelta(days=20))
    persist(store, worse)
    assert main(["compare", strong, worse.state.id]) == 0
    out = capsys.readouterr().out
    assert "  Scale and resilience: 4/4 → 0/4  (-4)\n" in out
    assert f"\n    - {LOAD_TEST[:40]}" in out and f"- {LOAD_TEST}" in unwrapped(out)


def test_compare_writes_markdown_to_a_file(isolated_home, library, capsys, tmp_path):
    weak, strong, _ = attempts(library)
    target = tmp_path / "compare.md"
    assert main(["compare", weak, strong, "--format", "md", "-o", str(target)]) == 0
    assert capsys.readouterr().out == f"wrote {target}\n"
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# Compare: Moving upmarket")
    assert "| Scale and resilience | 0/4 | 4/4 | +4 |" in text
    assert f"\n- gained: {LOAD_TEST}" in text


def test_compare_says_clearly_what_cannot_be_compared(isolated_home, library, capsys):
    weak, strong, other = attempts(library)
    assert main(["compare", weak, other]) == 2
    err = capsys.readouterr().err
    assert f"sessions {weak} and {other} are attempts at different scenarios (upmarket-pricing and data-product)" in err
    assert main(["compare", weak, "nosuchsession"]) == 2
    assert "no session 'nosuchsession' in the history (see `coach history`)" in capsys.readouterr().err
    assert main(["compare", weak, weak]) == 2
    assert "give two different sessions" in capsys.readouterr().err
