"""`verify`: re-hash every blob, check records against blobs both ways, and check the chain.

Errors mean evidence or its history cannot be trusted as it stands. Warnings are states a
killed command can leave behind (a blob with no record yet, an unlogged record change),
which the next command or a re-run completes; they are named but do not fail verification.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass

from casefile.errors import CasefileError
from casefile.store.case import CaseFolder
from casefile.store.custody import CustodyLog
from casefile.store.hashcache import RecordHashes
from casefile.store.objects import hash_file
from casefile.store.parsecache import forget_record_caches
from casefile.store.session import untracked_changes

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    code: str
    id: str
    message: str
    severity: str = ERROR

    def as_json(self) -> dict[str, str]:
        return asdict(self)


def report(problems: list[Problem]) -> dict:
    return {
        "ok": not any(p.severity == ERROR for p in problems),
        "problems": [p.as_json() for p in problems],
    }


def verify_custody(case: CaseFolder) -> list[Problem]:
    state = CustodyLog(case.root).read()
    problems = [
        Problem("custody-broken", f"custody.jsonl:{p.line}", p.message) for p in state.problems
    ]
    if state.torn_tail:
        problems.append(
            Problem(
                "custody-torn-tail",
                "custody.jsonl",
                "the last entry was cut off by an interrupted write; the next command removes it",
                WARNING,
            )
        )
    if not state.problems:
        hashes = RecordHashes(case.root, reread=True)
        changes = untracked_changes(case, state, hashes)
        if hashes.unseen_edits:
            forget_record_caches(case.root)  # keyed by the same stats: stale for these files
        for rel, _sha, kind in changes:
            problems.append(
                Problem(
                    "record-unlogged",
                    rel,
                    f"{rel} is {kind} since the custody log last recorded it "
                    "(edited by hand or an interrupted command); the next command logs it",
                    WARNING,
                )
            )
    return problems


def verify_exhibits(
    case: CaseFolder,
    exhibit_ids: Iterable[str] | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[Problem]:
    problems: list[Problem] = []
    whole_store = exhibit_ids is None
    ids = case.exhibit_ids() if exhibit_ids is None else list(exhibit_ids)
    referenced: set[str] = set()
    checked: dict[str, bool] = {}
    for exhibit_id in ids:
        try:
            exhibit = case.load_exhibit(exhibit_id)
        except CasefileError as exc:
            problems.append(Problem("record-invalid", exhibit_id, exc.message))
            continue
        referenced.add(exhibit.sha256)
        path = case.objects.path(exhibit.sha256)
        if not path.is_file():
            problems.append(
                Problem(
                    "blob-missing",
                    exhibit_id,
                    f"{exhibit_id}: stored file {exhibit.sha256} is missing",
                )
            )
            continue
        if exhibit.sha256 not in checked:
            checked[exhibit.sha256] = hash_file(path, progress) == exhibit.sha256
        if not checked[exhibit.sha256]:
            problems.append(
                Problem(
                    "blob-corrupt",
                    exhibit_id,
                    f"{exhibit_id}: stored file no longer matches its sha256 {exhibit.sha256}",
                )
            )
        elif path.stat().st_size != exhibit.size:
            problems.append(
                Problem("size-mismatch", exhibit_id, f"{exhibit_id}: size differs from the record")
            )
    if whole_store:
        for sha, path in case.objects.iter_blobs():
            if sha in referenced:
                continue
            if hash_file(path, progress) != sha:
                problems.append(
                    Problem("blob-corrupt", sha, f"stored file {sha} no longer matches its name")
                )
            else:
                problems.append(
                    Problem(
                        "blob-orphaned",
                        sha,
                        f"stored file {sha} belongs to no exhibit record "
                        "(an interrupted ingest; re-run it to complete)",
                        WARNING,
                    )
                )
    return problems


def verify_records(case: CaseFolder) -> list[Problem]:
    """Every record must load; a hand edit that breaks one is named with its field."""
    problems: list[Problem] = []
    loaders: list[tuple[str, Callable[[], object]]] = [("case.yaml", case.load_case)]
    loaders += [(i, lambda i=i: case.load_incident(i)) for i in case.incident_ids()]
    loaders += [(w, lambda w=w: case.load_statement(w)) for w in case.statement_ids()]
    loaders += [(w, lambda w=w: case.load_identity(w)) for w in case.statement_ids()]
    for record_id, load in loaders:
        try:
            load()
        except CasefileError as exc:
            problems.append(Problem("record-invalid", record_id, exc.message))
    return problems


def verify_case(case: CaseFolder, progress: Callable[[int], None] | None = None) -> list[Problem]:
    return verify_custody(case) + verify_records(case) + verify_exhibits(case, None, progress)
