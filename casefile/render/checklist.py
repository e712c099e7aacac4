"""The reviewer's checklist as a PDF, through the same templates, sandbox and PDF writer."""

from __future__ import annotations

from casefile.assess.checklist import Checklist
from casefile.render.dossier import case_fetcher
from casefile.render.markdown import render_markdown
from casefile.render.pdf import html_to_pdf
from casefile.render.templates import environment, read_template_file, template_dirs
from casefile.store.case import CaseFolder


def checklist_pdf(case: CaseFolder, sheet: Checklist) -> bytes:
    reasoning = {
        f"{c.id}/{e.id}": render_markdown(e.reasoning)
        for c in sheet.criteria
        for e in c.elements
        if e.reasoning
    }
    html = (
        environment(case.root)
        .get_template("checklist.html")
        .render(sheet=sheet, reasoning=reasoning)
    )
    return html_to_pdf(
        html,
        base_url=template_dirs(case.root)[0].as_uri() + "/",
        url_fetcher=case_fetcher(case),
        stylesheets=[read_template_file(case.root, "checklist.css")],
        metadata_date=None,
    )
