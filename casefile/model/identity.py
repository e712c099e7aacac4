"""identities/W-001.yaml: the only place a witness's real name and contact may live."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Annotated

from pydantic import AfterValidator

from casefile.model.base import Record, StatementId

MIN_FORM = 3


def _check_form(value: str) -> str:
    if len(value.strip()) < MIN_FORM:
        raise ValueError(
            f"at least {MIN_FORM} characters: a shorter form would be withheld inside "
            "ordinary words"
        )
    return value


class Identity(Record):
    id: StatementId
    name: str
    # Other forms the witness is known by or written as (a first name alone, a kunya such
    # as "Abu Ahmad", a nickname, another spelling or script): withheld wherever the name
    # is, since the name alone would leave "Abu Ahmad said..." in a public dossier.
    other_names: list[Annotated[str, AfterValidator(_check_form)]] | None = None
    contact: str | None = None
    notes: str | None = None

    def names(self) -> list[str]:
        return [self.name, *(self.other_names or [])]


def names_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern for every form of every withheld name, the longest first (so a full name
    is withheld whole, not around a shorter form inside it), case-insensitive. A name
    typed into prose may be wrapped over lines or spaced differently: any run of
    whitespace matches between its words. Matched inside longer words too: Arabic writes
    "and" (و) and "the" (ال) joined to the word that follows."""
    forms = sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True)
    if not forms:
        return None
    return re.compile(
        "|".join(r"\s+".join(re.escape(word) for word in form.split()) for form in forms),
        re.IGNORECASE,
    )
