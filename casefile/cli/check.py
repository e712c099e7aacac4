"""`casefile check`: lint the case for an audience."""

from __future__ import annotations

import typer

from casefile.assess.checks import check_case
from casefile.cli.base import single_command_app
from casefile.cli.context import open_case
from casefile.cli.verify import print_report
from casefile.errors import ProblemsFound
from casefile.model.case import Audience
from casefile.store.verify import report


def register(app: typer.Typer) -> None:
    @app.command("check")
    def check_command(
        ctx: typer.Context,
        audience: Audience | None = typer.Option(
            None, "--audience", help="Whose consent to check (default: the case's audience)."
        ),
        as_json: bool = typer.Option(False, "--json"),
    ) -> None:
        """Dangling ids, findings without evidence, failed hashes, consent, open reviews, ..."""
        result = report(check_case(open_case(ctx), audience))
        errors = sum(p["severity"] == "error" for p in result["problems"])
        warnings = len(result["problems"]) - errors
        print_report(result, as_json, f"{errors} error(s), {warnings} warning(s)")
        if not result["ok"]:
            raise ProblemsFound(f"check found {errors} error(s)")


app = single_command_app(register)
