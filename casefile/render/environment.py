"""What else decides a laid-out part's bytes: the system's text libraries and fonts.

A cached part is reused only for the same rendering system as a clean render would use
now. casefile's, WeasyPrint's and pypdf's versions are in every key; this adds, on Linux,
the shared libraries WeasyPrint lays text out with (Pango, HarfBuzz, fontconfig, FreeType,
FriBidi, as the dynamic loader's cache names them) and the font folders fontconfig reads
by default, with its caches of them. An upgrade of a font or a library package replaces
files there, so every part is laid out again after it. Read once per process, in ~16-20 ms
here (one ``ldconfig -p``, ~330 ``stat`` calls), without loading any of them: the
process that renders does not import WeasyPrint. Not covered: fonts in a folder added to
fontconfig's own configuration, and other systems than Linux (there, delete the cache
after an upgrade).
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

LIBRARIES = (
    "libpango-1.0.so",
    "libpangoft2-1.0.so",
    "libharfbuzz.so",
    "libharfbuzz-subset.so",
    "libfontconfig.so",
    "libfreetype.so",
    "libfribidi.so",
)


@functools.cache
def fingerprint() -> str:
    """A digest of the rendering system, for the part cache's keys ("" elsewhere than
    Linux)."""
    if not sys.platform.startswith("linux"):
        return ""
    h = hashlib.sha256()
    for path in sorted(set(library_files())):
        h.update(_stat_line(path))
    for root in font_folders():
        for path in _files_under(root):
            h.update(_stat_line(path))
    return h.hexdigest()


def library_files() -> Iterator[Path]:
    """The text libraries as the dynamic loader's cache lists them (``ldconfig -p``)."""
    ldconfig = shutil.which("ldconfig") or next(
        (p for p in ("/sbin/ldconfig", "/usr/sbin/ldconfig") if os.path.exists(p)), None
    )
    if ldconfig is None:
        return
    try:
        listing = subprocess.run(
            [ldconfig, "-p"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return
    for line in listing.splitlines():
        name, _, where = line.strip().partition(" => ")
        if where and name.split(" ", 1)[0].startswith(LIBRARIES):
            yield Path(where)


def font_folders() -> list[Path]:
    """fontconfig's default font folders and its caches of them."""
    home = Path.home()
    data = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    cache = Path(os.environ.get("XDG_CACHE_HOME") or home / ".cache")
    return [
        Path("/usr/share/fonts"),
        Path("/usr/local/share/fonts"),
        data / "fonts",
        home / ".fonts",
        Path("/var/cache/fontconfig"),
        cache / "fontconfig",
    ]


def _files_under(root: Path) -> Iterator[Path]:
    """Every entry under ``root`` (folders too: a font added or removed changes its
    folder), in a stable order; nothing if it does not exist."""
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError:
        return
    yield root
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            yield from _files_under(Path(entry.path))
        else:
            yield Path(entry.path)


def _stat_line(path: Path) -> bytes:
    """The file's real name (a library's carries its version), size and time of change."""
    try:
        real = os.path.realpath(path)
        st = os.stat(real)
    except OSError:
        return f"{path} missing\n".encode()
    return f"{path} {real} {st.st_size} {st.st_mtime_ns}\n".encode()
