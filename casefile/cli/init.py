"""`casefile init`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from casefile.cli.base import single_command_app
from casefile.cli.context import actor, console
from casefile.model.case import Audience, Case, Conflict, Standard
from casefile.store.records import build, init_case


def register(app: typer.Typer) -> None:
    @app.command("init")
    def init_command(
        ctx: typer.Context,
        path: Path = typer.Argument(Path("."), help="Folder for the new case (created if needed)."),
        title: str = typer.Option(..., "--title", help="Title of the case."),
        reference: str | None = typer.Option(
            None, "--reference", help="Case reference, e.g. CF-2015-SY-01."
        ),
        organisation: str | None = typer.Option(None, "--organisation"),
        conflict: Conflict = typer.Option(
            Conflict.unknown, "--conflict", help="Conflict classification."
        ),
        standard: Standard = typer.Option(
            Standard.reasonable_grounds, "--standard", help="Standard of proof."
        ),
        audience: Audience = typer.Option(Audience.internal, "--default-audience"),
    ) -> None:
        """Open a new case folder with its case.yaml and custody log."""
        case = build(
            Case,
            {
                "title": title,
                "reference": reference,
                "organisation": organisation,
                "conflict": conflict,
                "standard_of_proof": standard,
                "default_audience": audience,
                "created": dt.date.today().isoformat(),
            },
            "case",
        )
        folder = init_case(path, case, actor(ctx))
        console.print(f"Opened case in {folder.root}", highlight=False, markup=False)


app = single_command_app(register)
