"""Printing records for people: user text is always literal, never rich markup.

rich loads on first use: the commands that import this module print JSON as often."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from casefile.cli.context import console

if TYPE_CHECKING:
    from rich.text import Text


def text(value: Any) -> Text:
    from rich.text import Text

    if value is None:
        return Text("—", style="dim")
    if isinstance(value, list | tuple):
        return Text(", ".join(str(v) for v in value) or "—")
    return Text(str(value))


def table(columns: Sequence[str], rows: Iterable[Sequence[Any]], title: str | None = None) -> None:
    from rich.table import Table

    grid = Table(*columns, title=title, title_justify="left", show_lines=False)
    for row in rows:
        grid.add_row(*(text(v) for v in row))
    console.print(grid)


def fields(title: str, pairs: Iterable[tuple[str, Any]]) -> None:
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    for key, value in pairs:
        grid.add_row(Text(key), text(value))
    console.print(Text(title, style="bold underline"))
    console.print(grid)


def body(markdown_text: str) -> None:
    from rich.text import Text

    console.print(Text(markdown_text))
