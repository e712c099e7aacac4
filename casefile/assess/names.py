"""`check`'s search for parts of withheld names left in what an audience will read.

A dossier withholds a witness's name, and each other form recorded for it, wherever it is
written (casefile.model.identity.names_pattern). A researcher may still write a part of it
-- "Ahmad said", "the Khalil family" -- which no rule can tell from another person of the
same name. So this is a warning, naming where the word is, for a person to judge: add the
form to the identity's other_names, or reword.
"""

from __future__ import annotations

import re

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


class NameParts:
    """The parts of the withheld names, and where they are found left in text."""

    def __init__(self, withheld: dict[str, Identity]) -> None:
        self._withheld = withheld
        self._owners: dict[str, list[str]] = {}
        for statement_id, identity in sorted(withheld.items()):
            for part in name_parts(identity):
                self._owners.setdefault(part, []).append(statement_id)
        # The spellings a quick test looks for: each part as written, capitalised and in
        # capitals. A set test per text: casefolding each word of 100,000 exhibits took
        # seconds. `look` then takes any case but lower.
        self._spellings = {
            spelling
            for identity in withheld.values()
            for form in identity.names()
            for word in WORD.findall(form)
            if word.casefold() in self._owners
            for spelling in (word, word.capitalize(), word.upper())
            if spelling.casefold() in self._owners  # "YILDIZ" is not "yıldız" folded
        }
        self._patterns: dict[tuple[str, ...], re.Pattern[str] | None] = {}
        self._found: dict[tuple[str, str], tuple[list[str], list[str]]] = {}

    def _candidates(self, text: str) -> list[str]:
        """The words of the text spelled as a part is: most texts have none, and cost a
        split and a set test, not a pattern of every name."""
        spellings = self._spellings
        return [w for w in CAPITALISED.findall(text) if w in spellings]

    def may_hold(self, text: str) -> bool:
        """Could the text hold a part? A quick test of a record's strings run together."""
        return bool(self._candidates(text))

    def look(self, record_id: str, field: str, text: str) -> None:
        """Note each word left in ``text`` that is a part of a withheld name, once the
        names are taken out as the dossier takes them out. A word written in lower case
        where its script has case ("said", "hope") is taken for an ordinary word."""
        candidates = self._candidates(text)
        if not candidates:
            return
        # Only the names these words are parts of can be written here whole.
        sids = tuple(sorted({sid for w in candidates for sid in self._owners[w.casefold()]}))
        if sids not in self._patterns:
            self._patterns[sids] = names_pattern(
                n for sid in sids for n in self._withheld[sid].names()
            )
        pattern = self._patterns[sids]
        left = pattern.sub(" ", text) if pattern is not None else text
        for word in WORD.findall(left):
            if word[0].islower() or (owners := self._owners.get(word.casefold())) is None:
                continue
            for sid in owners:
                fields, words = self._found.setdefault((record_id, sid), ([], []))
                if field not in fields:
                    fields.append(field)
                if word not in words:
                    words.append(word)

    def found(self) -> list[tuple[str, str, list[str], list[str]]]:
        """(record id, statement id, fields, words), one per record and witness, in the
        order found."""
        return [(rid, sid, fields, words) for (rid, sid), (fields, words) in self._found.items()]


# A word that begins with a capital Latin letter or any character beyond ASCII (other
# scripts): words in lower case, numbers and hashes are not even split out.
CAPITALISED = re.compile(r"\b[A-Z\u00c0-\U0010ffff]\w*")
