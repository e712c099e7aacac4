"""The render cache: laid-out parts of a dossier, under ``<case>/.casefile-cache/render/``.

Derived data only (DESIGN.md, principle 1): every entry can be rebuilt from the case, and
the folder is safe to delete at any time. An entry is keyed by the SHA-256 of what
decides a part's bytes within casefile: the part's full HTML (pictures as data: URLs) and
its stylesheet, the casefile, WeasyPrint and pypdf versions, the system's text libraries
and fonts (:mod:`casefile.render.environment`) and :data:`PIPELINE` (bumped whenever the
way a part is laid out or recorded changes). The template folder files it read by URL (a
case's own logo or font) are recorded in the entry with their SHA-256 and checked before
it is served (:attr:`PartCache.current`). Two files per entry, both
written with :func:`casefile.store.atomic.write_atomic` (not fsynced: derived data):
``<key>.pdf`` first, then ``<key>.json`` (page
count, anchors, links, bookmarks). A reader trusts an entry only if the JSON parses and
names the SHA-256 of the PDF it sits beside, and is sealed with this user's cache key
(:mod:`casefile.store.cachekey`), so a crash between the two writes, a truncated file, a
stray edit or a cache that came inside someone else's case folder is a miss, never a
wrong dossier.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from casefile.store.atomic import write_atomic
from casefile.store.cachekey import seal, unseal

PIPELINE = "parts-3"  # parts-3: a part records the template files it read
CACHE_DIR = Path(".casefile-cache") / "render"
KEY = re.compile(r"[0-9a-f]{64}")
HINT = "last-parts.hint"  # the parts of the last render: a guess for the next one, never trusted


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "unknown"


@functools.cache
def _key_prefix() -> bytes:
    """What every key depends on besides the HTML (package metadata is slow to read)."""
    from casefile import __version__
    from casefile.render import environment

    items = (
        PIPELINE,
        __version__,
        _version("weasyprint"),
        _version("pypdf"),
        environment.fingerprint(),
    )
    return b"".join(item.encode() + b"\0" for item in items)


def part_key(html: str, css: str) -> str:
    h = hashlib.sha256(_key_prefix())
    for text in (css, html):
        data = text.encode("utf-8")
        h.update(b"%d:" % len(data))
        h.update(data)
    return h.hexdigest()


class PartCache:
    """Get and put laid-out parts by key. ``root=None`` is a cache that keeps nothing."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self.hits = 0
        self.misses = 0
        # Whether an entry's template files are still what it was laid out with (set by
        # the renderer, which can read them); the key covers the HTML and the stylesheet,
        # not a logo or a font a case's own template pulls in by URL.
        self.current: Callable[[dict[str, Any]], bool] = lambda _meta: True

    @classmethod
    def for_case(cls, case_root: Path) -> PartCache:
        return cls(case_root / CACHE_DIR)

    def get(self, key: str) -> tuple[dict[str, Any], bytes] | None:
        meta = self.peek(key)
        if meta is not None and self.root is not None and self.current(meta):
            try:
                pdf = (self.root / f"{key}.pdf").read_bytes()
            except OSError:
                pdf = b""
            if meta.get("pdf_sha256") == hashlib.sha256(pdf).hexdigest():
                self.hits += 1
                return meta, pdf
        self.misses += 1
        return None

    def put(self, key: str, meta: dict[str, Any], pdf: bytes) -> None:
        if self.root is None:
            return
        try:
            if not (self.root.parent / ".gitignore").exists():
                write_atomic(
                    self.root.parent / ".gitignore", "# derived, safe to delete\n*\n", durable=False
                )
            write_atomic(self.root / f"{key}.pdf", pdf, durable=False)
            record = {**meta, "pdf_sha256": hashlib.sha256(pdf).hexdigest()}
            sealed = seal(f"render/{key}", json.dumps(record, sort_keys=True).encode())
            if sealed is None:
                return  # no per-user key: nothing cached, everything laid out
            write_atomic(self.root / f"{key}.json", sealed, durable=False)
        except OSError:
            # A read-only case folder still renders; it just renders everything.
            pass

    def peek(self, key: str) -> dict[str, Any] | None:
        """An entry's recorded layout (page count, anchors...) without its PDF. Only an
        entry this user's casefile wrote (sealed with the per-user key, under this very
        key) counts: a case folder from someone else cannot bring its own chapters."""
        if self.root is None or not KEY.fullmatch(key):
            return None
        try:
            body = unseal(f"render/{key}", (self.root / f"{key}.json").read_bytes())
            meta = json.loads(body) if body is not None else None
        except (OSError, ValueError):
            return None
        return meta if isinstance(meta, dict) else None

    def read_hint(self) -> dict[str, str]:
        """The part keys of the last render (part name -> key), or nothing."""
        if self.root is None:
            return {}
        try:
            hint = json.loads((self.root / HINT).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(hint, dict):
            return {}
        return {k: v for k, v in hint.items() if isinstance(v, str) and KEY.fullmatch(v)}

    def write_hint(self, keys: dict[str, str]) -> None:
        if self.root is None or not self.root.is_dir():
            return
        try:
            write_atomic(self.root / HINT, json.dumps(keys, sort_keys=True), durable=False)
        except OSError:
            pass

    def prune(self, keep: set[str], max_entries: int) -> None:
        """Drop the oldest entries not in ``keep`` once there are more than ``max_entries``."""
        if self.root is None or not self.root.is_dir():
            return
        entries = []
        for path in self.root.glob("*.json"):
            if path.stem in keep:
                continue
            try:
                entries.append((path.stat().st_mtime_ns, path.stem))
            except OSError:
                continue
        excess = len(entries) + len(keep) - max_entries
        for _, stem in sorted(entries)[: max(0, excess)]:
            for suffix in (".json", ".pdf"):
                try:
                    os.unlink(self.root / f"{stem}{suffix}")
                except OSError:
                    pass
