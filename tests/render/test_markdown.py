"""Untrusted Markdown renders as inert HTML."""

from __future__ import annotations

import jinja2
import pytest
from markupsafe import Markup

from casefile.render.markdown import render_markdown


@pytest.mark.parametrize(
    ("source", "visible"),
    [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"),
        ('<link rel="attachment" href="file:///etc/passwd">', "&lt;link"),
    ],
)
def test_raw_html_is_text(source: str, visible: str) -> None:
    html = str(render_markdown(source))
    assert visible in html
    assert "<script" not in html and "<img" not in html and "<link" not in html


@pytest.mark.parametrize(
    "source",
    [
        "![a](file:///etc/passwd)",
        "![passwd file](http://127.0.0.1:9/x.png)",
        '![alt <b>bold</b> *em*](https://example.org/x.png "title")',
        "![ref image][r]\n\n[r]: https://example.org/y.png",
    ],
)
def test_images_render_no_img(source: str) -> None:
    html = str(render_markdown(source))
    assert "<img" not in html
    assert "src=" not in html
    assert "example.org" not in html and "127.0.0.1" not in html


def test_image_alt_text_is_kept_and_escaped() -> None:
    html = str(render_markdown('![alt <b>bold</b> *em*](https://example.org/x.png "title")'))
    assert '<span class="md-image-alt">alt &lt;b&gt;bold&lt;/b&gt; em</span>' in html


@pytest.mark.parametrize(
    "source",
    [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "[x](file:///etc/passwd)",
        "[x](vbscript:msgbox)",
        "[x](/relative/path)",
        "[x](ftp://example.org/f)",
        "[x][r]\n\n[r]: javascript:alert(1)",
    ],
)
def test_unsafe_links_are_dropped(source: str) -> None:
    html = str(render_markdown(source))
    assert "<a" not in html
    assert "x" in html


@pytest.mark.parametrize(
    ("source", "href"),
    [
        ("[report](https://example.org/r?a=1&b=2)", 'href="https://example.org/r?a=1&amp;b=2"'),
        ("[site](http://example.org)", 'href="http://example.org"'),
        ("[mail](mailto:desk@example.org)", 'href="mailto:desk@example.org"'),
        ("<https://example.org/auto>", 'href="https://example.org/auto"'),
    ],
)
def test_safe_links_are_kept(source: str, href: str) -> None:
    assert href in str(render_markdown(source))


def test_bare_urls_are_not_linkified() -> None:
    assert "<a" not in str(render_markdown("see www.example.org and https://example.org"))


def test_redaction_marks_and_markdown_pass_through() -> None:
    html = str(render_markdown("the shop of █████ near the *mosque*"))
    assert html == "<p>the shop of █████ near the <em>mosque</em></p>\n"


def test_tables_render() -> None:
    html = str(render_markdown("| a | b |\n|---|---|\n| <x> | 2 |\n"))
    assert "<table>" in html and "&lt;x&gt;" in html


def test_output_is_markup_and_not_double_escaped_by_jinja() -> None:
    result = render_markdown("a & b <i>")
    assert isinstance(result, Markup)
    env = jinja2.Environment(autoescape=True)
    rendered = env.from_string("<div>{{ body }}</div>").render(body=result)
    assert rendered == "<div><p>a &amp; b &lt;i&gt;</p>\n</div>"
