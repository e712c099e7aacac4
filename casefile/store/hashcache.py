"""A derived cache of each record file's SHA-256, so that a command on a large case notices
hand edits (`session.untracked_changes`) without reading every record again: 106,000 record
files took ~10 s to hash before each batch of an `evidence add`, a stat of each takes ~0.5 s.

An entry stands only for the file it was made from, as in the listing cache
(casefile.store.listcache), and for the same reasons:

- its stat key (inode, size, mtime_ns, ctime_ns) is taken *before* the file is read, so a
  change during the read leaves a key that will not match again;
- any later change -- casefile's atomic rename (a new inode) or an edit by hand -- changes
  the key; a file changed within ``RACY_NS`` before the scan began is not kept at all
  (git's "racily clean" problem: a second write in the same clock tick could keep the
  timestamps; on FAT's 2 s clock, too);
- the file is sealed with an HMAC under the per-user key kept outside the case
  (casefile.store.cachekey): a cache shipped inside someone else's case folder or edited
  by hand is ignored as a whole.

`casefile verify` trusts no entry: it reads every byte, and saves what it read, so that an
edit a stat key cannot show (a same-size edit with its mtime put back, on a file system
without an independent ctime, FAT, or with cached attributes, NFS) is logged by the next
command, as verify then says. Never the truth: safe to delete, and a cache that cannot be
read or written is simply not used.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

from casefile.store.cachekey import unseal
from casefile.store.listcache import stat_key
from casefile.store.parsecache import CACHE_DIR, RACY_NS, write_sealed

PURPOSE = "record-hashes/1"


def file_sha256(path: str | os.PathLike[str]) -> str | None:
    """The SHA-256 of a file's bytes; None if there is no such file."""
    try:
        with open(path, "rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except FileNotFoundError:
        return None


class RecordHashes:
    """The SHA-256 of record files by their path relative to the case, looked up and saved
    a whole case at a time."""

    def __init__(self, case_root: Path, *, reread: bool = False) -> None:
        self.root = case_root
        self._reread = reread  # verify: read every file, trust no entry, save what was read
        # Files whose bytes changed under an unchanged stat key (reread only): the stat keys
        # of this file system cannot be trusted for them, nor the caches keyed by them.
        self.unseen_edits: list[str] = []
        self.path = case_root / CACHE_DIR / "hashes"
        self._known: dict[str, tuple[str, str]] = {}
        self._now: dict[str, tuple[os.stat_result, str]] = {}
        self._began = time.time_ns()  # before any stat: the racy window is measured from it
        try:
            self._body = unseal(PURPOSE, self.path.read_bytes()) or b""
        except OSError:
            self._body = b""
        try:
            for line in self._body.decode("utf-8", "surrogatepass").split("\n")[:-1]:
                rel, key, sha = line.split("\t")
                self._known[rel] = (key, sha)
        except ValueError:  # sealed by us, so never; but a cache is never worth a failure
            self._known = {}

    def sha256(self, rel: str) -> str | None:
        """The SHA-256 of the file at ``rel`` now; None if there is no such file."""
        path = os.path.join(self.root, rel)
        try:
            st = os.stat(path)
        except FileNotFoundError:
            return None
        known = self._known.get(rel)
        same_key = known is not None and known[0] == stat_key(st)
        if not self._reread and same_key:
            sha: str | None = known[1]  # type: ignore[index]
        else:
            sha = file_sha256(path)
            if same_key and sha is not None and sha != known[1]:  # type: ignore[index]
                self.unseen_edits.append(rel)
        if sha is None:  # gone since the stat
            return None
        self._now[rel] = (st, sha)
        return sha

    def save(self) -> None:
        """Keep what was looked up this time: a file not looked up is gone."""
        body = "".join(
            f"{rel}\t{stat_key(st)}\t{sha}\n"
            for rel, (st, sha) in self._now.items()
            if "\t" not in rel
            and "\n" not in rel
            and self._began - max(st.st_mtime_ns, st.st_ctime_ns) >= RACY_NS
        ).encode("utf-8", "surrogatepass")
        if body != self._body:
            write_sealed(self.path, PURPOSE, body)
