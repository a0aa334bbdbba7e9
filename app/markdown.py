"""Proposal bodies: Markdown rendered, then sanitized to a safe subset of HTML."""

import nh3
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table").enable("strikethrough")
_TAGS = {"p", "br", "strong", "em", "del", "code", "pre", "blockquote", "ul", "ol", "li", "h1", "h2", "h3", "h4",
         "h5", "h6", "hr", "a", "table", "thead", "tbody", "tr", "th", "td"}


def render_markdown(text: str) -> str:
    """Safe HTML for ``text``: no raw HTML, no scripts, links only to http(s) and mailto, opened with rel=noopener."""
    html = _markdown.render(text)
    return nh3.clean(html, tags=_TAGS, attributes={"a": {"href", "title"}, "th": {"align"}, "td": {"align"}},
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer nofollow")
