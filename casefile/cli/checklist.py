"""`casefile checklist`: the reviewer's sheet for one incident, in the terminal or as a PDF."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Column, Table
from rich.text import Text

from casefile.assess.checklist import Checklist, ChecklistElement, Citation, build_checklist
from casefile.cli.assess import CONCLUSION_STYLE, FINDING_STYLE, STATUS_STYLE
from casefile.cli.base import single_command_app
from casefile.cli.context import actor, console, open_case
from casefile.errors import UserInputError
from casefile.store.case import CaseFolder

SIGNATURE = "Reviewed by (name): ____________________  Date: ____________  Signature: ____________"


def register(app: typer.Typer) -> None:
    @app.command("checklist")
    def checklist_command(
        ctx: typer.Context,
        incident_id: str = typer.Argument(..., metavar="INCIDENT"),
        output: Path | None = typer.Option(
            None, "-o", "--output", help="Write the sheet as a PDF to this file."
        ),
    ) -> None:
        """The reviewer's sheet: each element's question, finding, citations, reasoning,
        review status, and room for a signature."""
        case = open_case(ctx)
        sheet = build_checklist(case, incident_id)
        if output is None:
            print_checklist(sheet)
            return
        if not output.parent.is_dir():
            raise UserInputError(f"-o: folder {output.parent} does not exist")
        digest = write_pdf(case, sheet, output)
        # The sheet carries the case's internal content (reasoning, pseudonyms, hashes):
        # who exported it, and which bytes, goes in the custody log as a dossier does.
        from casefile.store.session import session

        with session(case, actor(ctx)) as s:
            s.log(
                "checklist.render",
                object=incident_id,
                sha256=digest,
                details={"output": output.name},
            )
        console.print(Text(f"Wrote {output}; sha256 {digest}"))


def _citations(items: list[Citation]) -> Text:
    if not items:
        return Text("none cited", style="dim")
    return Text("\n".join(c.label for c in items), style="")


def _element_table(e: ChecklistElement) -> Table:
    grid = Table(
        Column("", style="bold", no_wrap=True, min_width=13),
        Column("", overflow="fold"),
        title=Text(f"{e.number}. {e.question} [{e.id}]", style="bold"),
        title_justify="left",
        show_header=False,
        expand=True,
    )
    grid.add_row(Text("finding"), _finding(e))
    if e.finding is None:
        return grid
    grid.add_row(Text("set by"), Text(f"{e.set_by}, {e.set_at}"))
    grid.add_row(Text("supporting"), _citations(e.supporting))
    grid.add_row(Text("contradicting"), _citations(e.contradicting))
    grid.add_row(Text("reasoning"), Text(e.reasoning) if e.reasoning else Text("none", style="dim"))
    status = Text(e.review_status or "", style=STATUS_STYLE.get(e.review_status or "", ""))
    for r in e.reviews:
        comment = f": {r.comment}" if r.comment else ""
        status.append(f"\n{r.verdict.value} by {r.reviewer}, {r.time}{comment}", style="")
    grid.add_row(Text("review"), status)
    return grid


def _finding(e: ChecklistElement) -> Text:
    if e.finding is None:
        return Text("not yet assessed", style="dim")
    label = e.finding + (f" (confidence {e.confidence})" if e.confidence else "")
    return Text(label, style=FINDING_STYLE.get(e.finding, ""))


def print_checklist(sheet: Checklist) -> None:
    console.print(Text(f"Review checklist: {sheet.incident}", style="bold underline"))
    console.print(Text(f"{sheet.incident_title} — case {sheet.case_reference or sheet.case_title}"))
    if not sheet.criteria:
        console.print(Text("No criterion assessed yet (`casefile assess set`)."))
        return
    for c in sheet.criteria:
        console.print()
        console.print(Text(f"{c.id}: {c.title}", style="bold underline"))
        for e in c.elements:
            console.print(_element_table(e))
        console.print(
            Text.assemble(
                ("Conclusion: ", "bold"),
                (c.conclusion, CONCLUSION_STYLE[c.conclusion]),
                (f"  (violation indicated if {c.rule} established)", "dim"),
            )
        )
        console.print(Text(c.sentence))
        console.print(Text(SIGNATURE))


def write_pdf(case: CaseFolder, sheet: Checklist, output: Path) -> str:
    """Write the sheet; its SHA-256."""
    import hashlib

    # Imported here only, so other commands never load the renderer (and WeasyPrint).
    from casefile.render.checklist import checklist_pdf
    from casefile.store.atomic import write_atomic

    data = checklist_pdf(case, sheet)
    write_atomic(output, data)
    return hashlib.sha256(data).hexdigest()


app = single_command_app(register)
