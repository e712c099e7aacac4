"""`casefile witness add|list|show|edit`: statements, with identities kept apart."""

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
    split_ids,
)
from casefile.cli.show import body, fields, table
from casefile.errors import UserInputError

app = new_app("Witness statements: Markdown with front matter; real names only in identities/.")


@app.command("add")
def add(
    ctx: typer.Context,
    statement_id: str = typer.Argument(..., metavar="W-001"),
    incident: list[str] = typer.Option(
        ..., "--incident", help="Incident the statement bears on (repeatable)."
    ),
    statement: Path = typer.Option(
        ..., "--statement", help="The statement, Markdown (front matter optional)."
    ),
    pseudonym: str | None = typer.Option(None, "--pseudonym", help="Name used in dossiers."),
    name: str | None = typer.Option(None, "--name", help="Real name: stored only in identities/."),
    other_name: list[str] = typer.Option(
        [],
        "--other-name",
        help="Another form of the real name (first name alone, kunya, nickname, spelling, "
        "script), withheld wherever the name is (repeatable).",
    ),
    role: str | None = typer.Option(None, "--role", help="e.g. survivor, activist, medic."),
    interviewed_on: str | None = typer.Option(None, "--interviewed-on", help="YYYY-MM-DD"),
    interviewer: str | None = typer.Option(None, "--interviewer"),
    language: str | None = typer.Option(None, "--language", help="e.g. ar, en."),
    consent: str | None = typer.Option(
        None, "--consent", help="Comma list: public,court,court-identity,internal."
    ),
    protective_measures: str | None = typer.Option(None, "--protective-measures"),
) -> None:
    """Add a witness statement."""
    options: dict[str, Any] = {
        "pseudonym": pseudonym,
        "role": role,
        "incidents": incident,
        "interviewed_on": parse_date("--interviewed-on", interviewed_on),
        "interviewer": interviewer,
        "language": language,
        "consent": split_ids(consent) or None,
        "protective_measures": protective_measures,
    }
    if pseudonym is None:
        options["pseudonym"] = statement_id
    from casefile.store.records import add_witness

    add_witness(open_case(ctx), actor(ctx), statement_id, statement, options, name, other_name)
    console.print(f"Added statement {statement_id}", markup=False, highlight=False)


@app.command("list")
def list_(ctx: typer.Context, as_json: bool = typer.Option(False, "--json")) -> None:
    """List statements (pseudonyms only)."""
    # From the listing cache (front matter only): an unchanged case lists without loading.
    texts = open_case(ctx).listing_json("statements")
    if as_json:
        print_json_records(texts)
        return
    table(
        ["id", "pseudonym", "role", "incidents", "language", "consent"],
        [
            (m["id"], m["pseudonym"], m.get("role"), m["incidents"], m["language"], m["consent"])
            for m in map(json.loads, texts)
        ],
    )


@app.command("show")
def show(
    ctx: typer.Context,
    statement_id: str = typer.Argument(..., metavar="W-001"),
    identity: bool = typer.Option(
        False, "--identity", help="Also show the real name (internal use)."
    ),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Show one statement. The identity is shown only when asked for."""
    case = open_case(ctx)
    s = case.load_statement(statement_id)
    ident = case.load_identity(statement_id) if identity else None
    if as_json:
        data: dict[str, Any] = {
            "meta": s.meta.model_dump(mode="json", exclude_none=True),
            "body": s.body,
        }
        if ident is not None:
            data["identity"] = ident.model_dump(mode="json", exclude_none=True)
        print_json(data)
        return
    m = s.meta
    rows: list[tuple[str, Any]] = [
        ("pseudonym", m.pseudonym),
        ("role", m.role),
        ("incidents", m.incidents),
        ("interviewed on", m.interviewed_on.isoformat() if m.interviewed_on else None),
        ("interviewer", m.interviewer),
        ("language", m.language),
        ("consent", [c.value for c in m.consent]),
        ("protective measures", m.protective_measures),
    ]
    if identity:
        rows.append(("identity", ident.name if ident else "none recorded"))
        if ident and ident.other_names:
            rows.append(("other names", "; ".join(ident.other_names)))
    fields(m.id, rows)
    body(s.body)


@app.command("edit")
def edit(
    ctx: typer.Context,
    statement_id: str = typer.Argument(..., metavar="W-001"),
    pseudonym: str | None = typer.Option(None, "--pseudonym"),
    role: str | None = typer.Option(None, "--role"),
    incident: list[str] = typer.Option(
        [], "--incident", help="Replace the incidents (repeatable)."
    ),
    interviewed_on: str | None = typer.Option(None, "--interviewed-on"),
    interviewer: str | None = typer.Option(None, "--interviewer"),
    language: str | None = typer.Option(None, "--language"),
    consent: str | None = typer.Option(None, "--consent"),
    protective_measures: str | None = typer.Option(None, "--protective-measures"),
    statement: Path | None = typer.Option(
        None, "--statement", help="Replace the text from a file."
    ),
    name: str | None = typer.Option(
        None, "--name", help="Replace the real name (stored only in identities/)."
    ),
    other_name: list[str] = typer.Option(
        [],
        "--other-name",
        help="Add another form of the real name (repeatable); see witness add.",
    ),
    no_other_names: bool = typer.Option(
        False,
        "--no-other-names",
        help="Remove the other forms of the real name (with --other-name: replace them).",
    ),
) -> None:
    """Change a statement's details, consent, text or identity."""
    changes: dict[str, Any] = {
        "pseudonym": pseudonym,
        "role": role,
        "incidents": incident or None,
        "interviewed_on": parse_date("--interviewed-on", interviewed_on),
        "interviewer": interviewer,
        "language": language,
        "consent": split_ids(consent) or None,
        "protective_measures": protective_measures,
    }
    changes = {k: v for k, v in changes.items() if v is not None}
    from casefile.store.records import edit_witness, read_statement_file

    identity: dict[str, Any] = {} if name is None else {"name": name}
    if other_name or no_other_names:
        # Forms are added to those kept, never dropped unasked: a form dropped by mistake
        # would be printed in the next dossier.
        identity["other_names"] = other_name or None
        identity["keep_other_names"] = not no_other_names
    new_body = read_statement_file(statement)[1] if statement is not None else None
    if not changes and new_body is None and not identity:
        raise UserInputError("nothing to change: give at least one option (see --help)")
    edit_witness(open_case(ctx), actor(ctx), statement_id, changes, new_body, identity)
    console.print(f"Updated statement {statement_id}", markup=False, highlight=False)
