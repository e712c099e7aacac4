""" "page X of Y" stamped onto merged dossier pages, in the dossier's own type.

Why: parts of a dossier are laid out separately (and in parallel), so no part knows the
global page numbers. Laying out an overlay document of N pages with WeasyPrint costs about
as much per page as a text page does, so instead WeasyPrint lays out ONE reference page
whose only content is the @bottom-right margin box of dossier.css with the text
``page 0123456789 of``: that gives the exact font (embedded subset holding every glyph
needed), size, colour, baseline and right edge. Every stamp is then that page's content
stream with the glyph run swapped and its x moved so the text stays right-aligned. Glyph
advances come from the font's /W array; the digits and "page of" have no kerning pairs
in the fonts the dossier uses, so the result is what WeasyPrint itself would draw.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

REFERENCE_TEXT = "page 0123456789 of"
FONT_NAME = "/CFStamp"
STATE_NAME = "/CFStampGS"


def reference_part(css: str) -> tuple[str, str]:
    """A one-page document that draws only the page-number box, with REFERENCE_TEXT: its
    HTML and its stylesheet."""
    override = '@page { @bottom-right { content: "' + REFERENCE_TEXT + '"; } }'
    html = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>stamp</title>'
        "</head><body></body></html>"
    )
    return html, f"{css}\n{override}"


@dataclass
class Stamp:
    """What the reference page taught: how to draw any "page X of Y" on an equal page."""

    operations: list[tuple[Any, bytes]]  # content stream of the reference page
    tm_index: int  # index of the Tm operation before the glyph run
    tj_index: int  # index of the TJ operation of the glyph run
    glyphs: dict[str, bytes]  # character -> 2-byte glyph id
    widths: dict[str, float]  # character -> advance in text space units
    right: float  # right edge of the run, in the Tm's coordinate system
    font: Any  # the font dictionary (pypdf object of the reference reader)
    state: Any  # the ExtGState dictionary used by the run, or None
    state_name: str | None
    mediabox: tuple[float, float, float, float]
    pdf: bytes = b""  # the reference page's PDF, to copy the font from with pikepdf
    # Each operation serialised, made on first use: a stamp changes only its Tm and TJ,
    # and serialising the whole stream per page took ~0.04 s of a 380-page merge.
    pieces: list[bytes] = field(default_factory=list)

    @classmethod
    def from_pdf(cls, pdf: bytes) -> Stamp:
        from pypdf import PdfReader
        from pypdf.generic import ContentStream

        reader = PdfReader(io.BytesIO(pdf))
        page = reader.pages[0]
        resources = page["/Resources"]
        fonts = resources["/Font"].get_object()
        if len(fonts) != 1:
            raise RuntimeError(f"stamp reference page uses {len(fonts)} fonts, expected 1")
        ((font_name, font_ref),) = fonts.items()
        font = font_ref.get_object()
        content = ContentStream(page.get_contents(), reader)
        ops = list(content.operations)
        tj = [i for i, (_, op) in enumerate(ops) if op in (b"TJ", b"Tj")]
        tm = [i for i, (_, op) in enumerate(ops) if op == b"Tm"]
        tf = [i for i, (_, op) in enumerate(ops) if op == b"Tf"]
        if len(tj) != 1 or len(tm) != 1 or len(tf) != 1 or not tm[0] < tj[0]:
            raise RuntimeError("stamp reference page: unexpected content stream")
        operands, op = ops[tj[0]]
        run = operands[0] if op == b"TJ" else [operands[0]]
        codes = b"".join(
            bytes(item.original_bytes) for item in run if hasattr(item, "original_bytes")
        )
        glyph_ids = [codes[i : i + 2] for i in range(0, len(codes), 2)]
        if len(glyph_ids) != len(REFERENCE_TEXT):
            raise RuntimeError("stamp reference page: glyphs do not match the text one to one")
        size = float(ops[tf[0]][0][1])
        descendant = font["/DescendantFonts"][0].get_object()
        cid_widths = _cid_widths(descendant.get("/W", []), float(descendant.get("/DW", 1000)))
        glyphs: dict[str, bytes] = {}
        widths: dict[str, float] = {}
        for char, gid in zip(REFERENCE_TEXT, glyph_ids, strict=True):
            glyphs[char] = gid
            widths[char] = cid_widths(int.from_bytes(gid, "big")) * size / 1000
        x = float(ops[tm[0]][0][4])
        right = x + sum(widths[c] for c in REFERENCE_TEXT)
        state_name = None
        state = None
        for operands, op in ops[: tj[0]]:
            if op == b"gs":
                state_name = str(operands[0])
        if state_name is not None:
            state = resources["/ExtGState"][state_name].get_object()
        # Rename the resources so they never collide with a part page's own.
        renamed = []
        for operands, op in ops:
            if op == b"Tf":
                operands = [_name(FONT_NAME), operands[1]]
            elif op == b"gs" and state_name is not None:
                operands = [_name(STATE_NAME)]
            renamed.append((operands, op))
        del font_name
        box = tuple(float(v) for v in page.mediabox)
        return cls(renamed, tm[0], tj[0], glyphs, widths, right, font, state, state_name, box, pdf)  # type: ignore[arg-type]

    def content(self, text: str) -> bytes:
        """The content stream drawing ``text`` (digits, spaces, "page", "of") right-aligned."""
        from pypdf.generic import ArrayObject, ByteStringObject, FloatObject

        missing = sorted(set(text) - set(self.glyphs))
        if missing:
            raise ValueError(f"stamp cannot draw {missing!r}")
        if not self.pieces:
            self.pieces = [_serialised(op) for op in self.operations]
        pieces = list(self.pieces)
        width = sum(self.widths[c] for c in text)
        tm_operands = list(self.operations[self.tm_index][0])
        tm_operands[4] = FloatObject(round(self.right - width, 6))
        pieces[self.tm_index] = _serialised((tm_operands, b"Tm"))
        run = ArrayObject([ByteStringObject(b"".join(self.glyphs[c] for c in text))])
        pieces[self.tj_index] = _serialised(([run], b"TJ"))
        return b"".join(pieces)


def _serialised(operation: tuple[Any, bytes]) -> bytes:
    """One content-stream operation as pypdf writes it within a stream (a stream's bytes
    are its operations' in turn)."""
    from pypdf.generic import ContentStream

    stream = ContentStream(None, None)
    stream.operations = [operation]
    return stream.get_data()


def _name(value: str):  # type: ignore[no-untyped-def]
    from pypdf.generic import NameObject

    return NameObject(value)


def _cid_widths(w: Any, default: float):  # type: ignore[no-untyped-def]
    """A lookup CID -> width from a CIDFont /W array (both of its forms)."""
    table: dict[int, float] = {}
    items = [v.get_object() if hasattr(v, "get_object") else v for v in w]
    i = 0
    while i < len(items):
        first = int(items[i])
        nxt = items[i + 1]
        if isinstance(nxt, list):
            for k, width in enumerate(nxt):
                table[first + k] = float(width)
            i += 2
        else:
            last, width = int(nxt), float(items[i + 2])
            for cid in range(first, last + 1):
                table[cid] = width
            i += 3
    return lambda cid: table.get(cid, default)


def apply(out: Any, stamp: Stamp) -> Any:
    """Draw "page i of N" on each page of the pikepdf ``out``, with one shared font and
    graphics state copied from the reference page and four content streams per page.

    Returns the reference document, which must stay open until ``out`` is saved (qpdf
    copies foreign stream data when writing)."""
    import pikepdf

    total = len(out.pages)
    reference = pikepdf.open(io.BytesIO(stamp.pdf))
    resources = reference.pages[0].Resources
    ((_name_, font),) = resources.Font.items()

    def copy(obj: Any) -> Any:
        return out.copy_foreign(obj if obj.is_indirect else reference.make_indirect(obj))

    font_ref = copy(font)
    state_ref = None
    if stamp.state_name is not None:
        state_ref = copy(resources.ExtGState[stamp.state_name])
    font_key, state_key = pikepdf.Name(FONT_NAME), pikepdf.Name(STATE_NAME)
    push = out.make_stream(b"q\n")
    pop = out.make_stream(b"Q\n")
    done: set[tuple[int, int]] = set()
    for number, page in enumerate(out.pages, start=1):
        obj = page.obj
        box = tuple(float(v) for v in obj.MediaBox)
        if box != stamp.mediabox:
            raise RuntimeError(
                f"page {number}: size {box} differs from the stamp's {stamp.mediabox}"
            )
        res = obj.Resources
        ident = res.objgen
        if ident == (0, 0) or ident not in done:
            done.add(ident)
            if pikepdf.Name.Font not in res:
                res.Font = pikepdf.Dictionary()
            res.Font[font_key] = font_ref
            if state_ref is not None:
                if pikepdf.Name.ExtGState not in res:
                    res.ExtGState = pikepdf.Dictionary()
                res.ExtGState[state_key] = state_ref
        contents = obj.Contents
        existing = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
        own = out.make_stream(stamp.content(f"page {number} of {total}"))
        obj.Contents = pikepdf.Array([push, *existing, pop, own])
    return reference
