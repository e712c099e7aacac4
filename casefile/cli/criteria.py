"""`casefile criteria list|show`: the IHL criteria library, shipped and case-specific."""

from __future__ import annotations

from typing import Any

import typer
from rich.text import Text

from casefile.assess.library import get_criterion, load_library
from casefile.cli.base import new_app
from casefile.cli.context import console, open_case, print_json
from casefile.cli.show import fields, table
from casefile.model.criteria import Criterion, rule_text

app = new_app("The IHL criteria library: legal basis, elements to assess, conclusion rule.")


def _source(criterion: Criterion) -> str:
    return "case" if criterion.source.startswith("criteria/") else "shipped"


def _summary_json(criterion: Criterion) -> dict[str, Any]:
    return {
        "id": criterion.id,
        "version": criterion.version,
        "title": criterion.title,
        "kind": criterion.kind.value,
        "applies_to": [c.value for c in criterion.applies_to],
        "source": _source(criterion),
    }


@app.command("list")
def list_(ctx: typer.Context, as_json: bool = typer.Option(False, "--json")) -> None:
    """List the criteria this case can be assessed against."""
    library = load_library(open_case(ctx).root)
    if as_json:
        print_json([_summary_json(c) for c in library.values()])
        return
    table(
        ["id", "v", "applies to", "kind", "source", "title"],
        [
            (
                c.id,
                c.version,
                [a.value for a in c.applies_to],
                c.kind.value,
                _source(c),
                c.title,
            )
            for c in library.values()
        ],
    )


@app.command("show")
def show(
    ctx: typer.Context,
    criterion_id: str = typer.Argument(..., metavar="CRITERION"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Show a criterion: its legal basis, elements with guidance, and the conclusion rule."""
    criterion = get_criterion(load_library(open_case(ctx).root), criterion_id)
    if as_json:
        data = criterion.model_dump(mode="json", exclude_none=True)
        data["rule_text"] = rule_text(criterion)
        data["source"] = _source(criterion)
        print_json(data)
        return
    fields(
        f"{criterion.id} (version {criterion.version}): {criterion.title}",
        [
            ("kind", criterion.kind.value),
            ("applies to", [a.value for a in criterion.applies_to]),
            ("source", criterion.source),
            ("summary", criterion.summary),
            ("note", criterion.note),
        ],
    )
    console.print(Text("Legal basis", style="bold"))
    for citation in criterion.legal_basis:
        line = str(citation) + (f" ({citation.note})" if citation.note else "")
        console.print(Text(f"  - {line}"))
    console.print(Text("Elements", style="bold"))
    for number, element in enumerate(criterion.elements, start=1):
        tag = " [contextual]" if element.contextual else ""
        console.print(Text(f"  {number}. {element.id}{tag}: {element.question}"))
        console.print(Text(f"     {element.guidance}", style="dim"))
        for item in element.evidence:
            console.print(Text(f"     evidence: {item}"))
    console.print(Text("Conclusion rule", style="bold"))
    console.print(
        Text(
            f"  violation indicated if {rule_text(criterion)} "
            f"{'is' if len(criterion.elements) == 1 else 'are'} established"
        )
    )
