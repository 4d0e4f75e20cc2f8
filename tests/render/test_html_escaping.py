"""HTML reports show every piece of user text as text: the templates autoescape it."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from coach.practice import mentor
from coach.practice.review import Override
from coach.practice.session import Session
from coach.render.html import session_html

NASTY = "<script>alert(\"x\")</script> [bold]it's[/] <b onclick='y'>&amp;"
REPORT_TAGS = {
    "html",
    "head",
    "meta",
    "title",
    "style",
    "body",
    "h1",
    "h2",
    "h3",
    "p",
    "strong",
    "em",
    "table",
    "tr",
    "th",
    "td",
    "ul",
    "li",
    "div",
    "span",
    "br",
    "mark",
}


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        assert not any(name.startswith("on") for name, _ in attrs), (tag, attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_user_text_is_escaped_everywhere(library):
    s = Session.new(library, "upmarket-pricing")
    s.state.learner = NASTY
    s.start()
    s.submit(NASTY + " We need a billing engine.")
    while not s.finished:
        s.skip()
    review = mentor.review_of(s, mentor=NASTY)
    first = s.state.records[0]
    sr = mentor.stage_review(s, first.stage)
    sr.overrides[first.report.criteria[0].ref] = Override(level=2, reason=NASTY)
    sr.notes = NASTY
    mentor.finish(s, comment=NASTY)
    assert review.reviewed

    page = session_html(s)
    parsed = Page()
    parsed.feed(page)
    assert parsed.tags <= REPORT_TAGS, parsed.tags - REPORT_TAGS  # no <script>, no <b> from the user
    text = "".join(parsed.text)
    # learner (title and heading), mentor name, comment, reason, notes, transcript and the answer under feedback
    assert text.count(NASTY) >= 8, text.count(NASTY)
    assert "[bold]" in text  # shown as typed, not interpreted as markup
    assert re.search(r"<mark>[^<]*billing engine[^<]*</mark>", page)
