"""html_to_pdf: no smuggled attachments or files, deterministic bytes, PDF/A-3b, Arabic text."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

from casefile.errors import UserInputError
from casefile.render.pdf import Attachment, html_to_pdf, page_count, pdf_text
from casefile.render.pictures import MapPoint, incident_map_svg

from .conftest import SECRET, Sandbox

DATE = "2024-05-01T12:00:00Z"


def _all_objects(pdf: bytes) -> Iterator[tuple[object, bytes]]:
    """Every indirect object in the file (object streams included), with its decoded bytes."""
    reader = PdfReader(io.BytesIO(pdf))
    ids: set[tuple[int, int]] = set()
    for generation, table in reader.xref.items():
        ids.update((number, generation) for number in table)
    ids.update((number, 0) for number in reader.xref_objStm)
    for number, generation in sorted(ids):
        obj = reader.get_object(IndirectObject(number, generation, reader))
        if isinstance(obj, StreamObject):
            data = obj.get_data()
        else:
            data = repr(obj).encode("utf-8", "replace")
        yield obj, data


def _embedded_files(pdf: bytes) -> dict[str, DictionaryObject]:
    """Filespec dictionaries by name, from the catalog's EmbeddedFiles name tree."""
    reader = PdfReader(io.BytesIO(pdf))
    names = reader.trailer["/Root"].get("/Names", {}).get("/EmbeddedFiles")
    if names is None:
        return {}
    flat = names.get_object()["/Names"]
    return {str(flat[i]): flat[i + 1].get_object() for i in range(0, len(flat), 2)}


def _file_fragments(path: str) -> list[bytes]:
    """Distinctive pieces of a local file that must not show up in a PDF."""
    try:
        data = Path(path).read_bytes()
    except OSError:
        return []
    return [line.strip() for line in data.splitlines() if len(line.strip()) >= 6]


HOSTILE_HTML = """<!doctype html>
<html><head>
<meta name="dcterms.created" content="1999-01-01">
<link rel="attachment" href="file:///etc/passwd" title="passwd">
<link rel="attachment" href="inside%20secret.txt" title="allowed file, still no attachment">
<link rel="attachment" href="data:text/plain,SMUGGLED-DATA-ATTACHMENT">
<style>@import url(file:///etc/passwd); @import url("http://127.0.0.1:9/x.css");</style>
<link rel="stylesheet" href="escape.css">
</head><body>
<p>Visible text.</p>
<img src="file:///etc/hostname" alt="h">
<img src="http://127.0.0.1:9/x.png" alt="x">
<img src="../secret.txt" alt="s">
<a rel="attachment" href="file:///etc/passwd">passwd link</a>
<a rel="nofollow attachment" href="data:text/plain,SMUGGLED-DATA-LINK" download="x.txt">data</a>
<div style="background: url(file:///etc/passwd)">bg</div>
</body></html>
"""


def _render_hostile(sandbox: Sandbox, **kwargs: object) -> bytes:
    return html_to_pdf(
        HOSTILE_HTML,
        base_url=sandbox.templates.as_uri() + "/",
        url_fetcher=sandbox.fetcher,
        metadata_date=DATE,
        **kwargs,  # type: ignore[arg-type]
    )


def test_hostile_html_embeds_nothing(sandbox: Sandbox) -> None:
    pdf = _render_hostile(sandbox)
    assert page_count(pdf) == 1
    assert "Visible text." in pdf_text(pdf)

    forbidden = [SECRET, b"SMUGGLED-DATA", b"root:x:0:0"]
    forbidden += _file_fragments("/etc/passwd") + _file_fragments("/etc/hostname")
    assert _embedded_files(pdf) == {}
    for obj, data in _all_objects(pdf):
        for fragment in forbidden:
            assert fragment not in data, (fragment, obj)
        if isinstance(obj, DictionaryObject):
            assert obj.get("/Type") not in ("/Filespec", "/EmbeddedFile")
            assert obj.get("/Subtype") != "/FileAttachment"
            assert "/EmbeddedFiles" not in obj
    for fragment in forbidden:
        assert fragment not in pdf

    refused = sandbox.fetcher.refused
    assert "file:///etc/hostname" in refused
    assert "http://127.0.0.1:9/x.png" in refused
    assert "file:///etc/passwd" in refused
    assert (sandbox.templates / "escape.css").as_uri() in refused


def test_legitimate_attachment_is_embedded_with_description(sandbox: Sandbox) -> None:
    attachment = Attachment("E-0001.txt", b"exhibit bytes", "Exhibit E-0001, original file")
    pdf = _render_hostile(sandbox, attachments=[attachment])
    files = _embedded_files(pdf)
    assert list(files) == ["E-0001.txt"]
    spec = files["E-0001.txt"]
    assert spec["/Desc"] == "Exhibit E-0001, original file"
    stream = spec["/EF"]["/F"].get_object()
    assert stream.get_data() == b"exhibit bytes"
    assert stream["/Params"]["/ModDate"] == "D:20240501120000Z"
    assert PdfReader(io.BytesIO(pdf)).attachments["E-0001.txt"] == [b"exhibit bytes"]


def test_attachment_names_lose_path_separators(sandbox: Sandbox) -> None:
    pdf = html_to_pdf(
        "<p>x</p>",
        base_url=None,
        url_fetcher=sandbox.fetcher,
        attachments=[Attachment("../../etc/cron.d/x\x00", b"data", "d")],
        metadata_date=None,
    )
    (name,) = _embedded_files(pdf)
    assert "/" not in name and "\x00" not in name


def test_metadata_date_overrides_html_and_none_omits_dates(sandbox: Sandbox) -> None:
    info = PdfReader(io.BytesIO(_render_hostile(sandbox))).metadata
    assert info["/CreationDate"] == "D:20240501120000Z"
    assert info["/ModDate"] == "D:20240501120000Z"

    pdf = html_to_pdf(
        '<meta name="dcterms.created" content="1999-01-01"><p>x</p>',
        base_url=None,
        url_fetcher=sandbox.fetcher,
        attachments=[Attachment("a.txt", b"a", "a")],
        metadata_date=None,
    )
    info = PdfReader(io.BytesIO(pdf)).metadata
    assert "/CreationDate" not in info and "/ModDate" not in info
    params = _embedded_files(pdf)["a.txt"]["/EF"]["/F"].get_object()["/Params"]
    assert "/CreationDate" not in params and "/ModDate" not in params


def test_rejects_bad_metadata_date(sandbox: Sandbox) -> None:
    with pytest.raises(ValueError):
        html_to_pdf("<p>x</p>", base_url=None, url_fetcher=sandbox.fetcher, metadata_date="now")


DETERMINISM_HTML = """<!doctype html><html lang="en"><head><title>Dossier</title>
<style>@page { size: A4; margin: 20mm; @bottom-center { content: "page " counter(page) } }
body { font-family: "DejaVu Sans", sans-serif }</style></head>
<body><h1>Case</h1><p>Some text, <b>bold</b>, <i>italic</i>, عربي.</p>{svg}</body></html>"""


def _deterministic_render(sandbox: Sandbox, variant: str | None = None) -> bytes:
    svg = incident_map_svg([MapPoint("A-1", 35.8, 36.6, "one"), MapPoint("A-2", 35.9, 36.7, "two")])
    return html_to_pdf(
        DETERMINISM_HTML.replace("{svg}", svg),
        base_url=None,
        url_fetcher=sandbox.fetcher,
        attachments=[Attachment("a.txt", b"abc", "desc")],
        pdf_variant=variant,
        metadata_date=DATE,
    )


@pytest.mark.parametrize("variant", [None, "pdf/a-3b"])
def test_two_renders_give_identical_bytes(sandbox: Sandbox, variant: str | None) -> None:
    first = _deterministic_render(sandbox, variant)
    # fontTools stamps subset fonts with the current second: make sure a second passes.
    import time

    time.sleep(1.1)
    assert _deterministic_render(sandbox, variant) == first


def test_renders_in_separate_processes_are_identical(tmp_path: Path) -> None:
    """Different hash seeds (set/dict order of strings) must not change the bytes."""
    script = tmp_path / "render.py"
    script.write_text(
        "import sys\n"
        "from casefile.render.fetcher import make_url_fetcher\n"
        "from casefile.render.pdf import html_to_pdf, Attachment\n"
        "from casefile.render.pictures import MapPoint, incident_map_svg\n"
        f"html = {DETERMINISM_HTML!r}.replace('{{svg}}', incident_map_svg(\n"
        "    [MapPoint('A-1', 35.8, 36.6, 'one'), MapPoint('A-2', 35.9, 36.7, 'two')]))\n"
        "pdf = html_to_pdf(html, base_url=None, url_fetcher=make_url_fetcher(lambda s: None, []),\n"
        "    attachments=[Attachment('a.txt', b'abc', 'desc')], pdf_variant='pdf/a-3b',\n"
        f"    metadata_date={DATE!r})\n"
        "sys.stdout.buffer.write(pdf)\n",
        encoding="utf-8",
    )
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        env.pop("SOURCE_DATE_EPOCH", None)
        result = subprocess.run(
            [sys.executable, str(script)], env=env, capture_output=True, check=True
        )
        outputs.append(result.stdout)
    assert outputs[0][:5] == b"%PDF-"
    assert outputs[0] == outputs[1]


def test_pdf_a3b_with_attachment(sandbox: Sandbox) -> None:
    pdf = _render_hostile(
        sandbox,
        pdf_variant="pdf/a-3b",
        attachments=[Attachment("E-0002.jpg", b"\xff\xd8\xff fake", "Photo E-0002", "Source")],
    )
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data()
    assert b'pdfaid:part="3"' in xmp and b'pdfaid:conformance="B"' in xmp
    assert "/OutputIntents" in root
    files = _embedded_files(pdf)
    assert list(files) == ["E-0002.jpg"]
    assert files["E-0002.jpg"]["/AFRelationship"] == "/Source"
    assert files["E-0002.jpg"]["/Desc"] == "Photo E-0002"
    af = root["/AF"]
    assert isinstance(af, ArrayObject) and len(af) == 1
    assert reader.trailer.get("/ID") is not None


def test_unknown_variant_is_refused(sandbox: Sandbox) -> None:
    with pytest.raises(ValueError):
        html_to_pdf(
            "<p>x</p>",
            base_url=None,
            url_fetcher=sandbox.fetcher,
            pdf_variant="pdf/z",
            metadata_date=None,
        )


def test_stylesheets_go_through_the_fetcher(sandbox: Sandbox) -> None:
    pdf = html_to_pdf(
        "<p>styled</p>",
        base_url=None,
        url_fetcher=sandbox.fetcher,
        stylesheets=["p { font-size: 14pt }", sandbox.templates / "style.css"],
        metadata_date=None,
    )
    assert "styled" in pdf_text(pdf)
    assert sandbox.fetcher.refused == []
    with pytest.raises(UserInputError, match="escape.css"):
        html_to_pdf(
            "<p>styled</p>",
            base_url=None,
            url_fetcher=sandbox.fetcher,
            stylesheets=[sandbox.templates / "escape.css"],
            metadata_date=None,
        )
    assert sandbox.fetcher.refused == [(sandbox.templates / "escape.css").as_uri()]


ARABIC = "سوق أريحا الشعبي"


def _normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


def test_arabic_text_survives_into_the_text_layer(sandbox: Sandbox) -> None:
    html = (
        "<style>p { font-family: 'Noto Naskh Arabic', 'Amiri', 'DejaVu Sans'; "
        "font-size: 16pt }</style>"
        f'<p dir="rtl" lang="ar">{ARABIC}</p><p>Latin line</p>'
    )
    pdf = html_to_pdf(html, base_url=None, url_fetcher=sandbox.fetcher, metadata_date=None)
    if shutil.which("pdftotext"):
        result = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
        )
        text = _normalise(result.stdout.decode("utf-8"))
    else:  # pragma: no cover - poppler-utils is a documented test dependency
        text = _normalise(pdf_text(pdf))
    for word in _normalise(ARABIC).split():
        assert word in text, (word, text)
    assert "Latin line" in text
