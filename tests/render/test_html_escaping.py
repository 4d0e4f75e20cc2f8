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


def hostile_session(library, text: str) -> Session:
    """A reviewed session with ``text`` in everything a user or mentee types (the Markdown test uses it too)."""
    s = Session.new(library, "upmarket-pricing")
    s.state.learner = text
    s.start()
    s.submit(text + " We need a billing engine.")
    while not s.finished:
        s.skip()
    mentor.review_of(s, mentor=text)
    first = s.state.records[0]
    sr = mentor.stage_review(s, first.stage)
    sr.overrides[first.report.criteria[0].ref] = Override(level=2, reason=text)
    sr.notes = text
    mentor.finish(s, comment=text)
    return s


def test_user_text_is_escaped_everywhere(library):
    s = hostile_session(library, NASTY)
    assert s.state.review and s.state.review.reviewed

    page = session_html(s)
    parsed = Page()
    parsed.feed(page)
    assert parsed.tags <= REPORT_TAGS, parsed.tags - REPORT_TAGS  # no <script>, no <b> from the user
    text = "".join(parsed.text)
    # learner (title and heading), mentor name, comment, reason, notes, transcript and the answer under feedback
    assert text.count(NASTY) >= 8, text.count(NASTY)
    assert "[bold]" in text  # shown as typed, not interpreted as markup
    assert re.search(r"<mark>[^<]*billing engine[^<]*</mark>", page)


def test_the_hostile_markup_corpus_stays_text_in_the_html_report(library):
    """tests/data/hostile/markup.json, the corpus the Markdown report is tested with, in everything a user types."""
    import json

    from tests.conftest import DATA

    for nasty in json.loads((DATA / "hostile" / "markup.json").read_text()):
        page = session_html(hostile_session(library, nasty))
        parsed = Page()
        parsed.feed(page)
        assert parsed.tags <= REPORT_TAGS, (nasty, parsed.tags - REPORT_TAGS)  # no <a>, <img>, <script>...
        assert "".join(parsed.text).count(nasty.splitlines()[0].strip()) >= 6, nasty  # shown as typed
