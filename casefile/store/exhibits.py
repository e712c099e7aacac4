"""Exhibit records after ingest: listing and editing what is known about stored bytes."""

from __future__ import annotations

import json
import os
from typing import Any

from casefile.errors import UserInputError
from casefile.model.exhibit import Exhibit
from casefile.store.case import CaseFolder
from casefile.store.listcache import ListingCache, record_json, stat_key
from casefile.store.records import merged
from casefile.store.session import session
from casefile.store.yamlio import record_to_yaml

FIXED = ("id", "sha256", "size", "media_type", "original_name")


def list_exhibits(case: CaseFolder, incident: str | None = None) -> list[Exhibit]:
    if incident is not None:
        case.require_incident(incident)
    exhibits = case.exhibits()
    if incident is not None:
        exhibits = [e for e in exhibits if incident in e.incidents]
    return exhibits


def exhibit_listing(case: CaseFolder, incident: str | None = None) -> list[str]:
    """`list_exhibits` as the compact JSON of each record's dump, from a derived cache.

    Same records, order and first error as `list_exhibits` (a record that fails is never
    cached, so it is loaded, and fails, in its turn); why a hit need not be validated
    again is in casefile.store.listcache."""
    if incident is not None:
        case.require_incident(incident)
    names = case.exhibit_file_names()
    if not names:
        return []
    cache = ListingCache(case.root, "exhibits")
    folder = os.open(os.path.join(str(case.root), "exhibits"), os.O_RDONLY | os.O_DIRECTORY)
    try:
        stats = [_stat(n, folder) for n in names]
    finally:
        os.close(folder)
    found = cache.lookup(names, [None if st is None else stat_key(st) for st in stats])
    texts: list[str] = []
    for name, text in zip(names, found, strict=True):
        if text is None:
            exhibit = case.load_exhibit_file(name)
            text = record_json(exhibit.model_dump(mode="json", exclude_none=True))
        texts.append(text)
    if None in found or not cache.holds_exactly(len(names)):
        cache.save(names, stats, texts)
    if incident is not None:
        texts = [t for t in texts if incident in json.loads(t)["incidents"]]
    return texts


def edit_exhibit(
    case: CaseFolder, actor: str, exhibit_id: str, changes: dict[str, Any], add_incidents: list[str]
) -> Exhibit:
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


def _stat(name: str, folder: int) -> os.stat_result | None:
    try:
        return os.stat(name, dir_fd=folder)
    except OSError:
        return None  # gone since the listing: loading it names the problem
