"""The sandboxed fetcher serves data URLs, blobs and template files, and nothing else."""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from casefile.render.fetcher import BLOB_SCHEME, RefusedURL, blob_url
from casefile.render.pdf import html_to_pdf

from .conftest import SECRET, Sandbox


def _refuse(sandbox: Sandbox, url: str) -> None:
    with pytest.raises(RefusedURL):
        sandbox.fetcher(url)
    assert sandbox.fetcher.refused[-1] == url


def test_refuses_system_file(sandbox: Sandbox) -> None:
    _refuse(sandbox, "file:///etc/passwd")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:1/x",
        "https://example.org/logo.png",
        "ftp://127.0.0.1/x",
        "gopher://127.0.0.1:70/x",
        "style.css",  # relative: WeasyPrint only passes absolute URLs, refuse anything else
        "",
    ],
)
def test_refuses_other_schemes(sandbox: Sandbox, url: str) -> None:
    _refuse(sandbox, url)


def test_refuses_dotdot_out_of_template_dir(sandbox: Sandbox) -> None:
    _refuse(sandbox, f"file://{sandbox.templates}/../secret.txt")
    _refuse(sandbox, f"file://{sandbox.templates}/%2e%2e/secret.txt")


def test_refuses_symlink_pointing_outside(sandbox: Sandbox) -> None:
    assert (sandbox.templates / "escape.css").is_symlink()
    _refuse(sandbox, (sandbox.templates / "escape.css").as_uri())


def test_refuses_file_url_with_host(sandbox: Sandbox) -> None:
    _refuse(sandbox, f"file://evil.example{sandbox.templates}/style.css")


def test_refuses_directory(sandbox: Sandbox) -> None:
    _refuse(sandbox, sandbox.templates.as_uri() + "/")


def test_refuses_unknown_and_malformed_blobs(sandbox: Sandbox) -> None:
    _refuse(sandbox, BLOB_SCHEME + "0" * 64)
    _refuse(sandbox, BLOB_SCHEME + sandbox.png_sha.upper())
    _refuse(sandbox, BLOB_SCHEME + sandbox.png_sha + "#frag")
    _refuse(sandbox, BLOB_SCHEME + "//" + sandbox.png_sha)
    _refuse(sandbox, BLOB_SCHEME + "../../secret.txt")


def test_refuses_blob_whose_bytes_changed(sandbox: Sandbox) -> None:
    (sandbox.objects / sandbox.png_sha).write_bytes(b"tampered")
    _refuse(sandbox, blob_url(sandbox.png_sha))


def test_serves_blob_by_hash(sandbox: Sandbox) -> None:
    response = sandbox.fetcher(blob_url(sandbox.png_sha))
    assert response.read() == sandbox.png
    assert response.content_type == "image/png"
    assert sandbox.fetcher.refused == []


def test_serves_template_file(sandbox: Sandbox) -> None:
    response = sandbox.fetcher((sandbox.templates / "style.css").as_uri() + "?v=1#x")
    assert b"color" in response.read()
    assert response.content_type == "text/css"
    # Percent-encoded names, as WeasyPrint's iri_to_uri produces them.
    assert sandbox.fetcher((sandbox.templates / "inside secret.txt").as_uri()).read()


def test_serves_data_url(sandbox: Sandbox) -> None:
    response = sandbox.fetcher("data:text/plain;base64,aGVsbG8=")
    assert response.read() == b"hello"
    assert response.content_type == "text/plain"


def test_blob_url_validates() -> None:
    digest = hashlib.sha256(b"x").hexdigest()
    assert blob_url(digest.upper()) == BLOB_SCHEME + digest
    with pytest.raises(ValueError):
        blob_url("../etc/passwd")


def test_weasyprint_passes_blob_urls_through_unchanged(sandbox: Sandbox) -> None:
    """With a file base_url, <img> and CSS url() still reach the fetcher as casefile-blob:."""
    url = blob_url(sandbox.png_sha)
    html = (
        f'<img src="{url}" style="width:20mm">'
        f'<div style="height:10mm;background-image:url({url})"></div>'
        '<link rel="stylesheet" href="style.css"><p>styled</p>'
    )
    pdf = html_to_pdf(
        html,
        base_url=sandbox.templates.as_uri() + "/",
        url_fetcher=sandbox.fetcher,
        metadata_date=None,
    )
    assert sandbox.fetcher.refused == []
    reader = PdfReader(io.BytesIO(pdf))
    images = reader.pages[0].images
    assert len(images) >= 1


def test_importing_render_modules_does_not_import_weasyprint() -> None:
    code = (
        "import sys\n"
        "import casefile.render.fetcher, casefile.render.markdown\n"
        "import casefile.render.pictures, casefile.render.pdf\n"
        "assert 'weasyprint' not in sys.modules, 'weasyprint imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_secret_fixture_is_outside(sandbox: Sandbox) -> None:
    assert not sandbox.secret.resolve().is_relative_to(sandbox.templates.resolve())
    assert Path(sandbox.secret).read_bytes() == SECRET
