"""Withheld names are taken out of text as their forms say: any case, any run of whitespace
between words, inside longer words too, the longest form at each place -- also with
thousands of forms (one pattern for every witness of a large case)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from casefile.model.identity import names_pattern

MARK = "#"


def _reference(forms: list[str], text: str) -> str:
    """The rule spelled out slowly: from the left, at each place the longest match of any
    form (each its own case-insensitive pattern) is replaced, else one character kept."""
    patterns = [
        re.compile(r"\s+".join(re.escape(w) for w in f.split()), re.IGNORECASE)
        for f in {f.strip() for f in forms if f.strip()}
    ]
    out, i = [], 0
    while i < len(text):
        ends = [m.end() for p in patterns if (m := p.match(text, i)) and m.end() > i]
        if ends:
            out.append(MARK)
            i = max(ends)
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


LETTERS = st.sampled_from(list("abAB .\u0130i\u0307\u00df(\u0623\u062d"))
FORMS = st.lists(st.text(LETTERS, min_size=1, max_size=6), min_size=1, max_size=6)


@settings(max_examples=400, deadline=None)
@given(
    FORMS, st.text(st.sampled_from(list("abAB .\u0130i\u0307\u00df(\u0623\u062d\n\t")), max_size=30)
)
def test_the_pattern_takes_out_what_the_rule_says(forms: list[str], text: str) -> None:
    pattern = names_pattern(forms)
    expected = _reference(forms, text)
    assert (pattern.sub(MARK, text) if pattern else text) == expected


def test_examples() -> None:
    pattern = names_pattern(["Ahmad Khalil", "ahmad", "Abu  Ahmad", "أحمد"])
    assert pattern is not None
    assert pattern.sub(MARK, "AHMAD\n  KHALIL said; Abu Ahmad and وأحمد; Ahmadi.") == (
        "# said; # and و#; #i."
    )
    assert names_pattern([" ", ""]) is None
    # The longest form wins where two start at one place, however they are spaced.
    assert names_pattern(["a    b", "a b c"]).sub(MARK, "a b c") == MARK  # type: ignore[union-attr]


def test_thousands_of_forms() -> None:
    """A pattern for 10,000 forms (benchmarks/names.py times it) still takes out each."""
    forms = [f"Given{n:05d} Family{n:05d}" for n in range(5000)]
    forms += [f"Abu Nick{n:05d}" for n in range(5000)]
    pattern = names_pattern(forms)
    assert pattern is not None
    text = "A market day; Given04711  family04711 and abu NICK00042 ran; Given04712 too."
    assert pattern.sub(MARK, text) == "A market day; # and # ran; Given04712 too."


def test_one_key_for_each_case_class() -> None:
    """Characters a case-insensitive pattern takes for one another share a trie key (else
    a shorter form could win over a longer one spelled in another case), and a key
    matches the character it stands for."""
    from casefile.model.identity import _fold

    every = (chr(i) for i in range(0x110000) if not 0xD800 <= i < 0xE000)
    chars = [c for c in every if c.lower() != c or c.upper() != c or c.casefold() != c]
    assert [c for c in chars if not re.fullmatch(re.escape(_fold(c)), c, re.IGNORECASE)] == []
    classes: dict[str, set[str]] = {}
    for c in chars:
        for other in {c.lower(), c.upper(), c.casefold()}:
            if len(other) == 1 and re.fullmatch(re.escape(c), other, re.IGNORECASE):
                classes.setdefault(c, set()).add(other)
    assert [(c, o) for c, os in classes.items() for o in os if _fold(c) != _fold(o)] == []
    # Pairs no case mapping joins, yet the regex engine does (polytonic Greek, ligatures).
    for a, b in [("\u0390", "\u1fd3"), ("\u03b0", "\u1fe3"), ("\ufb05", "\ufb06")]:
        assert re.fullmatch(re.escape(a), b, re.IGNORECASE) and _fold(a) == _fold(b)


def test_hostile_forms() -> None:
    """A name thousands of characters long, and hundreds of forms each a prefix of the next
    (groups nested deeper than the regex parser goes), are withheld all the same."""
    long_name = "Ab " * 20_000 + "End"
    pattern = names_pattern([long_name])
    assert pattern is not None
    assert pattern.sub(MARK, f"x {long_name} y") == f"x {MARK} y"
    prefixes = ["N" + "a" * k for k in range(1, 700)]
    pattern = names_pattern(prefixes)
    assert pattern is not None
    assert pattern.sub(MARK, "N" + "a" * 699 + " Naa!") == MARK + " " + MARK + "!"
