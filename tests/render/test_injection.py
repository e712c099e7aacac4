"""Injection test (issue 4): hostile markup in every free-text field stays text.

The rendered PDF and HTML must embed no attachment, contain nothing of /etc/passwd or
/etc/hostname, ask the fetcher for nothing outside the case's blobs, the template folders
and `data:`, print Jinja syntax literally, and (HTML) carry no live tag or attribute that
came from user text.
"""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

from casefile.render import fetcher as fetcher_module
from casefile.render.templates import template_dirs

from .cases import CaseRun, found_in_bytes, found_in_text, init_case, pdf_channels, png

PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src="file:///etc/passwd">',
    '<link rel="attachment" href="file:///etc/passwd">',
    "<style>@import url(file:///etc/passwd)</style>",
    "![x](file:///etc/passwd)",
    "[x](javascript:alert(1))",
    '</title><meta http-equiv="refresh" content="0;url=http://127.0.0.1:9/">',
    "{{ 7*7 }}",
    "{% raw %}",
    "]]>",
    "p { background: url(http://127.0.0.1:9/x) }",
    '<a rel="attachment" href="file:///etc/hostname">h</a>',
    '<svg><image href="file:///etc/passwd"/></svg>',
    '<iframe src="file:///etc/passwd"></iframe>',
    "[[",
]
PAYLOAD = " ".join(PAYLOADS)


def hostile(field: str) -> str:
    return f"F-{field} {PAYLOAD}"


def build_hostile_case(tmp: Path) -> CaseRun:
    c = init_case(
        tmp,
        "--title",
        hostile("CASE"),
        "--reference",
        "CF-<b>INJ</b>",
        "--organisation",
        hostile("ORG"),
        "--conflict",
        "niac",
    )
    c.ok(
        "incident",
        "add",
        "INC-1",
        "--title",
        hostile("INCTITLE"),
        "--date",
        "2015-11-29",
        "--place",
        hostile("PLACE"),
        "--perpetrator",
        hostile("PERP"),
        "--attribution",
        hostile("ATTR"),
        "--lat",
        "35.8",
        "--lon",
        "36.6",
        "--description",
        hostile("DESC") + "\n\n" + "\n\n".join(PAYLOADS),
    )

    def claims(d: dict) -> None:
        d["casualty_claims"] = [
            {"source": hostile("CLAIM"), "killed": 3, "notes": hostile("NOTES")}
        ]
        d["responses"] = [{"party": hostile("PARTY"), "summary": hostile("RESPONSE")}]

    c.edit_yaml("incidents/INC-1.yaml", claims)
    c.ok("check")
    c.ok(
        "evidence",
        "add",
        str(c.file("<b onmouseover=alert(1)>.png", png((1, 2, 3)))),
        "--incident",
        "INC-1",
        "--kind",
        "photo",
        "--description",
        hostile("EXDESC"),
        "--source",
        hostile("EXSRC"),
        "--url",
        "javascript:alert(1)//" + PAYLOAD,
    )
    c.ok(
        "witness",
        "add",
        "W-001",
        "--incident",
        "INC-1",
        "--statement",
        str(c.file("w1.md", hostile("BODY") + "\n\n" + "\n\n".join(PAYLOADS))),
        "--pseudonym",
        hostile("PSEUDO"),
        "--role",
        hostile("ROLE"),
        "--name",
        hostile("NAME"),
        "--language",
        'en" onload="alert(1)',
        "--consent",
        "public,court,court-identity",
    )
    c.ok(
        "assess",
        "set",
        "INC-1",
        "distinction",
        "attack",
        "--finding",
        "established",
        "--evidence",
        "E-0001,W-001",
        "--reasoning",
        hostile("REASON") + "\n\n" + "\n\n".join(PAYLOADS),
    )
    c.ok(
        "review",
        "INC-1",
        "distinction",
        "attack",
        "--challenge",
        "--comment",
        hostile("REVIEW"),
        actor="bob",
    )
    return c


@pytest.fixture(scope="module")
def hostile_case(tmp_path_factory: pytest.TempPathFactory) -> CaseRun:
    return build_hostile_case(tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="module")
def fetched() -> Iterator[list[str]]:
    """Every URL WeasyPrint asks the fetcher for, allowed or not."""
    asked: list[str] = []
    original = fetcher_module.SandboxedFetcher.fetch

    def recording(self, url, headers=None):  # type: ignore[no-untyped-def]
        asked.append(url)
        return original(self, url, headers)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(fetcher_module.SandboxedFetcher, "fetch", recording)
        yield asked


@pytest.fixture(scope="module")
def outputs(hostile_case: CaseRun, fetched: list[str]) -> dict[tuple[str, str], object]:
    out: dict[tuple[str, str], object] = {}
    for audience in ("public", "internal"):
        for fmt in ("pdf", "html"):
            out[(audience, fmt)] = hostile_case.render(audience, fmt)
    # The PDF/A-3b pipeline (one document, exhibits attached) as well as the parts pipeline.
    out[("public", "pdf-attached")] = hostile_case.render("public", "pdf", attach_evidence=True)
    return out


def _forbidden_file_lines() -> list[str]:
    lines = []
    for path in ("/etc/passwd", "/etc/hostname"):
        try:
            text = Path(path).read_text(errors="replace")
        except OSError:
            continue
        lines += [line.strip() for line in text.splitlines() if len(line.strip()) >= 8]
    return lines


AUDIENCE_FMT = [(a, f) for a in ("public", "internal") for f in ("pdf", "html")]
AUDIENCE_FMT.append(("public", "pdf-attached"))


@pytest.mark.parametrize(("audience", "fmt"), AUDIENCE_FMT)
def test_nothing_outside_the_case_is_fetched(
    hostile_case: CaseRun, outputs: dict, fetched: list[str], audience: str, fmt: str
) -> None:
    rendered = outputs[(audience, fmt)]
    assert rendered.refused_urls == []
    roots = [d.resolve() for d in template_dirs(hostile_case.root)]
    shas = {e.sha256 for e in hostile_case.folder().exhibits()}
    for url in fetched:
        if url.startswith("data:"):
            continue
        if url.startswith("casefile-blob:"):
            assert url.removeprefix("casefile-blob:") in shas
            continue
        assert url.startswith("file://"), url
        path = Path(url.removeprefix("file://")).resolve()
        assert any(path.is_relative_to(r) for r in roots), url


@pytest.mark.parametrize(("audience", "fmt"), [x for x in AUDIENCE_FMT if x[1] != "html"])
def test_pdf_embeds_no_attachment_and_no_local_file(
    hostile_case: CaseRun, outputs: dict, audience: str, fmt: str
) -> None:
    ch = pdf_channels(outputs[(audience, fmt)].data)
    if fmt == "pdf-attached":  # the one exhibit, nothing that markup asked for
        (sha,) = [e.sha256 for e in hostile_case.folder().exhibits()]
        assert list(ch.attachment_descriptions) == ["E-0001.png"]
        assert sha in ch.attachment_descriptions["E-0001.png"]
    else:
        assert ch.attachments == {}
    for line in _forbidden_file_lines():
        assert not any(found_in_bytes(data, line) for data in ch.raw.values()), line
        assert not any(found_in_text(text, line) for text in ch.text.values()), line


@pytest.mark.parametrize(("audience", "fmt"), AUDIENCE_FMT)
def test_jinja_syntax_in_user_text_is_printed_literally(
    outputs: dict, audience: str, fmt: str
) -> None:
    data = outputs[(audience, fmt)].data
    text = data.decode() if fmt == "html" else pdf_channels(data).text["pdftotext"]
    assert found_in_text(text, "{{ 7*7 }}")
    assert found_in_text(text, "{% raw %}")
    if fmt == "html":
        assert "F-INCTITLE" in text and "F-REASON" in text  # the fields did render


@pytest.mark.parametrize("audience", ["public", "internal"])
def test_every_field_reaches_the_internal_text_layer(outputs: dict, audience: str) -> None:
    """The payloads were really rendered (and not dropped), as text."""
    text = pdf_channels(outputs[(audience, "pdf")].data).text["pdftotext"]
    fields = ["CASE", "INCTITLE", "PLACE", "PERP", "DESC", "CLAIM", "EXDESC", "EXSRC", "REASON"]
    if audience == "internal":
        fields += ["BODY", "PSEUDO", "ROLE", "NAME", "REVIEW", "PARTY", "RESPONSE", "NOTES"]
    missing = [f for f in fields if f"F-{f}" not in text]
    assert missing == []
    assert found_in_text(text, "<script>alert(1)</script>")


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


URL_ATTRIBUTES = {
    "href",
    "src",
    "xlink:href",
    "action",
    "formaction",
    "data",
    "poster",
    "background",
    "srcset",
}
TEMPLATE_META = {
    "author",
    "description",
    "keywords",
    "generator",
    "dcterms.created",
    "dcterms.modified",
}


@pytest.mark.parametrize("audience", ["public", "internal"])
def test_html_has_no_live_tag_from_user_text(outputs: dict, audience: str) -> None:
    parser = _Tags()
    parser.feed(outputs[(audience, "html")].data.decode())
    tags = parser.tags
    names = [t for t, _ in tags]
    assert "script" not in names
    assert "iframe" not in names
    assert "link" not in names
    assert names.count("style") == 1
    assert names.count("title") == 1 or "svg" in names  # the pictures carry their own <title>
    for tag, attrs in tags:
        for key, value in attrs.items():
            assert not key.startswith("on"), (tag, key, value)
            if key in URL_ATTRIBUTES:
                assert "javascript:" not in (value or "").lower(), (tag, key, value)
                assert "file:" not in (value or "").lower(), (tag, key, value)
            assert key != "style", (tag, key, value)
        if tag == "img":
            assert (attrs.get("src") or "").startswith("data:image/"), attrs
        assert tag not in ("image", "use", "object", "embed"), (tag, attrs)
        if tag == "meta":
            assert "http-equiv" not in attrs, attrs
            assert attrs.get("charset") or attrs.get("name") in TEMPLATE_META, attrs
        if tag == "a":
            href = attrs.get("href") or ""
            assert href.startswith(("#", "http://", "https://", "mailto:")), attrs
            assert attrs.get("rel") is None, attrs
