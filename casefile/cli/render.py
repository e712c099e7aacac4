"""`casefile render`: the dossier for one audience, as PDF, self-contained HTML or JSON."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from casefile.cli.base import single_command_app
from casefile.cli.context import actor, console, err_console, interactive, open_case
from casefile.errors import CasefileError, UserInputError
from casefile.model.case import Audience
from casefile.render.options import Format, RenderOptions

if TYPE_CHECKING:
    from casefile.render.parallel import Workers


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
        watch: bool = typer.Option(
            False,
            "--watch",
            help="Stay and render again after every change to the case, with the layout "
            "processes kept warm; Ctrl-C stops.",
        ),
    ) -> None:
        """Render the assessed dossier for an audience; withheld material is never in it."""
        from casefile.render.parallel import default_jobs

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
        if not watch:
            _render_once(ctx, case.root, options, target, incident)
            return
        _watch(ctx, case.root, options, target, incident)


def _render_once(
    ctx: typer.Context,
    root: Path,
    options: RenderOptions,
    target: Path,
    incident: list[str],
    pool: Workers | None = None,
    last: str | None = None,
) -> str:
    """Render, write and log the dossier; return its SHA-256. A dossier identical to
    ``last`` (what a watch wrote before) is neither written nor logged again."""
    from casefile.render.dossier import render
    from casefile.store.atomic import write_atomic
    from casefile.store.case import CaseFolder
    from casefile.store.session import session

    case = CaseFolder.open(root)  # read afresh: a watch renders the case as it now is
    result = render(case, options, pool)
    if result.sha256 == last:
        console.print(f"{target} unchanged", markup=False, highlight=False)
        return last
    write_atomic(target.resolve(), result.data)
    with session(case, actor(ctx)) as s:
        s.log(
            "dossier.render",
            sha256=result.sha256,
            details={
                "audience": options.audience.value,
                "format": options.format.value,
                "fingerprint": result.fingerprint,
                "incidents": incident,
                "draft": options.draft,
                "attach_evidence": options.attach_evidence,
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
    return result.sha256


def _watch(
    ctx: typer.Context, root: Path, options: RenderOptions, target: Path, incident: list[str]
) -> None:
    """Render now and after every change to the case until Ctrl-C. Bad input met on the
    way (a record being edited, say) is reported in one line and the watch goes on: the
    next change may mend it. Nothing is written or logged for a failed render."""
    from casefile.render.parallel import workers
    from casefile.render.watch import Watcher

    output = target.resolve()
    custody = root / "custody.jsonl"
    ours: tuple[int, int] | None = None  # custody.jsonl as this watch's last entry left it

    def attempt(pool: Workers | None, last: str | None) -> str | None:
        nonlocal ours
        try:
            sha = _render_once(ctx, root, options, target, incident, pool, last)
        except CasefileError as exc:
            sys.stderr.write(f"casefile: error: {exc.message}\n")
            return last
        if sha != last:
            ours = _stat(custody)
        return sha

    parts = options.format is Format.pdf and not options.attach_evidence
    try:
        with (
            Watcher(root, skip=lambda path: path == output) as watcher,
            workers(options.jobs if parts else 1, kept=True) as pool,
        ):
            last = attempt(pool, None)
            err_console.print(
                f"watching {root} for changes (Ctrl-C to stop)", markup=False, highlight=False
            )
            while True:
                changed = watcher.next()
                if changed == {custody} and _stat(custody) == ours:
                    continue  # only this watch's own custody entry
                last = attempt(pool, last)
    except KeyboardInterrupt:
        err_console.print("stopped watching", markup=False, highlight=False)


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


def _slug(value: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", value).strip("-") or "case"


app = single_command_app(register)
