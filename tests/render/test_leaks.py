"""Leak test (issue 4): a case full of canaries, rendered for each audience.

Every canary the audience must not see is searched for in every channel of the output: the
PDF text layer (pdftotext and pypdf), metadata and XMP, outline, link targets and named
destinations, alt text, attachments and their descriptions, and every object of the file
(streams decompressed) in plain, UTF-16BE and hex form; and in the HTML and JSON outputs.
The canaries an audience may see must be found, so the search itself is tested.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from .cases import (
    ALL_CANARIES,
    FORBIDDEN,
    NOT_IN_TEXT,
    REQUIRED,
    CaseRun,
    Channels,
    build_canary_case,
    found_in_text,
    html_text,
    json_text,
    leaks,
    pdf_channels,
)

AUDIENCES = ["public", "court", "internal"]


@pytest.fixture(scope="module")
def canary_case(tmp_path_factory: pytest.TempPathFactory) -> CaseRun:
    return build_canary_case(tmp_path_factory.mktemp("canary"))


# Two PDF pipelines: with --attach-evidence one PDF/A-3b document; without, parts laid out
# apart and merged (links, outline and page numbers rebuilt). Both are searched.
PIPELINES = ["attached", "parts"]


@pytest.fixture(scope="module")
def all_channels(canary_case: CaseRun) -> dict[tuple[str, str], Channels]:
    out = {}
    for a in AUDIENCES:
        for pipeline in PIPELINES:
            data = canary_case.render(a, "pdf", attach_evidence=pipeline == "attached").data
            out[(a, pipeline)] = pdf_channels(data)
    return out


@pytest.fixture(scope="module")
def channels(all_channels: dict[tuple[str, str], Channels]) -> dict[str, Channels]:
    """The PDFs with the evidence attached (the widest output there is)."""
    return {a: all_channels[(a, "attached")] for a in AUDIENCES}


@pytest.fixture(scope="module")
def others(canary_case: CaseRun) -> dict[tuple[str, str], str]:
    out = {}
    for a in AUDIENCES:
        out[(a, "html")] = html_text(canary_case.render(a, "html").data.decode())
        out[(a, "json")] = json_text(canary_case.render(a, "json").data)
    return out


@pytest.mark.parametrize("pipeline", PIPELINES)
@pytest.mark.parametrize("audience", AUDIENCES)
def test_pdf_holds_nothing_the_audience_must_not_see(
    all_channels: dict[tuple[str, str], Channels], audience: str, pipeline: str
) -> None:
    found = {c: leaks(all_channels[(audience, pipeline)], c) for c in FORBIDDEN[audience]}
    assert {c: where for c, where in found.items() if where} == {}


@pytest.mark.parametrize("pipeline", PIPELINES)
@pytest.mark.parametrize("audience", AUDIENCES)
def test_pdf_shows_what_the_audience_may_see(
    all_channels: dict[tuple[str, str], Channels], audience: str, pipeline: str
) -> None:
    """The search finds the canaries where they belong, so a clean result above means something."""
    ch = all_channels[(audience, pipeline)]
    required = REQUIRED[audience]
    if pipeline == "parts":  # no attachments: evidence bytes are nowhere
        required = [c for c in required if c != "CANARY-RESTRICTED-BYTES"]
    assert [c for c in required if not leaks(ch, c)] == []
    in_text = [c for c in required if c not in NOT_IN_TEXT]
    assert [c for c in in_text if not found_in_text(ch.text["pdftotext"], c)] == []


@pytest.mark.parametrize("pipeline", PIPELINES)
def test_internal_pdf_channels_see_canaries(
    all_channels: dict[tuple[str, str], Channels], pipeline: str
) -> None:
    """Each channel the leak test relies on can see a canary when one is there."""
    ch = all_channels[("internal", pipeline)]
    assert "metadata" in leaks(ch, "CANARY-SPAN-TITLE")  # /Title
    assert "metadata" in leaks(ch, "CANARY-SPAN-ORG")  # /Author
    assert "outline" in leaks(ch, "CANARY-SPAN-INCTITLE")  # bookmark of the chapter
    assert "links" in leaks(ch, "CANARY-SPAN-LINK")  # URI of a Markdown link
    if pipeline == "attached":
        assert any(w.startswith("attachment-") for w in leaks(ch, "CANARY-RESTRICTED-BYTES"))
    else:
        assert ch.attachments == {}


@pytest.mark.parametrize("audience", AUDIENCES)
@pytest.mark.parametrize("fmt", ["html", "json"])
def test_html_and_json_hold_nothing_the_audience_must_not_see(
    others: dict[tuple[str, str], str], audience: str, fmt: str
) -> None:
    text = others[(audience, fmt)]
    assert [c for c in FORBIDDEN[audience] if found_in_text(text, c)] == []
    # Evidence bytes travel only as PDF attachments.
    required = [c for c in REQUIRED[audience] if c != "CANARY-RESTRICTED-BYTES"]
    assert [c for c in required if not found_in_text(text, c)] == []


def test_public_attaches_only_visible_exhibits_with_their_hash(
    canary_case: CaseRun, channels: dict[str, Channels]
) -> None:
    ch = channels["public"]
    visible = canary_case.folder().load_exhibit("E-0001")
    restricted = [canary_case.folder().load_exhibit(e) for e in ("E-0002", "E-0003")]
    stored = canary_case.folder().objects.path(visible.sha256).read_bytes()
    assert list(ch.attachments.values()) == [stored]
    (name,) = ch.attachments
    assert name.startswith("E-0001")
    assert visible.sha256 in ch.attachment_descriptions[name]
    for e in restricted:
        blob = canary_case.folder().objects.path(e.sha256).read_bytes()
        assert all(blob not in data for data in ch.raw.values())
        assert e.sha256 not in ch.text["attachments"]


def test_court_attaches_every_exhibit_with_its_hash(
    canary_case: CaseRun, channels: dict[str, Channels]
) -> None:
    ch = channels["court"]
    case = canary_case.folder()
    expected = {}
    for eid in ("E-0001", "E-0002", "E-0003"):
        e = case.load_exhibit(eid)
        expected[e.sha256] = case.objects.path(e.sha256).read_bytes()
    got = {hashlib.sha256(data).hexdigest(): data for data in ch.attachments.values()}
    assert got == expected
    for name, data in ch.attachments.items():
        assert hashlib.sha256(data).hexdigest() in ch.attachment_descriptions[name]


def test_public_pdf_keeps_withheld_exhibits_as_id_and_kind(channels: dict[str, Channels]) -> None:
    text = channels["public"].text["pdftotext"]
    assert "E-0002" in text and "E-0003" in text
    assert "withheld" in text


def test_canary_table_covers_every_canary() -> None:
    for audience in AUDIENCES:
        assert set(FORBIDDEN[audience]) | set(REQUIRED[audience]) == set(ALL_CANARIES)


def test_cli_public_render_of_canary_case(canary_case: CaseRun, tmp_path: Path) -> None:
    """The command line goes through the same view: its HTML output is as clean."""
    out = tmp_path / "public.html"
    data = canary_case.render_cli(out, "--audience", "public", "--format", "html")
    text = html_text(data.decode())
    assert [c for c in FORBIDDEN["public"] if found_in_text(text, c)] == []
