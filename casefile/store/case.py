"""The case folder: where each record lives, loading with validation, and finding the case."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from casefile.errors import (
    CasefileError,
    CaseNotFoundError,
    NotFoundError,
    RecordError,
    UserInputError,
)
from casefile.model.ids import check_id
from casefile.store.atomic import is_temp_name
from casefile.store.listcache import ListingCache, record_json
from casefile.store.objects import ObjectStore
from casefile.store.parsecache import ParseCache
from casefile.store.yamlio import dump_yaml, load_record, parse_yaml, read_text, validate

if TYPE_CHECKING:
    # The models (and pydantic) load when a record is validated, not before: a listing
    # served from its cache never needs them (see `listing_json`).
    from casefile.model.assessment import Assessment
    from casefile.model.case import Case
    from casefile.model.exhibit import Exhibit
    from casefile.model.identity import Identity
    from casefile.model.incident import Incident
    from casefile.model.statement import Statement

CASE_FILE = "case.yaml"
FRONT = "---\n"

# Folders whose files are records, and the suffix a record file has there.
RECORD_FOLDERS: dict[str, str] = {
    "incidents": ".yaml",
    "exhibits": ".yaml",
    "statements": ".md",
    "identities": ".yaml",
    "assessments": ".yaml",
    "criteria": ".yaml",
}


def safe_id(value: str) -> str:
    try:
        return check_id(value)
    except ValueError as exc:
        raise UserInputError(str(exc)) from None


def find_case_root(start: Path) -> Path:
    """Walk up from start to the first folder holding case.yaml, as git does for .git."""
    here = start.resolve()
    for folder in (here, *here.parents):
        if (folder / CASE_FILE).is_file():
            return folder
    raise CaseNotFoundError(
        f"{start}: no {CASE_FILE} here or in any parent folder "
        "(run `casefile init`, or pass --case PATH / set CASEFILE_CASE)"
    )


def split_front_matter(text: str, where: str) -> tuple[dict, str]:
    if not text.startswith(FRONT):
        raise RecordError(where, None, "expected YAML front matter opening with '---'")
    end = text.find("\n---\n", len(FRONT) - 1)
    if end == -1:
        if text.endswith("\n---"):
            end = len(text) - 4
        else:
            raise RecordError(where, None, "front matter is not closed with '---'")
    meta = parse_yaml(text[len(FRONT) : end + 1], where)
    body = text[end + 5 :]
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise RecordError(where, None, "front matter must be a mapping of fields")
    return meta, body


def statement_to_text(statement: Statement) -> str:
    meta = dump_yaml(statement.meta.model_dump(mode="json", exclude_none=True))
    body = statement.body if statement.body.endswith("\n") else statement.body + "\n"
    return f"{FRONT}{meta}---\n{body}"


class CaseFolder:
    """Read access to one case. Writes go through `casefile.store.session`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.objects = ObjectStore(root)
        self._parsed = ParseCache(root)
        self._root = str(root)

    @classmethod
    def open(cls, root: Path) -> CaseFolder:
        if not (root / CASE_FILE).is_file():
            raise CaseNotFoundError(f"{root}: not a case folder (no {CASE_FILE})")
        return cls(root.resolve())

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    # -- paths: every id is checked before it becomes part of a path -----------------------
    def incident_path(self, incident_id: str) -> Path:
        return self.root / "incidents" / f"{safe_id(incident_id)}.yaml"

    def exhibit_path(self, exhibit_id: str) -> Path:
        return self.root / "exhibits" / f"{safe_id(exhibit_id)}.yaml"

    def statement_path(self, statement_id: str) -> Path:
        return self.root / "statements" / f"{safe_id(statement_id)}.md"

    def identity_path(self, statement_id: str) -> Path:
        return self.root / "identities" / f"{safe_id(statement_id)}.yaml"

    def assessment_path(self, incident_id: str) -> Path:
        return self.root / "assessments" / f"{safe_id(incident_id)}.yaml"

    # -- listing ---------------------------------------------------------------------------
    def record_files(self) -> Iterator[Path]:
        """Every file that is a record, in a stable order: what hand-edit tracking watches."""
        return (self.root / rel for rel in self.record_names())

    def record_names(self) -> list[str]:
        """`record_files` as paths relative to the case, as the custody log names them
        (strings: 100,000 Paths cost seconds)."""
        names = [CASE_FILE]
        for folder, suffix in RECORD_FOLDERS.items():
            names += [f"{folder}/{n}" for n in self.file_names(folder, suffix)]
        return names

    def files(self, folder: str) -> list[Path]:
        """The record files of one folder (e.g. "identities"), sorted."""
        return self._files(folder, RECORD_FOLDERS[folder])

    def _files(self, folder: str, suffix: str) -> list[Path]:
        base = self.root / folder
        return [base / n for n in self.file_names(folder, suffix)]

    def file_names(self, folder: str, suffix: str | None = None) -> list[str]:
        """The file names (not paths) of one folder's records, sorted: for 100,000 records
        plain strings cost far less than Paths."""
        suffix = suffix or RECORD_FOLDERS[folder]
        try:
            names = sorted(os.listdir(os.path.join(self._root, folder)))
        except FileNotFoundError:
            return []
        return [n for n in names if n.endswith(suffix) and not is_temp_name(n)]

    def _ids(self, folder: str, suffix: str) -> list[str]:
        return [n[: -len(suffix)] for n in self.file_names(folder, suffix)]

    def incident_ids(self) -> list[str]:
        return self._ids("incidents", ".yaml")

    def exhibit_ids(self) -> list[str]:
        return self._ids("exhibits", ".yaml")

    def statement_ids(self) -> list[str]:
        return self._ids("statements", ".md")

    def identity_ids(self) -> list[str]:
        return self._ids("identities", ".yaml")

    # -- loading ---------------------------------------------------------------------------
    def load_case(self) -> Case:
        from casefile.model.case import Case

        return load_record(Case, self.root / CASE_FILE, CASE_FILE)

    def load_incident(self, incident_id: str) -> Incident:
        path = self.incident_path(incident_id)
        if not path.is_file():
            raise NotFoundError(f"unknown incident {incident_id!r}")
        from casefile.model.incident import Incident

        return self._load_named(Incident, path, incident_id)

    def load_exhibit(self, exhibit_id: str) -> Exhibit:
        path = self.exhibit_path(exhibit_id)
        if not path.is_file():
            raise NotFoundError(f"unknown exhibit {exhibit_id!r}")
        return self.load_exhibit_file(path.name)

    def load_statement(self, statement_id: str) -> Statement:
        from casefile.model.statement import Statement, StatementMeta

        path = self.statement_path(statement_id)
        where = self.rel(path)
        if not path.is_file():
            raise NotFoundError(f"unknown statement {statement_id!r}")
        meta, body = self._parsed.parse(
            path, lambda p: list(split_front_matter(read_text(p, where), where))
        )
        parsed = validate(StatementMeta, meta, where)
        if parsed.id != statement_id:
            raise RecordError(where, "id", f"expected {statement_id!r} to match the file name")
        return Statement(meta=parsed, body=body)

    def load_identity(self, statement_id: str) -> Identity | None:
        path = self.identity_path(statement_id)
        if not path.is_file():
            return None
        from casefile.model.identity import Identity

        return self._load_named(Identity, path, statement_id)

    def load_assessment(self, incident_id: str) -> Assessment:
        from casefile.model.assessment import Assessment

        path = self.assessment_path(incident_id)
        if not path.is_file():
            return Assessment(incident=incident_id)
        return self._load_named(Assessment, path, incident_id, id_field="incident")

    def _load_named(self, model, path: Path | str, expected_id: str, id_field: str = "id"):  # type: ignore[no-untyped-def]
        full = os.fspath(path)
        head, name = os.path.split(full)
        where = f"{os.path.basename(head)}/{name}"  # == self.rel(path), without pathlib's cost
        # Parsed YAML comes from a derived cache when the file is unchanged; it is
        # validated here all the same (see casefile.store.parsecache).
        data = self._parsed.parse(full, lambda p: parse_yaml(read_text(Path(p), where), where))
        record = validate(model, data, where)
        if getattr(record, id_field) != expected_id:
            raise RecordError(where, id_field, f"expected {expected_id!r} to match the file name")
        return record

    def incidents(self) -> list[Incident]:
        return [self.load_incident(i) for i in self.incident_ids()]

    def exhibits(self, errors: list[tuple[str, CasefileError]] | None = None) -> list[Exhibit]:
        """Every exhibit record. With `errors`, a record that fails is collected there
        (id, error) and the others still load; without, the first failure raises.

        An unchanged file is validated from its cached listing JSON (ListingCache): the
        same record in less time than from the parse cache, and validated all the same,
        so even a sealed entry could never hand check or render an invalid record."""
        names = self.file_names("exhibits")
        cache, stats, found = self._listing_cache("exhibits", names)
        loaded: list[Exhibit] = []
        texts: list[str | None] = []
        with self._parsed.direct_if_few("exhibits", found.count(None), len(names)):
            for name, text in zip(names, found, strict=True):
                exhibit = None if text is None else _cached_exhibit(text, name[:-5])
                if exhibit is None:
                    try:
                        exhibit = self.load_exhibit_file(name)
                    except CasefileError as exc:
                        if errors is None:
                            raise
                        errors.append((name[:-5], exc))
                        texts.append(None)
                        continue
                    text = record_json(_listed("exhibits", exhibit))
                loaded.append(exhibit)
                texts.append(text)
        cache.update(names, stats, found, texts)
        return loaded

    def listing_json(self, folder: str) -> list[str]:
        """What `<noun> list --json` prints for one folder ("incidents", "exhibits" or
        "statements"): the compact JSON (`record_json`) of each record's validated dump,
        in file order, the first failure raising. An unchanged file's text is taken from a
        derived cache (ListingCache) without reading or validating the file again, so the
        listing of an unchanged case does not even load pydantic."""
        names = self.file_names(folder)
        cache, stats, found = self._listing_cache(folder, names)
        texts: list[str | None] = []
        with self._parsed.direct_if_few(folder, found.count(None), len(names)):
            for name, text in zip(names, found, strict=True):
                if text is None:
                    text = record_json(_listed(folder, self._load_file(folder, name)))
                texts.append(text)
        cache.update(names, stats, found, texts)
        return texts  # type: ignore[return-value]  # no None: a failure raised

    def _load_file(self, folder: str, name: str) -> Any:
        """The record in ``<folder>/<name>``, a name from `file_names`."""
        if folder == "exhibits":
            return self.load_exhibit_file(name)
        if folder == "incidents":
            return self.load_incident(name[: -len(".yaml")])
        if folder == "statements":
            return self.load_statement(name[: -len(".md")])
        raise ValueError(f"no listing of {folder}")

    def _listing_cache(
        self, folder: str, names: list[str]
    ) -> tuple[ListingCache, list[os.stat_result | None], list[str | None]]:
        """Each file's stat, taken before anything reads it, and its cached text if the
        stat key still matches."""
        cache = ListingCache(self.root, folder)
        if not names:
            return cache, [], []
        try:
            fd = os.open(os.path.join(self._root, folder), os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            stats: list[os.stat_result | None] = [None] * len(names)  # loading names why
        else:
            try:
                stats = [_stat(n, fd) for n in names]
            finally:
                os.close(fd)
        return cache, stats, cache.lookup(names, stats)

    def load_exhibit_file(self, name: str) -> Exhibit:
        """The exhibit in ``exhibits/<name>``, a name from `file_names` (the listing
        already proves the file exists: no second stat)."""
        from casefile.model.exhibit import Exhibit

        return self._load_named(Exhibit, f"{self._root}/exhibits/{name}", name[:-5])

    def statements(self) -> list[Statement]:
        return [self.load_statement(i) for i in self.statement_ids()]

    def assessments(self) -> list[Assessment]:
        return [self.load_assessment(i) for i in self._ids("assessments", ".yaml")]

    def require_incident(self, incident_id: str) -> None:
        if not self.incident_path(incident_id).is_file():
            known = ", ".join(self.incident_ids()) or "none yet"
            raise NotFoundError(f"unknown incident {incident_id!r} (known: {known})")

    def require_citable(self, ref: str) -> None:
        """A citation must name an exhibit or statement that exists."""
        if ref.startswith("E-") and self.exhibit_path(ref).is_file():
            return
        if ref.startswith("W-") and self.statement_path(ref).is_file():
            return
        raise UserInputError(f"unknown exhibit or statement {ref!r} in citation")


def _stat(name: str, folder: int) -> os.stat_result | None:
    try:
        return os.stat(name, dir_fd=folder)
    except OSError:
        return None  # gone since the listing: loading it names the problem


def _listed(folder: str, record: Any) -> dict[str, Any]:
    """What a listing prints of a validated record: its dump as `<noun> list --json` has
    always printed it (a statement's listing is its front matter, never its text)."""
    if folder == "incidents":
        return record.model_dump(mode="json")
    if folder == "statements":
        record = record.meta
    return record.model_dump(mode="json", exclude_none=True)


def _cached_exhibit(text: str, expected_id: str) -> Exhibit | None:
    """The exhibit in a cached text, validated; None (load the file) if it is not valid."""
    from casefile.model.exhibit import Exhibit

    try:
        exhibit = Exhibit.model_validate_json(text)
    except ValueError:
        return None
    return exhibit if exhibit.id == expected_id else None
