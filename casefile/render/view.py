"""The audience view: the ONE place that decides what an audience may see.

Templates receive only the objects built here. Whatever is withheld is never put into the
view, so no template, metadata field, bookmark or attachment can leak it. Free text from
users passes through `Redactor` on its way in: `[[spans]]` become a redaction mark for the
public, and the names of witnesses whose identity may not be shown are scrubbed everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup

from casefile.assess.rules import conclude, conclusion_sentence
from casefile.model.assessment import Assessment, Conclusion, Finding
from casefile.model.audience import (
    exhibit_visible,
    identity_visible,
    statement_visible,
    withheld_identities,
)
from casefile.model.case import STANDARD_WORDING, Audience, Case
from casefile.model.criteria import Criterion, rule_text
from casefile.model.exhibit import Exhibit
from casefile.model.identity import Identity, names_pattern
from casefile.model.incident import Incident
from casefile.model.statement import SPAN, Statement
from casefile.model.vocab import CREDIBILITY_WORDING, RELIABILITY_WORDING
from casefile.render.markdown import render_markdown

REDACTION_MARK = "\u2588" * 6
NAME_MARK = "[name withheld]"
RTL_LANGUAGES = {"ar", "fa", "he", "ur", "ps", "ku", "yi", "dv", "sd", "ug"}

CLASSIFICATION = {
    Audience.public: "PUBLIC",
    Audience.court: "CONFIDENTIAL \u2014 FOR COURT USE ONLY",
    Audience.internal: "STRICTLY CONFIDENTIAL \u2014 INTERNAL",
}


class Redactor:
    """Applies the audience's rules to every piece of free text before it enters the view."""

    def __init__(self, audience: Audience, withheld_names: list[str]) -> None:
        self.audience = audience
        self._names = names_pattern(withheld_names)

    def text(self, value: str | None) -> str:
        if not value:
            return ""
        if self.audience is Audience.public:
            value = SPAN.sub(REDACTION_MARK, value)
        else:
            value = SPAN.sub(lambda m: m.group(1), value)
        if self._names is not None:
            value = self._names.sub(NAME_MARK, value)
        return value

    def markdown(self, value: str | None) -> Markup:
        return render_markdown(self.text(value))


# -- view objects: plain data for templates ---------------------------------------------------


@dataclass
class CitationView:
    ref: str
    anchor: str
    cite_id: str
    label: str
    withheld: bool


@dataclass
class ReviewView:
    reviewer: str
    verdict: str
    comment: str
    time: str


@dataclass
class ElementView:
    number: int
    id: str
    question: str
    finding: str | None
    reasoning: Markup
    supporting: list[CitationView]
    contradicting: list[CitationView]
    confidence: str | None
    set_by: str | None
    set_at: str | None
    review_status: str
    reviews: list[ReviewView]


@dataclass
class AssessmentView:
    criterion_id: str
    title: str
    conclusion: str
    sentence: str
    rule: str
    applicable: bool
    elements: list[ElementView]


@dataclass
class ExhibitView:
    id: str
    anchor: str
    kind: str
    withheld: bool
    sha256: str = ""
    size: int = 0
    media_type: str = ""
    original_name: str = ""
    description: str = ""
    source: str = ""
    url: str = ""
    captured_at: str = ""
    reliability: str = ""
    reliability_text: str = ""
    credibility: int = 0
    credibility_text: str = ""
    verification: str = ""
    verification_method: str = ""
    illustrative: bool = False
    incidents: list[str] = field(default_factory=list)
    image_sha256: str | None = None
    thumbnail: str | None = None
    cited_pages: list[int] = field(default_factory=list)
    cite_ids: list[str] = field(default_factory=list)


@dataclass
class StatementView:
    id: str
    anchor: str
    pseudonym: str
    role: str
    name: str | None
    language: str
    direction: str
    interviewed_on: str
    protective_measures: str
    body: Markup


@dataclass
class ClaimView:
    source: str
    killed: str
    injured: str
    civilians_killed: str
    children_killed: str
    notes: str
    citation: str


@dataclass
class ResponseView:
    party: str
    date: str
    summary: str
    source: str


@dataclass
class IncidentView:
    id: str
    anchor: str
    number: int
    title: str
    date: str
    date_iso: str
    place: str
    lat: float | None
    lon: float | None
    perpetrator: str
    attribution: str
    description: Markup
    claims: list[ClaimView]
    responses: list[ResponseView]
    exhibits: list[ExhibitView]
    statements: list[StatementView]
    statements_withheld: int
    assessments: list[AssessmentView]
    max_killed: int | None


@dataclass
class CriterionView:
    id: str
    title: str
    kind: str
    summary: str
    legal_basis: list[str]
    applies_to: list[str]
    applicable: bool
    rule: str
    note: str
    violation_label: str
    elements: list[tuple[int, str, str]]


@dataclass
class CustodyView:
    entries: int
    first: str
    last: str
    head: str
    chain_ok: bool
    actions: list[tuple[str, int]]
    actors: list[str]


@dataclass
class DossierView:
    audience: str
    classification: str
    title: str
    reference: str
    organisation: str
    conflict: str
    conflict_notes: str
    standard: str
    standard_wording: str
    summary: Markup
    methodology: Markup
    date: str
    fingerprint: str
    draft: bool
    draft_reason: str
    criteria: list[CriterionView]
    incidents: list[IncidentView]
    exhibits: list[ExhibitView]
    matrix: list[tuple[IncidentView, list[str]]]
    custody: CustodyView
    statements_shown: int
    statements_withheld: int
    reliability_scale: list[tuple[str, str]] = field(default_factory=list)
    credibility_scale: list[tuple[int, str]] = field(default_factory=list)


# -- building ----------------------------------------------------------------------------------


@dataclass
class CaseSnapshot:
    """Everything read from the case for one render; built by the caller, never by templates."""

    case: Case
    incidents: list[Incident]
    exhibits: list[Exhibit]
    statements: list[Statement]
    identities: dict[str, Identity]
    assessments: dict[str, Assessment]
    library: dict[str, Criterion]
    custody: CustodyView
    fingerprint: str
    date: str


def _date_text(incident: Incident) -> str:
    d = incident.date
    precision = incident.date_precision.value
    if precision == "year":
        return f"{d.year}"
    if precision == "month":
        return d.strftime("%B %Y")
    text = d.strftime("%A %-d %B %Y")
    return (
        f"around {d.strftime('%B %Y')} (date approximate)" if precision == "approximate" else text
    )


def _num(value: int | None) -> str:
    return "unknown" if value is None else str(value)


def build_view(
    snap: CaseSnapshot,
    audience: Audience,
    incident_ids: list[str] | None = None,
    draft: bool = False,
) -> DossierView:
    case = snap.case
    withheld = withheld_identities(
        {s.meta.id: s.meta.consent for s in snap.statements}, snap.identities, audience
    )
    withheld_names = [name for identity in withheld.values() for name in identity.names()]
    red = Redactor(audience, withheld_names)
    chosen = [i for i in snap.incidents if incident_ids is None or i.id in incident_ids]

    exhibits = {e.id: _exhibit_view(e, audience, red) for e in snap.exhibits}
    visible_statements = {
        s.meta.id: s for s in snap.statements if statement_visible(s.meta.consent, audience)
    }

    cited_exhibits: set[str] = set()

    def cite(ref: str, where: str, counter: dict[str, int]) -> CitationView:
        counter[ref] = counter.get(ref, 0) + 1
        cite_id = f"cite-{where}-{ref}-{counter[ref]}"
        if ref in exhibits:
            ex = exhibits[ref]
            cited_exhibits.add(ref)
            if not ex.withheld:
                ex.cite_ids.append(cite_id)
            label = f"{ref} ({ex.kind}, withheld)" if ex.withheld else ref
            return CitationView(ref, f"#exhibit-{ref}", cite_id, label, ex.withheld)
        if ref in visible_statements:
            return CitationView(ref, f"#statement-{ref}", cite_id, ref, False)
        return CitationView(ref, "", cite_id, f"{ref} (statement withheld)", True)

    # Who assessed and reviewed: named for court and internal, not for the public (as the
    # custody summary, see _public_custody).
    public_actors = audience is not Audience.public
    criteria_used: list[str] = []
    incidents: list[IncidentView] = []
    any_unreviewed = False
    any_unassessed = False
    standard = case.standard_of_proof
    for number, inc in enumerate(sorted(chosen, key=lambda i: (i.date, i.id)), start=1):
        assessment = snap.assessments.get(inc.id)
        if assessment is None or not any(c in snap.library for c in assessment.criteria):
            any_unassessed = True
        views: list[AssessmentView] = []
        counter: dict[str, int] = {}
        for cid, cassess in assessment.criteria.items() if assessment else []:
            criterion = snap.library.get(cid)
            if criterion is None:
                continue
            if cid not in criteria_used:
                criteria_used.append(cid)
            findings = {eid: f.finding for eid, f in cassess.elements.items()}
            conclusion = conclude(criterion, findings)
            elements: list[ElementView] = []
            for n, element in enumerate(criterion.elements, start=1):
                f: Finding | None = cassess.elements.get(element.id)
                if f is None or f.review_status != "approved":
                    any_unreviewed = True
                elements.append(
                    ElementView(
                        number=n,
                        id=element.id,
                        question=element.question,
                        finding=f.finding.value if f else None,
                        reasoning=red.markdown(f.reasoning) if f else Markup(""),
                        supporting=[cite(r, inc.id, counter) for r in (f.supporting if f else [])],
                        contradicting=[
                            cite(r, inc.id, counter) for r in (f.contradicting if f else [])
                        ],
                        confidence=f.confidence if f else None,
                        set_by=f.set_by if f and public_actors else None,
                        set_at=f.set_at[:10] if f else None,
                        review_status=f.review_status if f else "not assessed",
                        reviews=[
                            ReviewView(
                                r.reviewer if public_actors else "",
                                r.verdict.value,
                                red.text(r.comment),
                                r.time[:10],
                            )
                            for r in (f.reviews if f else [])
                        ],
                    )
                )
            views.append(
                AssessmentView(
                    criterion_id=cid,
                    title=criterion.title,
                    conclusion=conclusion.value,
                    sentence=conclusion_sentence(criterion, conclusion, standard),
                    rule=rule_text(criterion),
                    applicable=case.conflict.value in [c.value for c in criterion.applies_to],
                    elements=elements,
                )
            )
        inc_statements = [s for s in snap.statements if inc.id in s.meta.incidents]
        shown = [s for s in inc_statements if s.meta.id in visible_statements]
        killed_figures = [
            v for c in inc.casualty_claims for v in (c.killed, c.civilians_killed) if v is not None
        ]
        incidents.append(
            IncidentView(
                id=inc.id,
                anchor=f"incident-{inc.id}",
                number=number,
                title=red.text(inc.title),
                date=_date_text(inc),
                date_iso=inc.date.isoformat(),
                place=red.text(inc.place) or "unknown",
                lat=inc.lat,
                lon=inc.lon,
                perpetrator=red.text(inc.perpetrator) or "unknown",
                attribution=red.text(inc.attribution),
                description=red.markdown(inc.description),
                claims=[
                    ClaimView(
                        red.text(c.source),
                        _num(c.killed),
                        _num(c.injured),
                        _num(c.civilians_killed),
                        _num(c.children_killed),
                        red.text(c.notes),
                        red.text(c.citation),
                    )
                    for c in inc.casualty_claims
                ],
                responses=[
                    ResponseView(
                        red.text(r.party),
                        r.date.isoformat() if r.date else "date unknown",
                        red.text(r.summary),
                        red.text(r.source),
                    )
                    for r in inc.responses
                ],
                exhibits=[exhibits[e.id] for e in snap.exhibits if inc.id in e.incidents],
                statements=[
                    _statement_view(s, snap.identities.get(s.meta.id), audience, red) for s in shown
                ],
                statements_withheld=len(inc_statements) - len(shown),
                assessments=views,
                max_killed=max(killed_figures) if killed_figures else None,
            )
        )

    ordered = [c for c in snap.library if c in criteria_used]
    criteria = [_criterion_view(snap.library[c], case) for c in ordered]
    matrix = [(iv, [_matrix_cell(iv, c) for c in ordered]) for iv in incidents]
    # The index lists every exhibit of the chosen incidents and every exhibit they cite (a
    # citation must lead somewhere, also under --incident or when linked to another incident).
    cited = {e for iv in incidents for e in (x.id for x in iv.exhibits)} | cited_exhibits
    shown_exhibits = [exhibits[e.id] for e in snap.exhibits if e.id in cited]
    reasons = []
    if draft:
        reasons.append("marked as a draft")
    if any_unreviewed:
        reasons.append("not every element has been reviewed and approved")
    if any_unassessed:
        reasons.append("not every incident has been assessed")
    return DossierView(
        audience=audience.value,
        classification=CLASSIFICATION[audience],
        title=red.text(case.title),
        reference=red.text(case.reference) or "no reference",
        organisation=red.text(case.organisation),
        conflict=case.conflict.value,
        conflict_notes=red.text(case.conflict_notes),
        standard=standard.value,
        standard_wording=STANDARD_WORDING[standard],
        summary=red.markdown(case.summary),
        methodology=red.markdown(case.methodology),
        date=snap.date,
        fingerprint=snap.fingerprint,
        draft=bool(reasons),
        draft_reason="; ".join(reasons),
        criteria=criteria,
        incidents=incidents,
        exhibits=shown_exhibits,
        matrix=matrix,
        custody=snap.custody if audience is not Audience.public else _public_custody(snap.custody),
        statements_shown=sum(len(i.statements) for i in incidents),
        statements_withheld=sum(i.statements_withheld for i in incidents),
        reliability_scale=list(RELIABILITY_WORDING.items()),
        credibility_scale=list(CREDIBILITY_WORDING.items()),
    )


def _matrix_cell(iv: IncidentView, criterion_id: str) -> str:
    for a in iv.assessments:
        if a.criterion_id == criterion_id:
            return a.conclusion
    return Conclusion.not_assessed.value


def _public_custody(custody: CustodyView) -> CustodyView:
    """The public sees that a chain exists and its head, not who handled the evidence."""
    return CustodyView(
        custody.entries,
        custody.first,
        custody.last,
        custody.head,
        custody.chain_ok,
        custody.actions,
        [],
    )


def _criterion_view(c: Criterion, case: Case) -> CriterionView:
    return CriterionView(
        id=c.id,
        title=c.title,
        kind=c.kind.value,
        summary=c.summary,
        legal_basis=[str(b) for b in c.legal_basis],
        applies_to=[a.value for a in c.applies_to],
        applicable=case.conflict.value in [a.value for a in c.applies_to],
        rule=rule_text(c),
        note=c.note or "",
        violation_label=c.violation_label,
        elements=[(n, e.id, e.question) for n, e in enumerate(c.elements, start=1)],
    )


def _exhibit_view(e: Exhibit, audience: Audience, red: Redactor) -> ExhibitView:
    if not exhibit_visible(e, audience):
        return ExhibitView(id=e.id, anchor=f"exhibit-{e.id}", kind=e.kind.value, withheld=True)
    return ExhibitView(
        id=e.id,
        anchor=f"exhibit-{e.id}",
        kind=e.kind.value,
        withheld=False,
        sha256=e.sha256,
        size=e.size,
        media_type=e.media_type,
        # A file name can carry a person's or a place's name; the public gets the hash instead.
        original_name="" if audience is Audience.public else red.text(e.original_name),
        description=red.text(e.description),
        source=red.text(e.source) or "unknown",
        url=red.text(e.url),
        captured_at=red.text(e.captured_at) or "unknown",
        reliability=e.reliability.value,
        reliability_text=RELIABILITY_WORDING[e.reliability.value],
        credibility=e.credibility,
        credibility_text=CREDIBILITY_WORDING[e.credibility],
        verification=e.verification.value,
        verification_method=red.text(e.verification_method),
        illustrative=e.illustrative,
        incidents=list(e.incidents),
        image_sha256=e.sha256 if e.media_type.startswith("image/") else None,
    )


def _statement_view(
    s: Statement, identity: Identity | None, audience: Audience, red: Redactor
) -> StatementView:
    m = s.meta
    show_name = identity is not None and identity_visible(m.consent, audience)
    lang = m.language.split("-")[0].lower()
    return StatementView(
        id=m.id,
        anchor=f"statement-{m.id}",
        pseudonym=red.text(m.pseudonym),
        role=red.text(m.role),
        name=identity.name if show_name and identity else None,
        language=m.language,
        direction="rtl" if lang in RTL_LANGUAGES else "ltr",
        interviewed_on=m.interviewed_on.isoformat() if m.interviewed_on else "date not recorded",
        # How a witness is protected is for those who must respect it, not for the public.
        protective_measures="" if audience is Audience.public else red.text(m.protective_measures),
        body=red.markdown(s.body),
    )
