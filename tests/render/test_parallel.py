"""Parallel parts rendering gives the same bytes as one process and as a clean cache."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from casefile.render.cache import CACHE_DIR
from render._parts_case import check_numbers, render_pdf, small_case


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return small_case(tmp_path_factory.mktemp("parts") / "case")


@pytest.fixture(scope="module")
def clean_single(case) -> bytes:  # type: ignore[no-untyped-def]
    return render_pdf(case, 1, clean=True)


def test_two_jobs_equal_one_job_and_a_warm_cache(case, clean_single: bytes) -> None:  # type: ignore[no-untyped-def]
    assert (case.root / CACHE_DIR).is_dir()
    warm = render_pdf(case, 1)
    parallel_clean = render_pdf(case, 2, clean=True)
    parallel_warm = render_pdf(case, 2)
    assert clean_single == warm == parallel_clean == parallel_warm


def test_numbers_and_links_are_global(clean_single: bytes) -> None:
    check_numbers(clean_single)


def test_metadata_and_identity_are_deterministic(clean_single: bytes) -> None:
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(clean_single))
    info = reader.metadata
    assert info is not None
    assert info["/Title"] == "Synthetic case for benchmarks (BENCH-001)"
    assert info["/CreationDate"] == info["/ModDate"]
    assert "/ID" in reader.trailer
    assert not reader.attachments


def test_draft_mark_and_corrupt_cache_entries(case, clean_single: bytes) -> None:  # type: ignore[no-untyped-def]
    # A truncated or edited cache entry is a miss, never a different dossier.
    entries = sorted((case.root / CACHE_DIR).glob("*.pdf"))
    assert entries
    for path in entries[:3]:
        path.write_bytes(path.read_bytes()[:100])
    assert render_pdf(case, 2) == clean_single
    draft = render_pdf(case, 2, draft=True)
    from render._parts_case import page_texts

    texts = page_texts(draft)
    assert all("DRAFT" in t for t in texts)
    check_numbers(draft)


def test_help_does_not_import_weasyprint() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from casefile.cli.app import app\n"
        "from typer.testing import CliRunner\n"
        "r = CliRunner().invoke(app, ['--help'])\n"
        "assert r.exit_code == 0, r.output\n"
        "assert 'weasyprint' not in sys.modules\n"
        "assert 'casefile.render.parallel' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parent)


def test_exhibit_index_in_pieces(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A long index is laid out in pieces side by side: every exhibit is listed once, in
    order, with its cited pages right, and two jobs still give the bytes of one."""
    from casefile.render import parallel
    from render._parts_case import page_texts

    monkeypatch.setattr(parallel, "INDEX_ROWS", 1)
    case = small_case(tmp_path / "case")
    one = render_pdf(case, 1, clean=True)
    assert render_pdf(case, 2, clean=True) == one
    check_numbers(one)
    texts = page_texts(one)
    start = next(
        i
        for i, t in enumerate(texts)
        if any(ln.strip() == "Exhibit index" for ln in t.splitlines())
    )
    end = len(texts)
    # One piece per exhibit (INDEX_ROWS = 1), each from a new page under the table header.
    assert end - start == 4
    rows = [line[:6] for t in texts[start:end] for line in t.splitlines() if line[:2] == "E-"]
    assert rows == ["E-0001", "E-0002", "E-0003", "E-0004"]
    assert all("SHA-256" in t for t in texts[start:end])


def test_index_pieces_are_laid_out_as_soon_as_their_pages_are_known(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The piece of the index whose exhibits only the first incident cites does not wait for
    the second incident: it is laid out right after the first (one process, in order)."""
    from casefile.render import parallel

    monkeypatch.setattr(parallel, "INDEX_ROWS", 2)
    order: list[str] = []
    real = parallel.layout_part

    def layout(html: str, *args, **kwargs):  # type: ignore[no-untyped-def]
        if 'id="incident-INC-0002"' in html:
            order.append("INC-0002")
        elif 'class="index"' in html:
            order.append(
                "index:" + ",".join(sorted(set(re.findall(r'id="exhibit-(E-\d+)"', html))))
            )
        return real(html, *args, **kwargs)

    monkeypatch.setattr(parallel, "layout_part", layout)
    case = small_case(tmp_path / "case")
    render_pdf(case, 1, clean=True)
    assert order == ["index:E-0001,E-0002", "INC-0002", "index:E-0003,E-0004"]
