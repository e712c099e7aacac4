"""Shared fixtures for the render tests: a template folder, a blob store, a secret outside both."""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

from casefile.render.fetcher import SandboxedFetcher, make_url_fetcher

SECRET = b"CASEFILE-TEST-SECRET-7f3a9c"


@dataclass
class Sandbox:
    """Paths of one test case: what the fetcher may serve and what it must not."""

    root: Path
    templates: Path
    objects: Path
    secret: Path
    png: bytes
    png_sha: str
    fetcher: SandboxedFetcher


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def sandbox(tmp_path: Path) -> Sandbox:
    templates = tmp_path / "templates"
    objects = tmp_path / "objects"
    templates.mkdir()
    objects.mkdir()
    (templates / "style.css").write_text("p { color: #333333 }\n", encoding="utf-8")
    (templates / "inside secret.txt").write_bytes(SECRET + b"-inside")
    secret = tmp_path / "secret.txt"
    secret.write_bytes(SECRET)
    (templates / "escape.css").symlink_to(secret)
    png = _png()
    sha = hashlib.sha256(png).hexdigest()
    (objects / sha).write_bytes(png)

    def blob_path(digest: str) -> Path | None:
        path = objects / digest
        return path if path.exists() else None

    fetcher = make_url_fetcher(blob_path, [templates])
    return Sandbox(tmp_path, templates, objects, secret, png, sha, fetcher)


@pytest.fixture(autouse=True)
def _quiet_weasyprint() -> Iterator[None]:
    """WeasyPrint logs every refused resource; the tests assert on them instead."""
    logger = logging.getLogger("weasyprint")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    yield
    logger.setLevel(level)
