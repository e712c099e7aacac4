"""Synthetic cases of a given size, built through casefile's own library.

    python benchmarks/generate.py OUT --incidents 60 --exhibits 5 --statements 2 --paragraphs 6

Everything a user would do goes through the same functions the CLI calls:
``init_case``, ``add_incident``, ``ingest`` (bytes hashed into the object store,
records and custody entries written under the lock), ``add_witness``, and
assessments written as ``assessments/<ID>.yaml`` records through a ``Session``
(``record_to_yaml`` of :class:`casefile.model.assessment.Assessment`), so each is
validated and logged.

Fast path (``--fast``, for the 100,000-exhibit scale case): exhibit records and
statements are written in batches of 1,000 inside ONE session each (one lock,
atomic writes, one custody entry per record) instead of one ``ingest`` call per
file; blobs still go through ``ObjectStore.put_file``. The records are the same
as ``ingest`` writes (same model, same YAML writer); only the per-call overhead
(lock, chain read) is amortised.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import random
import tempfile
import time
from pathlib import Path

from casefile.model.assessment import (
    Assessment,
    CriterionAssessment,
    Finding,
    Review,
    Verdict,
)
from casefile.model.case import Case
from casefile.model.exhibit import Exhibit
from casefile.store.case import CaseFolder, statement_to_text
from casefile.store.ingest import ingest
from casefile.store.records import add_incident, add_witness, init_case
from casefile.store.session import session
from casefile.store.yamlio import record_to_yaml

ACTOR = "benchmark"
WORDS = (
    "the strike hit market street witnesses described two explosions shortly after noon "
    "civilians were shopping ambulances arrived from the hospital several shops collapsed "
    "no armed group was present according to local council satellite imagery shows craters "
    "fragments were collected and photographed by the civil defence team residents said"
).split()


def sentence(rng: random.Random, n: int = 14) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random, sentences: int = 6) -> str:
    return " ".join(sentence(rng) for _ in range(sentences))


def _png(rng: random.Random, seed: int) -> bytes:
    from PIL import Image

    img = Image.new("RGB", (64, 48), (rng.randrange(256), rng.randrange(256), seed % 256))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def incident_id(n: int) -> str:
    return f"INC-{n:04d}"


def make_case(
    root: Path,
    *,
    incidents: int = 3,
    exhibits: int = 2,
    statements: int = 1,
    paragraphs: int = 2,
    criteria: tuple[str, ...] = ("distinction", "proportionality"),
    reviewed: bool = True,
    seed: int = 1,
) -> CaseFolder:
    """A case with ``incidents`` incidents, each with ``exhibits`` exhibits (the first an
    image), ``statements`` statements and ``paragraphs`` paragraphs of description, and
    every element of ``criteria`` assessed with reasoning and citations."""
    rng = random.Random(seed)
    case = init_case(
        root,
        Case(
            title="Synthetic case for benchmarks",
            reference="BENCH-001",
            organisation="Benchmark Org",
            conflict="niac",
            summary=paragraph(rng),
            methodology=paragraph(rng),
            created="2024-01-01T00:00:00Z",
        ),
        ACTOR,
    )
    from casefile.assess.library import load_library

    library = load_library(case.root)
    base = dt.date(2015, 1, 1)
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(1, incidents + 1):
            iid = incident_id(n)
            add_incident(
                case,
                ACTOR,
                {
                    "id": iid,
                    "title": f"Strike on market {n}",
                    "date": (base + dt.timedelta(days=3 * n)).isoformat(),
                    "place": f"Town {n}",
                    "lat": 35.0 + (n % 50) / 50,
                    "lon": 36.0 + (n % 37) / 37,
                    "perpetrator": "Air force of party B",
                    "description": "\n\n".join(paragraph(rng) for _ in range(paragraphs)),
                    "casualty_claims": [
                        {"source": "Local council", "killed": 10 + n % 40, "injured": 20},
                        {"source": "Monitoring group", "killed": 8 + n % 30},
                    ],
                    "responses": [
                        {"party": "Party B", "summary": "Denied any strike in the area."}
                    ],
                },
            )
            folder = Path(tmp) / iid
            folder.mkdir()
            for k in range(exhibits):
                if k == 0:
                    (folder / f"photo-{k}.png").write_bytes(_png(rng, n))
                else:
                    (folder / f"report-{k}.txt").write_text(
                        f"{iid} document {k}\n{paragraph(rng)}\n", encoding="utf-8"
                    )
            added = ingest(
                case, ACTOR, [folder], [iid], {"source": "Field team", "description": sentence(rng)}
            )
            ex_ids = [a.id for a in added]
            st_ids: list[str] = []
            for k in range(statements):
                sid = f"W-{(n - 1) * statements + k + 1:03d}"
                md = Path(tmp) / f"{sid}.md"
                md.write_text(paragraph(rng) + "\n\n" + paragraph(rng) + "\n", encoding="utf-8")
                add_witness(
                    case,
                    ACTOR,
                    sid,
                    md,
                    {"pseudonym": f"Witness {sid}", "incidents": [iid], "consent": ["public"]},
                    None,
                )
                st_ids.append(sid)
            write_assessment(case, iid, library, criteria, ex_ids, st_ids, rng, reviewed)
    return case


def write_assessment(case, iid, library, criteria, ex_ids, st_ids, rng, reviewed):  # type: ignore[no-untyped-def]
    refs = ex_ids + st_ids
    assessed: dict[str, CriterionAssessment] = {}
    for cid in criteria:
        crit = library[cid]
        elements = {}
        for i, element in enumerate(crit.elements):
            elements[element.id] = Finding(
                finding="established",
                reasoning="\n\n".join(paragraph(rng, 4) for _ in range(2)),
                supporting=refs[i % len(refs) : i % len(refs) + 2] if refs else [],
                confidence="medium",
                set_by=ACTOR,
                set_at="2024-02-01T00:00:00Z",
                reviews=[
                    Review(
                        reviewer="Reviewer", verdict=Verdict.approve, time="2024-02-02T00:00:00Z"
                    )
                ]
                if reviewed
                else [],
            )
        assessed[cid] = CriterionAssessment(elements=elements)
    assessment = Assessment(incident=iid, criteria=assessed)
    with session(case, ACTOR) as s:
        s.write_record(
            case.assessment_path(iid),
            record_to_yaml(assessment),
            action="assess.set",
            object=iid,
        )


def edit_description(case: CaseFolder, iid: str, extra: str) -> None:
    """One incident edit, as `casefile incident edit` does it."""
    from casefile.store.records import edit_incident

    current = case.load_incident(iid)
    edit_incident(case, ACTOR, iid, {"description": current.description + "\n\n" + extra})


REVISION = "Revised for the benchmark: "


def revise_description(case: CaseFolder, iid: str, note: str) -> None:
    """One incident edit that replaces the incident's last benchmark note instead of adding
    one, so that the incident keeps its size however many rounds edit it: a benchmark that
    appended a paragraph per round had grown its edited incident from 6 pages to 13 over
    the runs of several sessions, and measured a re-render of an ever larger incident."""
    from casefile.store.records import edit_incident

    current = case.load_incident(iid).description
    kept = [p for p in current.split("\n\n") if not p.startswith(REVISION)]
    revised = "\n\n".join([*kept, REVISION + note])
    edit_incident(case, ACTOR, iid, {"description": revised})


def revise_benchmark_case(path: Path, number: int, note: str) -> None:
    """The edit before each timed re-render of the case `render.py` builds (ab.py,
    trace.py): incident ``number`` revised; exits in one line if there is no such case."""
    if not (path / "case.yaml").is_file():
        raise SystemExit(f"{path}: no case; run benchmarks/render.py first")
    revise_description(CaseFolder.open(path.resolve()), incident_id(number), note)


def make_scale_case(
    root: Path, *, incidents: int = 1000, exhibits: int = 100_000, statements: int = 5000
) -> CaseFolder:
    """The scale case, by the fast path: the case and its incidents go through the library
    (sessions, custody), then exhibit records, blobs and statements are written straight to
    their files with the library's own serialisers (``record_to_yaml``,
    ``statement_to_text``) and content-addressed paths (``ObjectStore.path``), without a
    custody entry and an fsync each: 100,000 fsynced, logged writes take most of an hour
    here. The records are exactly what ``ingest`` writes; the custody log does not know
    them, which the read-only commands measured (``evidence list``, ``check``) do not need
    (a later writing command logs them as hand-made changes)."""
    import hashlib

    from casefile.model.incident import Incident
    from casefile.model.statement import Statement, StatementMeta

    rng = random.Random(7)
    case = init_case(root, Case(title="Scale case", reference="SCALE-1", conflict="niac"), ACTOR)
    base = dt.date(2012, 1, 1)
    ids = [incident_id(n) for n in range(1, incidents + 1)]
    with session(case, ACTOR) as s:
        for n, iid in enumerate(ids, start=1):
            inc = Incident(
                id=iid,
                title=f"Incident {n}",
                date=base + dt.timedelta(days=n),
                description=sentence(rng),
            )
            s.write_record(
                case.incident_path(iid), record_to_yaml(inc), action="incident.add", object=iid
            )
    (case.root / "exhibits").mkdir(exist_ok=True)
    width = max(4, len(str(exhibits)))
    for k in range(exhibits):
        data = f"exhibit {k}\n".encode()
        sha = hashlib.sha256(data).hexdigest()
        blob = case.objects.path(sha)
        blob.parent.mkdir(parents=True, exist_ok=True)
        blob.write_bytes(data)
        blob.chmod(0o444)
        eid = f"E-{k + 1:0{width}d}"
        ex = Exhibit(
            id=eid,
            sha256=sha,
            size=len(data),
            media_type="text/plain",
            original_name=f"file-{k}.txt",
            kind="document",
            source="Field team",
            acquired_at="2024-01-01T00:00:00Z",
            incidents=[ids[k % incidents]],
        )
        case.exhibit_path(eid).write_text(record_to_yaml(ex), encoding="utf-8")
    (case.root / "statements").mkdir(exist_ok=True)
    for k in range(statements):
        sid = f"W-{k + 1:04d}"
        meta = StatementMeta(
            id=sid, pseudonym=f"W {k}", incidents=[ids[k % incidents]], consent=["public"]
        )
        text = statement_to_text(Statement(meta=meta, body=sentence(rng) + "\n"))
        case.statement_path(sid).write_text(text, encoding="utf-8")
    write_identities(case)
    return case


def write_identities(case: CaseFolder) -> int:
    """An identity for each statement without one (a name and one other form), as a case
    this size would hold, so `check` also looks for parts of 5,000 withheld names in what
    an audience reads. Written straight to their files like the rest of the scale case."""
    from casefile.model.identity import Identity

    rng = random.Random(11)
    (case.root / "identities").mkdir(exist_ok=True)
    written = 0
    for sid in case.statement_ids():
        path = case.identity_path(sid)
        if path.exists():
            continue
        first, family, kunya = (
            "".join(rng.choice("bcdfghklmnrst") + rng.choice("aeiou") for _ in range(3)).title()
            for _ in range(3)
        )
        identity = Identity(id=sid, name=f"{first} {family}", other_names=[f"Abu {kunya}"])
        path.write_text(record_to_yaml(identity), encoding="utf-8")
        written += 1
    return written


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--incidents", type=int, default=60)
    ap.add_argument("--exhibits", type=int, default=5, help="per incident")
    ap.add_argument("--statements", type=int, default=2, help="per incident")
    ap.add_argument("--paragraphs", type=int, default=6)
    ap.add_argument("--scale", action="store_true", help="the 1,000/100,000/5,000 scale case")
    args = ap.parse_args()
    t = time.perf_counter()
    if args.scale:
        make_scale_case(args.out)
    else:
        make_case(
            args.out,
            incidents=args.incidents,
            exhibits=args.exhibits,
            statements=args.statements,
            paragraphs=args.paragraphs,
        )
    print(f"generated {args.out} in {time.perf_counter() - t:.1f} s")


if __name__ == "__main__":
    main()
