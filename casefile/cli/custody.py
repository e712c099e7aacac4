"""`casefile custody log|verify`."""

from __future__ import annotations

import typer

from casefile.cli.base import new_app
from casefile.cli.context import open_case, print_json
from casefile.cli.show import table
from casefile.cli.verify import print_report
from casefile.errors import ProblemsFound
from casefile.store.custody import CustodyLog
from casefile.store.verify import report, verify_custody

app = new_app("The custody log: who did what, when, to which object, chained by hash.")


@app.command("log")
def log(
    ctx: typer.Context,
    object_id: str | None = typer.Option(None, "--object", help="Only entries about this id."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Show the custody log."""
    state = CustodyLog(open_case(ctx).root).read()
    entries = [e for e in state.entries if object_id is None or e.object == object_id]
    if as_json:
        print_json([e.model_dump(mode="json", exclude_none=True) for e in entries])
        return
    table(
        ["seq", "time", "actor", "action", "object", "sha256"],
        [
            (e.seq, e.time, e.actor, e.action, e.object or e.path, (e.sha256 or "")[:12])
            for e in entries
        ],
    )


@app.command("verify")
def verify(ctx: typer.Context, as_json: bool = typer.Option(False, "--json")) -> None:
    """Check the hash chain; name the first broken entry."""
    case = open_case(ctx)
    result = report(verify_custody(case))
    state = CustodyLog(case.root).read()
    print_report(result, as_json, f"{state.seq} entries chained")
    if not result["ok"]:
        raise ProblemsFound("the custody log is broken")
