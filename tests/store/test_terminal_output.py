"""What the command line prints for people: listings one line per row, drawn as rich draws
a table, and no user text able to send the terminal a control sequence."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from casefile.cli import show
from casefile.cli.context import _Console, console
from casefile.cli.terminal import console_class, literal, one_line

from .kit import Case

ESC = "\x1b]0;owned\x07\x1b[2J\x1b[31m"  # retitle the terminal, clear it, turn text red


class _Fixed:
    """Stands for the command line's console: a file of its own, a given width, a terminal
    (without colours, so lines can be measured) or not."""

    def __init__(self, width: int, terminal: bool, colours: bool = False) -> None:
        self.console = console_class()(
            file=io.StringIO(),
            width=width,
            force_terminal=terminal,
            color_system="standard" if colours else None,
        )

    def get(self) -> Console:
        return self.console

    def pipe(self) -> None:  # a console made: rich prints
        return None

    def __getattr__(self, name: str) -> object:
        return getattr(self.console, name)


def _printed(
    monkeypatch: pytest.MonkeyPatch,
    width: int,
    columns: list[str],
    rows: list,
    *,
    terminal: bool = True,
    colours: bool = False,
) -> str:
    fixed = _Fixed(width, terminal, colours)
    monkeypatch.setattr(show, "console", fixed)
    show.table(columns, rows)
    return fixed.console.file.getvalue()


def test_a_listing_that_fits_is_drawn_as_rich_draws_it(monkeypatch: pytest.MonkeyPatch) -> None:
    columns = ["id", "date", "title", "place", "perpetrator"]
    rows = [
        ["INC-0001", "2015-11-29", "Strike on the market", "Ariha", "Air force"],
        ["INC-0002", "2015-10-01", "Hospital", None, ["party A", "party B"]],
        ["INC-0003", "2015-12-01", "سوق أريحا", "Idlib", []],  # Arabic: cells, not letters
    ]
    ours = _printed(monkeypatch, 100, columns, rows, terminal=False)
    theirs = Console(file=io.StringIO(), width=100)
    grid = Table(*columns)
    for row in rows:
        grid.add_row(*(show.text(v) for v in row))
    theirs.print(grid)
    assert ours == theirs.file.getvalue()


WIDE = [[f"E-{i:04d}", "x" * (10 + i), f"description {i} " * 8] for i in range(30)] + [
    ["E-0100", "災害現場の写真" * 4, "Idlib, cafe\u0301 " * 6],  # wide and combining
]


def test_a_wide_listing_on_a_terminal_keeps_one_line_per_row_and_fits_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    printed = _printed(monkeypatch, 60, ["id", "name", "description"], WIDE)
    lines = printed.splitlines()
    assert len(lines) == len(WIDE) + 4  # top, header, rule, rows, bottom
    assert all(cell_len(line) == 60 for line in lines)
    assert [line.split()[1] for line in lines[3:-1]] == [r[0] for r in WIDE]
    assert all(line.rstrip(" │").endswith("…") for line in lines[3:-1])  # cut, not wrapped


def test_a_listing_into_a_pipe_is_not_cut(monkeypatch: pytest.MonkeyPatch) -> None:
    """Into a pipe or a file every word stays findable with grep, whatever the width."""
    printed = _printed(monkeypatch, 60, ["id", "name", "description"], WIDE, terminal=False)
    lines = printed.splitlines()
    assert len(lines) == len(WIDE) + 4
    assert len({cell_len(line) for line in lines}) == 1  # still a table: one width
    for line, row in zip(lines[3:-1], WIDE, strict=True):
        assert all(cell in line for cell in row) and "…" not in line


@pytest.fixture
def no_forcing(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(name, raising=False)


def test_a_listing_into_a_pipe_is_written_without_rich_as_rich_writes_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], no_forcing: None
) -> None:
    """Into a pipe no style is printed, so rich is not loaded (~0.05 s): the text must be
    the same to the byte, hostile cells made safe the same way."""
    columns = ["id", "name", "description"]
    rows = [*WIDE, ["E-0200", None, f"two\nlines{ESC}\u202egpj.exe"], ["E-0201", [], ["a", "b"]]]
    by_rich = _printed(monkeypatch, 60, columns, rows, terminal=False)
    fresh = _Console(soft_wrap=True)
    monkeypatch.setattr(show, "console", fresh)
    capsys.readouterr()
    show.table(columns, rows)
    assert fresh._console is None  # no rich console was made
    assert capsys.readouterr().out == by_rich
    assert "\x1b" not in by_rich and "\u202e" not in by_rich


@pytest.mark.parametrize("variable", ["FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"])
def test_rich_prints_where_the_output_may_be_a_terminal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], variable: str,
    no_forcing: None,
) -> None:  # fmt: skip
    assert _Console().pipe() is sys.stdout  # capsys: a UTF-8 file, not a terminal
    monkeypatch.setenv(variable, "1")  # FORCE_COLOR=1 prints the bold header in a pipe
    assert _Console().pipe() is None


def test_rich_prints_where_it_would_change_the_box_or_is_already_in_use(
    monkeypatch: pytest.MonkeyPatch, no_forcing: None
) -> None:
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(io.BytesIO(), encoding="ascii"))
    assert _Console().pipe() is None  # rich draws an ASCII box there
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(io.BytesIO(), encoding="utf-8"))
    made = _Console()
    assert made.pipe() is sys.stdout
    made.get()
    assert made.pipe() is None  # what it printed and the table keep their order
    assert _Console(stderr=True).pipe() is None


def test_a_terminal_sees_the_header_bold_and_the_rows_plain(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    printed = _printed(monkeypatch, 80, ["id", "name"], [["E-1", "a"]], colours=True)
    lines = printed.splitlines()
    assert "\x1b[1mid" in lines[1] and "\x1b[1mname" in lines[1]
    assert "\x1b" not in lines[3] and lines[3].startswith("│ E-1")


def test_user_text_cannot_reach_the_terminal_as_control_codes(case: Case, tmp_path: Path) -> None:
    """A file name or a description can hold anything; a listing or a record shown must not
    pass an escape sequence to the terminal, nor let a line break split a row."""
    original = tmp_path / f"photo{ESC}.jpg"
    original.write_bytes(b"not really a photo")
    added = case.ok(
        "evidence", "add", original, "--incident", "INC-1",
        "--description", f"first line\nsecond line{ESC}",
    )  # fmt: skip
    assert "\x1b" not in added.stdout and "photo\ufffd" in added.stdout
    missing = case("evidence", "add", tmp_path / f"gone{ESC}\n.jpg", "--incident", "INC-1")
    assert missing.code == 2 and "\x1b" not in missing.stderr
    assert len(missing.stderr.splitlines()) == 1  # a line break in a path: still one line
    statement = tmp_path / "s.md"
    statement.write_text(f"I saw it.\n\nThen{ESC} I ran.\n")
    case.ok("witness", "add", "W-001", "--incident", "INC-1", "--statement", statement,
            "--pseudonym", f"Witness{ESC} A", "--consent", "public")  # fmt: skip
    for args in (
        ["evidence", "list"],
        ["evidence", "show", "E-0001"],
        ["witness", "list"],
        ["witness", "show", "W-001"],
    ):
        out = case.ok(*args).stdout
        assert "\x1b" not in out and "\x07" not in out, args
        assert "\ufffd" in out, args
    listing = case.ok("evidence", "list").stdout.splitlines()
    assert len(listing) == 1 + 4  # the description's line break did not split the row
    assert "first line second line\ufffd" in listing[3]
    body = case.ok("witness", "show", "W-001").stdout
    assert "I saw it.\n\nThen\ufffd" in body  # a statement keeps its own lines
    shown = case.ok("evidence", "show", "E-0001").stdout.splitlines()
    first = next(i for i, line in enumerate(shown) if "first line" in line)
    assert "second line\ufffd" in shown[first + 1]  # a record's field keeps its lines too
    case.ok("incident", "edit", "INC-1", "--title", f"Strike{ESC} \u202egpj.exe")
    for args in (["incident", "show", "INC-1"], ["incident", "list"], ["assess", "show", "INC-1"]):
        out = case(*args).stdout
        assert "\x1b" not in out and "\u202e" not in out and "Strike\ufffd" in out, args


def test_the_console_helper_is_the_command_lines(case: Case) -> None:
    """The tests above stand in for `casefile.cli.context.console`; it is the one `show`
    prints to when nothing stands in."""
    assert show.console is console
    assert show.plain(None) == "—" and show.plain(["a", "b"]) == "a, b"
    assert literal("a\nb\tc\x1b\x9b\u202e\u2066\u2028") == "a\ufffdb\ufffdc" + "\ufffd" * 5
    assert literal("a\nb\tc\x1b", lines=True) == "a\nb\tc\ufffd"
    assert literal("\u0623\u200f\u061c") == "\u0623\u200f\u061c"  # Arabic's direction marks
    assert one_line("a\r\nb\tc\x1b") == "a b c\ufffd"
    assert isinstance(show.text(None), Text)


def test_json_for_a_person_at_a_terminal_escapes_what_json_dumps_leaves(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Indented JSON on a terminal keeps non-ASCII text readable (``ensure_ascii=False``),
    which leaves C1 controls (U+009B starts an escape sequence) and bidi overrides raw."""
    import json

    from casefile.cli.context import print_json

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = Terminal()
    monkeypatch.setattr("sys.stdout", out)
    record = {"title": "سوق \x9b2J \u202egpj.exe \x1b[31m", "place": "Ariha"}
    print_json(record)
    printed = out.getvalue()
    assert not any(c in printed for c in "\x9b\u202e\x1b")
    assert "سوق" in printed and "\\u009b" in printed and "\\u202e" in printed
    assert json.loads(printed) == record
