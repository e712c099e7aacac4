"""A derived cache of validated records as listing JSON, so 100,000 exhibits list in a second.

Loading a record costs a stat, a parse and a pydantic validation; dumping it back to JSON
costs as much again. For the listings (``incident list``, ``evidence list``, ``witness
list``, with or without ``--json``) this cache keeps, per record file, the compact JSON
text of the *validated* record (exactly what ``--json`` prints for it), in
``<case>/.casefile-cache/records/<folder>.listing``, one ``name<TAB>key<TAB>json`` line each.

A listing prints a hit without validating again (CaseFolder.listing_json), so listing an
unchanged case loads no record and not even pydantic (~0.2 s of a command's start);
`check` and `render` validate hits from this text (CaseFolder.exhibits), which skips the
parse cache and its 43 MB of JSON on a large case. Printing unvalidated is sound because
an entry stands only for the file it was made from:

- it is written only after the record validated (and matched its file name), under the
  stat key (inode, size, mtime_ns, ctime_ns) taken *before* the file was read, so a change
  during the read leaves a key that will not match again;
- any later change to the file -- by casefile (atomic rename: a new inode) or by hand --
  changes that key; a file changed within ``RACY_NS`` before its listing began is not cached at all,
  since a second write in the same clock tick could keep its timestamps (git's "racily
  clean" problem);
- the file is sealed with an HMAC under a per-user key kept outside the case
  (casefile.store.cachekey), and the seal covers a digest of the model source, pydantic
  and Python versions: a cache shipped inside someone else's case folder, edited by hand
  or made by another version of the models is ignored as a whole.

Never the truth (DESIGN.md, principle 1): safe to delete, rebuilt from the files, and a
cache that cannot be read or written is simply not used.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import time
from pathlib import Path
from typing import Any

from casefile.store.cachekey import unseal
from casefile.store.parsecache import CACHE_DIR, RACY_NS, write_sealed

FORMAT = 1


def record_json(data: Any) -> str:
    """The one compact JSON form of a record, as listings print it for scripts."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def stat_key(st: os.stat_result) -> str:
    return f"{st.st_ino}:{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}"


def model_digest() -> str:
    """Changes whenever the validation or the dump could: casefile's version; the source of
    the models, of the YAML loader, and of what reads a record file and chooses what its
    listing prints (casefile.store.case, this module); pydantic; Python."""
    import casefile.model
    import casefile.store.case
    import casefile.store.yamlio
    from casefile import __version__

    h = hashlib.sha256(f"{FORMAT}|{__version__}|{_pydantic_release()}|{sys.version}".encode())
    folder = Path(casefile.model.__file__).parent
    readers = [casefile.store.yamlio.__file__, casefile.store.case.__file__, __file__]
    for path in [*sorted(folder.glob("*.py")), *map(Path, readers)]:
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def _pydantic_release() -> str:
    """Which pydantic and pydantic-core are installed, without importing them (a listing
    from the cache never loads pydantic): the names of their dist-info folders, which
    carry the versions; the versions themselves if those cannot be found."""
    import importlib.util

    sites = set()
    for package in ("pydantic", "pydantic_core"):
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            sites.add(None)
            continue
        sites.add(Path(next(iter(spec.submodule_search_locations))).parent)
    if len(sites) == 1 and None not in sites:
        (site,) = sites
        try:
            names = [n for n in os.listdir(site) if n.endswith(".dist-info")]
        except OSError:
            names = []
        found = [
            [n for n in names if re.match(rf"{package}-\d", n)]
            for package in ("pydantic", "pydantic_core")
        ]
        if all(len(f) == 1 for f in found):  # one of each, beside the packages themselves
            return ",".join(f[0] for f in found)
    import pydantic
    import pydantic_core

    return f"{pydantic.VERSION},{pydantic_core.__version__}"


class ListingCache:
    """The cached listing JSON of one record folder (e.g. "exhibits"), looked up and
    rewritten a whole listing at a time."""

    def __init__(self, case_root: Path, folder: str) -> None:
        self.path = case_root / CACHE_DIR / f"{folder}.listing"
        self._purpose = f"listing/{folder}/{model_digest()}"
        self._began = time.time_ns()  # made before the listing's stats are taken
        self._lines: list[str] = []
        try:
            body = unseal(self._purpose, self.path.read_bytes())
        except OSError:
            body = None
        if body:
            self._lines = body.decode("utf-8", "surrogatepass").split("\n")[:-1]

    def lookup(self, names: list[str], stats: list[os.stat_result | None]) -> list[str | None]:
        """The cached text of each file whose stat key (None: no stat) still matches.

        The cache is written in listing order, so line i is nearly always file i; a name
        index is built only when the folder changed."""
        lines = self._lines
        index: dict[str, str] | None = None
        found: list[str | None] = []
        for i, (name, st) in enumerate(zip(names, stats, strict=True)):
            if st is None or not _safe(name):
                found.append(None)
                continue
            prefix = f"{name}\t{stat_key(st)}\t"
            line = lines[i] if i < len(lines) else ""
            if not line.startswith(prefix):
                if index is None:
                    index = {entry.partition("\t")[0]: entry for entry in lines}
                line = index.get(name, "")
                if not line.startswith(prefix):
                    found.append(None)
                    continue
            found.append(line[len(prefix) :])
        return found

    def update(
        self,
        names: list[str],
        stats: list[os.stat_result | None],
        found: list[str | None],
        texts: list[str | None],
    ) -> None:
        """Save this listing (`save`) unless every file hit and nothing else is cached."""
        if None in found or len(self._lines) != len(names):
            self.save(names, stats, texts)

    def save(
        self, names: list[str], stats: list[os.stat_result | None], texts: list[str | None]
    ) -> None:
        """Replace the cache with this listing: ``texts[i]`` is the validated record read
        from ``names[i]`` after ``stats[i]`` was taken (None: it failed)."""
        lines = [
            f"{name}\t{stat_key(st)}\t{text}\n"
            for name, st, text in zip(names, stats, texts, strict=True)
            if st is not None
            and text is not None
            and _safe(name)
            and "\n" not in text
            and self._began - max(st.st_mtime_ns, st.st_ctime_ns) >= RACY_NS
        ]
        if not lines and not self._lines:
            return  # nothing to keep and nothing to forget
        write_sealed(self.path, self._purpose, "".join(lines).encode("utf-8", "surrogatepass"))


def _safe(name: str) -> bool:
    """A name that cannot break the line format (no record file has such a name)."""
    return "\t" not in name and "\n" not in name
