"""`casefile render`: the dossier for one audience, as PDF, self-contained HTML or JSON."""

from __future__ import annotations

import re
from pathlib import Path

import typer

from casefile.cli.base import single_command_app
from casefile.cli.context import actor, console, err_console, interactive, open_case
from casefile.errors import UserInputError
from casefile.model.case import Audience
from casefile.render.options import Format, RenderOptions


def register(app: typer.Typer) -> None:
    @app.command("render")
    def render_command(
        ctx: typer.Context,
        output: Path | None = typer.Option(None, "-o", "--output", help="Output file."),
        audience: Audience | None = typer.Option(
            None,
            "--audience",
            help="Who the dossier is for (default: the case's default audience).",
        ),
        fmt: Format = typer.Option(Format.pdf, "--format"),
        incident: list[str] = typer.Option(
            [], "--incident", help="Only these incidents (repeatable)."
        ),
        draft: bool = typer.Option(False, "--draft", help="Mark every page DRAFT."),
        attach_evidence: bool = typer.Option(
            False, "--attach-evidence", help="PDF/A-3b with the visible exhibit files attached."
        ),
        jobs: int | None = typer.Option(
            None,
            "--jobs",
            min=1,
            help="Parallel layout processes (default: the CPUs available, at most 2).",
        ),
    ) -> None:
        """Render the assessed dossier for an audience; withheld material is never in it."""
        from casefile.render.dossier import render
        from casefile.render.parallel import default_jobs
        from casefile.store.atomic import write_atomic
        from casefile.store.session import session

        case = open_case(ctx)
        chosen = audience or case.load_case().default_audience
        if attach_evidence and fmt is not Format.pdf:
            raise UserInputError("--attach-evidence needs --format pdf")
        options = RenderOptions(
            chosen, fmt, incident or None, draft, attach_evidence, jobs or default_jobs()
        )
        target = output or Path(
            f"dossier-{_slug(case.load_case().reference or 'case')}-{chosen.value}.{fmt.value}"
        )
        if target.is_dir():
            raise UserInputError(f"{target}: is a folder; give a file name with -o")
        if not target.resolve().parent.is_dir():
            raise UserInputError(f"-o: folder {target.parent} does not exist")
        if interactive():
            err_console.print(f"rendering {chosen.value} dossier…", markup=False, highlight=False)
        result = render(case, options)
        write_atomic(target.resolve(), result.data)
        with session(case, actor(ctx)) as s:
            s.log(
                "dossier.render",
                sha256=result.sha256,
                details={
                    "audience": chosen.value,
                    "format": fmt.value,
                    "fingerprint": result.fingerprint,
                    "incidents": incident,
                    "draft": draft,
                    "attach_evidence": attach_evidence,
                    "output": target.name,
                },
            )
        pages = f", {result.pages} pages" if result.pages else ""
        console.print(
            f"Wrote {target} ({len(result.data)} bytes{pages}); sha256 {result.sha256}",
            markup=False,
            highlight=False,
        )
        if result.refused_urls:
            err_console.print(
                f"refused {len(result.refused_urls)} resource(s) outside the case and templates",
                markup=False,
                highlight=False,
            )


def _slug(value: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", value).strip("-") or "case"


app = single_command_app(register)
