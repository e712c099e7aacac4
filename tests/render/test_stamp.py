"""The "page X of Y" stamp: each page's content stream is the reference page's, with the
glyph run swapped and its x moved so that the text stays right-aligned."""

from __future__ import annotations

import pytest

from casefile.render.stamp import Stamp, reference_part
from casefile.render.templates import dossier_css, shipped_templates_dir
from casefile.render.typeset import layout_part


@pytest.fixture(scope="module")
def stamp() -> Stamp:
    html, css = reference_part(dossier_css(None))
    laid = layout_part(html, css, "/nonexistent-case", [str(shipped_templates_dir())])
    return Stamp.from_pdf(laid.pdf)


@pytest.mark.parametrize("text", ["page 1 of 9", "page 17 of 381", "page 1000 of 1000"])
def test_content_is_the_reference_stream_with_the_run_swapped(stamp: Stamp, text: str) -> None:
    from pypdf.generic import ArrayObject, ByteStringObject, ContentStream, FloatObject

    drawn = stamp.content(text)
    ops = ContentStream(None, None)
    ops.set_data(drawn)
    parsed = ops.operations
    # The same operations as the reference page, in the same order, but Tm's x and TJ's run.
    assert [op for _, op in parsed] == [op for _, op in stamp.operations]
    for i, (operands, op) in enumerate(parsed):
        if i not in (stamp.tm_index, stamp.tj_index):
            assert [str(o) for o in operands] == [str(o) for o in stamp.operations[i][0]], op
    run = bytes(parsed[stamp.tj_index][0][0][0].original_bytes)
    assert run == b"".join(stamp.glyphs[c] for c in text)
    width = sum(stamp.widths[c] for c in text)
    assert float(parsed[stamp.tm_index][0][4]) == pytest.approx(stamp.right - width, abs=1e-5)
    # Byte for byte what serialising the whole changed stream at once gives.
    ops = list(stamp.operations)
    tm = list(ops[stamp.tm_index][0])
    tm[4] = FloatObject(round(stamp.right - width, 6))
    ops[stamp.tm_index] = (tm, b"Tm")
    ops[stamp.tj_index] = ([ArrayObject([ByteStringObject(run)])], b"TJ")
    whole = ContentStream(None, None)
    whole.operations = ops
    assert whole.get_data() == drawn


def test_content_refuses_what_the_reference_page_cannot_draw(stamp: Stamp) -> None:
    with pytest.raises(ValueError, match="cannot draw"):
        stamp.content("page 1 of 2, DRAFT")
