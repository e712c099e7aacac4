"""`check`'s search for parts of withheld names left in what an audience will read.

A dossier withholds a witness's name, and each other form recorded for it, wherever it is
written (casefile.model.identity.names_pattern). A researcher may still write a part of it
-- "Ahmad said", "the Khalil family" -- which no rule can tell from another person of the
same name. So this is a warning, naming where the word is, for a person to judge: add the
form to the identity's other_names, or reword.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from casefile.model.identity import Identity, names_pattern

MIN_PART = 3
# Words of a name that say nothing of who it is: patronymic and family particles, titles.
PARTICLES = frozenset(
    "abu abou umm bin ibn bint ben bou ould al el ul ad ar as az ash at "
    "mr mrs ms miss dr sheikh sheik haji hajji dad van von der den del della de la le "
    "da do dos das du di mac mc "
    "أبو ابو أم ام ابن بن بنت آل".split()  # the same in Arabic script
)
WORD = re.compile(r"\w+")


def name_parts(identity: Identity) -> set[str]:
    """The words of every form of the name that could point to the person, casefolded."""
    return {
        word.casefold()
        for form in identity.names()
        for word in WORD.findall(form)
        if len(word) >= MIN_PART and word.casefold() not in PARTICLES and not word.isdigit()
    }


def shown_name_parts(
    texts: Iterable[tuple[str, str, str]], withheld: dict[str, Identity]
) -> list[tuple[str, str, list[str], list[str]]]:
    """For each (record id, field, text) an audience will read, with the withheld names
    taken out as the dossier takes them out, the words left that are parts of a withheld
    name: (record id, statement id, fields, words), one entry per record and witness, in
    the order found. A word written in lower case where its script has case ("said",
    "hope") is taken for an ordinary word, not a name."""
    owners: dict[str, list[str]] = {}
    for statement_id, identity in sorted(withheld.items()):
        for part in name_parts(identity):
            owners.setdefault(part, []).append(statement_id)
    if not owners:
        return []
    pattern = names_pattern(n for identity in withheld.values() for n in identity.names())
    found: dict[tuple[str, str], tuple[list[str], list[str]]] = {}
    for record_id, field, text in texts:
        if pattern is not None:
            text = pattern.sub(" ", text)
        for word in WORD.findall(text):
            if word[0].islower() or (sids := owners.get(word.casefold())) is None:
                continue
            for sid in sids:
                fields, words = found.setdefault((record_id, sid), ([], []))
                if field not in fields:
                    fields.append(field)
                if word not in words:
                    words.append(word)
    return [(rid, sid, fields, words) for (rid, sid), (fields, words) in found.items()]
