"""The root group: the one place where errors become a one-line message and an exit code."""

from __future__ import annotations

import os
import sys
from typing import Any

import typer
from typer.core import TyperGroup

from casefile.errors import CasefileError


def _fail(message: str, code: int) -> None:
    sys.stderr.write(f"casefile: error: {message}\n")
    sys.exit(code)


def _is_cli_error(exc: Exception) -> bool:
    """Typer's own (vendored click) usage and parameter errors, recognised by their interface."""
    return hasattr(exc, "format_message") and isinstance(getattr(exc, "exit_code", None), int)


class CasefileGroup(TyperGroup):
    def main(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        kwargs["standalone_mode"] = False
        try:
            result = super().main(*args, **kwargs)
        except typer.Exit as exc:
            sys.exit(exc.exit_code)
        except typer.Abort:
            _fail("aborted", 130)
        except CasefileError as exc:
            _fail(exc.message.replace("\n", " "), exc.exit_code)
        except KeyboardInterrupt:
            _fail("interrupted", 130)
        except Exception as exc:
            if type(exc).__name__ == "NoArgsIsHelpError":
                ctx = getattr(exc, "ctx", None)
                sys.stdout.write((ctx.get_help() if ctx else str(exc)) + "\n")
                sys.exit(2)
            if _is_cli_error(exc):
                ctx = getattr(exc, "ctx", None)
                hint = f" (see `{ctx.command_path} --help`)" if ctx is not None else ""
                _fail(exc.format_message().replace("\n", " ") + hint, exc.exit_code)  # type: ignore[attr-defined]
            # Anything else is a bug: one line; CASEFILE_DEBUG shows the traceback.
            if os.environ.get("CASEFILE_DEBUG"):
                raise
            _fail(f"internal error ({type(exc).__name__}: {exc}); please report it", 3)
        sys.exit(result if isinstance(result, int) else 0)


def new_app(help: str) -> typer.Typer:
    return typer.Typer(
        help=help,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )
