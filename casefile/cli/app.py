"""`casefile`: the root command. Sub-commands live one module per noun, imported on use.

`casefile --help` lists the commands from the table below without importing them, so it
starts in the time Python and Typer take, and never loads pydantic, rich or WeasyPrint.
"""

from __future__ import annotations

from pathlib import Path

import typer

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


def main() -> None:
    app()
