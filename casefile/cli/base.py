"""The root group: the one place where errors become a one-line message and an exit code."""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable
from typing import Any

import typer
from typer.core import TyperGroup

from casefile.cli.terminal import one_line
from casefile.errors import CasefileError


def _fail(message: str, code: int) -> None:
    sys.stderr.write(f"casefile: error: {one_line(message)}\n")
    sys.exit(code)


def _is_cli_error(exc: Exception) -> bool:
    """Typer's own (vendored click) usage and parameter errors, recognised by their interface."""
    return hasattr(exc, "format_message") and isinstance(getattr(exc, "exit_code", None), int)


# name -> (module exposing `app`, one-line help). The order is the order of `--help`.
COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("casefile.cli.init", "Open a new case folder with its case.yaml and custody log."),
    "incident": ("casefile.cli.incident", "Incidents: the events under investigation."),
    "evidence": ("casefile.cli.evidence", "Evidence files, stored once by their SHA-256."),
    "witness": ("casefile.cli.witness", "Witness statements; real names only in identities/."),
    "custody": ("casefile.cli.custody", "The hash-chained custody log."),
    "verify": ("casefile.cli.verify", "Re-hash every stored file; check records and the log."),
    "criteria": ("casefile.cli.criteria", "The IHL criteria library."),
    "assess": ("casefile.cli.assess", "Element-by-element assessment of incidents."),
    "review": ("casefile.cli.review", "Approve or challenge findings (four-eyes)."),
    "checklist": ("casefile.cli.checklist", "The reviewer's sheet for one incident."),
    "check": ("casefile.cli.check", "What is still open or wrong, for an audience."),
    "render": ("casefile.cli.render", "The dossier as PDF, HTML or JSON for an audience."),
}


class CasefileGroup(TyperGroup):
    """Root group: commands load on use, and every error ends here as one line."""

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in COMMANDS:
            return None
        module = importlib.import_module(COMMANDS[cmd_name][0])
        command = typer.main.get_command(module.app)
        command.name = cmd_name
        return command

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, text) for name, (_, text) in COMMANDS.items()])

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


def single_command_app(register: Callable[[typer.Typer], None]) -> typer.Typer:
    """A Typer holding one command, so the root group can load it like the noun groups."""
    sub = typer.Typer(add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None)
    register(sub)
    return sub


def new_app(help: str) -> typer.Typer:
    return typer.Typer(
        help=help,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )
