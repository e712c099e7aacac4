"""Identifiers are users' handles that end up in file names and dossiers: constrained.
(The pydantic field types built on these checks are in casefile.model.base: this module is
imported by every path to a record file, listings included, without pydantic.)"""

from __future__ import annotations

import re

# Matched with fullmatch: "$" would also accept a trailing newline ("E-0001\n").
ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")
EXHIBIT_ID = re.compile(r"E-\d{4,}")
STATEMENT_ID = re.compile(r"W-\d{3,}")


def check_id(value: str) -> str:
    if not ID_PATTERN.fullmatch(value) or ".." in value:
        raise ValueError(
            f"invalid id {value!r}: expected letters, digits, '-', '_' or '.', "
            "no path separators and no '..'"
        )
    return value


def check_exhibit_id(value: str) -> str:
    if not EXHIBIT_ID.fullmatch(value):
        raise ValueError(f"invalid exhibit id {value!r}: expected E-0001")
    return value


def check_statement_id(value: str) -> str:
    check_id(value)
    if not STATEMENT_ID.fullmatch(value):
        raise ValueError(f"invalid statement id {value!r}: expected W-001")
    return value


def short_hash(sha256: str) -> str:
    """How a table names an exhibit's bytes: the first 12 hex digits of their SHA-256."""
    return sha256[:12]
