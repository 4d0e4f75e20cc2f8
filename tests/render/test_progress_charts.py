"""The progress report's charts: dates across, the target level as a line, every text escaped,
and no script; the overview (sessions, time practised, streak)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from html.parser import HTMLParser

from coach.practice.history import Point
from coach.practice.progress import local_day, streak
from coach.practice.resume import persist
from coach.practice.store import Store
from coach.render.html import progress_html, progress_markdown
from coach.render.view import CHART_POINTS, progress_view
from tests.practice.test_history import play

T = datetime(2026, 1, 5, 12, tzinfo=timezone.utc)


class Svg(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.dates: list[str] = []
        self.targets: list[dict[str, str | None]] = []
        self._in_date = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        a = dict(attrs)
        self._in_date = tag == "text" and a.get("class") == "date"
        if tag == "line" and a.get("class") == "target":
            self.targets.append(a)

    def handle_data(self, data: str) -> None:
        if self._in_date:
            self.dates.append(data)
            self._in_date = False


def test_progress_html_charts_have_dated_axes_and_the_target_line(isolated_home, library):
    store = Store()
    persist(store, play(library, "upmarket-pricing", "weak", started=T))
    persist(store, play(library, "upmarket-pricing", "strong", started=T + timedelta(days=10)))
    page = progress_html(store, library, today=date(2026, 1, 16))
    assert "<script" not in page and "http" not in page  # inline SVG, nothing external
    first_chart = page[page.index("<svg") : page.index("</svg>")]
    svg = Svg()
    svg.feed(first_chart)
    assert svg.dates == ["2026-01-05", "2026-01-10", "2026-01-15"]  # the first day, the middle, the last
    (target,) = svg.targets  # the target level's minimum: TPM asks 2.25 of architecture on a 0-4 scale
    assert target["stroke-dasharray"] and target["y1"] == target["y2"]
    assert ">target: TPM</text>" in first_chart
    assert "2 session(s) · 0 min practised · current streak: 1 day(s)" in page  # the 15th, seen on the 16th
    assert "2 session(s)" in progress_markdown(store, library, today=date(2026, 1, 16))


def test_progress_html_escapes_the_ladder_titles_it_draws(isolated_home, library):
    store = Store()
    persist(store, play(library, "upmarket-pricing", "strong", started=T))
    nasty = '<script>alert(1)</script> & "TPM"'
    ladder = library.ladder.item
    levels = [lvl.model_copy(update={"title": nasty}) for lvl in ladder.levels]
    hostile = replace(library, ladder=replace(library.ladder, item=ladder.model_copy(update={"levels": levels})))
    page = progress_html(store, hostile, today=date(2026, 1, 16))
    assert "<script" not in page
    assert "target: &lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;TPM&#34;" in page
    assert re.search(r"<svg[^>]*>", page)


def test_a_streak_counts_days_in_a_row_and_stands_until_a_day_is_missed():
    d = date(2026, 3, 10)
    assert streak(set(), d) == 0
    assert streak({d}, d) == 1
    assert streak({d - timedelta(days=1), d - timedelta(days=2)}, d) == 2  # today not practised yet
    assert streak({d, d - timedelta(days=2)}, d) == 1
    assert streak({d - timedelta(days=2)}, d) == 0


def test_progress_reads_around_a_session_whose_stored_date_cannot_be_read(isolated_home, library):
    """A bad or out-of-range start time (an older coach, an import: see test_bad_dates) is counted as a
    session but has no day: no streak day, no point on a chart, and the report is still written."""
    store = Store()
    persist(store, play(library, "upmarket-pricing", "strong", started=T))
    for n, started in enumerate(["not-a-date", "0001-01-01T00:00:00+14:00"]):
        bad = play(library, "upmarket-pricing", "weak", started=T)
        bad.state.id, bad.state.started = f"baddate{n}", started
        store.save_session(
            bad.dump(), id=bad.state.id, scenario="upmarket-pricing", title="Bad date", target="tpm", mode="study",
            started=started, status="finished", score=10.0,
        )  # fmt: skip
    page = progress_html(store, library, today=date(2026, 1, 5))
    assert "3 session(s) · 0 min practised · current streak: 1 day(s)" in page
    svg = Svg()
    svg.feed(page[page.index("<svg") : page.index("</svg>")])
    assert svg.dates == ["2026-01-05"]  # the one readable day


def long_history(count: int = 5_000) -> dict[str, list[Point]]:
    """``count`` sessions of one competency, one every 7 hours from 2022 (about four years), the
    scores cycling 0-4, the latest one 3.5 (no mean of the others)."""
    start = datetime(2022, 1, 1, 12, tzinfo=timezone.utc)
    series = [
        Point(f"s{i}", (start + timedelta(hours=7 * i)).isoformat(), "upmarket-pricing", float(i % 5), "tpm", "tpm")
        for i in range(count - 1)
    ]
    last = (start + timedelta(hours=7 * (count - 1))).isoformat()
    return {"architecture": [*series, Point("last", last, "data-product", 3.5, "tpm", "tpm")]}


def test_a_long_history_is_charted_as_at_most_chart_points_means_over_the_whole_time(isolated_home, library):
    """5,000 sessions are not 5,000 points (a terminal draws solid blocks): at most CHART_POINTS,
    each the mean of a stretch of time, dated in order from the first day to the latest; the
    latest score is the latest session's own, and the sessions are all counted."""
    points = long_history()
    series = points["architecture"]
    (chart,) = progress_view(Store(), library, date(2026, 1, 1), points=points).charts
    days = [p.day for p in chart.points]
    assert 50 <= len(chart.points) <= CHART_POINTS
    assert days == sorted(set(days))  # in order, one point a day at most
    assert days[0] == str(local_day(series[0].started)) and days[-1] == str(local_day(series[-1].started))
    assert chart.latest == 3.5 and chart.sessions == 5_000 == sum(p.sessions for p in chart.points)
    assert all(0 <= p.score <= 4 for p in chart.points)
    middle = chart.points[len(chart.points) // 2]  # a stretch of many cycling 0-4 scores: about their mean, 2
    assert middle.sessions > 1 and abs(middle.score - 2) < 0.3 and "mean of" in middle.label
    # exactly CHART_POINTS sessions are still drawn one by one, as any shorter history
    (exact,) = progress_view(Store(), library, date(2026, 1, 1), points=long_history(CHART_POINTS)).charts
    assert [p.sessions for p in exact.points] == [1] * CHART_POINTS
    assert exact.points[0].label.endswith("upmarket-pricing: 0.00")
