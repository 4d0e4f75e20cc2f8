"""One report model: the text, Markdown and HTML renderings of a session show the same
✓/✗ rows, the same role names and the ladder file's level titles."""

from __future__ import annotations

import html
import re

import tomllib

from coach.library.formats import Level
from coach.practice.resume import persist
from coach.practice.session import Session
from coach.practice.store import Store
from coach.render.html import progress_html, progress_markdown, session_html
from coach.render.text import session_markdown, to_markdown, to_text
from coach.render.view import (
    level_choices,
    level_title,
    reached_title,
    report_view,
    role_name,
    session_view,
)
from tests.conftest import ROOT


def ladder_titles() -> dict[str, str]:
    """The level titles as written in the ladder file, read without the app's loader."""
    data = tomllib.loads((ROOT / "rubrics" / "ladder.toml").read_text(encoding="utf-8"))
    return {lvl["id"]: lvl["title"] for lvl in data["levels"]}


def played(library, labels: dict[str, str], learner: str = "Sam") -> Session:  # type: ignore[no-untyped-def]
    """risky-rollout answered with its calibration answers (a stage not in ``labels`` is skipped),
    with a hint taken in the first stage."""
    s = Session.new(library, "risky-rollout")
    s.state.learner = learner
    s.start()
    s.hint()
    while not s.finished:
        label = labels.get(s.stage.id)
        s.submit(next(c.answer for c in s.stage.calibration if c.label == label)) if label else s.skip()
    return s


def test_level_titles_are_the_ladder_files(library):
    titles = ladder_titles()
    ladder = library.ladder.item
    assert {lvl.value: level_title(lvl, ladder) for lvl in Level} == titles
    assert level_choices(ladder) == [(titles[lvl.value], lvl) for lvl in Level]
    assert level_title("tpm", ladder) == titles["tpm"] == "TPM"  # the catalogue and the summary say the same
    assert reached_title(None, ladder) == f"below {titles['associate-pm']}"


def test_role_names():
    assert [role_name(r, "Priya") for r in ("interviewer", "candidate", "coach")] == ["Priya", "You", "Hint"]


def rows_in_text(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.startswith(("    ✓ ", "    ✗ "))]


def rows_in_markdown(markdown: str) -> list[str]:
    return [line[2:] for line in markdown.splitlines() if line.startswith(("- ✓ ", "- ✗ "))]


def rows_in_html(page: str) -> list[str]:
    marks = {"hit": "✓", "miss": "✗"}
    return [
        f"{marks[cls]} {html.unescape(text)}" for cls, text in re.findall(r'<li class="(hit|miss)">(.*?)</li>', page)
    ]


def test_text_markdown_and_html_show_the_same_rows_and_titles(library):
    s = played(library, {"experiment": "strong", "rollout": "weak", "rollback": "middling"})
    view = session_view(s)
    ladder = library.ladder.item
    target = ladder_titles()["tpm"]
    markdown, page = session_markdown(s), session_html(s)
    everywhere: list[str] = []
    for (rec, report), stage in zip(s.final_reports(), view.stages, strict=True):
        rows = [row.line() for crit in stage.report.criteria for row in crit.rows]
        assert rows and any(r.startswith("✓") for r in rows) or rec.stage == "rollout"
        assert rows_in_text(to_text(report, width=10_000, ladder=ladder)) == rows
        assert rows_in_markdown(to_markdown(report, ladder=ladder)) == rows
        everywhere += rows
        # each stage names the target by the ladder's title, in text and Markdown alike
        assert stage.report.headline.endswith(f"(target: {target})")
        assert f"(target: {target})" in to_text(report, ladder=ladder)
        assert f"### {stage.title}: {stage.report.headline}" in markdown
    # the session documents show exactly those rows, in that order
    assert rows_in_markdown(markdown) == everywhere
    assert rows_in_html(page) == everywhere
    # the summary's titles come from the ladder too
    assert view.summary.target_title == target
    assert view.summary.level in [*ladder_titles().values(), "below the first ladder level"]
    for shown in (markdown, html.unescape(page)):
        assert target in shown and f"level shown: **{view.summary.level}**" in shown.replace("<strong>", "**").replace(
            "</strong>", "**"
        )
        assert "(target: tpm)" not in shown


def test_the_transcript_names_who_speaks_the_same_way(library):
    s = played(library, {"experiment": "strong"})
    persona = s.scenario.persona.name
    markdown, page = session_markdown(s), session_html(s)
    whos = [turn.who for turn in session_view(s).transcript]
    assert {persona, "You", "Hint"} <= set(whos)
    assert re.findall(r"^\*\*(.+?)\*\* \(", markdown, re.MULTILINE) == whos
    assert [html.unescape(w) for w in re.findall(r'<div class="who">(.*?)</div>', page)] == whos


def test_progress_names_levels_by_their_ladder_titles(library, isolated_home):
    store = Store()
    persist(store, played(library, {"experiment": "strong", "rollout": "middling", "rollback": "weak"}, learner=""))
    titles = set(ladder_titles().values()) | {f"below {ladder_titles()['associate-pm']}"}
    markdown = progress_markdown(store, library)
    table = [line.split(" | ") for line in markdown.splitlines() if line.startswith("| ") and "---" not in line][1:]
    assert table and all(row[4] in titles and row[5].rstrip(" |") == ladder_titles()["tpm"] for row in table)
    page = progress_html(store, library)
    shown = re.findall(r"· level (.*?) · target (.*?)</p>", page)
    assert shown and all(level in titles and target == ladder_titles()["tpm"] for level, target in shown)


def test_answer_segments_mark_credited_and_negated_words_once(library):
    from coach.scoring.engine import Scorer

    sc = library.scenario("upmarket-pricing")
    answer = "We need a billing engine and load testing. We don't need a load test."
    view = report_view(Scorer(library).score_stage(sc, sc.stage("strategy"), answer), answer)
    segments = view.answer_segments()
    assert "".join(text for text, _ in segments) == answer  # nothing lost, nothing repeated
    kinds = {kind for _, kind in segments}
    assert "credited" in kinds and kinds <= {None, "credited", "negated"}
