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
    """One pattern for every form of every withheld name, case-insensitive, the longest form
    matching at a place taken whole (so a full name is withheld whole, not around a shorter
    form inside it). A name typed into prose may be wrapped over lines or spaced
    differently: any run of whitespace matches between its words. Matched inside longer
    words too: Arabic writes "and" (و) and "the" (ال) joined to the word that follows.

    The forms are merged into a trie, so the pattern tries each character once at a place
    instead of every form in turn: 10,000 forms (a case with thousands of witnesses) take a
    paragraph apart in ~0.2 ms, where their alternation took ~55 ms
    (benchmarks/names.py)."""
    forms = {n.strip() for n in names if n and n.strip()}
    if not forms:
        return None
    trie: _Trie = {}
    for form in forms:
        node = trie
        for i, word in enumerate(form.split()):
            if i:
                node = node.setdefault(_SEP, {})
            for ch in word:
                node = node.setdefault(_fold(ch), {})
        node[_END] = {}
    return re.compile(_regex(trie), re.IGNORECASE)


_Trie = dict[str, "_Trie"]
_SEP = " "  # between the words of a form: any run of whitespace in the text
_END = ""  # a form ends here


def _fold(ch: str) -> str:
    """One key for the characters a case-insensitive pattern takes for one another ("A" and
    "a"; "İ" and "i"; "ſ" and "s"), so that "Ahmad" and "ahmad khalil" share a branch and
    the longer wins. Checked against every character's regex case class
    (tests/render/test_withheld_names.py)."""
    key = ch.lower()[0]  # "İ" lowers to "i" and a combining dot
    upper = key.upper()
    if len(upper) == 1 and len(upper.lower()) == 1:
        key = upper.lower()  # "ſ" -> "S" -> "s"
    return _SAME.get(key, key)


# Pairs the regex engine takes as one although their cases differ (re's extra cases).
_SAME = {"\u1fd3": "\u0390", "\u1fe3": "\u03b0", "\ufb06": "\ufb05"}


def _regex(node: _Trie) -> str:
    branches = [
        (r"\s+" if key == _SEP else re.escape(key)) + _regex(child)
        for key, child in sorted(node.items())
        if key != _END
    ]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if _END in node else body
