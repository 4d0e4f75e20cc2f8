"""Formats and loader: every kind of bad file gives one exact, located message."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from coach.library.loader import load_library, read_file
from tests.conftest import DATA

BAD = DATA / "bad"

EXPECTED = {
    "not_toml": ["1: not valid TOML: Illegal character '\\n'"],
    "empty": ["file is empty"],
    "binary": ["not a text file (it contains binary data)"],
    "unknown_key": [
        "17: stages[0].prompt: missing required key",
        "20: stages[0].promt: unknown key 'promt' (did you mean 'prompt'?)",
    ],
    "key_in_wrong_table": [
        "30: stages[0].followups[0].hints: unknown key 'hints'; it belongs to stages[0]: move it above "
        "the [[stages.followups]] header (keys after a header belong to that table)"
    ],
    "wrong_type": ["6: minutes: Input should be a valid integer, unable to parse string as an integer"],
    "bad_enum": [
        "5: level: 'senior' is not allowed; input should be 'associate-pm', 'tpm', 'senior-tpm', "
        "'principal-tpm' or 'vp-product' (did you mean 'senior-tpm'?)"
    ],
    "missing_key": ["17: stages[0].title: missing required key"],
    "bad_condition": [
        "32: stages[0].branches[0].when: unknown word 'scor' (did you mean 'score'?) at column 1 in 'scor < 30'"
    ],
    "unknown_rubric": [
        "7: rubrics[0]: unknown rubric 'trade-off' (did you mean 'trade-offs'?)",
        "25: stages[0].assess[0].criterion: rubric 'trade-offs' is not in this scenario's `rubrics` list",
        "43: stages[1].assess[0].criterion: rubric 'trade-offs' is not in this scenario's `rubrics` list",
    ],
    "unlisted_rubric": [
        "43: stages[1].assess[0].criterion: rubric 'architecture' is not in this scenario's `rubrics` list"
    ],
    "unknown_criterion": [
        "25: stages[0].assess[0].criterion: unknown criterion 'decisions' (did you mean 'decision'?) in rubric 'trade-offs'",
        "28: stages[0].followups[0].when: unknown concept 'trade-offs.decision.sacrifice' for this stage",
    ],
    "unknown_concept": [
        "28: stages[0].followups[0].when: unknown concept 'trade-offs.decision.sacrifise' "
        "(did you mean 'trade-offs.decision.sacrifice'?) for this stage"
    ],
    "unknown_stage": ["33: stages[0].branches[0].goto: unknown stage 'three'"],
    "unreachable_stage": ["36: stages[1].id: stage 'two' can never be reached"],
    "endless_loop": [
        "18: stages[0].id: stage 'one' is in a loop that can never reach the end",
        "36: stages[1].id: stage 'two' is in a loop that can never reach the end",
    ],
    "duplicate_stage": ["36: stages[1].id: duplicate stage id 'one'"],
    "bad_calibration_band": [
        "48: stages[1].calibration[0].expect[0]: 'excellent' is not allowed; input should be "
        "'weak', 'developing', 'solid' or 'strong'"
    ],
    "bad_exhibit": ["17: briefing.exhibits[0]: row 0 has 1 cell(s); there are 2 columns"],
    "bad_area": [
        "7: area: 'system design' is not allowed; input should be 'program-execution', 'system-design', "
        "'behavioral', 'metrics', 'product-sense' or 'written' (did you mean 'system-design'?)"
    ],
    "unknown_anti_pattern": [
        "28: stages[0].followups[0].when: unknown anti-pattern 'trade-offs.no-downsides' "
        "(did you mean 'trade-offs.no-downside'?) for this stage"
    ],
}


def messages(path: Path) -> list[str]:
    lib = load_library(files=[path], include_user=False)
    return [str(p).removeprefix(str(path)).removeprefix(":").strip() for p in lib.problems_in([path])]


def test_every_bad_fixture_is_covered():
    assert {p.stem for p in BAD.glob("*.toml")} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_file_gives_exact_message(name: str):
    assert messages(BAD / f"{name}.toml") == EXPECTED[name]


def test_good_fixture_loads_cleanly():
    path = DATA / "good" / "minimal.toml"
    lib = load_library(files=[path], include_user=False)
    assert lib.problems_in([path]) == []
    assert lib.scenarios["minimal"].origin == "checked"


def test_broken_file_does_not_stop_the_others(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "good.toml").write_text((DATA / "good" / "minimal.toml").read_text())
    (folder / "broken.toml").write_text("this is not toml = = =")
    lib = load_library(scenario_dirs=[folder], include_user=False)
    assert "minimal" in lib.scenarios and "upmarket-pricing" in lib.scenarios
    assert [p.path.name for p in lib.problems] == ["broken.toml"]


def test_huge_file_is_refused_without_reading(tmp_path: Path):
    big = tmp_path / "big.toml"
    big.write_text("# padding\n" * 200_000)
    kind, model, problems = read_file(big)
    assert model is None
    assert str(problems[0]).endswith("file is too large (2,000,000 bytes; the limit is 1 MiB)")


def test_unreadable_file_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = tmp_path / "locked.toml"
    path.write_text('id = "x"')

    real_open = os.open

    def deny(file: Path, *args: int) -> int:
        if Path(file) == path:
            raise PermissionError(13, "Permission denied")
        return real_open(file, *args)

    monkeypatch.setattr(os, "open", deny)
    assert str(read_file(path)[2][0]).endswith("cannot read the file: Permission denied")


def test_user_file_overrides_builtin_and_says_so(isolated_home: Path):
    builtin = load_library(include_user=False).scenarios["upmarket-pricing"]
    user = isolated_home / "scenarios"
    user.mkdir()
    text = builtin.path.read_text().replace('title = "Moving upmarket', 'title = "My own upmarket', 1)
    (user / "mine.toml").write_text(text)
    lib = load_library()
    entry = lib.scenarios["upmarket-pricing"]
    assert entry.origin == "user" and entry.item.title.startswith("My own upmarket")
    assert lib.overrides == [("upmarket-pricing", builtin.path, user / "mine.toml")]


def test_coach_path_folders_are_loaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    root = tmp_path / "team-library"
    (root / "scenarios").mkdir(parents=True)
    (root / "scenarios" / "m.toml").write_text((DATA / "good" / "minimal.toml").read_text())
    monkeypatch.setenv("COACH_PATH", str(root))
    lib = load_library()
    assert lib.scenarios["minimal"].origin == "COACH_PATH"


def test_builtin_library_is_valid(library):
    assert "upmarket-pricing" in library.scenarios
    assert {r for r in library.rubrics} >= {"trade-offs", "architecture", "communication"}
    assert [lvl.title for lvl in library.ladder.item.levels][0] == "Associate PM"


def test_conditions_parse_and_evaluate():
    from coach.library.conditions import Facts, parse

    node = parse("all(hit(a.b.c), not missed(a.b.d)) or score < 40")
    assert node.evaluate(Facts(hit=frozenset({"a.b.c", "a.b.d"}), score=80))
    assert not node.evaluate(Facts(hit=frozenset({"a.b.c"}), score=80))
    assert node.evaluate(Facts(score=10))
    assert parse("level(a.b) >= 3 and band(strong)").evaluate(Facts(levels={"a.b": 3}, band="strong"))
    assert parse("flag(parroting)").evaluate(Facts(flags=frozenset({"parroting"})))


def test_anti_condition_asks_about_an_anti_pattern_found():
    """anti(rubric.anti-pattern) holds when the answer made that harmful claim: the hook for a
    follow-up that challenges a confident wrong answer."""
    from coach.library.conditions import Facts, anti_refs, parse

    node = parse("anti(architecture.keep-ramping) or missed(a.b.c)")
    assert node.evaluate(Facts(anti=frozenset({"architecture.keep-ramping"}), hit=frozenset({"a.b.c"})))
    assert not node.evaluate(Facts(anti=frozenset({"trade-offs.no-downside"}), hit=frozenset({"a.b.c"})))
    assert anti_refs(parse("not anti(x.y) and any(anti(z.w), band(strong))")) == {"x.y", "z.w"}


@pytest.mark.parametrize(
    "text, error",
    [
        ("", "condition is empty"),
        ("hit(a.b)", "hit() takes a concept as rubric.criterion.concept, not 'a.b' at column 5 in 'hit(a.b)'"),
        ("score < ", "expected num but the condition ended at column 9 in 'score < '"),
        (
            "flag(nope)",
            "unknown flag 'nope'; expected one of empty, too_short, gibberish, buzzword_list, "
            "parroting, repetitive, off_topic, truncated, stitched, buzzword_salad, red_flag at column 6 in 'flag(nope)'",
        ),
        ("__import__('os')", "cannot read \"'os')\" at column 12"),
        (
            "anti(a.b.c)",
            "anti() takes an anti-pattern as rubric.anti-pattern, not 'a.b.c' at column 6 in 'anti(a.b.c)'",
        ),
        ("ant(a.b)", "unknown word 'ant' (did you mean 'anti'?) at column 1 in 'ant(a.b)'"),
    ],
)
def test_condition_errors_are_clear(text: str, error: str):
    from coach.library.conditions import ConditionError, parse

    with pytest.raises(ConditionError) as info:
        parse(text)
    assert str(info.value) == error
