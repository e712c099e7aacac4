"""User text as a terminal may show it: a file name, a title or a statement can hold
anything, and the terminal must receive it as text, never as a control sequence."""

from __future__ import annotations

import re

# C0 and C1 control characters. rich passes ESC through, so a file name or a description
# holding an escape sequence could recolour, move or retitle the user's terminal; a line
# break would split a listing's row or a one-line error. Each becomes U+FFFD.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")
_CONTROLS_BUT_LINES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def literal(value: str, *, lines: bool = False) -> str:
    """``value`` safe to show in a terminal; with ``lines``, its line breaks and tabs kept."""
    return (_CONTROLS_BUT_LINES if lines else _CONTROLS).sub("\ufffd", value)
