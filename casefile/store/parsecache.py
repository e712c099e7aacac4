"""A derived cache of parsed YAML records, so a large case lists in seconds.

Parsing YAML is by far the slowest part of loading 100,000 exhibit records (pure-Python
object construction, even over libyaml). This cache keeps, per record folder, the parsed
(not validated) data of each file under ``<case>/.casefile-cache/records/<folder>.json``,
keyed by the file's identity: inode, size, mtime and ctime in nanoseconds. Atomic writes
rename a new inode into place, so any change to a record (by casefile or by hand) misses
and is parsed from the file again. A file changed less than ``RACY_NS`` before it was read
is not cached: a second in-place write in the same clock tick could keep all four.

Records are always validated by their model after the cache, exactly as after parsing,
so a tampered cache could never make a record invalid; and the cache is sealed with a
per-user key kept outside the case (casefile.store.cachekey), so one shipped inside
someone else's case folder -- say on a drive that keeps its author's inode numbers and
timestamps, where stat keys could match -- cannot make a record say anything else either.

Never the truth (DESIGN.md, principle 1): safe to delete, rebuilt from the files, and a
cache that cannot be read or written is simply not used.
"""

from __future__ import annotations

import atexit
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from casefile.store.atomic import write_atomic
from casefile.store.cachekey import seal, unseal

VERSION = 2  # 2: sealed (casefile.store.cachekey)
RACY_NS = 2_000_000_000
# Loading a folder's cache costs ~25 us a record it holds, parsing one file ~1.5 ms: when
# fewer than one record in FEW_PER files must be parsed, parsing them directly is cheaper.
FEW_PER = 60
CACHE_DIR = Path(".casefile-cache") / "records"


class ParseCache:
    def __init__(self, case_root: Path) -> None:
        self.root = case_root / CACHE_DIR
        self._folders: dict[str, dict[str, list[Any]]] = {}
        self._dirty: set[str] = set()
        self._registered = False
        self._direct: set[str] = set()

    @contextmanager
    def direct_if_few(self, folder: str, misses: int, total: int) -> Iterator[None]:
        """While in it, parse the files of ``folder`` directly, neither loading nor saving
        its cache, when only ``misses`` of ``total`` records need parsing and the cache is
        not loaded yet. The listing cache already holds the others: right after 256 files
        are added to a 100,000-exhibit case, `check` would otherwise load and rewrite a
        45 MB cache to parse 256 small files."""
        few = folder not in self._folders and misses * FEW_PER < total
        if few:
            self._direct.add(folder)
        try:
            yield
        finally:
            self._direct.discard(folder)

    def _folder(self, folder: str) -> dict[str, list[Any]]:
        entries = self._folders.get(folder)
        if entries is None:
            entries = {}
            try:
                body = unseal(_purpose(folder), (self.root / f"{folder}.json").read_bytes())
                data = None if body is None else json.loads(body)
                if isinstance(data, dict) and data.get("version") == VERSION:
                    files = data.get("files")
                    if isinstance(files, dict):
                        entries = files
            except (OSError, ValueError):
                pass
            self._folders[folder] = entries
        return entries

    def parse(self, path: Path | str, parse: Any) -> Any:
        """``parse(path)`` of the file at ``path``, from the cache when the file is unchanged.

        Takes a plain string too: over 100,000 records pathlib's own cost shows."""
        full = os.fspath(path)
        folder_path, name = os.path.split(full)
        folder = os.path.basename(folder_path)
        if folder in self._direct:
            return parse(path)
        try:
            st = os.stat(full)
        except OSError:
            return parse(path)
        key = [st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]
        entries = self._folder(folder)
        hit = entries.get(name)
        if isinstance(hit, list) and len(hit) == 5 and hit[:4] == key:
            return hit[4]
        data = parse(path)
        if not _plain(data):
            return data  # e.g. an unquoted date in a hand-written file: JSON would change it
        if time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) < RACY_NS:
            return data
        entries[name] = [*key, data]
        self._dirty.add(folder)
        if not self._registered:
            atexit.register(self.save)
            self._registered = True
        return data

    def save(self) -> None:
        for folder in sorted(self._dirty):
            entries = self._folders[folder]
            try:
                present = set(os.listdir(self.root.parent.parent / folder))
                kept = {k: v for k, v in entries.items() if k in present}
                text = json.dumps({"version": VERSION, "files": kept}, separators=(",", ":"))
                write_sealed(self.root / f"{folder}.json", _purpose(folder), text.encode())
            except (OSError, TypeError, ValueError, UnicodeError):
                pass  # a read-only case, or data JSON cannot hold: just not cached
        self._dirty.clear()


def forget_record_caches(case_root: Path) -> None:
    """Delete the parsed and listed records (derived, rebuilt from the files): for when a
    record's bytes changed under a stat key that did not (`verify` finds it), so entries
    keyed by stats may stand for bytes no longer there."""
    for path in (case_root / CACHE_DIR).glob("*"):
        if path.suffix in (".json", ".listing"):
            path.unlink(missing_ok=True)


def write_sealed(path: Path, purpose: str, body: bytes) -> None:
    """Write a derived cache file, directly in CACHE_DIR, sealed for ``purpose``
    (casefile.store.cachekey), with the .gitignore that keeps the cache out of a case kept
    in git. Not written without a key; a read-only case is simply not cached."""
    sealed = seal(purpose, body)
    if sealed is None:
        return
    try:
        gitignore = path.parent.parent / ".gitignore"
        if not gitignore.exists():
            write_atomic(gitignore, "# derived, safe to delete\n*\n", durable=False)
        write_atomic(path, sealed, durable=False)
    except OSError:
        pass


def _purpose(folder: str) -> str:
    return f"parse/{folder}/{VERSION}"


def _plain(value: Any) -> bool:
    """True if JSON holds ``value`` exactly (so the cache returns what the parser did)."""
    if value is None or isinstance(value, str | bool | int | float):
        return True
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    return False
