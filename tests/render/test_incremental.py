"""After one incident changes, a cached render lays out little and equals a clean render."""

from __future__ import annotations

import pytest

from casefile.render import parallel
from casefile.render.cache import CACHE_DIR
from render._parts_case import check_numbers, generator, render_pdf, small_case


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = parallel.layout_part

    def layout(html: str, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(html)
        return real(html, *args, **kwargs)

    monkeypatch.setattr(parallel, "layout_part", layout)
    return calls


def test_edit_one_incident(tmp_path, counted: list[str]) -> None:  # type: ignore[no-untyped-def]
    case = small_case(tmp_path / "case")
    render_pdf(case, 1, clean=True)
    first = len(counted)
    assert first >= 6  # toc, front, 2 incidents, index, back, stamp reference, toc again

    # An unchanged case lays out nothing.
    counted.clear()
    again = render_pdf(case, 1)
    assert counted == []

    # A longer description: that incident, the cover (fingerprint) and whatever moved.
    generator().edit_description(case, "INC-0002", "A further paragraph. " * 200)
    counted.clear()
    incremental = render_pdf(case, 1)
    assert 1 <= len(counted) < first
    assert any("Strike on market 2" in html and "A further paragraph" in html for html in counted)
    assert not any('id="incident-INC-0001"' in html for html in counted)
    clean = render_pdf(case, 1, clean=True)
    assert incremental == clean != again
    check_numbers(incremental)


def test_cache_is_derived(tmp_path) -> None:  # type: ignore[no-untyped-def]
    case = small_case(tmp_path / "case")
    before = {p.relative_to(case.root) for p in case.root.rglob("*")}
    render_pdf(case, 1)
    after = {p.relative_to(case.root) for p in case.root.rglob("*")}
    new = {p for p in after - before if CACHE_DIR.parts[0] not in p.parts}
    assert new == set()
    assert (case.root / ".casefile-cache" / ".gitignore").read_text().strip().endswith("*")
