"""Markdown prose (descriptions, statements, reasoning) to inert HTML.

Why: Markdown in a case is typed by users or copied from evidence, so it is
hostile (DESIGN.md, principle 4). The renderer therefore:

* never passes raw HTML through (``<script>``, ``<img onerror>``, ``<link
  rel=attachment>`` come out as visible text);
* never emits ``<img>``: an image fetches something, so a Markdown image
  renders as its alt text only (in ``<span class="md-image-alt">``);
* keeps a link only if its target is ``http``, ``https`` or ``mailto``: a
  link in a PDF is a click away from the reader, and other schemes
  (``javascript:``, ``file:``, ``data:``, relative paths) are dropped, leaving
  the link text;
* does not linkify bare URLs or apply typographic replacements, so the text
  in the dossier is the text in the case file.

Redaction is not done here: the view layer replaces ``[[spans]]`` with the
redaction mark before calling :func:`render_markdown`; the mark (``█``) is
ordinary text and passes through unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache, lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import OptionsDict
from markupsafe import Markup, escape

ALLOWED_LINK_SCHEMES = frozenset({"http", "https", "mailto"})

_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")


def _link_allowed(href: str) -> bool:
    """True if a link target uses one of :data:`ALLOWED_LINK_SCHEMES`."""
    match = _SCHEME_RE.match(href.strip())
    return bool(match) and match[1].lower() in ALLOWED_LINK_SCHEMES


def _drop_unsafe_links(state: StateCore) -> None:
    """Core rule: remove ``link_open``/``link_close`` pairs whose href is not allowed.

    The tokens between them (the link text) stay, so the reader still sees
    what the author wrote. Links can't nest in CommonMark, so a dropped open
    pairs with the next close.
    """
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        kept: list[Token] = []
        dropping = False
        for token in block.children:
            if token.type == "link_open":
                href = str(token.attrGet("href") or "")
                dropping = not _link_allowed(href)
                if dropping:
                    continue
            elif token.type == "link_close" and dropping:
                dropping = False
                continue
            kept.append(token)
        block.children = kept


def _render_image_as_alt(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict[str, Any]
) -> str:
    """Renderer rule: an image becomes its escaped alt text; nothing is fetched."""
    token = tokens[idx]
    alt = self.renderInlineAsText(token.children or [], options, env)
    return f'<span class="md-image-alt">{escape(alt)}</span>'


@cache
def _parser() -> MarkdownIt:
    """Build the configured parser once (it is not mutated after this)."""
    md = MarkdownIt(
        "commonmark",
        {"html": False, "linkify": False, "typographer": False, "breaks": False},
    )
    md.enable(["table", "strikethrough"])
    md.core.ruler.push("casefile_drop_unsafe_links", _drop_unsafe_links)
    md.add_render_rule("image", _render_image_as_alt)
    return md


@lru_cache(maxsize=16384)
def render_markdown(text: str) -> Markup:
    """Render untrusted Markdown to HTML that is safe to insert into an autoescaped template.
    Kept per text: a watching render (``render --watch``) renders most of it again."""
    return Markup(_parser().render(text))
