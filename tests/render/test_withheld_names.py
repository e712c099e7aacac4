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
