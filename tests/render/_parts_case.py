"""A small generated case for the parts-pipeline tests, and PDF inspection helpers."""

from __future__ import annotations

import importlib.util
import io
import re
import shutil
from pathlib import Path
from typing import Any

from casefile.model.case import Audience
from casefile.render.cache import CACHE_DIR
from casefile.render.dossier import render
from casefile.render.options import RenderOptions
from casefile.store.case import CaseFolder

ROOT = Path(__file__).resolve().parents[2]


def generator() -> Any:
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "benchmarks/generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def small_case(root: Path) -> CaseFolder:
    return generator().make_case(
        root, incidents=2, exhibits=2, statements=1, paragraphs=2, criteria=("distinction",)
    )


def render_pdf(case: CaseFolder, jobs: int, *, clean: bool = False, **kw: Any) -> bytes:
    if clean:
        shutil.rmtree(case.root / CACHE_DIR, ignore_errors=True)
    options = RenderOptions(Audience.public, jobs=jobs, **kw)
    return render(case, options).data


def page_texts(pdf: bytes) -> list[str]:
    from pypdf import PdfReader

    return [p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages]


def check_numbers(pdf: bytes) -> None:
    """Page X of Y on every page; contents and 'cited on' numbers; links land right."""
    from pypdf import PdfReader

    texts = page_texts(pdf)
    n = len(texts)
    for i, text in enumerate(texts, start=1):
        assert f"page {i} of {n}" in text, f"page {i}: no 'page {i} of {n}'"
        assert len(re.findall(r"page \d+ of \d+", text)) == 1

    toc_page = next(i for i, t in enumerate(texts, start=1) if "Contents" in _lines(t))

    def heading_page(title: str) -> int:
        found = [i for i, t in enumerate(texts, start=1) if i > toc_page and title in _lines(t)]
        assert found, title
        return found[0]

    # Each contents entry reads "label N" (a dotted rule, not text, joins them on paper).
    entries = [
        (label, number)
        for label, number in re.findall(r"^(.+?)\s(\d+)$", texts[toc_page - 1], re.M)
        if not re.search(r"\bpage \d+ of$", label)  # the footer's "page X of Y"
    ]
    assert len(entries) >= 8, entries
    for title, number in entries:
        title = title.strip().rstrip(".").strip()
        if title.startswith("Overview:"):
            title = "Overview"  # the contents names what the chapter holds
        assert heading_page(title) == int(number), title

    index_page = heading_page("Exhibit index")
    index_text = "\n".join(texts[index_page - 1 :])
    checked = 0
    for row in re.split(r"\n(?=E-\d{4} )", index_text)[1:]:
        exhibit = row[:6]
        match = re.search(r"p\. ([\d,\s]+)", row)
        assert match, row
        for page in (int(p) for p in re.findall(r"\d+", match.group(1))):
            body = texts[page - 1].replace("\n", " ")
            assert re.search(rf"(Supporting|Contradicting):[^:]*{exhibit}", body), (exhibit, page)
            checked += 1
    assert checked, "no 'cited on' entries in the exhibit index"

    reader = PdfReader(io.BytesIO(pdf))
    page_index = {p.indirect_reference.idnum: i for i, p in enumerate(reader.pages)}
    links = 0
    for i, page in enumerate(reader.pages):
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if annot.get("/Subtype") != "/Link" or "/Dest" not in annot:
                continue
            target = page_index[annot["/Dest"][0].idnum]
            links += 1
            if i + 1 == toc_page:
                # Each contents entry goes to its chapter's first page.
                assert any(target + 1 == int(num) for _t, num in entries)
            elif "Supporting:" in texts[i] and target + 1 >= index_page:
                assert "Exhibit index" in texts[target] or "E-" in texts[target]
    assert links >= len(entries)
    outline = [reader.get_destination_page_number(o) for o in _flat(reader.outline)]
    assert outline == sorted(outline) and len(outline) >= len(entries)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _flat(items: list[Any]) -> list[Any]:
    out: list[Any] = []
    for item in items:
        out.extend(_flat(item) if isinstance(item, list) else [item])
    return out
