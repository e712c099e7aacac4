"""`casefile review`: approve or challenge findings (four-eyes)."""

from __future__ import annotations

import typer
from rich.text import Text

from casefile.assess.assessments import review
from casefile.cli.base import single_command_app
from casefile.cli.context import actor, console, open_case, print_json
from casefile.errors import UserInputError
from casefile.model.assessment import Verdict


def register(app: typer.Typer) -> None:
    @app.command("review")
    def review_command(
        ctx: typer.Context,
        incident_id: str = typer.Argument(..., metavar="INCIDENT"),
        criterion_id: str = typer.Argument(..., metavar="CRITERION"),
        element_id: str | None = typer.Argument(
            None, metavar="[ELEMENT]", help="Default: every assessed element of the criterion."
        ),
        approve: bool = typer.Option(False, "--approve", help="Sign off the finding(s)."),
        challenge: bool = typer.Option(
            False, "--challenge", help="Dispute the finding(s); needs --comment."
        ),
        comment: str | None = typer.Option(None, "--comment", help="What is wrong or missing."),
        as_json: bool = typer.Option(False, "--json"),
    ) -> None:
        """Approve or challenge findings. Whoever set a finding cannot approve it."""
        if approve == challenge:
            raise UserInputError("give exactly one of --approve or --challenge")
        result = review(
            open_case(ctx),
            actor(ctx),
            incident_id,
            criterion_id,
            element_id,
            verdict=Verdict.approve if approve else Verdict.challenge,
            comment=comment,
        )
        if as_json:
            print_json(
                {
                    "incident": result.incident,
                    "criterion": result.criterion,
                    "verdict": result.verdict.value,
                    "elements": result.elements,
                }
            )
            return
        done = "Approved" if result.verdict is Verdict.approve else "Challenged"
        console.print(
            Text(f"{done} {result.criterion}: {', '.join(result.elements)} of {result.incident}")
        )


app = single_command_app(register)
