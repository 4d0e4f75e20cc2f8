"""The Markdown report shows user text as text: rendered by a real Markdown renderer (markdown-it-py, which ships
with Textual and rich, with raw HTML allowed as in CommonMark and GitHub), no answer, name, comment or note becomes
HTML, a link or an image (issue 13). The corpus is tests/data/hostile/markup.json."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from markdown_it import MarkdownIt

from coach.render.text import session_markdown
from tests.conftest import DATA
from tests.render.test_html_escaping import hostile_session

CORPUS: list[str] = json.loads((DATA / "hostile" / "markup.json").read_text())
# What a Markdown renderer makes of our own Markdown; anything else came from user text.
MARKDOWN_TAGS = {"h1", "h2", "h3", "p", "strong", "em", "table", "thead", "tbody", "tr", "th", "td", "ul", "li"}
MARKDOWN_TAGS |= {"ol", "blockquote", "code", "pre", "br", "hr", "a"}
SCRIPT_SCHEME = re.compile(r"(javascript|vbscript)\s*:", re.I)


class Tags(HTMLParser):
    """The tags and attributes in rendered HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


def live_markup(html: str) -> list[str]:
    """Every tag, attribute or link in ``html`` that could run or load something."""
    parser = Tags()
    parser.feed(html)
    bad = [f"<{tag}>" for tag, _ in parser.found if tag not in MARKDOWN_TAGS]
    for tag, attrs in parser.found:
        for name, value in attrs:
            # GitHub-style renderers link a bare https:// address by themselves; nothing else may carry a target
            if not (tag == "a" and name == "href" and (value or "").startswith(("https://", "http://"))):
                bad.append(f"<{tag} {name}={value!r}>")
    bad += [m.group() for m in SCRIPT_SCHEME.finditer(html)]
    return bad


@pytest.mark.parametrize("preset", ["commonmark", "gfm-like"])
def test_no_user_text_becomes_html_in_the_rendered_markdown(library, preset):
    renderer = MarkdownIt(preset)
    for text in CORPUS:
        html = renderer.render(session_markdown(hostile_session(library, text)))
        assert live_markup(html) == [], text
        for tag in ("<script", "<iframe", "<meta"):
            assert tag not in html.lower(), text


def test_user_text_reads_as_typed():
    """Escaped, not dropped: rendered, the text is what was typed (bar the zero-width space in a script scheme)."""
    from coach.render.text import md

    renderer = MarkdownIt("commonmark")
    for text in ["<script>alert(1)</script>", "[click me](x) **bold** _it_ `code` a|b", "AT&T &amp; 5 > 3"]:
        shown = renderer.render(md(text))
        assert shown == "<p>" + text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") + "</p>\n"
    assert renderer.render(md("javascript:alert(1)")) == "<p>javascript\u200b:alert(1)</p>\n"
