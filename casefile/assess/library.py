"""The criteria library: shipped YAML package data, extended or overridden by a case's own files.

Shipped criteria are read through importlib.resources so the library is found wherever the
package is installed; case criteria live in `<case>/criteria/*.yaml` so a case folder stays
self-describing even if a later release of the tool changes its shipped wording.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from casefile.errors import NotFoundError, RecordError
from casefile.model.criteria import Criterion
from casefile.store.yamlio import parse_yaml, read_text, validate

SHIPPED_ORDER: tuple[str, ...] = (
    "distinction",
    "indiscriminate",
    "proportionality",
    "precautions",
    "medical",
    "rs-8-2-b-i",
    "rs-8-2-e-i",
    "rs-8-2-b-ii",
    "rs-8-2-b-ix",
    "rs-8-2-e-iv",
    "rs-8-2-b-iv",
)
"""Customary rules first, then the Rome Statute sets: the order of the legal framework chapter."""

CASE_CRITERIA_DIR = "criteria"


def _shipped_dir() -> Traversable:
    return files("casefile") / "criteria"


def _parse_criterion(text: str, where: str, stem: str) -> Criterion:
    criterion = validate(Criterion, parse_yaml(text, where), where)
    if criterion.id != stem:
        # One file per id keeps overrides unambiguous: two files can never claim the same id.
        raise RecordError(where, "id", f"expected {stem!r} to match the file name")
    criterion._source = where
    return criterion


def _shipped_sort_key(criterion_id: str) -> tuple[int, str]:
    try:
        return (SHIPPED_ORDER.index(criterion_id), criterion_id)
    except ValueError:
        return (len(SHIPPED_ORDER), criterion_id)


def load_shipped() -> dict[str, Criterion]:
    """The library as released with the tool, in framework order."""
    loaded: dict[str, Criterion] = {}
    for entry in _shipped_dir().iterdir():
        name = entry.name
        if not name.endswith(".yaml") or not entry.is_file():
            continue
        where = f"casefile/criteria/{name}"
        try:
            text = entry.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:  # pragma: no cover - broken installation
            raise RecordError(where, None, f"cannot be read ({exc})") from None
        criterion = _parse_criterion(text, where, name.removesuffix(".yaml"))
        loaded[criterion.id] = criterion
    return {cid: loaded[cid] for cid in sorted(loaded, key=_shipped_sort_key)}


def load_case_criteria(case_root: Path) -> list[Criterion]:
    """A case's own criteria, sorted by file name so loading is deterministic."""
    folder = case_root / CASE_CRITERIA_DIR
    if not folder.is_dir():
        return []
    criteria: list[Criterion] = []
    for path in sorted(folder.glob("*.yaml")):
        if not path.is_file():
            continue
        where = f"{CASE_CRITERIA_DIR}/{path.name}"
        criteria.append(_parse_criterion(read_text(path, where), where, path.stem))
    return criteria


def load_library(case_root: Path | None) -> dict[str, Criterion]:
    """Shipped criteria, then the case's: a case file with a shipped id replaces that criterion
    in place (keeping its position), any other id is appended. Any invalid file is an error,
    never skipped, because a silently missing criterion would change a dossier's conclusions."""
    library = load_shipped()
    if case_root is not None:
        for criterion in load_case_criteria(Path(case_root)):
            library[criterion.id] = criterion
    return library


def get_criterion(library: dict[str, Criterion], criterion_id: str) -> Criterion:
    try:
        return library[criterion_id]
    except KeyError:
        known = ", ".join(library) or "none"
        raise NotFoundError(f"unknown criterion {criterion_id!r} (known: {known})") from None
