"""A sandboxed URL fetcher for WeasyPrint.

Why: a stock WeasyPrint fetches whatever a document names -- ``http://``
(the network, including services on localhost), ``file:///etc/passwd``, or an
image URL that leaks the reader's IP. Dossiers are built from hostile text
(statements, evidence metadata), so the renderer may read only three things
(DESIGN.md, principle 4):

* ``data:`` URLs (self-contained, nothing to fetch);
* evidence blobs, named by content hash: ``casefile-blob:<64 hex sha256>``,
  resolved by the caller's ``blob_path`` and checked against the hash;
* files whose real path (after symlinks) lies inside one of the template
  directories, as ``file://`` URLs.

Everything else raises :class:`RefusedURL`; WeasyPrint catches it, logs it and
skips the resource. Each refused URL is recorded in ``fetcher.refused`` so the
caller can report (or fail on) attempts to reach outside.

Blob URLs in templates: write ``casefile-blob:<sha256>`` exactly (use
:func:`blob_url`), lowercase hex, no ``//``, no query, no fragment. The scheme
contains a hyphen, which is legal in RFC 3986 schemes and matched by
WeasyPrint's absolute-URL test, so WeasyPrint 70 never joins it with
``base_url`` and passes it to the fetcher unchanged (HTML attributes and CSS
``url()`` alike).

WeasyPrint 70 API: ``url_fetcher`` is meant to be a ``weasyprint.urls.URLFetcher``
instance. WeasyPrint calls it as ``url_fetcher(url)``, expects a
``URLFetcherResponse`` back, and reads ``url_fetcher._fail_on_errors`` when the
call raises (a plain function would crash there with ``AttributeError``).
:class:`SandboxedFetcher` provides exactly that protocol (``__call__``,
``fetch`` and ``_fail_on_errors = False``) without subclassing, so importing this
module does not import WeasyPrint; ``URLFetcherResponse`` is imported lazily on
the first fetch.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import re
import stat
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import DataHandler, Request

BLOB_SCHEME = "casefile-blob:"
"""Scheme of evidence-blob URLs; the rest of the URL is the lowercase sha256."""

_BLOB_RE = re.compile(r"^casefile-blob:([0-9a-f]{64})$")
_SHA_RE = re.compile(r"^[0-9a-f]{64}$")

# Magic numbers for the media types WeasyPrint cares about. Pillow sniffs
# raster formats by itself; the SVG type matters because WeasyPrint parses
# SVG only when told or when Pillow fails.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
)


class RefusedURL(ValueError):
    """A URL outside the sandbox. WeasyPrint catches it and skips the resource."""


@dataclass(frozen=True)
class Refusal:
    """One refused fetch: the URL as WeasyPrint asked for it, and why it was refused."""

    url: str
    reason: str


def blob_url(sha256: str) -> str:
    """Return the URL a template uses to embed the evidence blob with this hash.

    Raises ``ValueError`` for anything but 64 hex digits, so a template can't
    be tricked into building some other URL from a hostile value.
    """
    sha = sha256.lower()
    if not _SHA_RE.match(sha):
        raise ValueError(f"not a sha256 hex digest: {sha256!r}")
    return BLOB_SCHEME + sha


def _sniff_media_type(data: bytes) -> str:
    """Guess a media type from content, never from a (hostile) name."""
    for magic, media_type in _MAGIC:
        if data.startswith(magic):
            return media_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    head = data[:512].lstrip().lower()
    if head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in head):
        return "image/svg+xml"
    return "application/octet-stream"


def _read_regular_file(path: Path) -> bytes:
    """Read a regular file without following a symlink in its last component.

    ``path`` has already been resolved, so a symlink here means it was swapped
    in after the check: refuse rather than follow it.
    """
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise RefusedURL(f"not a regular file: {path}")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read()
    finally:
        os.close(fd)


class SandboxedFetcher:
    """WeasyPrint ``url_fetcher`` that serves only data URLs, blobs and template files.

    Instances are callable with one URL, like ``weasyprint.urls.URLFetcher``.
    ``refused`` lists every URL turned away, in the order asked (thread-safe).
    """

    #: Read by ``weasyprint.urls.fetch`` when a fetch fails; ``False`` means
    #: "log and skip" rather than "abort the render".
    _fail_on_errors = False

    def __init__(self, blob_path: Callable[[str], Path | None], template_dirs: list[Path]) -> None:
        self._blob_path = blob_path
        # Resolve once: the roots themselves may be symlinks (e.g. /tmp on macOS).
        self._roots = tuple(Path(d).resolve() for d in template_dirs)
        self._lock = threading.Lock()
        self.refusals: list[Refusal] = []
        # Each file:// URL asked for, with the sha256 of what was served (None: refused).
        # Unlike evidence blobs, a template folder's files can change under the same URL:
        # a cached part is only as good as these (PartCache.get checks them).
        self.files: list[tuple[str, str | None]] = []

    @property
    def refused(self) -> list[str]:
        """URLs refused so far (a copy; the order in which they were asked)."""
        with self._lock:
            return [r.url for r in self.refusals]

    # -- WeasyPrint protocol -------------------------------------------------

    def __call__(self, url: str) -> Any:
        """Fetch ``url`` for WeasyPrint; raise :class:`RefusedURL` if outside the sandbox."""
        return self.fetch(url)

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> Any:
        """Same as calling the fetcher; the name and signature match ``URLFetcher.fetch``."""
        try:
            data, media_type = self.read(url)
        except RefusedURL as refusal:
            with self._lock:
                self.refusals.append(Refusal(url, str(refusal)))
                if _is_file_url(url):
                    self.files.append((url, None))
            raise
        if _is_file_url(url):
            with self._lock:
                self.files.append((url, hashlib.sha256(data).hexdigest()))
        from casefile.render.weasy import load

        load()
        from weasyprint.urls import URLFetcherResponse

        return URLFetcherResponse(url, data, {"Content-Type": media_type})

    def digest(self, url: str) -> str | None:
        """The sha256 of what :meth:`fetch` would serve for ``url`` now (None: refused),
        as recorded in :attr:`files`."""
        try:
            data, _media_type = self.read(url)
        except RefusedURL:
            return None
        return hashlib.sha256(data).hexdigest()

    # -- policy --------------------------------------------------------------

    def read(self, url: str) -> tuple[bytes, str]:
        """Return ``(bytes, media type)`` for an allowed URL; raise :class:`RefusedURL` otherwise.

        Does not record refusals; :meth:`fetch` does. Useful on its own for
        tests and for callers that want the policy without WeasyPrint.
        """
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return self._read_data(url)
        if scheme == BLOB_SCHEME[:-1]:
            return self._read_blob(url)
        if scheme == "file":
            return self._read_template_file(url)
        raise RefusedURL(f"scheme not allowed: {scheme or '(none)'}")

    def _read_data(self, url: str) -> tuple[bytes, str]:
        """Decode a ``data:`` URL with the standard library (no I/O involved)."""
        try:
            response = DataHandler().data_open(Request(url))
        except Exception as error:  # malformed base64, bad header, ...
            raise RefusedURL(f"malformed data URL: {error}") from error
        return response.read(), response.headers.get_content_type()

    def _read_blob(self, url: str) -> tuple[bytes, str]:
        """Serve an evidence blob by hash, and only if its bytes still match the hash."""
        match = _BLOB_RE.match(url)
        if not match:
            raise RefusedURL("blob URL must be casefile-blob:<64 lowercase hex>")
        sha = match[1]
        path = self._blob_path(sha)
        if path is None:
            raise RefusedURL(f"unknown blob {sha}")
        try:
            data = _read_regular_file(Path(path).resolve(strict=True))
        except OSError as error:
            raise RefusedURL(f"blob {sha} unreadable: {error.strerror}") from error
        if hashlib.sha256(data).hexdigest() != sha:
            raise RefusedURL(f"blob {sha} does not match its hash")
        return data, _sniff_media_type(data)

    def _read_template_file(self, url: str) -> tuple[bytes, str]:
        """Serve a file whose real path lies inside a template directory."""
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise RefusedURL(f"file URL with a host: {parts.netloc}")
        raw_path = unquote(parts.path)
        if not raw_path.startswith("/") or "\x00" in raw_path:
            raise RefusedURL("file URL without an absolute path")
        try:
            real = Path(raw_path).resolve(strict=True)
        except (OSError, RuntimeError) as error:  # missing, loop, permission
            raise RefusedURL(f"file not found: {error}") from error
        if not any(real.is_relative_to(root) for root in self._roots):
            raise RefusedURL("file outside the template folders")
        try:
            data = _read_regular_file(real)
        except OSError as error:
            raise RefusedURL(f"file unreadable: {error.strerror}") from error
        media_type = mimetypes.guess_type(real.name, strict=False)[0]
        return data, media_type or _sniff_media_type(data)


def _is_file_url(url: str) -> bool:
    return url[:5].lower() == "file:"


def make_url_fetcher(
    blob_path: Callable[[str], Path | None], template_dirs: list[Path]
) -> SandboxedFetcher:
    """Build the only fetcher a dossier render may use.

    ``blob_path(sha)`` maps a hash to the stored object's path, or ``None`` if
    the case has no such object. ``template_dirs`` are the folders whose files
    (stylesheets, fonts, logos) templates may reference by ``file://`` URL.
    """
    return SandboxedFetcher(blob_path, template_dirs)
