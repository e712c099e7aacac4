"""The dossier's content (issue 4): contents with true page numbers, "page X of Y", exhibit
hashes and the pages where they are cited, the standard of proof, DRAFT marks, Arabic text;
and determinism: the same state renders the same bytes, the render's own custody entry
changes nothing, a changed record changes the fingerprint."""

from __future__ import annotations

import re
import shutil
import unicodedata
from pathlib import Path

import pytest

from casefile.model.case import STANDARD_WORDING, Standard

from .cases import ARABIC, CaseRun, build_content_case, found_in_text, pages_text


@pytest.fixture(scope="module")
def content(tmp_path_factory: pytest.TempPathFactory) -> CaseRun:
    return build_content_case(tmp_path_factory.mktemp("content"))


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("out")


@pytest.fixture(scope="module")
def court_pdf(content: CaseRun, out_dir: Path) -> bytes:
    """Rendered through the command line, which logs a `dossier.render` custody entry."""
    return content.render_cli(out_dir / "first.pdf", "--audience", "court")


@pytest.fixture(scope="module")
def court_pdf_again(content: CaseRun, court_pdf: bytes, out_dir: Path) -> bytes:
    return content.render_cli(out_dir / "second.pdf", "--audience", "court")


@pytest.fixture(scope="module")
def pages(court_pdf: bytes) -> list[str]:
    return pages_text(court_pdf)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


# -- contents, pages, hashes -----------------------------------------------------------------


def test_every_page_says_page_x_of_y(pages: list[str]) -> None:
    assert len(pages) > 8
    for number, text in enumerate(pages, start=1):
        assert f"page {number} of {len(pages)}" in text, number
        assert "CF-CONTENT-01" in text, number  # the case reference
        assert "CONFIDENTIAL" in text, number  # the classification mark


def test_contents_page_numbers_are_the_real_pages(pages: list[str]) -> None:
    toc_page = next(i for i, text in enumerate(pages, start=1) if "Contents" in text)
    # An entry is its label, a gap (a dotted rule in the PDF), and its page number.
    entries = re.findall(r"^\s*(\S.*?)\s{2,}(\d+)\s*$", pages[toc_page - 1], re.M)
    labels = [label for label, _ in entries]
    assert labels == [
        "Methodology and standard of proof",
        "Legal framework",
        "Overview: criteria matrix, map and timeline",
        "Incident 1: Hospital strike",
        "Incident 2: Market strike",
        "Chain of custody",
        "Annexes",
        "Exhibit index",
    ]
    heading = {"Overview: criteria matrix, map and timeline": "Overview"}
    for label, printed in entries:
        title = heading.get(label, label)
        actual = next(
            i
            for i, text in enumerate(pages, start=1)
            if i > toc_page and any(line.strip() == title for line in text.splitlines())
        )
        assert int(printed) == actual, label


def test_every_exhibit_hash_is_printed_in_full(content: CaseRun, pages: list[str]) -> None:
    squashed = _squash("".join(pages))
    exhibits = content.folder().exhibits()
    assert len(exhibits) == 3
    for e in exhibits:
        assert e.sha256 in squashed, e.id


def test_standard_of_proof_is_stated(pages: list[str]) -> None:
    wording = STANDARD_WORDING[Standard.reasonable_grounds]
    sentence = f"Every conclusion in this dossier is reached on the standard of {wording}"
    assert found_in_text("".join(pages), sentence)
    assert found_in_text("".join(pages), f"On the standard of {wording}, a violation")


def test_exhibit_index_prints_the_pages_where_each_is_cited(pages: list[str]) -> None:
    cited: dict[str, set[int]] = {}
    for number, text in enumerate(pages, start=1):
        for line in text.splitlines():
            m = re.match(r"^\s*(?:Supporting|Contradicting): (.*)$", line)
            if m:
                for ref in m[1].split(","):
                    cited.setdefault(ref.strip(), set()).add(number)
    index_page = next(
        i for i, t in enumerate(pages) if any(x.strip() == "Exhibit index" for x in t.splitlines())
    )
    printed: dict[str, set[int]] = {}
    for line in "\n".join(pages[index_page:]).splitlines():
        m = re.match(r"^\s*(E-\d{4})\s.*\s(?:p\. ([\d, ]+)|not cited)\s*$", line)
        if m:
            printed[m[1]] = {int(p) for p in (m[2] or "").split(",") if p.strip()}
    exhibits_cited = {k: v for k, v in cited.items() if k.startswith("E-")}
    assert printed == exhibits_cited
    assert set(printed) == {"E-0001", "E-0002", "E-0003"}


def test_arabic_statement_is_extractable(pages: list[str]) -> None:
    text = unicodedata.normalize("NFKC", "".join(pages))
    words = unicodedata.normalize("NFKC", ARABIC).split()
    assert [w for w in words if w not in text] == []


def test_no_draft_mark_when_everything_is_approved(pages: list[str]) -> None:
    assert "DRAFT" not in _squash("".join(pages))


def test_draft_option_marks_every_page(content: CaseRun) -> None:
    draft = pages_text(content.render("court", "pdf", draft=True).data)
    assert [i for i, t in enumerate(draft, start=1) if "DRAFT" not in _squash(t)] == []


# -- determinism -----------------------------------------------------------------------------


def test_same_state_same_bytes_despite_the_render_custody_entry(
    content: CaseRun, court_pdf: bytes, court_pdf_again: bytes
) -> None:
    log = (content.root / "custody.jsonl").read_text()
    assert log.count('"dossier.render"') >= 2
    assert court_pdf == court_pdf_again


def test_html_and_json_are_deterministic(content: CaseRun, tmp_path: Path) -> None:
    for fmt in ("html", "json"):
        first = content.render_cli(tmp_path / f"a.{fmt}", "--audience", "court", "--format", fmt)
        second = content.render_cli(tmp_path / f"b.{fmt}", "--audience", "court", "--format", fmt)
        assert first == second, fmt


@pytest.fixture
def changed(content: CaseRun, tmp_path: Path) -> CaseRun:
    """A copy of the content case, to change without disturbing the module's renders."""
    shutil.copytree(content.root, tmp_path / "case")
    (tmp_path / "files").mkdir()
    return CaseRun(tmp_path / "case", tmp_path / "files")


def test_changing_a_record_changes_the_cover_fingerprint(
    content: CaseRun, changed: CaseRun
) -> None:
    before = content.render("court", "html")
    assert before.fingerprint in before.data.decode()
    same = changed.render("court", "html")
    assert same.fingerprint == before.fingerprint  # a copy is the same state
    changed.ok("incident", "edit", "INC-A", "--title", "Market strike (corrected)")
    after = changed.render("court", "html")
    assert after.fingerprint != before.fingerprint
    assert after.fingerprint in after.data.decode()
    assert before.fingerprint not in after.data.decode()


def test_unreviewed_element_marks_every_page_draft(changed: CaseRun) -> None:
    changed.ok(
        "assess",
        "set",
        "INC-B",
        "distinction",
        "intent",
        "--finding",
        "insufficient",
        "--evidence",
        "E-0003",
        "--reasoning",
        "Changed after review.",
    )
    draft = pages_text(changed.render("court", "pdf").data)
    assert [i for i, t in enumerate(draft, start=1) if "DRAFT" not in _squash(t)] == []
    assert "not every element has been reviewed" in _squash(draft[0]) or found_in_text(
        draft[0], "not every element has been reviewed"
    )


def test_exhibit_cited_from_another_incident_is_in_the_index(changed: CaseRun) -> None:
    """A citation leads somewhere, also under --incident: E-0003 belongs to INC-B."""
    changed.ok(
        "assess", "set", "INC-A", "distinction", "attack", "--finding", "established",
        "--evidence", "E-0001,E-0003,W-001",
    )  # fmt: skip
    html = changed.render("court", "html", incidents=["INC-A"]).data.decode()
    assert 'href="#exhibit-E-0003"' in html
    assert 'id="exhibit-E-0003"' in html
    assert "Hospital strike" not in html  # INC-B itself stays out


def test_unassessed_incident_makes_a_draft(changed: CaseRun) -> None:
    changed.ok("incident", "add", "INC-C", "--title", "Bakery strike", "--date", "2015-12-01")
    html = changed.render("court", "html").data.decode()
    assert 'class="draft-mark"' in html
    assert "not every incident has been assessed" in html
    only_reviewed = changed.render("court", "html", incidents=["INC-A", "INC-B"]).data.decode()
    assert 'class="draft-mark"' not in only_reviewed
