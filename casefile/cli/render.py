"""`casefile render`: the dossier for one audience, as PDF, self-contained HTML or JSON."""

from __future__ import annotations

import contextlib
import gc
import re
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from casefile.cli.base import single_command_app
from casefile.cli.context import actor, console, err_console, interactive, open_case
from casefile.cli.terminal import one_line
from casefile.errors import CasefileError, LayoutFailed, UserInputError
from casefile.model.case import Audience
from casefile.render.options import Format, RenderOptions, in_parts

if TYPE_CHECKING:
    from casefile.render.dossier import Rendered
    from casefile.render.workerpool import Workers
    from casefile.store.case import CaseFolder


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
        from casefile.render.workerpool import default_jobs

        jobs = jobs or default_jobs()
        if watch:
            case, options, target, only = _prepare(
                ctx, audience, fmt, incident, draft, attach_evidence, jobs, output
            )
            _watch(ctx, case.root, options, target, only)
            return
        from concurrent.futures.process import BrokenProcessPool

        # The layout workers start first, before this process imports the rest of casefile
        # and reads the case: the first one's WeasyPrint import (~0.6 s) overlaps all that.
        with _Workers(jobs if in_parts(fmt, attach_evidence) else 1, kept=False) as team:
            prepared = _prepare(ctx, audience, fmt, incident, draft, attach_evidence, jobs, output)
            try:
                _render_once(ctx, *prepared, team.pool)
                return
            except BrokenProcessPool as exc:
                # A layout worker killed (out of memory, say): nothing was written; new
                # workers once, as the watch does, and a line that says what to do if they
                # die again.
                sys.stderr.write(f"casefile: {one_line(str(exc))}; starting new layout workers\n")
            team.renew()
            try:
                _render_once(ctx, *prepared, team.pool)
            except BrokenProcessPool as exc:
                raise LayoutFailed(
                    f"{exc}, twice; nothing was written (with --jobs 1 the dossier is laid "
                    "out in this process, one part at a time)"
                ) from exc


def _prepare(
    ctx: typer.Context,
    audience: Audience | None,
    fmt: Format,
    incident: list[str],
    draft: bool,
    attach_evidence: bool,
    jobs: int,
    output: Path | None,
) -> tuple[CaseFolder, RenderOptions, Path, list[str]]:
    """The case, the render's options and its output file, checked."""
    case = open_case(ctx)
    chosen = audience or case.load_case().default_audience
    if attach_evidence and fmt is not Format.pdf:
        raise UserInputError("--attach-evidence needs --format pdf")
    options = RenderOptions(chosen, fmt, incident or None, draft, attach_evidence, jobs)
    target = output or Path(
        f"dossier-{_slug(case.load_case().reference or 'case')}-{chosen.value}.{fmt.value}"
    )
    if target.is_dir():
        raise UserInputError(f"{target}: is a folder; give a file name with -o")
    if not target.resolve().parent.is_dir():
        raise UserInputError(f"-o: folder {target.parent} does not exist")
    if interactive():
        err_console.print(f"rendering {chosen.value} dossier…", markup=False, highlight=False)
    return case, options, target, incident


def _render_once(
    ctx: typer.Context,
    case: CaseFolder,
    options: RenderOptions,
    target: Path,
    incident: list[str],
    pool: Workers | None = None,
    last: str | None = None,
) -> Rendered:
    """Render, write and log the dossier. A dossier identical to ``last`` (what a watch
    wrote before) is neither written nor logged again. The output is written under the
    case lock, once the custody chain is known sound, so a written dossier is a logged one."""
    from casefile.render.dossier import render
    from casefile.store.atomic import write_atomic
    from casefile.store.session import session

    result = render(case, options, pool)
    if result.sha256 == last:
        console.print(f"{target} unchanged", markup=False, highlight=False)
        return result
    with session(case, actor(ctx)) as s:
        write_atomic(target.resolve(), result.data)
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
    return result


def _watch(
    ctx: typer.Context, root: Path, options: RenderOptions, target: Path, incident: list[str]
) -> None:
    """Render now and after every change to the case until Ctrl-C (or SIGTERM). Bad input
    met on the way (a record being edited, say) is reported in one line and the watch goes
    on: the next change may mend it. Nothing is written or logged for a failed render."""
    from concurrent.futures.process import BrokenProcessPool

    from casefile.render.snapshot import head_before_renders
    from casefile.render.watch import Watcher, output_files
    from casefile.store.case import CaseFolder

    case = CaseFolder.open(root)  # one for the watch: its record cache follows the files
    custody = case.root / "custody.jsonl"
    last: Rendered | None = None
    failed = False  # the last render failed: whatever changes next, render again

    def attempt(pool: Workers | None) -> bool:
        """Render once; False if the layout workers died (killed, out of memory)."""
        nonlocal last, failed
        try:
            last = _render_once(
                ctx, case, options, target, incident, pool, last.sha256 if last else None
            )
            failed = False
        except (CasefileError, OSError, BrokenProcessPool) as exc:
            failed = True
            if isinstance(exc, CasefileError):
                message = exc.message
            elif isinstance(exc, OSError):
                message = _os_error(exc)
            else:
                message = f"{exc}; starting new layout workers"
            sys.stderr.write(f"casefile: error: {one_line(message).rstrip()}\n")
            return not isinstance(exc, BrokenProcessPool)
        return True

    def renders_only(changed: set[Path]) -> bool:
        """Only custody entries that no dossier shows (renders, this watch's own) since the
        last render, which did not fail: the custody summary it printed is still the log's."""
        if changed != {custody} or last is None or failed:
            return False
        try:
            head = head_before_renders(case)
        except Exception:  # noqa: BLE001 - unreadable: render, which reports it in one line
            return False
        return head is not None and head == last.custody_head

    def render_now(team: _Workers) -> None:
        if not attempt(team.pool):
            team.renew()
            attempt(team.pool)  # once: workers that die again wait for the next change

    jobs = options.jobs if in_parts(options.format, options.attach_evidence) else 1
    with _stop_on_sigterm():
        try:
            with (
                _Workers(jobs) as team,
                Watcher(case.root, skip=output_files(target)) as watcher,
            ):
                render_now(team)
                err_console.print(
                    f"watching {case.root} for changes (Ctrl-C to stop)",
                    markup=False,
                    highlight=False,
                )
                collected = False
                while True:
                    if not collected:
                        # Once after each render, while it waits: collect what the render
                        # left (this process's collector runs rarely, see cli.tune_gc).
                        gc.collect()
                        collected = True
                    if not renders_only(watcher.next()):
                        render_now(team)
                        collected = False
        except KeyboardInterrupt:
            err_console.print("stopped watching", markup=False, highlight=False)


class _Workers:
    """Layout workers that can be replaced by new ones if they die (killed, out of memory):
    a render tries once more, a watch goes on. A watch's are ``kept`` from one render to
    the next."""

    def __init__(self, jobs: int, *, kept: bool = True) -> None:
        self.jobs = jobs
        self.kept = kept
        self.pool: Workers | None = None
        self._stack = contextlib.ExitStack()

    def __enter__(self) -> _Workers:
        from casefile.render.workerpool import workers

        self.pool = self._stack.enter_context(workers(self.jobs, kept=self.kept))
        return self

    def renew(self) -> None:
        self._stack.close()
        self._stack = contextlib.ExitStack()
        self.__enter__()

    def __exit__(self, *_exc: object) -> None:
        self._stack.close()


@contextlib.contextmanager
def _stop_on_sigterm() -> Iterator[None]:
    """SIGTERM (``kill``, an editor stopping a task) stops a watch as Ctrl-C does, so its
    workers are stopped too rather than left behind."""

    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _os_error(exc: OSError) -> str:
    where = f"{exc.filename}: " if exc.filename else ""
    return f"{where}{exc.strerror or exc}"


def _slug(value: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", value).strip("-") or "case"


app = single_command_app(register)
