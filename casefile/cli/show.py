"""Printing records for people: user text is always literal, never rich markup, and never
a control sequence for the terminal (the console's own, `casefile.cli.terminal`).

rich loads on first use: the commands that import this module print JSON as often."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from casefile.cli.context import console
from casefile.cli.terminal import one_line

if TYPE_CHECKING:
    from rich.text import Text


def _joined(value: Any) -> str:
    if isinstance(value, list | tuple):
        value = ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def plain(value: Any) -> str:
    """A field as one line of safe text (`terminal.one_line`): lists joined, nothing
    shown as "—"."""
    value = _joined(value)
    if not value:
        return "—"
    return value if value.isprintable() else one_line(value)


def text(value: Any) -> Text:
    """A field for rich to print, its lines kept (the console makes it safe)."""
    from rich.text import Text

    return Text(_joined(value) or "—", style="dim" if value is None else "")


def table(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """A listing, one line per row, in rich's default box. On a terminal, cells wider than
    it allows are cut with "…", the widest columns first; into a pipe or a file nothing is
    cut, so every word can be found with grep.

    Drawn here, not with rich's Table, which lays out every cell as a renderable: ~0.6 ms
    a row, 2 minutes for `evidence list` of 100,000 exhibits (a few seconds here). The
    rows are written around rich, so they are made safe here (`plain`)."""
    from rich.box import HEAVY_HEAD
    from rich.cells import cell_len, set_cell_size

    pipe = console.pipe()
    out = None if pipe else console.get()
    cells = [[_sized(plain(v), cell_len) for v in row] for row in rows]
    widths = [cell_len(c) for c in columns]
    for row in cells:
        widths = [max(w, n) for w, (_v, n) in zip(widths, row, strict=True)]
    if out is not None and out.is_terminal:
        _fit(widths, out.width - 3 * len(widths) - 1)

    def fitted(value: str, n: int, w: int) -> str:
        return value + " " * (w - n) if n <= w else set_cell_size(value, w - 1) + "…"

    def line(values: Sequence[tuple[str, int]], left: str, between: str, right: str) -> str:
        parts = [fitted(v, n, w) for (v, n), w in zip(values, widths, strict=True)]
        return f"{left} " + f" {between} ".join(parts) + f" {right}"

    box = HEAVY_HEAD if out is None else HEAVY_HEAD.substitute(out.options)
    padded = [w + 2 for w in widths]
    body = [line(row, box.mid_left, box.mid_vertical, box.mid_right) for row in cells]
    body.append(box.get_bottom(padded))
    if out is None:  # no terminal: no style to print, so no rich (`_Console.pipe`)
        assert pipe is not None
        names = [(name, cell_len(name)) for name in columns]
        head = [
            box.get_top(padded),
            line(names, box.head_left, box.head_vertical, box.head_right),
            box.get_row(padded, level="head"),
        ]
        pipe.write("\n".join(head + body) + "\n")
        pipe.flush()
        return
    from rich.text import Text

    head = Text(box.get_top(padded) + "\n" + box.head_left)
    for j, (name, w) in enumerate(zip(columns, widths, strict=True)):
        head.append(" ")
        head.append(fitted(name, cell_len(name), w), style="bold")
        head.append(" " + (box.head_vertical if j < len(columns) - 1 else box.head_right))
    head.append("\n" + box.get_row(padded, level="head"))
    out.print(head, highlight=False, soft_wrap=True, crop=False)
    out.file.write("\n".join(body) + "\n")  # plain text, at once: rich would take seconds
    out.file.flush()


def _sized(value: str, cell_len: Callable[[str], int]) -> tuple[str, int]:
    """A cell and the terminal cells it takes, counted once: ASCII (a printable line by
    now) takes one a character; rich counts the rest (wide CJK, combining marks)."""
    return value, len(value) if value.isascii() else cell_len(value)


def _fit(widths: list[int], room: int) -> None:
    """Narrow the widest columns, one cell at a time, until the row fits ``room`` cells
    (no column below 3, so "a…" still shows)."""
    while sum(widths) > room:
        widest = max(range(len(widths)), key=lambda j: (widths[j], j))
        if widths[widest] <= 3:
            return
        widths[widest] -= 1


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
