"""Parts of withheld names left in text: what `check` names, and what it takes for words."""

from __future__ import annotations

from casefile.assess.names import NameParts
from casefile.model.identity import Identity


def _shown(text: str, **identity: object) -> list[str]:
    parts = NameParts({"W-001": Identity(id="W-001", **identity)})  # type: ignore[arg-type]
    parts.look("INC-1", "f", text)
    return [w for _, _, _, words in parts.found() for w in words]


def test_parts_left_once_the_whole_forms_are_withheld() -> None:
    name = {"name": "Said Khalil", "other_names": ["أبو أحمد"]}
    # The whole name and the other form are withheld by the dossier: nothing to say.
    assert _shown("Said\nKhalil and أبو أحمد were there.", **name) == []
    # A part alone, in any case where it reads as a name; Arabic has no case.
    assert _shown("Khalil ran; SAID too; أحمد saw it.", **name) == ["Khalil", "SAID", "أحمد"]
    # Lower case in a cased script is an ordinary word; a particle alone says nothing.
    assert _shown("He said so; Abu and أبو came.", **name) == []


def test_no_identity_parts_no_search() -> None:
    assert _shown("Al Bo", name="Al Bo") == []  # parts under 3 letters point to no one


def test_a_dotless_i_in_capitals() -> None:
    """ "YILDIZ" folds to "yildiz", not "yıldız": it is not taken for the name, and does
    not stop the search either."""
    assert _shown("Mrs YILDIZ and Kaya were there.", name="Yıldız Kaya") == ["Kaya"]
    assert _shown("Yıldız was there.", name="Yıldız Kaya") == ["Yıldız"]
