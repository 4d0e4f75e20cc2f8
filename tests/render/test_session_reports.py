"""Session reports as Markdown and HTML (moved here from tests/test_history.py and tests/test_session.py)."""

from __future__ import annotations

from coach.practice.session import Session
from tests.practice.test_session import play_labels


def test_html_report_is_self_contained_escaped_and_highlighted(isolated_home, library):
    from coach.render.html import session_html

    s = Session.new(library, "upmarket-pricing")
    s.start()
    s.submit("<script>alert(1)</script> [bold]We need a billing engine[/] and load testing & monitoring.")
    while not s.finished:
        s.skip()
    page = session_html(s)
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "[bold]" in page  # shown as typed, not interpreted
    # the clause that earned the credit is highlighted, escaped like the rest
    assert "[bold]We need a billing engine[/] and load testing &amp; monitoring</mark>" in page
    assert "Model answer" in page and "Takeaways" in page and "Transcript" in page
    assert "src=" not in page and "<link" not in page, "no external files"


def test_the_html_report_marks_the_same_rows(library):
    from coach.render.html import session_html
    from coach.render.text import criterion_rows

    s = play_labels(library, "risky-rollout", {"experiment": "strong", "rollout": "weak", "rollback": "middling"})
    page = session_html(s)
    rows = [row for _, report in s.final_reports() for crit in report.criteria for row in criterion_rows(crit)]
    assert page.count('<li class="hit">') == sum(row.hit for row in rows)
    assert page.count('<li class="miss">') == sum(not row.hit for row in rows)


def test_reports_show_a_skipped_stage_as_not_assessed(library):
    from coach.render.html import session_html
    from coach.render.text import session_markdown

    s = play_labels(library, "risky-rollout", {"experiment": "strong", "rollback": "middling"})  # rollout skipped
    markdown, page = session_markdown(s), session_html(s)
    assert "### The rollout plan: skipped, so not assessed" in markdown
    assert "<h3>The rollout plan: skipped, so not assessed</h3>" in page
    import re

    assert not re.search(r"(?<![\d.])0/100", markdown + page)  # no stage scored 0 for being skipped
