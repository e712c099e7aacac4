"""Exhibit records after ingest: listing and editing what is known about stored bytes."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from casefile.errors import UserInputError
from casefile.store.case import CaseFolder

if TYPE_CHECKING:  # editing loads the models; listing from the cache does not (exhibit_listing)
    from casefile.model.exhibit import Exhibit

FIXED = ("id", "sha256", "size", "media_type", "original_name")


def list_exhibits(case: CaseFolder, incident: str | None = None) -> list[Exhibit]:
    if incident is not None:
        case.require_incident(incident)
    exhibits = case.exhibits()
    if incident is not None:
        exhibits = [e for e in exhibits if incident in e.incidents]
    return exhibits


def exhibit_listing(case: CaseFolder, incident: str | None = None) -> list[str]:
    """`list_exhibits` as the compact JSON of each record's dump: same records, order and
    first error, from a derived cache (CaseFolder.listing_json)."""
    if incident is not None:
        case.require_incident(incident)
    texts = case.listing_json("exhibits")
    if incident is not None:
        texts = [t for t in texts if incident in json.loads(t)["incidents"]]
    return texts


def edit_exhibit(
    case: CaseFolder, actor: str, exhibit_id: str, changes: dict[str, Any], add_incidents: list[str]
) -> Exhibit:
    from casefile.store.records import merged
    from casefile.store.session import session
    from casefile.store.yamlio import record_to_yaml

    fixed = sorted(set(changes) & set(FIXED))
    if fixed:
        raise UserInputError(f"exhibit {exhibit_id}: {', '.join(fixed)} cannot change")
    with session(case, actor) as s:
        current = case.load_exhibit(exhibit_id)
        for incident_id in add_incidents:
            case.require_incident(incident_id)
        linked = [*current.incidents, *(i for i in add_incidents if i not in current.incidents)]
        exhibit = merged(current, {**changes, "incidents": linked}, f"exhibit {exhibit_id}")
        if exhibit == current:
            return exhibit
        s.write_record(
            case.exhibit_path(exhibit_id),
            record_to_yaml(exhibit),
            action="evidence.edit",
            object=exhibit_id,
            details={"fields": sorted(changes) + (["incidents"] if add_incidents else [])},
        )
    return exhibit
