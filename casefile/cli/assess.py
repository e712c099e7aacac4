"""`casefile assess set|show`: findings element by element, conclusions derived by rule."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Column, Table
from rich.text import Text

from casefile.assess.assessments import (
    AssessmentState,
    assessment_state,
    set_finding,
    state_json,
)
from casefile.cli.base import new_app
from casefile.cli.context import (
    actor,
    console,
    err_console,
    open_case,
    print_json,
    split_ids,
    text_or_file,
)
from casefile.cli.show import text
from casefile.model.assessment import FindingValue

app = new_app("Assessments: each incident tested against the law, element by element.")

CONCLUSION_STYLE = {
    "violation-indicated": "bold red",
    "no-violation-indicated": "bold green",
    "inconclusive": "bold yellow",
    "not-assessed": "dim",
}
FINDING_STYLE = {
    "established": "red",
    "not-established": "green",
    "insufficient": "yellow",
    "not-applicable": "cyan",
}
STATUS_STYLE = {"approved": "green", "challenged": "bold red", "pending": "yellow"}


def _ids(value: str | None) -> list[str] | None:
    """None keeps the previous citations; an empty value clears them."""
    return None if value is None else split_ids(value)


@app.command("set")
def set_(
    ctx: typer.Context,
    incident_id: str = typer.Argument(..., metavar="INCIDENT"),
    criterion_id: str = typer.Argument(..., metavar="CRITERION"),
    element_id: str = typer.Argument(..., metavar="ELEMENT"),
    finding: FindingValue = typer.Option(..., "--finding"),
    evidence: str | None = typer.Option(
        None,
        "--evidence",
        help="Supporting exhibits/statements, comma list (E-0001,W-001); '' clears.",
    ),
    against: str | None = typer.Option(
        None, "--against", help="Contradicting exhibits/statements, comma list; '' clears."
    ),
    reasoning: str | None = typer.Option(None, "--reasoning", help="Markdown."),
    reasoning_file: Path | None = typer.Option(None, "--reasoning-file"),
    confidence: str | None = typer.Option(None, "--confidence", help="low, medium or high."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Record the finding on one element. Options not given keep their previous value.

    A change to a reviewed finding puts it back to pending review."""
    case = open_case(ctx)
    result = set_finding(
        case,
        actor(ctx),
        incident_id,
        criterion_id,
        element_id,
        finding=finding,
        supporting=_ids(evidence),
        contradicting=_ids(against),
        reasoning=text_or_file("--reasoning", reasoning, reasoning_file),
        confidence=confidence,
    )
    state = assessment_state(case, incident_id)
    criterion = next(c for c in state.criteria if c.criterion.id == criterion_id)
    if as_json:
        print_json(
            {
                "incident": incident_id,
                "criterion": criterion_id,
                "element": element_id,
                "finding": result.finding.finding.value,
                "changed": result.changed,
                "reviews_cleared": result.reviews_cleared,
                "conclusion": criterion.conclusion,
                "sentence": criterion.sentence,
            }
        )
        return
    where = f"{incident_id} {criterion_id}/{element_id}"
    if not result.changed:
        console.print(Text(f"Unchanged: {where} is already {finding.value}"))
    else:
        console.print(Text(f"Set {where}: {finding.value}"))
    if result.reviews_cleared:
        console.print(
            Text(
                f"The finding changed after review: {result.reviews_cleared} review(s) "
                "cleared, back to pending",
                style="yellow",
            )
        )
    console.print(
        Text.assemble(
            ("Conclusion: ", "bold"),
            (criterion.conclusion, CONCLUSION_STYLE[criterion.conclusion]),
        )
    )
    console.print(Text(criterion.sentence))


@app.command("show")
def show(
    ctx: typer.Context,
    incident_id: str = typer.Argument(..., metavar="INCIDENT"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """The checklist of an incident at a glance: findings, citations, reviews, conclusions."""
    state = assessment_state(open_case(ctx), incident_id)
    for unknown in state.unknown_criteria:
        err_console.print(
            Text(f"note: criterion {unknown!r} is not in the library; see `casefile check`"),
            style="yellow",
        )
    if as_json:
        print_json(state_json(state))
        return
    print_state(state)


def print_state(state: AssessmentState) -> None:
    console.print(Text(f"{state.incident}: {state.incident_title}", style="bold underline"))
    if not state.criteria:
        console.print(Text("No criterion assessed yet (`casefile assess set`)."))
        return
    for c in state.criteria:
        grid = Table(
            "#",
            Column("element", overflow="fold"),
            "finding",
            "supporting",
            "against",
            "conf.",
            "review",
            title=Text(f"{c.criterion.id}: {c.criterion.title}"),
            title_justify="left",
        )
        for e in c.elements:
            f = e.finding
            grid.add_row(
                text(e.number),
                text(e.element.id),
                Text(f.finding.value, style=FINDING_STYLE[f.finding.value]) if f else text(None),
                text(f.supporting if f else None),
                text(f.contradicting if f else None),
                text(f.confidence if f else None),
                _status(f.review_status, f.reviews[-1].reviewer if f.reviews else None)
                if f
                else text(None),
            )
        console.print(grid)
        console.print(
            Text.assemble(
                ("Conclusion: ", "bold"),
                (c.conclusion, CONCLUSION_STYLE[c.conclusion]),
                (f"  (violation indicated if {c.rule} established)", "dim"),
            )
        )
        console.print(Text(c.sentence))
        console.print(review_line(c.review_summary()))
        console.print()


def review_line(summary: dict[str, int]) -> Text:
    """`Reviews: 3 approved, 1 challenged, 0 pending; 2 elements without a finding`."""
    line = Text("Reviews: ", style="bold")
    for i, key in enumerate(("approved", "challenged", "pending")):
        line.append(", " if i else "")
        line.append(f"{summary[key]} {key}", style=STATUS_STYLE[key] if summary[key] else "")
    if summary["open"]:
        line.append(f"; {summary['open']} element(s) without a finding", style="dim")
    return line


def _status(status: str, reviewer: str | None) -> Text:
    label = status if reviewer is None else f"{status} ({reviewer})"
    return Text(label, style=STATUS_STYLE.get(status, ""))
