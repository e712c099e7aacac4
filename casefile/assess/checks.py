"""`check`: what is still wrong or open in a case before it goes to an audience.

Codes are stable (scripts and reviewers match on them); the message says what to do.
Errors would put something false, untraceable or unconsented into a dossier; warnings are
work still open that a draft may carry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from pydantic import BaseModel

from casefile.assess.library import (
    CASE_CRITERIA_DIR,
    _parse_criterion,
    load_shipped,
)
from casefile.assess.names import NameParts
from casefile.errors import CasefileError
from casefile.model.assessment import Assessment, FindingValue
from casefile.model.audience import exhibit_visible, statement_visible, withheld_identities
from casefile.model.case import Audience, Case, Conflict
from casefile.model.criteria import Criterion
from casefile.model.exhibit import Exhibit
from casefile.model.identity import Identity
from casefile.model.incident import Incident
from casefile.model.statement import SPAN, Statement
from casefile.store.case import CaseFolder
from casefile.store.verify import ERROR, WARNING, Problem, verify_exhibits
from casefile.store.yamlio import read_text

# Every code `check` can report, with its severity; the README and tests list the same.
CODES: dict[str, str] = {
    "record-invalid": ERROR,
    "unknown-incident": ERROR,
    "unknown-exhibit": ERROR,
    "unknown-statement": ERROR,
    "unknown-criterion": ERROR,
    "unknown-element": ERROR,
    "finding-without-evidence": ERROR,
    "cited-exhibit-corrupt": ERROR,
    "consent-not-covered": ERROR,  # a warning when no finding cites the statement
    "review-challenged": ERROR,
    "review-pending": WARNING,
    "criterion-not-applicable": ERROR,
    "conflict-unclassified": WARNING,
    "incident-not-assessed": WARNING,
    "exhibit-unlinked": WARNING,
    "statement-unlinked": WARNING,
    "name-part-shown": WARNING,
}


@dataclass
class _Loaded:
    """Every record that loads, and a problem for each that does not."""

    case: Case | None = None
    incidents: set[str] = field(default_factory=set)
    incident_records: list[Incident] = field(default_factory=list)
    exhibits: dict[str, Exhibit] = field(default_factory=dict)
    statements: dict[str, Statement] = field(default_factory=dict)
    identities: dict[str, Identity] = field(default_factory=dict)
    assessments: dict[str, Assessment] = field(default_factory=dict)
    library: dict[str, Criterion] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def _attempt(loaded: _Loaded, record_id: str, load: Callable[[], object]) -> object | None:
    try:
        return load()
    except CasefileError as exc:
        loaded.problems.append(Problem("record-invalid", record_id, exc.message))
        return None


def _load(case: CaseFolder) -> _Loaded:
    loaded = _Loaded()
    loaded.case = _attempt(loaded, "case.yaml", case.load_case)  # type: ignore[assignment]
    for incident_id in case.incident_ids():
        incident = _attempt(loaded, incident_id, lambda i=incident_id: case.load_incident(i))
        if isinstance(incident, Incident):
            loaded.incidents.add(incident_id)
            loaded.incident_records.append(incident)
    failed: list[tuple[str, CasefileError]] = []
    loaded.exhibits = {e.id: e for e in case.exhibits(failed)}
    loaded.problems += [Problem("record-invalid", i, exc.message) for i, exc in failed]
    statement_ids = case.statement_ids()
    for statement_id in statement_ids:
        statement = _attempt(loaded, statement_id, lambda i=statement_id: case.load_statement(i))
        if isinstance(statement, Statement):
            loaded.statements[statement_id] = statement
        identity = _attempt(
            loaded, f"identities/{statement_id}.yaml", lambda i=statement_id: case.load_identity(i)
        )
        if isinstance(identity, Identity):
            loaded.identities[statement_id] = identity
    known_statements = set(statement_ids)
    for path in case.files("identities"):
        statement_id = path.name.removesuffix(".yaml")
        if statement_id not in loaded.statements and statement_id not in known_statements:
            loaded.problems.append(
                Problem(
                    "unknown-statement",
                    case.rel(path),
                    f"{case.rel(path)}: identity of statement {statement_id!r}, which does not "
                    "exist; add the statement or remove the identity",
                )
            )
            # A dossier withholds this name too (render.view): look for its parts as well.
            identity = _attempt(loaded, case.rel(path), lambda p=path: case.load_identity(p.stem))
            if isinstance(identity, Identity):
                loaded.identities[statement_id] = identity
    for path in case.files("assessments"):
        incident_id = path.name.removesuffix(".yaml")
        assessment = _attempt(loaded, case.rel(path), lambda i=incident_id: case.load_assessment(i))
        if isinstance(assessment, Assessment):
            loaded.assessments[incident_id] = assessment
    loaded.library = load_shipped()
    for path in case.files(CASE_CRITERIA_DIR):
        where = case.rel(path)
        criterion = _attempt(
            loaded, where, lambda p=path, w=where: _parse_criterion(read_text(p, w), w, p.stem)
        )
        if isinstance(criterion, Criterion):
            loaded.library[criterion.id] = criterion
    return loaded


def check_case(case: CaseFolder, audience: Audience | str | None = None) -> list[Problem]:
    """Every problem in the case for the given audience (default: the case's own)."""
    loaded = _load(case)
    problems = loaded.problems
    if audience is None:
        audience = loaded.case.default_audience if loaded.case else Audience.internal
    audience = Audience(audience)
    conflict = loaded.case.conflict if loaded.case else Conflict.unknown

    problems += _links(loaded)
    cited_statements: set[str] = set()
    cited_exhibits: dict[str, list[str]] = {}
    for incident_id, assessment in loaded.assessments.items():
        where = f"assessments/{incident_id}.yaml"
        if incident_id not in loaded.incidents and incident_id not in case.incident_ids():
            problems.append(
                Problem(
                    "unknown-incident",
                    where,
                    f"assesses incident {incident_id!r}, which does not exist",
                )
            )
        for criterion_id, criterion_assessment in assessment.criteria.items():
            criterion = loaded.library.get(criterion_id)
            cid = f"{incident_id}/{criterion_id}"
            if criterion is None:
                problems.append(
                    Problem(
                        "unknown-criterion",
                        cid,
                        f"{where}: criterion {criterion_id!r} is not in the library "
                        "(shipped or criteria/*.yaml)",
                    )
                )
            elif criterion_assessment.elements:
                problems += _applicability(cid, criterion, conflict)
            for element_id, finding in criterion_assessment.elements.items():
                eid = f"{cid}/{element_id}"
                if criterion is not None and criterion.element(element_id) is None:
                    problems.append(
                        Problem(
                            "unknown-element",
                            eid,
                            f"{where}: criterion {criterion_id!r} has no element "
                            f"{element_id!r} (elements: {', '.join(criterion.element_ids())})",
                        )
                    )
                if finding.finding is FindingValue.established and not finding.supporting:
                    problems.append(
                        Problem(
                            "finding-without-evidence",
                            eid,
                            "established with no supporting citation "
                            "(add --evidence E-... or W-...)",
                        )
                    )
                for ref in [*finding.supporting, *finding.contradicting]:
                    if ref in loaded.exhibits:
                        cited_exhibits.setdefault(ref, []).append(eid)
                    elif ref in loaded.statements:
                        cited_statements.add(ref)
                    elif not _exists(case, ref):
                        problems.append(_unknown_citation(eid, ref))
                status = finding.review_status
                if status == "challenged":
                    last = finding.reviews[-1]
                    problems.append(
                        Problem(
                            "review-challenged",
                            eid,
                            f"challenged by {last.reviewer}: {last.comment or ''}".rstrip(),
                        )
                    )
                elif status == "pending":
                    problems.append(
                        Problem(
                            "review-pending",
                            eid,
                            f"{finding.finding.value} by {finding.set_by}, not yet reviewed",
                            WARNING,
                        )
                    )

    for exhibit_id, problem in _hash_problems(case, cited_exhibits):
        citing = ", ".join(cited_exhibits[exhibit_id])
        problems.append(
            Problem(
                "cited-exhibit-corrupt",
                exhibit_id,
                f"{problem.message} (cited by {citing})",
            )
        )

    for statement_id, statement in loaded.statements.items():
        if statement_visible(statement.meta.consent, Audience(audience)):
            continue
        consent = ", ".join(c.value for c in statement.meta.consent) or "none"
        if statement_id in cited_statements:
            problems.append(
                Problem(
                    "consent-not-covered",
                    statement_id,
                    f"consent ({consent}) does not cover a {audience.value} "
                    "audience, but findings cite it",
                )
            )
        else:
            problems.append(
                Problem(
                    "consent-not-covered",
                    statement_id,
                    f"consent ({consent}) does not cover a {audience.value} "
                    "audience; it will be withheld",
                    WARNING,
                )
            )

    problems += _name_parts(loaded, audience)

    for incident_id in sorted(loaded.incidents):
        assessment = loaded.assessments.get(incident_id)
        if assessment is None and (case.root / f"assessments/{incident_id}.yaml").exists():
            continue  # invalid file, already reported
        if assessment is None or not any(c.elements for c in assessment.criteria.values()):
            problems.append(
                Problem(
                    "incident-not-assessed",
                    incident_id,
                    "no criterion assessed yet (`casefile assess set`)",
                    WARNING,
                )
            )
    return problems


def _name_parts(loaded: _Loaded, audience: Audience) -> list[Problem]:
    """Parts of withheld names left in what the audience reads (casefile.assess.names)."""
    consents = {sid: s.meta.consent for sid, s in loaded.statements.items()}
    withheld = withheld_identities(consents, loaded.identities, audience)
    if not withheld:
        return []
    parts = NameParts(withheld)
    # `[[spans]]` as the dossier reads them: out for the public, the brackets out for others.
    span = " " if audience is Audience.public else r"\1"
    for record_id, record in _audience_records(loaded, audience):
        if isinstance(record, str):  # a statement's text
            parts.look(record_id, "text", SPAN.sub(span, record))
        elif parts.may_hold(_run_together(record)):
            for where, text in _strings(record, ""):
                parts.look(record_id, where, SPAN.sub(span, text))
    return [
        Problem(
            "name-part-shown",
            record_id,
            f"{', '.join(fields)}: {', '.join(map(repr, words))} "
            f"{'is a part' if len(words) == 1 else 'are parts'} of the name of the witness "
            f"of statement {sid}, which a {audience.value} audience may not see; only the "
            f"forms in identities/{sid}.yaml are withheld (add a form with `witness edit "
            f"{sid} --other-name FORM`, or reword)",
            WARNING,
        )
        for record_id, sid, fields, words in parts.found()
    ]


# Fields naming the case's own people (researchers, reviewers), not witnesses, or a hash.
_NOT_NAMES = frozenset({"set_by", "reviewer", "actor", "sha256"})


def _audience_records(loaded: _Loaded, audience: Audience) -> Iterator[tuple[str, BaseModel | str]]:
    """(record id, record) for each record a dossier for the audience is built from, and
    each statement's text it may read."""
    if loaded.case is not None:
        yield "case.yaml", loaded.case
    for incident in loaded.incident_records:
        yield incident.id, incident
    for exhibit in loaded.exhibits.values():
        if exhibit_visible(exhibit, audience):
            yield exhibit.id, exhibit
    for sid, statement in loaded.statements.items():
        if statement_visible(statement.meta.consent, audience):
            yield sid, statement.meta
            yield sid, statement.body
    for incident_id, assessment in loaded.assessments.items():
        yield f"assessments/{incident_id}.yaml", assessment


def _run_together(record: BaseModel) -> str:
    """Every string in a record, run together, for a quick test: a loop, not `_strings`'
    generators, which took seconds over 100,000 exhibits."""
    texts: list[str] = []
    stack: list[object] = [record]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, BaseModel):
            stack.extend(value.__dict__.values())
        elif isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return " ".join(texts)


def _strings(value: object, where: str) -> Iterator[tuple[str, str]]:
    """(field, text) for every string in a record, but those naming the case's own people."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, BaseModel | dict):
        items = value.__dict__ if isinstance(value, BaseModel) else value
        for key, item in items.items():
            if item is not None and key not in _NOT_NAMES:
                yield from _strings(item, f"{where}.{key}" if where else key)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, where)


def _exists(case: CaseFolder, ref: str) -> bool:
    """A cited record that exists but did not load is reported as record-invalid, not unknown."""
    if ref.startswith("E-"):
        return case.exhibit_path(ref).is_file()
    if ref.startswith("W-"):
        return case.statement_path(ref).is_file()
    return False


def _unknown_citation(where: str, ref: str) -> Problem:
    if ref.startswith("W-"):
        return Problem("unknown-statement", where, f"cites statement {ref!r}, which does not exist")
    return Problem("unknown-exhibit", where, f"cites exhibit {ref!r}, which does not exist")


def _links(loaded: _Loaded) -> list[Problem]:
    problems: list[Problem] = []
    for exhibit_id, exhibit in loaded.exhibits.items():
        if not exhibit.incidents:
            problems.append(
                Problem(
                    "exhibit-unlinked",
                    exhibit_id,
                    f"linked to no incident (`casefile evidence edit "
                    f"{exhibit_id} --add-incident ID`)",
                    WARNING,
                )
            )
        problems += _unknown_incidents(loaded, exhibit_id, exhibit.incidents)
    for statement_id, statement in loaded.statements.items():
        if not statement.meta.incidents:
            problems.append(
                Problem(
                    "statement-unlinked",
                    statement_id,
                    "linked to no incident",
                    WARNING,
                )
            )
        problems += _unknown_incidents(loaded, statement_id, statement.meta.incidents)
    return problems


def _unknown_incidents(loaded: _Loaded, record_id: str, incidents: list[str]) -> list[Problem]:
    return [
        Problem("unknown-incident", record_id, f"linked to unknown incident {i!r}")
        for i in incidents
        if i not in loaded.incidents
    ]


def _applicability(where: str, criterion: Criterion, conflict: Conflict) -> list[Problem]:
    scope = " and ".join(c.value for c in criterion.applies_to)
    if conflict is Conflict.unknown:
        if set(criterion.applies_to) >= {Conflict.iac, Conflict.niac}:
            return []
        return [
            Problem(
                "conflict-unclassified",
                where,
                f"{criterion.id} applies only in {scope}, and case.yaml classifies "
                "the conflict as unknown",
                WARNING,
            )
        ]
    if conflict in criterion.applies_to:
        return []
    return [
        Problem(
            "criterion-not-applicable",
            where,
            f"{criterion.id} applies in {scope}, but the case's conflict is {conflict.value}",
        )
    ]


def _hash_problems(case: CaseFolder, cited: dict[str, list[str]]) -> list[tuple[str, Problem]]:
    if not cited:
        return []
    return [(p.id, p) for p in verify_exhibits(case, sorted(cited)) if p.id in cited]
