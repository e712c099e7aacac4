"""Identifiers are users' handles that end up in file names and dossiers: constrained."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator

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


RecordId = Annotated[str, AfterValidator(check_id)]
ExhibitId = Annotated[str, AfterValidator(check_exhibit_id)]
StatementId = Annotated[str, AfterValidator(check_statement_id)]
