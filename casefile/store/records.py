"""Creating and editing cases, incidents and statements: validate everything, then write."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from casefile.errors import RecordError, UserInputError
from casefile.model.case import Case
from casefile.model.custody import GENESIS
from casefile.model.identity import Identity
from casefile.model.incident import Incident
from casefile.model.statement import Statement, StatementMeta
from casefile.store.case import CASE_FILE, CaseFolder, split_front_matter, statement_to_text
from casefile.store.custody import LogState
from casefile.store.lock import case_lock
from casefile.store.session import Session, session
from casefile.store.yamlio import (
    describe_validation_error,
    read_text,
    record_to_yaml,
)


def init_case(root: Path, case: Case, actor: str) -> CaseFolder:
    root = root.resolve()
    if root.exists() and not root.is_dir():
        raise UserInputError(f"{root}: exists and is not a folder")
    if (root / CASE_FILE).exists():
        raise UserInputError(f"{root / CASE_FILE}: a case already exists here")
    if (root / "custody.jsonl").exists():
        raise UserInputError(f"{root / 'custody.jsonl'}: a custody log already exists here")
    root.mkdir(parents=True, exist_ok=True)
    with case_lock(root):
        folder = CaseFolder(root)
        state = LogState([], GENESIS, 0, False, [])
        s = Session(folder, actor, state)
        s._synced = True
        s.write_record(
            root / CASE_FILE, record_to_yaml(case), action="case.init", object=case.reference
        )
    return folder


def build(model: type, data: dict[str, Any], where: str):  # type: ignore[no-untyped-def]
    """Validate a record assembled from command options; errors name the option's field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        field, msg = describe_validation_error(exc)
        raise UserInputError(f"{where}: {field}: {msg}" if field else f"{where}: {msg}") from None


def merged(current: Any, changes: dict[str, Any], where: str):  # type: ignore[no-untyped-def]
    """An edited copy of a record, validated as a whole, so a bad option is named."""
    return build(type(current), {**current.model_dump(mode="json"), **changes}, where)


def add_incident(case: CaseFolder, actor: str, data: dict[str, Any]) -> Incident:
    incident = build(Incident, data, "incident")
    with session(case, actor) as s:
        path = case.incident_path(incident.id)
        if path.exists():
            raise UserInputError(f"incident {incident.id!r} already exists ({case.rel(path)})")
        s.write_record(path, record_to_yaml(incident), action="incident.add", object=incident.id)
    return incident


def edit_incident(
    case: CaseFolder, actor: str, incident_id: str, changes: dict[str, Any]
) -> Incident:
    with session(case, actor) as s:
        current = case.load_incident(incident_id)
        incident = merged(current, changes, f"incident {incident_id}")
        if incident == current:
            return incident
        s.write_record(
            case.incident_path(incident_id),
            record_to_yaml(incident),
            action="incident.edit",
            object=incident_id,
            details={"fields": sorted(changes)},
        )
    return incident


def update_incident(s: Session, incident: Incident, action: str, details: dict[str, Any]) -> None:
    s.write_record(
        s.case.incident_path(incident.id),
        record_to_yaml(incident),
        action=action,
        object=incident.id,
        details=details,
    )


def read_statement_file(path: Path) -> tuple[dict[str, Any], str]:
    """A statement file may carry its own front matter, or be plain Markdown."""
    where = str(path)
    if not path.is_file():
        raise UserInputError(f"{path}: statement file not found")
    text = read_text(path, where)
    if text.startswith("---\n"):
        return split_front_matter(text, where)
    return {}, text


def add_witness(
    case: CaseFolder,
    actor: str,
    statement_id: str,
    statement_file: Path,
    options: dict[str, Any],
    name: str | None,
    other_names: list[str] | None = None,
) -> Statement:
    if other_names and not name:
        raise UserInputError("--other-name needs --name: the other forms are kept with the name")
    meta, body = read_statement_file(statement_file)
    if "name" in meta:
        raise RecordError(
            str(statement_file), "name", "real names belong in identities/, pass --name instead"
        )
    meta.update({k: v for k, v in options.items() if v is not None})
    meta["id"] = statement_id
    parsed = build(StatementMeta, meta, f"statement {statement_id}")
    identity = (
        build(
            Identity,
            {"id": statement_id, "name": name, "other_names": other_names or None},
            "identity",
        )
        if name
        else None
    )
    with session(case, actor) as s:
        for incident_id in parsed.incidents:
            case.require_incident(incident_id)
        path = case.statement_path(statement_id)
        if path.exists():
            raise UserInputError(f"statement {statement_id!r} already exists ({case.rel(path)})")
        statement = Statement(meta=parsed, body=body)
        s.write_record(
            path,
            statement_to_text(statement),
            action="witness.add",
            object=statement_id,
            details={"incidents": parsed.incidents, "consent": [c.value for c in parsed.consent]},
        )
        if identity is not None:
            s.write_record(
                case.identity_path(statement_id),
                record_to_yaml(identity),
                action="identity.add",
                object=statement_id,
            )
    return statement


def edit_witness(
    case: CaseFolder,
    actor: str,
    statement_id: str,
    changes: dict[str, Any],
    body: str | None,
    identity_changes: dict[str, Any] | None = None,
) -> Statement:
    """Change a statement and, with ``identity_changes`` (name, other_names), its identity:
    both validated before either is written. The custody entry of an identity names the
    fields changed, never their values: the log is summarised in dossiers."""
    with session(case, actor) as s:
        current = case.load_statement(statement_id)
        meta = merged(current.meta, changes, f"statement {statement_id}")
        for incident_id in meta.incidents:
            case.require_incident(incident_id)
        statement = Statement(meta=meta, body=current.body if body is None else body)
        identity = before = None
        if identity_changes:
            before = case.load_identity(statement_id)
            if before is None and "name" not in identity_changes:
                raise UserInputError(
                    f"statement {statement_id!r} has no identity yet: give --name as well"
                )
            base = {"id": statement_id} if before is None else before.model_dump(mode="json")
            changes = dict(identity_changes)
            if changes.pop("keep_other_names", False) and before and before.other_names:
                added = [n for n in changes["other_names"] or [] if n not in before.other_names]
                changes["other_names"] = [*before.other_names, *added]
            identity = build(Identity, {**base, **changes}, "identity")
        if statement != current:
            s.write_record(
                case.statement_path(statement_id),
                statement_to_text(statement),
                action="witness.edit",
                object=statement_id,
                details={"fields": sorted(changes) + (["body"] if body is not None else [])},
            )
        if identity is not None and identity != before:
            s.write_record(
                case.identity_path(statement_id),
                record_to_yaml(identity),
                action="identity.add" if before is None else "identity.edit",
                object=statement_id,
                details={"fields": sorted(set(identity_changes or {}) - {"keep_other_names"})},
            )
    return statement
