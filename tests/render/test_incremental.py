"""After one incident changes, a cached render lays out little and equals a clean render."""

from __future__ import annotations

import pytest

from casefile.render import parallel
from casefile.render.cache import CACHE_DIR
from render._parts_case import check_numbers, generator, page_texts, render_pdf, small_case


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
    assert first >= 7  # cover, toc, front, 2 incidents, back, index, stamp reference, toc

    # A one-sentence edit that moves no page: that incident, the cover (its fingerprint)
    # and the custody summary (one more entry) are laid out again, not the contents.
    generator().edit_description(case, "INC-0001", "One more sentence.")
    counted.clear()
    small = render_pdf(case, 1)
    assert len(counted) == 3, [html[:200] for html in counted]
    assert any('class="cover"' in html for html in counted)
    assert any("One more sentence." in html for html in counted)
    assert any('id="custody"' in html for html in counted)
    assert not any('class="toc"' in html for html in counted)
    assert not any("<h2>Assessment</h2>" in html for html in counted)  # its own part
    assert not any('id="annexes"' in html for html in counted)  # so are the annexes
    assert small == render_pdf(case, 1, clean=True)

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


def test_a_finding_edit_lays_out_the_assessment_alone(tmp_path, counted: list[str]) -> None:  # type: ignore[no-untyped-def]
    """An assessed incident is two parts, its facts and its assessment (on pages of its
    own): a review of a finding lays out the assessment half, the cover (fingerprint) and
    the custody summary, not the incident's facts."""
    from casefile.assess.assessments import review

    case = small_case(tmp_path / "case")
    render_pdf(case, 1, clean=True)
    review(
        case, "Second Reviewer", "INC-0001", "distinction", "attack",
        verdict="approve", comment="A comment written for the test.",
    )  # fmt: skip
    counted.clear()
    edited = render_pdf(case, 1)
    assert len(counted) == 3, [html[:200] for html in counted]
    (half,) = [html for html in counted if "A comment written for the test." in html]
    assert "<h2>Assessment</h2>" in half and "<h2>Facts</h2>" not in half
    assert not any('id="incident-INC-0001"' in html for html in counted)
    assert edited == render_pdf(case, 1, clean=True)
    check_numbers(edited)
    # The assessment opens a page: its heading is the first thing under the running head.
    texts = page_texts(edited)
    opening = [t for t in texts if "Assessment" in t.splitlines()[:3]]
    assert len(opening) == 2, [t.splitlines()[:3] for t in texts]


def test_cache_is_derived(tmp_path) -> None:  # type: ignore[no-untyped-def]
    case = small_case(tmp_path / "case")
    before = {p.relative_to(case.root) for p in case.root.rglob("*")}
    render_pdf(case, 1)
    after = {p.relative_to(case.root) for p in case.root.rglob("*")}
    new = {p for p in after - before if CACHE_DIR.parts[0] not in p.parts}
    assert new == set()
    assert (case.root / ".casefile-cache" / ".gitignore").read_text().strip().endswith("*")


def test_speculative_contents_with_two_jobs(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """With workers, the contents and index are laid out from a guess (the changed parts
    keep their page counts); the guess, right or wrong, never changes the bytes."""
    guesses: list[bool] = []
    real = parallel._guess

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        guess = real(*args, **kwargs)
        guesses.append(guess is not None)
        return guess

    monkeypatch.setattr(parallel, "_guess", spy)
    case = small_case(tmp_path / "case")
    render_pdf(case, 2, clean=True)
    assert guesses == [False]  # nothing to guess from

    # A small edit: the guess holds.
    generator().edit_description(case, "INC-0001", "One more sentence.")
    small = render_pdf(case, 2)
    assert guesses[-1] is True
    assert small == render_pdf(case, 1, clean=True)
    check_numbers(small)

    # A long edit: pages move, the guess is dropped, the result is still a clean render's.
    render_pdf(case, 2)
    generator().edit_description(case, "INC-0001", "A further paragraph. " * 300)
    guesses.clear()
    moved = render_pdf(case, 2)
    assert guesses == [True]
    assert len(page_texts(moved)) > len(page_texts(small))  # so the guess was wrong
    assert moved == render_pdf(case, 1, clean=True)
    check_numbers(moved)


def test_a_cache_not_sealed_by_this_user_is_ignored(
    tmp_path, counted: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A case folder from someone else may carry a part cache whose entries name the right
    keys and hashes but other chapters: an entry counts only under this user's seal."""
    from casefile.store import cachekey

    case = small_case(tmp_path / "case")
    clean = render_pdf(case, 1, clean=True)
    entries = sorted((case.root / CACHE_DIR).glob("*.json"))
    pdfs = {p: p.with_suffix(".pdf").read_bytes() for p in entries}
    # Swap every entry's PDF for another entry's, with a matching unsealed record.
    import hashlib
    import json

    for path, other in zip(entries, entries[1:] + entries[:1], strict=True):
        body = path.read_bytes().partition(b"\n")[2]
        record = json.loads(body)
        record["pdf_sha256"] = hashlib.sha256(pdfs[other]).hexdigest()
        path.with_suffix(".pdf").write_bytes(pdfs[other])
        path.write_text(json.dumps(record), encoding="utf-8")
    counted.clear()
    assert render_pdf(case, 1) == clean
    assert len(counted) >= len(entries) - 2  # laid out again (pass B may reuse its own)

    # Sealed, but by another user's key (a case copied with its cache): ignored too.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "another-user"))
    cachekey.reset()
    counted.clear()
    assert render_pdf(case, 1) == clean
    assert len(counted) >= len(entries) - 2
    cachekey.reset()


def test_the_custody_summary_rests_on_the_last_entry_before_renders(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """What the summary prints as the log's head is the hash of its last line that is not
    a render's own entry: a render logs itself and must not change the next render."""
    import hashlib
    import json

    from casefile.render.snapshot import head_before_renders
    from casefile.store.session import session

    case = small_case(tmp_path / "case")
    for _ in range(2):  # as `casefile render` logs what it wrote
        with session(case, "tester") as s:
            s.log("dossier.render", sha256="0" * 64, details={})
    lines = (case.root / "custody.jsonl").read_bytes().splitlines()
    assert [json.loads(line)["action"] for line in lines[-2:]] == ["dossier.render"] * 2
    last_change = next(line for line in reversed(lines) if b'"dossier.render"' not in line)
    assert head_before_renders(case) == hashlib.sha256(last_change).hexdigest()


def _own_template_pulling(case, name: str, tag: str) -> None:  # type: ignore[no-untyped-def]
    from casefile.render.templates import shipped_templates_dir

    own = case.root / "templates"
    own.mkdir(exist_ok=True)
    shipped = (shipped_templates_dir() / "incident.html").read_text(encoding="utf-8")
    assert "<h2>Facts</h2>" in shipped
    (own / "incident.html").write_text(
        shipped.replace("<h2>Facts</h2>", f"<h2>Facts</h2>{tag}", 1), encoding="utf-8"
    )


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_template_file_changed_under_its_url_is_laid_out_again(tmp_path, jobs: int) -> None:  # type: ignore[no-untyped-def]
    """A case's own template may pull in a file of its templates folder by URL (a logo):
    the part's key is its HTML, which names the file, not what the file holds. A cached
    part whose file changed is laid out again: the dossier equals a clean render."""
    from PIL import Image

    case = small_case(tmp_path / "case")
    logo = case.root / "templates" / "logo.png"
    _own_template_pulling(case, "incident.html", f'<img src="{logo.as_uri()}" width="40">')
    Image.new("RGB", (8, 8), "red").save(logo)
    red = render_pdf(case, jobs)
    Image.new("RGB", (8, 8), "blue").save(logo)
    blue = render_pdf(case, jobs)
    assert blue != red
    assert blue == render_pdf(case, jobs, clean=True)


def _clean_render_in_a_fresh_process(case, jobs: int) -> bytes:  # type: ignore[no-untyped-def]
    """What a new `casefile render` would print: no cache, no warm process."""
    import subprocess
    import sys
    from pathlib import Path

    out = case.root.parent / "clean.pdf"
    tests = Path(__file__).resolve().parents[1]
    script = (
        "import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1])\n"
        "from render._parts_case import render_pdf\n"
        "from casefile.store.case import CaseFolder\n"
        "pdf = render_pdf(CaseFolder.open(Path(sys.argv[2])), int(sys.argv[3]), clean=True)\n"
        "Path(sys.argv[4]).write_bytes(pdf)\n"
    )
    subprocess.run(
        [sys.executable, "-c", script, str(tests), str(case.root), str(jobs), str(out)],
        check=True,
    )
    return out.read_bytes()


@pytest.mark.parametrize(
    ("where", "jobs"),
    [("stylesheet", 1), ("template", 1), ("template", 2)],
)
def test_a_font_changed_under_its_url_is_not_kept_by_a_warm_process(  # type: ignore[no-untyped-def]
    tmp_path, where: str, jobs: int
) -> None:
    """A case's own font, named by its stylesheet or by a <style> in its own template: a
    process that laid out parts with it (this one with --jobs 1, a watch's workers)
    fetches it once, and must not keep it when the file changes under the same name; nor
    may the parts that did not fetch it themselves stay cached."""
    from pathlib import Path

    from casefile.render.templates import shipped_templates_dir

    fonts = Path("/usr/share/fonts/truetype/dejavu")
    sans, serif = fonts / "DejaVuSans.ttf", fonts / "DejaVuSerif.ttf"
    if not (sans.is_file() and serif.is_file()):
        pytest.skip("fonts-dejavu-core is not installed")
    # Enough incidents that a worker lays out several, most of them with the font loaded.
    case = generator().make_case(
        tmp_path / "case", incidents=6, exhibits=2, statements=1, paragraphs=1,
        criteria=("distinction",),
    )  # fmt: skip
    own = case.root / "templates"
    own.mkdir()
    font = own / "own.ttf"
    face = (
        f'@font-face {{ font-family: "Own Face"; src: url("{font.as_uri()}"); }}\n'
        '.incident p { font-family: "Own Face"; }\n'
    )
    if where == "stylesheet":
        css = (shipped_templates_dir() / "dossier.css").read_text(encoding="utf-8")
        (own / "dossier.css").write_text(f"{css}\n{face}", encoding="utf-8")
    else:
        _own_template_pulling(case, "incident.html", f"<style>{face}</style>")
    font.write_bytes(sans.read_bytes())
    first = render_pdf(case, jobs)
    font.write_bytes(serif.read_bytes())
    second = render_pdf(case, jobs)
    assert second != first
    assert second == _clean_render_in_a_fresh_process(case, jobs)
