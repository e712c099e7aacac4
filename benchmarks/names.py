"""Withheld names: how long one pattern for every form of every withheld name takes to
build and to apply to a paragraph, against the plain alternation casefile used before
(the longest form first). Prints figures; asserts nothing.

    python benchmarks/names.py [--forms 10000]

A dossier passes every piece of text through the pattern (casefile.render.view.Redactor),
and `check` every string of the records an audience reads (casefile.assess.names): a
case with thousands of witnesses makes thousands of forms.
"""

from __future__ import annotations

import argparse
import random
import re
import string
import time

from casefile.model.identity import names_pattern


def alternation(forms: list[str]) -> re.Pattern[str]:
    ordered = sorted({f.strip() for f in forms}, key=len, reverse=True)
    return re.compile(
        "|".join(r"\s+".join(re.escape(w) for w in f.split()) for f in ordered), re.IGNORECASE
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--forms", type=int, default=10_000)
    ap.add_argument("--texts", type=int, default=200)
    args = ap.parse_args()
    rng = random.Random(1)

    def word() -> str:
        return "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(4, 9)))

    half = args.forms // 2
    forms = [f"{word().title()} {word().title()}" for _ in range(half)]
    forms += [f"Abu {word().title()}" for _ in range(args.forms - half)]
    texts = [
        " ".join(word() for _ in range(45)) + f" {rng.choice(forms)}." for _ in range(args.texts)
    ]
    print(f"{args.forms} forms, {args.texts} paragraphs of ~330 characters")
    for name, build in [("trie (casefile)", names_pattern), ("alternation (before)", alternation)]:
        start = time.perf_counter()
        pattern = build(forms)
        built = time.perf_counter() - start
        assert pattern is not None
        start = time.perf_counter()
        outs = [pattern.sub("#", t) for t in texts]
        each = (time.perf_counter() - start) / len(texts)
        print(f"{name:22} build {built:6.2f} s   per paragraph {each * 1000:8.3f} ms")
        assert all(o.endswith("#.") for o in outs)


if __name__ == "__main__":
    main()
