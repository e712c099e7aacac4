"""`casefile verify`: every hash and the custody chain."""

from __future__ import annotations

import typer
from rich.text import Text

from casefile.cli.base import single_command_app
from casefile.cli.context import console, interactive, open_case, print_json
from casefile.cli.progress import byte_progress
from casefile.errors import ProblemsFound
from casefile.store.verify import report, verify_case


def _with_id(problem: dict) -> str:
    """The message, led by the id unless the message already names it first."""
    message, ident = problem["message"], problem["id"]
    return message if message.startswith(ident) else f"{ident}: {message}"


def print_report(result: dict, as_json: bool, summary: str) -> None:
    if as_json:
        print_json(result)
        return
    for p in result["problems"]:
        style = "red" if p["severity"] == "error" else "yellow"
        console.print(Text(f"{p['severity']:7} {p['code']:18} {_with_id(p)}", style=style))
    verdict = "OK" if result["ok"] else "FAILED"
    console.print(Text(f"{verdict}: {summary}", style="bold green" if result["ok"] else "bold red"))


def register(app: typer.Typer) -> None:
    @app.command("verify")
    def verify_command(ctx: typer.Context, as_json: bool = typer.Option(False, "--json")) -> None:
        """Re-hash every stored file, check records against the store both ways, check the log."""
        case = open_case(ctx)
        total = sum(p.stat().st_size for _, p in case.objects.iter_blobs())
        with byte_progress("verifying", total, enabled=interactive() and not as_json) as advance:
            problems = verify_case(case, advance)
        result = report(problems)
        print_report(result, as_json, "store, records and custody log checked")
        if not result["ok"]:
            raise ProblemsFound("verification found problems")


app = single_command_app(register)
