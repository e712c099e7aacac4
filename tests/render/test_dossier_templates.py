"""Dossier templates (issue 4): a case's own templates override the shipped ones, in HTML and
in both PDF pipelines, and the shipped templates are found after a non-editable install."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from casefile.errors import UserInputError
from casefile.render.templates import check_cover, shipped_templates_dir

from .cases import CaseRun, build_content_case, pages_text, pdftotext

REPO = Path(__file__).resolve().parents[2]
CSS_MARK = "OVERRIDECSSMARK"
HTML_MARK = "OVERRIDEINCIDENTMARK"


@pytest.fixture(scope="module")
def overridden(tmp_path_factory: pytest.TempPathFactory) -> CaseRun:
    """The content case, rendered once as shipped (so the part cache is warm), then given
    its own dossier.css and incident.html."""
    case = build_content_case(tmp_path_factory.mktemp("templates"))
    before = pages_text(case.render("court", "pdf").data)
    assert CSS_MARK not in "".join(before)
    shipped = shipped_templates_dir()
    own = case.root / "templates"
    own.mkdir()
    css = (shipped / "dossier.css").read_text(encoding="utf-8")
    css += f'\n.cover-title::after {{ content: " {CSS_MARK}"; }}\n'
    (own / "dossier.css").write_text(css, encoding="utf-8")
    incident = (shipped / "incident.html").read_text(encoding="utf-8")
    marker = f'<p class="own">{HTML_MARK} {{{{ inc.id }}}}</p>\n'
    incident = incident.replace("<h2>Facts</h2>", marker + "<h2>Facts</h2>", 1)
    assert HTML_MARK in incident
    (own / "incident.html").write_text(incident, encoding="utf-8")
    return case


def test_case_templates_override_in_html(overridden: CaseRun) -> None:
    html = overridden.render("court", "html").data.decode()
    assert CSS_MARK in html
    assert f"{HTML_MARK} INC-A" in html and f"{HTML_MARK} INC-B" in html


@pytest.mark.parametrize("attach", [False, True], ids=["parts", "attached"])
def test_case_templates_override_in_pdf(overridden: CaseRun, attach: bool) -> None:
    text = pdftotext(overridden.render("court", "pdf", attach_evidence=attach).data)
    assert CSS_MARK in text
    assert f"{HTML_MARK} INC-A" in text and f"{HTML_MARK} INC-B" in text


def test_an_own_back_template_is_laid_out_whole(tmp_path: Path) -> None:
    """The custody summary and the annexes are parts of their own, made from
    back-rest.html with `half` set; a case's own back-rest.html that knows no halves
    gives one part, each chapter printed once."""
    case = build_content_case(tmp_path / "case")
    own = case.root / "templates"
    own.mkdir()
    back = (shipped_templates_dir() / "back-rest.html").read_text(encoding="utf-8")
    older = back.replace('{% set half = half | default("") %}', '{% set half = "" %}', 1)
    assert older != back
    (own / "back-rest.html").write_text(older, encoding="utf-8")
    text = pdftotext(case.render("court", "pdf").data)
    assert text.count("custody log holds") == 1 and text.count("Source grading") == 1


def _assessment_pages(pdf: bytes) -> tuple[int, list[int]]:
    pages = pages_text(pdf)
    lines = [[line.strip() for line in text.splitlines()] for text in pages]
    return len(pages), [n for n, page in enumerate(lines) if "Assessment" in page]


@pytest.mark.parametrize(
    "own_css",
    ["", "auto", "auto !important"],
    ids=["shipped", "own-dossier-css", "own-important"],
)
def test_parts_and_whole_document_break_the_same_pages(tmp_path: Path, own_css: str) -> None:
    """The parts pipeline lays an assessed incident's facts and assessment out as parts of
    their own; the whole document (``--attach-evidence``) must start the assessment on a
    new page too, whatever stylesheet the case has."""
    case = build_content_case(tmp_path / "case")
    if own_css:
        own = case.root / "templates"
        own.mkdir()
        css = (shipped_templates_dir() / "dossier.css").read_text(encoding="utf-8")
        # A rule of its own against breaking there (or an older stylesheet without one).
        css += f"\n.incident-assessment {{ page-break-before: {own_css}; }}\n"
        (own / "dossier.css").write_text(css, encoding="utf-8")
    parts = _assessment_pages(case.render("court", "pdf").data)
    whole = _assessment_pages(case.render("court", "pdf", attach_evidence=True).data)
    assert parts == whole and len(parts[1]) == 2, (parts, whole)


@pytest.mark.parametrize("own_template", ["incident.html", "part.html"])
def test_an_own_incident_template_is_laid_out_whole(tmp_path: Path, own_template: str) -> None:
    """The parts pipeline lays an assessed incident out as two parts, its facts and its
    assessment, each rendered from incident.html with `half` set. A case's own
    incident.html, written for a casefile that knew no halves, would then print each
    chapter twice, and so would its own part.html including a chapter template of its
    own: with either, each incident is one part."""
    case = build_content_case(tmp_path / "case")
    own = case.root / "templates"
    own.mkdir()
    shipped = shipped_templates_dir()
    incident = (shipped / "incident.html").read_text(encoding="utf-8")
    older = incident.replace('{% set half = half | default("") %}', '{% set half = "" %}', 1)
    assert older != incident
    if own_template == "incident.html":
        (own / "incident.html").write_text(older, encoding="utf-8")
    else:
        (own / "my-incident.html").write_text(older, encoding="utf-8")
        part = (shipped / "part.html").read_text(encoding="utf-8")
        mine = part.replace('{% include "incident.html" %}', '{% include "my-incident.html" %}')
        assert mine != part
        (own / "part.html").write_text(mine, encoding="utf-8")
    text = pdftotext(case.render("court", "pdf").data)
    assert text.count("Response of the accused party") == 2  # one per incident


@pytest.mark.skipif(
    os.environ.get("CASEFILE_SLOW_TESTS") != "1",
    reason="builds a wheel (pip may fetch setuptools); set CASEFILE_SLOW_TESTS=1",
)
def test_templates_found_after_a_non_editable_install(tmp_path: Path) -> None:
    """Wheel -> plain install into a folder of its own -> render from outside the checkout."""
    wheels = tmp_path / "wheels"
    site = tmp_path / "site"
    pip = [sys.executable, "-m", "pip", "-q", "--disable-pip-version-check"]
    subprocess.run([*pip, "wheel", "--no-deps", "-w", str(wheels), str(REPO)], check=True)
    (wheel,) = wheels.glob("casefile-*.whl")
    subprocess.run(
        [*pip, "install", "--no-deps", "--no-index", "--target", str(site), str(wheel)],
        check=True,
    )
    case = build_content_case(tmp_path / "c")
    env = {**os.environ, "PYTHONPATH": str(site)}
    probe = subprocess.run(
        [sys.executable, "-c",
         "import casefile.render.templates as t; print(t.__file__); "
         "print(t.shipped_templates_dir())"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    module, templates = probe.stdout.split()
    assert Path(module).is_relative_to(site)
    assert Path(templates).is_relative_to(site) and (Path(templates) / "dossier.html").is_file()
    shutil.rmtree(case.root / ".casefile-cache", ignore_errors=True)
    out = tmp_path / "d.pdf"
    subprocess.run(
        [sys.executable, "-m", "casefile", "--case", str(case.root), "--actor", "t",
         "render", "--audience", "court", "-o", str(out)],
        cwd=tmp_path, env=env, check=True, capture_output=True,
    )  # fmt: skip
    text = pdftotext(out.read_bytes())
    assert "Contents" in text and "Incident 1: Hospital strike" in text


def test_case_templates_cannot_reach_python(tmp_path: Path) -> None:
    """A case folder may come from anyone: its templates run sandboxed, and one that
    reaches for Python is refused with a one-line error naming it, exit 2."""
    case = build_content_case(tmp_path / "sandbox")
    own = case.root / "templates"
    own.mkdir(exist_ok=True)
    shipped = (shipped_templates_dir() / "front-toc.html").read_text(encoding="utf-8")
    (own / "front-toc.html").write_text(
        '{{ cycler.__init__.__globals__.os.popen("echo PWNED").read() }}\n' + shipped,
        encoding="utf-8",
    )
    for fmt in ("html", "pdf"):
        result = case.run("render", "--format", fmt, "-o", str(tmp_path / f"out.{fmt}"))
        assert result.exit_code == 2, result.output
        assert result.stderr.count("\n") == 1, result.stderr
        assert "front-toc.html" in result.stderr and "PWNED" not in result.output
        assert not (tmp_path / f"out.{fmt}").exists()


def test_a_template_typo_reads_the_same_in_every_format(tmp_path: Path) -> None:
    """A case template naming a field the view does not have: one line naming the file,
    the line and the field, the same for the whole-document HTML and the PDF's parts."""
    case = build_content_case(tmp_path / "typo")
    incident = (shipped_templates_dir() / "incident.html").read_text(encoding="utf-8")
    _own_template(case, "incident.html", incident.replace("<h2>Facts</h2>", "{{ v.titel }}", 1))
    errors = set()
    for fmt in ("html", "pdf"):
        result = case.run("render", "--format", fmt, "-o", str(tmp_path / f"out.{fmt}"))
        assert result.exit_code == 2, result.output
        assert result.stderr.count("\n") == 1, result.stderr
        assert "templates/incident.html, line" in result.stderr and "'titel'" in result.stderr
        errors.add(result.stderr)
    assert len(errors) == 1, errors


def _own_template(case: CaseRun, name: str, text: str) -> None:
    own = case.root / "templates"
    own.mkdir(exist_ok=True)
    (own / name).write_text(text, encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "old", "new"),
    [
        # part.html from before the cover was a part of its own: no "cover" section.
        (
            "part.html",
            '{% if section == "cover" %}{% include "front-cover.html" %}\n{% elif',
            "{% if",
        ),
        # front.html from before: the cover came with front-toc.html.
        ("front.html", '{% include "front-cover.html" %}', ""),
    ],
    ids=["part", "front"],
)
def test_a_dossier_without_its_fingerprint_is_refused(
    tmp_path: Path, name: str, old: str, new: str
) -> None:
    """A case template that leaves the cover's fingerprint out (one written for an older
    casefile) would give a dossier not tied to a state of the case: exit 2, one line
    naming the template, nothing written."""
    case = build_content_case(tmp_path / "old")
    shipped = (shipped_templates_dir() / name).read_text(encoding="utf-8")
    assert old in shipped
    _own_template(case, name, shipped.replace(old, new))
    # part.html makes the parts PDF; front.html the whole-document HTML and PDF/A.
    runs = [["pdf"]] if name == "part.html" else [["html"], ["pdf", "--attach-evidence"]]
    for fmt, *more in runs:
        out = tmp_path / f"out.{fmt}"
        result = case.run("render", "--format", fmt, *more, "-o", str(out))
        assert result.exit_code == 2, result.output
        assert result.stderr.count("\n") == 1, result.stderr
        assert f"templates/{name}" in result.stderr and "fingerprint" in result.stderr
        assert not out.exists()


@pytest.mark.parametrize(
    ("name", "anchor", "printed"),
    [
        ("front-toc.html", "</nav>", "State {{ v.fingerprint }} of {{ v.date }}"),
        # Shortened or reformatted, in a section other than the contents.
        (
            "incident.html",
            "<h2>Facts</h2>",
            'State {{ v.fingerprint[:16] }} of {{ v.date | replace("-", "/") }}',
        ),
    ],
    ids=["whole", "shortened"],
)
def test_a_fingerprint_printed_outside_the_cover_is_the_real_one(
    tmp_path: Path, name: str, anchor: str, printed: str
) -> None:
    """Parts other than the cover are laid out with the fingerprint and date blanked (so
    they stay cached across edits); a case template that prints them elsewhere, whole or
    in part, gets the real ones."""
    case = build_content_case(tmp_path / "footer")
    shipped = (shipped_templates_dir() / name).read_text(encoding="utf-8")
    assert anchor in shipped
    _own_template(case, name, shipped.replace(anchor, f"<p>{printed}</p>\n{anchor}", 1))
    result = case.render("public", "pdf")
    squeezed = "".join(pdftotext(result.data).split())
    assert "State" + result.fingerprint[:16] in squeezed
    for blank in ("0" * 16, "f" * 16, "0000-00-00", "0000/00/00", "9999-99-99", "9999/99/99"):
        assert blank not in squeezed


def test_the_fingerprint_check_reads_what_is_printed() -> None:
    """The cover check finds the fingerprint however the markup splits it, with or without
    a <body> tag, and nowhere but in what is printed."""
    fp = "ab" * 32
    for html in (
        f"<html><head></head><BODY><p>{fp}</p></BODY></html>",
        f"<p>{fp}</p>",
        f"<body><p>{fp[:32]}<br>{fp[32:]}</p></body>",
        f"<body><p>{' '.join(fp[i : i + 4] for i in range(0, 64, 4))}</p></body>",
    ):
        check_cover(html, fp, None)
    with pytest.raises(UserInputError):
        check_cover(f'<head><meta content="{fp}"></head><body><p>cover</p></body>', fp, None)


def test_the_fingerprint_may_move_off_the_cover(tmp_path: Path) -> None:
    """A case's own layout may print the fingerprint elsewhere than on the cover (here in
    every incident): both the PDF and the HTML accept it, with the real value."""
    case = build_content_case(tmp_path / "moved")
    shipped = shipped_templates_dir()
    cover = (shipped / "front-cover.html").read_text(encoding="utf-8")
    line = '<p class="hash">{{ v.fingerprint }}</p>'
    assert line in cover
    _own_template(case, "front-cover.html", cover.replace(line, ""))
    incident = (shipped / "incident.html").read_text(encoding="utf-8")
    _own_template(
        case,
        "incident.html",
        incident.replace("<h2>Facts</h2>", "<p>State {{ v.fingerprint }}</p><h2>Facts</h2>", 1),
    )
    pdf = case.render("public", "pdf")
    assert "State" + pdf.fingerprint in "".join(pdftotext(pdf.data).split())
    assert f"State {pdf.fingerprint}" in case.render("public", "html").data.decode()


def test_a_fingerprint_printed_in_some_parts_only_is_the_real_one(tmp_path: Path) -> None:
    """Whether a part prints the fingerprint is found part by part: a case template that
    prints it for the second incident only, under a condition on its data, gets the real
    one there, not a blank."""
    case = build_content_case(tmp_path / "some")
    incident = (shipped_templates_dir() / "incident.html").read_text(encoding="utf-8")
    printed = "{% if inc.number == 2 %}<p>State {{ v.fingerprint }}</p>{% endif %}"
    _own_template(
        case, "incident.html", incident.replace("<h2>Facts</h2>", printed + "<h2>Facts</h2>", 1)
    )
    result = case.render("public", "pdf")
    squeezed = "".join(pdftotext(result.data).split())
    assert squeezed.count("State" + result.fingerprint) == 1
    assert "0" * 16 not in squeezed and "f" * 16 not in squeezed


def test_a_fingerprint_in_the_exhibit_index_only_is_accepted(tmp_path: Path) -> None:
    """The fingerprint may move off the cover into the exhibit index, the last part laid
    out: the PDF accepts it there, with the real value, as the HTML does."""
    case = build_content_case(tmp_path / "index")
    shipped = shipped_templates_dir()
    cover = (shipped / "front-cover.html").read_text(encoding="utf-8")
    line = '<p class="hash">{{ v.fingerprint }}</p>'
    _own_template(case, "front-cover.html", cover.replace(line, ""))
    index = (shipped / "back-index.html").read_text(encoding="utf-8")
    anchor = "<h1>Exhibit index</h1>"
    assert anchor in index
    _own_template(
        case,
        "back-index.html",
        index.replace(anchor, anchor + "<p>State {{ v.fingerprint }}</p>", 1),
    )
    pdf = case.render("public", "pdf")
    assert "State" + pdf.fingerprint in "".join(pdftotext(pdf.data).split())
    assert f"State {pdf.fingerprint}" in case.render("public", "html").data.decode()


@pytest.mark.parametrize(
    "probe",
    [
        # Tests the date without printing it: both blanks would pass the test.
        '{% if v.date[:4] in ("0000", "9999") %}<p>BLANKED</p>{% endif %}<p>View DossierView(</p>',
        # Prints the whole view, fingerprint included.
        '<p class="small">View {{ v | string | truncate(60) }}</p>',
    ],
    ids=["tests", "prints-all"],
)
def test_a_part_that_tests_or_prints_the_whole_view_gets_the_real_one(
    tmp_path: Path, probe: str
) -> None:
    """A template that tests the case date without printing it, or prints the whole view,
    gets the real view, as the whole-document HTML does: never a blank, never an object
    address, and --jobs 1 and --jobs 2 still give the same bytes."""
    case = build_content_case(tmp_path / "tests")
    incident = (shipped_templates_dir() / "incident.html").read_text(encoding="utf-8")
    _own_template(
        case, "incident.html", incident.replace("<h2>Facts</h2>", probe + "<h2>Facts</h2>", 1)
    )
    one = case.render("public", "pdf", jobs=1)
    shutil.rmtree(case.root / ".casefile-cache", ignore_errors=True)
    two = case.render("public", "pdf", jobs=2)
    assert one.data == two.data
    text = " ".join(pdftotext(one.data).split())
    assert "BLANKED" not in text and "object at" not in text
    assert text.count("View DossierView(") == 2  # in both incidents


def test_a_template_keeps_no_state_from_one_render_to_the_next(tmp_path: Path) -> None:
    """Templates are compiled once per process (a watch renders every few seconds), but a
    module a template imports, whose state a template can change, is not shared: the
    same case renders to the same bytes however many times one process renders it."""
    case = build_content_case(tmp_path / "state")
    _own_template(
        case,
        "counter.html",
        "{% set ns = namespace(n=0) %}"
        "{% macro figure() %}{% set ns.n = ns.n + 1 %}Figure {{ ns.n }}{% endmacro %}",
    )
    incident = (shipped_templates_dir() / "incident.html").read_text(encoding="utf-8")
    counted = '{% import "counter.html" as c %}<p>{{ c.figure() }}</p><h2>Facts</h2>'
    _own_template(case, "incident.html", incident.replace("<h2>Facts</h2>", counted, 1))
    first = case.render("public", "html").data
    assert b"Figure 1" in first
    assert case.render("public", "html").data == first


def test_the_sandbox_keeps_jinjas_verdicts() -> None:
    """The sandbox keeps its verdict on an attribute per type and name: it must be Jinja's
    for every kind of object Jinja tells apart, the first time and from the cache."""
    import collections
    import types
    import weakref

    from jinja2.exceptions import SecurityError
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    from casefile.render.templates import _Sandbox, environment

    def function() -> None:
        pass

    def generator():  # type: ignore[no-untyped-def]
        yield 1

    class Record:
        title = "t"

        def method(self) -> None:
            pass

        def append(self, _item: object = None) -> None:
            pass

    class Rows(list):  # type: ignore[type-arg]
        pass

    class PassesForADict:
        @property  # type: ignore[misc]
        def __class__(self):  # type: ignore[no-untyped-def, override]
            return dict

    record, rows = Record(), Rows()
    objects = [
        function, record.method, Record, record, type, [], {}, set(), collections.deque(),
        generator(), "text", 1, types.SimpleNamespace(a=1), function.__code__,
        # Proxies share a type whatever they stand for; isinstance sees what they stand for.
        weakref.proxy(record), weakref.proxy(rows), PassesForADict(),
    ]  # fmt: skip
    names = [
        "__globals__", "__code__", "__class__", "__init__", "__self__", "__func__", "mro",
        "append", "clear", "pop", "update", "add", "keys", "get", "items", "gi_frame",
        "gi_code", "title", "method", "upper", "co_code", "_private", "f_globals",
    ]  # fmt: skip
    jinja = ImmutableSandboxedEnvironment()
    ours = environment(None)
    assert isinstance(ours, _Sandbox)
    _Sandbox._verdicts.clear()
    for _ in range(2):
        for obj in objects:
            for name in names:
                value = getattr(obj, name, None)
                assert ours.is_safe_attribute(obj, name, value) == jinja.is_safe_attribute(
                    obj, name, value
                ), (obj, name)
    assert _Sandbox._verdicts[(list, "append")] is False  # the verdicts are the cache's
    assert _Sandbox._verdicts[(Record, "append")] is True
    template = ours.from_string("{{ xs.append(1) }}{{ d.clear() }}")
    with pytest.raises(SecurityError):
        template.render(xs=[], d={})
    with pytest.raises(SecurityError):  # after a proxy to a harmless append was judged
        ours.from_string("{{ a.append(1) }}{{ b.append(1) }}").render(
            a=weakref.proxy(record), b=weakref.proxy(rows)
        )
    assert rows == []
