"""A per-user secret that seals derived caches, so a case folder cannot bring its own.

A case folder may come from someone else, on a drive that keeps inode numbers and
timestamps as its author made them; a cache shipped inside it could then match every
record file's stat key and say whatever its author liked. A cache sealed with an HMAC
under a key that never leaves this user's cache folder (``$XDG_CACHE_HOME/casefile``,
else ``~/.cache/casefile``) can only have been written by casefile for this user, so a
matching stat key really means "casefile read exactly this file and wrote this entry".
Without the key (no home, a read-only one, a key file others can write), caches are
simply not trusted: slower, never wrong.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

KEY_BYTES = 32
_key: bytes | None = None
_loaded = False


def key_path() -> Path:
    base = os.environ.get("XDG_CACHE_HOME", "")
    # The XDG spec: a relative path is invalid and is ignored.
    root = Path(base) if os.path.isabs(base) else Path.home() / ".cache"
    return root / "casefile" / "cache-key"


def cache_key() -> bytes | None:
    """This user's key, created on first use; None when it cannot be had safely."""
    global _key, _loaded
    if not _loaded:
        _key = _read_or_create()
        _loaded = True
    return _key


def reset() -> None:
    """Forget the key read by this process (tests change ``XDG_CACHE_HOME``)."""
    global _key, _loaded
    _key, _loaded = None, False


def _read_or_create() -> bytes | None:
    try:
        path = key_path()
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not path.exists():
            # Written whole to a temp name, then linked: a second process sees no key or
            # the full key, never half of one, and the first link wins.
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                os.write(fd, secrets.token_bytes(KEY_BYTES))
                os.fsync(fd)
            finally:
                os.close(fd)
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass
            finally:
                os.unlink(tmp)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        try:
            st = os.fstat(fd)
            if st.st_uid != os.getuid() or st.st_mode & 0o077:
                return None  # someone else could know or set it
            data = os.read(fd, KEY_BYTES + 1)
        finally:
            os.close(fd)
    except (OSError, RuntimeError):  # RuntimeError: no home folder to be found
        return None
    return data if len(data) == KEY_BYTES else None


def seal(purpose: str, body: bytes) -> bytes | None:
    """``body`` behind one header line holding its MAC; None without a key."""
    key = cache_key()
    if key is None:
        return None
    return f"casefile-sealed {_mac(key, purpose, body)}\n".encode() + body


def unseal(purpose: str, data: bytes) -> bytes | None:
    """The body of what `seal` wrote for the same ``purpose``; None if anything differs."""
    key = cache_key()
    head, sep, body = data.partition(b"\n")
    if key is None or not sep or not head.startswith(b"casefile-sealed "):
        return None
    mac = _mac(key, purpose, body)
    if not hmac.compare_digest(head[len(b"casefile-sealed ") :], mac.encode()):
        return None
    return body


def _mac(key: bytes, purpose: str, body: bytes) -> str:
    mac = hmac.new(key, purpose.encode() + b"\n", hashlib.sha256)
    mac.update(body)  # not concatenated first: a cache is tens of MB
    return mac.hexdigest()
