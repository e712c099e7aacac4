"""Which case and which actor a command works for, resolved the same way for every command."""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import typer

from casefile.errors import UserInputError

if TYPE_CHECKING:
    from rich.console import Console

    from casefile.store.case import CaseFolder


class _Console:
    """A rich Console made on first use: a listing printed as JSON, the commonest thing
    scripts run, never needs rich (~0.05 s of imports)."""

    def __init__(self, **settings: Any) -> None:
        self._settings = settings
        self._console: Console | None = None

    def get(self) -> Console:
        if self._console is None:
            from casefile.cli.terminal import console_class

            self._console = console_class()(**self._settings)
        return self._console

    def pipe(self) -> TextIO | None:
        """Standard output, where plain text can be written without rich: when no console
        has been made and rich would surely take it for no terminal (no styles, its box
        unchanged: UTF-8, not Windows, none of the variables that force a terminal).
        Otherwise None, and rich prints. A listing into a pipe saves ~0.05 s of imports."""
        if self._console is not None or self._settings.get("stderr") or sys.platform == "win32":
            return None
        if any(name in os.environ for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE")):
            return None
        out = sys.stdout
        try:
            if out is None or out.isatty():
                return None
        except ValueError:  # closed
            return None
        return out if (getattr(out, "encoding", None) or "").lower().startswith("utf") else None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # not set yet (a copy, say): never recurse into get()
            raise AttributeError(name)
        return getattr(self.get(), name)


console = _Console(soft_wrap=True)
err_console = _Console(stderr=True)


@dataclass
class Options:
    case: Path | None = None
    actor: str | None = None


def options(ctx: typer.Context) -> Options:
    root = ctx.find_root()
    if not isinstance(root.obj, Options):
        root.obj = Options()
    return root.obj


def open_case(ctx: typer.Context) -> CaseFolder:
    from casefile.store.case import CaseFolder, find_case_root

    chosen = options(ctx).case or (
        Path(os.environ["CASEFILE_CASE"]) if os.environ.get("CASEFILE_CASE") else None
    )
    if chosen is not None:
        return CaseFolder.open(chosen)
    return CaseFolder(find_case_root(Path.cwd()))


def actor(ctx: typer.Context) -> str:
    chosen = options(ctx).actor or os.environ.get("CASEFILE_ACTOR")
    if chosen:
        return chosen
    try:
        name = subprocess.run(
            ["git", "config", "--get", "user.name"], capture_output=True, text=True, timeout=5
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        name = ""
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def print_json(data: Any) -> None:
    """Indented for a person at a terminal; compact for scripts (a 100,000-exhibit listing)."""
    if sys.stdout.isatty():
        from casefile.cli.terminal import json_escaped

        text = json_escaped(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        from casefile.store.listcache import record_json

        text = record_json(data)
    sys.stdout.write(text + "\n")


def print_json_records(texts: list[str]) -> None:
    """`print_json` of a list whose items are already compact JSON (`record_json`): for
    scripts the list is joined as it is, which is byte for byte what `print_json` of the
    decoded items writes."""
    if sys.stdout.isatty():
        print_json([json.loads(t) for t in texts])
    else:
        sys.stdout.write("[" + ",".join(texts) + "]\n")


def interactive() -> bool:
    return sys.stderr.isatty()


def split_ids(value: str | None) -> list[str]:
    if not value:
        return []
    return [part.strip() for part in value.split(",") if part.strip()]


def parse_date(option: str, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UserInputError(
            f"{option}: {value!r} is not a valid date (expected YYYY-MM-DD)"
        ) from None


def parse_timestamp(option: str, value: str | None) -> str | None:
    """Kept as the user wrote it (precision matters), once it is known to be ISO 8601."""
    if value is None:
        return None
    try:
        dt.datetime.fromisoformat(value)
    except ValueError:
        raise UserInputError(f"{option}: {value!r} is not an ISO date or date-time") from None
    return value


def text_or_file(option: str, text: str | None, file: Path | None) -> str | None:
    """An option given inline or as `OPTION-file`, never both."""
    if text is not None and file is not None:
        raise UserInputError(f"give {option} or {option}-file, not both")
    if file is not None:
        from casefile.store.yamlio import read_text

        return read_text(file, str(file))
    return text
