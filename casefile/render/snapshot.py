"""Reading a case for a render: the records, its fingerprint, its date, its custody summary.

The fingerprint is a hash over every record file and every evidence hash, so a reader can tie
a dossier to one case state. The custody log is left out on purpose: a render logs itself,
and that entry must not change the next render.
"""

from __future__ import annotations

import hashlib
from collections import Counter

from casefile.assess.library import load_library
from casefile.model.identity import Identity
from casefile.render.view import CaseSnapshot, CustodyView
from casefile.store.case import CaseFolder
from casefile.store.custody import CustodyLog


def fingerprint(case: CaseFolder, evidence_hashes: list[str]) -> str:
    h = hashlib.sha256()
    for path in case.record_files():
        if path.name == "custody.jsonl":
            continue
        h.update(f"record {case.rel(path)} ".encode())
        h.update(hashlib.sha256(path.read_bytes()).hexdigest().encode() + b"\n")
    for sha in sorted(evidence_hashes):
        h.update(f"evidence {sha}\n".encode())
    return h.hexdigest()


def custody_view(case: CaseFolder) -> CustodyView:
    state = CustodyLog(case.root).read()
    # Render entries are excluded: they would otherwise change the next render of the same state.
    entries = [e for e in state.entries if e.action != "dossier.render"]
    actions = Counter(e.action for e in entries)
    last = entries[-1] if entries else None
    return CustodyView(
        entries=len(entries),
        first=entries[0].time[:19].replace("T", " ") if entries else "",
        last=last.time[:19].replace("T", " ") if last else "",
        head=_head_before_renders(state.entries),
        chain_ok=not state.problems,
        actions=sorted(actions.items()),
        actors=sorted({e.actor for e in entries}),
    )


def _head_before_renders(entries: list) -> str:  # type: ignore[type-arg]
    """The chain hash of the last non-render entry: stable across repeated renders."""
    from casefile.store.custody import encode, line_hash

    for e in reversed(entries):
        if e.action != "dossier.render":
            return line_hash(encode(e))
    return ""


def head_before_renders(case: CaseFolder) -> str | None:
    """What a dossier's custody summary rests on, as the log now is (``render --watch``
    tells its own and other renders' entries from a change that alters the dossier);
    None if the log is broken, which no dossier summary can stand for."""
    state = CustodyLog(case.root).read()
    return None if state.problems else _head_before_renders(state.entries)


def case_date(snapshot_times: list[str]) -> str:
    return max((t[:10] for t in snapshot_times if t), default="")


def take_snapshot(case: CaseFolder) -> CaseSnapshot:
    meta = case.load_case()
    incidents = case.incidents()
    exhibits = case.exhibits()
    statements = case.statements()
    identities: dict[str, Identity] = {}
    for sid in case.identity_ids():
        ident = case.load_identity(sid)
        if ident is not None:
            identities[sid] = ident
    assessments = {a.incident: a for a in case.assessments()}
    times = [meta.created or ""] + [e.acquired_at or "" for e in exhibits]
    for a in assessments.values():
        for ca in a.criteria.values():
            for f in ca.elements.values():
                times.append(f.set_at)
                times.extend(r.time for r in f.reviews)
    return CaseSnapshot(
        case=meta,
        incidents=incidents,
        exhibits=exhibits,
        statements=statements,
        identities=identities,
        assessments=assessments,
        library=load_library(case.root),
        custody=custody_view(case),
        fingerprint=fingerprint(case, [e.sha256 for e in exhibits]),
        date=case_date(times),
    )
