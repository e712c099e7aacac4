"""Rendering a dossier: snapshot -> audience view -> HTML -> PDF, HTML or JSON.

The exhibit index prints the pages where each exhibit is cited. CSS can only point at one
target per reference, so the PDF is laid out twice: the first layout tells on which page
each citation anchor landed; the second prints those pages. The index comes after every
citation, so filling it in cannot move them.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import mimetypes
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from casefile.errors import UserInputError
from casefile.render.fetcher import SandboxedFetcher, make_url_fetcher
from casefile.render.options import Format, RenderOptions, in_parts
from casefile.render.pictures import MapPoint, TimelineItem, incident_map_svg, timeline_svg
from casefile.render.snapshot import take_snapshot
from casefile.render.templates import (
    check_cover,
    dossier_css,
    environment,
    read_template_file,
    template_dirs,
)
from casefile.render.thumbnails import thumbnail_data_url
from casefile.render.view import DossierView, build_view
from casefile.store.case import CaseFolder

if TYPE_CHECKING:
    from casefile.render.workerpool import Workers


@dataclass
class Rendered:
    data: bytes
    sha256: str
    fingerprint: str
    pages: int | None
    refused_urls: list[str]
    custody_head: str = ""  # the custody log's head before renders, as the dossier shows it


def build(case: CaseFolder, options: RenderOptions) -> DossierView:
    snap = take_snapshot(case)
    view = build_view(snap, options.audience, options.incidents, options.draft)
    for exhibit in view.exhibits:
        if exhibit.image_sha256 and not exhibit.withheld:
            exhibit.thumbnail = thumbnail_data_url(case.objects.path(exhibit.image_sha256))
    return view


def pictures(view: DossierView) -> dict[str, Markup]:
    points = [
        MapPoint(label=str(i.number), lat=i.lat, lon=i.lon, title=i.title)
        for i in view.incidents
        if i.lat is not None and i.lon is not None
    ]
    items = [
        TimelineItem(
            label=str(i.number),
            date=dt.date.fromisoformat(i.date_iso),
            killed=i.max_killed,
            title=i.title,
        )
        for i in view.incidents
    ]
    return {"map": Markup(incident_map_svg(points)), "timeline": Markup(timeline_svg(items))}


def to_html(case: CaseFolder, view: DossierView) -> str:
    env = environment(case.root)
    css = dossier_css(case.root)
    html = env.get_template("dossier.html").render(
        v=view, pictures=pictures(view), css=Markup(css), page_attr=_no_page_attr
    )
    check_cover(html, view.fingerprint, case.root)
    return html


def _no_page_attr(_anchor: str) -> Markup:
    """Whole-document renders number the contents with CSS target-counter()."""
    return Markup("")


def _render_parts_pdf(case: CaseFolder, view: DossierView, pool: Workers | None):  # type: ignore[no-untyped-def]
    """The PDF as parts laid out in parallel and cached (see :mod:`casefile.render.parallel`)."""
    from casefile.render.cache import PartCache
    from casefile.render.parallel import render_parts

    env = environment(case.root)
    css = dossier_css(case.root)
    parts_css = read_template_file(case.root, "parts.css")
    # A part's first page is not the dossier's: only the cover drops the running footer.
    rest_css = "@page :first { @bottom-left { content: element(footer); } }"
    template = env.get_template("part.html")
    pics = pictures(view)

    def render_part(section: str, **context) -> tuple[str, str]:  # type: ignore[no-untyped-def]
        sheet = f"{css}\n{parts_css}" + ("" if section == "cover" else f"\n{rest_css}")
        # The stylesheet goes to the layout apart from the HTML (parsed once per worker).
        return template.render(section=section, pictures=pics, css=None, **context), sheet

    return render_parts(
        view,
        render_part=render_part,
        css=css,
        case_root=case.root,
        template_dirs=template_dirs(case.root),
        pool=pool,
        cache=PartCache.for_case(case.root),
    )


def to_json(view: DossierView) -> bytes:
    def default(value: Any) -> Any:
        if isinstance(value, Markup):
            return str(value)
        raise TypeError(type(value).__name__)

    data = dataclasses.asdict(view)
    return (json.dumps(data, default=default, ensure_ascii=False, indent=2) + "\n").encode()


def case_fetcher(case: CaseFolder) -> SandboxedFetcher:
    """The sandbox for one case: its blobs by hash, its templates and the shipped ones."""

    def blob_path(sha: str) -> Path | None:
        path = case.objects.path(sha)
        return path if path.is_file() else None

    return make_url_fetcher(blob_path, template_dirs(case.root))


def render(case: CaseFolder, options: RenderOptions, pool: Workers | None = None) -> Rendered:
    """``pool``: workers kept from one render to the next (``render --watch``); without
    it, a PDF render starts ``options.jobs`` of its own."""
    import jinja2

    try:
        return _render(case, options, pool)
    except jinja2.TemplateError as exc:
        # A case's own template that fails (syntax, an undefined name, or reaching past
        # the sandbox) is bad input, named, not an internal error.
        raise UserInputError(f"{_template_at(exc)}: {exc.message or type(exc).__name__}") from None


def _template_at(exc: Exception) -> str:
    """Which template (and line) failed: a syntax error knows; a runtime error is found in
    the traceback, whose frames Jinja maps back to template files."""
    import traceback

    name, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    if name is None:
        for frame, lineno in traceback.walk_tb(exc.__traceback__):
            filename = frame.f_code.co_filename
            if filename.endswith((".html", ".css", ".svg", ".xml")):
                name, line = filename, lineno  # the innermost template wins
    if name is None:
        return "a dossier template"
    return f"{name}, line {line}" if line else str(name)


def _render(case: CaseFolder, options: RenderOptions, kept: Workers | None) -> Rendered:
    for incident_id in options.incidents or []:
        case.require_incident(incident_id)  # before anything is laid out: a typo fails at once
    if in_parts(options.format, options.attach_evidence):
        from casefile.render.workerpool import workers

        # The workers start first and import WeasyPrint while this process reads the case.
        with contextlib.nullcontext(kept) if kept is not None else workers(options.jobs) as pool:
            view = build(case, options)
            result = _render_parts_pdf(case, view, pool)
        data = result.pdf
        return Rendered(
            data,
            hashlib.sha256(data).hexdigest(),
            view.fingerprint,
            result.pages,
            result.refused,
            view.custody.head,
        )
    view = build(case, options)
    refused: list[str] = []
    pages: int | None = None
    if options.format is Format.json:
        data = to_json(view)
    elif options.format is Format.html:
        data = to_html(case, view).encode()
    else:
        # PDF/A-3b with attachments: one WeasyPrint document (merged parts would need the
        # PDF/A metadata, output intent and /AF rebuilt by hand), laid out twice.
        from casefile.render.layout import anchor_pages
        from casefile.render.pdf import html_to_pdf, page_count

        fetcher = case_fetcher(case)
        first = anchor_pages(to_html(case, view), fetcher)
        for exhibit in view.exhibits:
            exhibit.cited_pages = sorted({first[c] for c in exhibit.cite_ids if c in first})
        data = html_to_pdf(
            to_html(case, view),
            base_url=None,
            url_fetcher=fetcher,
            attachments=evidence_attachments(case, view),
            pdf_variant="pdf/a-3b",
            metadata_date=view.date or None,
        )
        refused = list(getattr(fetcher, "refused", []))
        pages = page_count(data)
    return Rendered(
        data, hashlib.sha256(data).hexdigest(), view.fingerprint, pages, refused, view.custody.head
    )


def evidence_attachments(case: CaseFolder, view: DossierView) -> list:  # type: ignore[type-arg]
    """The exhibit files this audience may see, each described with its sha256."""
    from casefile.render.pdf import Attachment

    out = []
    for e in view.exhibits:
        if e.withheld:
            continue
        data = case.objects.path(e.sha256).read_bytes()
        suffix = mimetypes.guess_extension(e.media_type) or ""
        out.append(
            Attachment(
                filename=f"{e.id}{suffix}",
                data=data,
                description=f"Exhibit {e.id} ({e.kind}), sha256 {e.sha256}",
                relationship="Source",
            )
        )
    return out
