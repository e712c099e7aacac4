"""`casefile`: the root command. Sub-commands live one module per noun."""

from __future__ import annotations

from pathlib import Path

import typer

from casefile.cli import (
    assess,
    check,
    checklist,
    criteria,
    custody,
    evidence,
    incident,
    init,
    render,
    review,
    verify,
    witness,
)
from casefile.cli.base import CasefileGroup
from casefile.cli.context import options

app = typer.Typer(
    cls=CasefileGroup,
    help="Assemble legal case files: hashed evidence, custody log, IHL assessments, dossiers.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


@app.callback()
def root(
    ctx: typer.Context,
    case: Path | None = typer.Option(
        None, "--case", help="Case folder (default: $CASEFILE_CASE, or walk up to case.yaml)."
    ),
    actor: str | None = typer.Option(
        None, "--actor", help="Who acts (default: $CASEFILE_ACTOR, git user.name, OS user)."
    ),
) -> None:
    opts = options(ctx)
    opts.case = case
    opts.actor = actor


init.register(app)
verify.register(app)
render.register(app)
app.add_typer(incident.app, name="incident")
app.add_typer(evidence.app, name="evidence")
app.add_typer(witness.app, name="witness")
app.add_typer(custody.app, name="custody")
app.add_typer(criteria.app, name="criteria")
app.add_typer(assess.app, name="assess")
review.register(app)
check.register(app)
checklist.register(app)


def main() -> None:
    app()
