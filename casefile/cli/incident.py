"""`casefile incident add|list|show|edit`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from casefile.cli.base import new_app
from casefile.cli.context import (
    actor,
    console,
    open_case,
    parse_date,
    print_json,
    print_json_records,
    text_or_file,
)
from casefile.cli.show import body, fields, table
from casefile.errors import UserInputError
from casefile.model.vocab import DatePrecision

app = new_app("Incidents: the events under investigation.")


@app.command("add")
def add(
    ctx: typer.Context,
    incident_id: str = typer.Argument(
        ..., metavar="ID", help="Your handle, e.g. ARIHA-2015-11-29."
    ),
    title: str = typer.Option(..., "--title"),
    date: str = typer.Option(..., "--date", help="YYYY-MM-DD"),
    precision: DatePrecision = typer.Option(DatePrecision.day, "--date-precision"),
    place: str | None = typer.Option(None, "--place"),
    lat: float | None = typer.Option(None, "--lat"),
    lon: float | None = typer.Option(None, "--lon"),
    perpetrator: str | None = typer.Option(None, "--perpetrator", help="Alleged perpetrator."),
    attribution: str | None = typer.Option(None, "--attribution", help="Basis of the attribution."),
    description: str | None = typer.Option(None, "--description", help="Markdown."),
    description_file: Path | None = typer.Option(None, "--description-file"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Record a new incident."""
    data: dict[str, Any] = {
        "id": incident_id,
        "title": title,
        "date": parse_date("--date", date),
        "date_precision": precision,
        "place": place,
        "lat": lat,
        "lon": lon,
        "perpetrator": perpetrator,
        "attribution": attribution,
        "description": text_or_file("--description", description, description_file) or "",
    }
    from casefile.store.records import add_incident

    incident = add_incident(
        open_case(ctx), actor(ctx), {k: v for k, v in data.items() if v is not None}
    )
    if as_json:
        print_json(incident.model_dump(mode="json"))
    else:
        console.print(f"Added incident {incident.id}", markup=False, highlight=False)


@app.command("list")
def list_(ctx: typer.Context, as_json: bool = typer.Option(False, "--json")) -> None:
    """List incidents by date."""
    # From the listing cache: an unchanged case lists without loading a record.
    listed = [(json.loads(t), t) for t in open_case(ctx).listing_json("incidents")]
    listed.sort(key=lambda pair: (pair[0]["date"], pair[0]["id"]))  # ISO dates sort as dates
    if as_json:
        print_json_records([t for _i, t in listed])
        return
    table(
        ["id", "date", "title", "place", "perpetrator"],
        [(i["id"], i["date"], i["title"], i["place"], i["perpetrator"]) for i, _t in listed],
    )


@app.command("show")
def show(
    ctx: typer.Context,
    incident_id: str = typer.Argument(..., metavar="ID"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Show one incident."""
    case = open_case(ctx)
    incident = case.load_incident(incident_id)
    if as_json:
        print_json(incident.model_dump(mode="json"))
        return
    fields(
        f"{incident.id}: {incident.title}",
        [
            ("date", f"{incident.date.isoformat()} ({incident.date_precision.value})"),
            ("place", incident.place),
            (
                "coordinates",
                f"{incident.lat}, {incident.lon}" if incident.lat is not None else None,
            ),
            ("perpetrator", incident.perpetrator),
            ("attribution", incident.attribution),
        ],
    )
    for claim in incident.casualty_claims:
        console.print(
            f"  casualties per {claim.source}: killed {claim.killed}, injured {claim.injured}",
            markup=False,
            highlight=False,
        )
    for response in incident.responses:
        console.print(
            f"  response of {response.party}: {response.summary}", markup=False, highlight=False
        )
    if incident.description:
        body(incident.description)


@app.command("edit")
def edit(
    ctx: typer.Context,
    incident_id: str = typer.Argument(..., metavar="ID"),
    title: str | None = typer.Option(None, "--title"),
    date: str | None = typer.Option(None, "--date"),
    precision: DatePrecision | None = typer.Option(None, "--date-precision"),
    place: str | None = typer.Option(None, "--place"),
    lat: float | None = typer.Option(None, "--lat"),
    lon: float | None = typer.Option(None, "--lon"),
    perpetrator: str | None = typer.Option(None, "--perpetrator"),
    attribution: str | None = typer.Option(None, "--attribution"),
    description: str | None = typer.Option(None, "--description"),
    description_file: Path | None = typer.Option(None, "--description-file"),
) -> None:
    """Change fields of an incident (casualty claims and responses: edit the YAML by hand)."""
    changes: dict[str, Any] = {
        "title": title,
        "date": parse_date("--date", date),
        "date_precision": precision,
        "place": place,
        "lat": lat,
        "lon": lon,
        "perpetrator": perpetrator,
        "attribution": attribution,
        "description": text_or_file("--description", description, description_file),
    }
    changes = {k: v for k, v in changes.items() if v is not None}
    if not changes:
        raise UserInputError("nothing to change: give at least one option (see --help)")
    from casefile.store.records import edit_incident

    edit_incident(open_case(ctx), actor(ctx), incident_id, changes)
    console.print(f"Updated incident {incident_id}", markup=False, highlight=False)
