"""User text as a terminal may show it: a file name, a title or a statement can hold
anything, and the terminal must receive it as text, never as a control sequence.

Every console of the command line is a ``SafeConsole`` (:func:`console_class`), so
whatever it prints (a record shown, an assessment, a checklist, a listing's header) passes
through :func:`safe_segments`; text written around rich (a listing's rows, the one-line
error) goes through :func:`one_line` itself."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.segment import Segment

# C0 and C1 control characters: rich passes ESC through, so a file name or a description
# holding an escape sequence could recolour, move, clear or retitle the user's terminal.
# And the bidirectional overrides, embeddings and isolates, and the line and paragraph
# separators: "photo\u202egpj.exe" shows as "photoexe.jpg" and reorders the rest of the
# line, the borders of a listing's row included. Each becomes U+FFFD. (The direction
# marks LRM, RLM and ALM stay: Arabic text uses them and they reorder nothing else.)
_UNSAFE = "\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029"
_CONTROLS = re.compile(f"[{_UNSAFE}\t\n]")
_CONTROLS_BUT_LINES = re.compile(f"[{_UNSAFE}]")
_BREAKS = re.compile("\r\n|[\r\n\t]")


def literal(value: str, *, lines: bool = False) -> str:
    """``value`` safe to show in a terminal; with ``lines``, its line breaks and tabs kept.
    One character for one: the spans of a styled text still fit."""
    return (_CONTROLS_BUT_LINES if lines else _CONTROLS).sub("\ufffd", value)


def json_escaped(text: str) -> str:
    """JSON text with the characters above written as ``\\uXXXX`` escapes: ``json.dumps``
    with ``ensure_ascii=False`` escapes C0 but leaves C1 (U+009B is CSI, a whole escape
    sequence's start) and the bidi controls as they are. The JSON means the same."""
    return _CONTROLS_BUT_LINES.sub(lambda m: f"\\u{ord(m[0]):04x}", text)


def one_line(value: str) -> str:
    """``value`` on one line (a listing's cell, an error): breaks and tabs become spaces."""
    return literal(_BREAKS.sub(" ", value))


def safe_segments(segments: Iterable[Segment]) -> Iterable[Segment]:
    """rich's segments with their text made literal; rich's own control segments (cursor
    moves and the like, which carry ``control``) pass as they are."""
    from rich.segment import Segment

    for segment in segments:
        if segment.control or not _CONTROLS_BUT_LINES.search(segment.text):
            yield segment
        else:
            yield Segment(literal(segment.text, lines=True), segment.style, segment.control)


def console_class() -> type:
    """A rich Console whose output passes through :func:`safe_segments` where rich turns
    segments into text (``_render_buffer``, the one place every print goes through; a test
    checks it still does)."""
    from rich.console import Console

    class SafeConsole(Console):
        def _render_buffer(self, buffer: Iterable[Segment]) -> str:
            return super()._render_buffer(safe_segments(buffer))

    return SafeConsole
