"""identities/W-001.yaml: the only place a witness's real name and contact may live."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Annotated

from pydantic import AfterValidator

from casefile.model.base import Record, StatementId

MIN_FORM = 3


def _check_form(value: str) -> str:
    if len("".join(value.split())) < MIN_FORM:
        raise ValueError(
            f"at least {MIN_FORM} characters besides spaces: a shorter form would be "
            "withheld inside ordinary words"
        )
    return value


def _check_name(value: str) -> str:
    if not value.strip():
        raise ValueError("a name is required: a blank name would withhold nothing")
    return value


class Identity(Record):
    id: StatementId
    name: Annotated[str, AfterValidator(_check_name)]
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
    try:
        return re.compile(_regex(trie), re.IGNORECASE)
    except (RecursionError, re.error):
        # Hundreds of forms each a prefix of the next nest groups deeper than the regex
        # parser goes: their alternation, the longest first, is flat.
        ordered = sorted(forms, key=len, reverse=True)
        return re.compile("|".join(map(_form_regex, ordered)), re.IGNORECASE)


def _form_regex(form: str) -> str:
    return r"\s+".join(re.escape(word) for word in form.split())


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


def _regex(root: _Trie) -> str:
    """The trie as a pattern, built without recursion (a name may be thousands of
    characters long), a run of nodes with one way on written at once."""

    def run(key: str, child: _Trie) -> tuple[str, _Trie]:
        parts = [_edge(key)]
        while len(child) == 1 and _END not in child:
            ((key, child),) = child.items()
            parts.append(_edge(key))
        return "".join(parts), child

    built: dict[int, str] = {}
    stack: list[tuple[_Trie, bool]] = [(root, False)]
    while stack:
        node, ready = stack.pop()
        edges = [run(key, child) for key, child in sorted(node.items()) if key != _END]
        if not ready:
            stack.append((node, True))
            stack.extend((end, False) for _, end in edges)
            continue
        branches = [text + built.pop(id(end)) for text, end in edges]
        if not branches:
            built[id(node)] = ""
            continue
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        built[id(node)] = f"(?:{body})?" if _END in node else body
    return built[id(root)]


def _edge(key: str) -> str:
    return r"\s+" if key == _SEP else re.escape(key)
