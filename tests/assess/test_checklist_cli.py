"""`casefile checklist`: the reviewer's sheet in the terminal and as a PDF."""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys

import pytest
from pypdf import PdfReader


@pytest.fixture
def reviewed(case):
    case.ok(
        "assess",
        "set",
        "ARIHA",
        "distinction",
        "attack",
        "--finding",
        "established",
        "--evidence",
        "E-0001,W-001",
        "--against",
        "E-0002",
        "--confidence",
        "high",
        "--reasoning",
        "Three impacts; *see* the crater. <script>alert(1)</script>",
    )
    case.ok(
        "assess",
        "set",
        "ARIHA",
        "distinction",
        "civilian_object",
        "--finding",
        "insufficient",
        "--reasoning",
        "Casualty list still missing.",
    )
    case.ok("review", "ARIHA", "distinction", "attack", "--approve", actor="bob")
    case.ok(
        "review",
        "ARIHA",
        "distinction",
        "civilian_object",
        "--challenge",
        "--comment",
        "Get the hospital list",
        actor="bob",
    )
    return case


def _flat(text: str) -> str:
    """The text without line breaks and table borders, so wrapped cells read as one line."""
    return " ".join(text.replace("│", " ").split())


def test_terminal_sheet(reviewed):
    out = _flat(reviewed.ok("checklist", "ARIHA").stdout)
    assert "Review checklist: ARIHA" in out
    assert "Did an attack take place?" in out
    assert "established (confidence high)" in out
    assert "insufficient" in out
    assert "not yet assessed" in out
    assert reviewed.sha256("E-0001")[:12] in out
    assert "Market after the strike" in out
    assert "Activist" in out  # the statement's pseudonym
    assert "approved" in out and "challenged" in out and "Get the hospital list" in out
    assert "On the standard of reasonable grounds to believe" in out
    assert "Signature:" in out


def test_pdf_sheet(reviewed, tmp_path):
    output = tmp_path / "sheet.pdf"
    before = reviewed.snapshot()
    reviewed.ok("checklist", "ARIHA", "-o", str(output))
    after = reviewed.snapshot()
    # Nothing changes but one custody entry: who exported which bytes.
    assert {k: v for k, v in after.items() if k != "custody.jsonl"} == {
        k: v for k, v in before.items() if k != "custody.jsonl"
    }
    last = reviewed.custody_actions()[-1]
    assert last["action"] == "checklist.render" and last["object"] == "ARIHA"
    assert last["sha256"] == hashlib.sha256(output.read_bytes()).hexdigest()
    reader = PdfReader(io.BytesIO(output.read_bytes()))
    text = _flat("\n".join(page.extract_text() for page in reader.pages))
    assert "Did an attack take place?" in text
    assert "Was the object of the attack civilians" in text
    assert "established" in text and "insufficient" in text and "not yet assessed" in text
    assert reviewed.sha256("E-0001")[:12] in text
    assert reviewed.sha256("E-0002")[:12] in text
    assert "Market after the strike" in text
    assert "Three impacts; see the crater." in text
    assert "<script>alert(1)</script>" in text  # shown as text, never as markup
    assert "challenged" in text and "Get the hospital list" in text
    assert "Signature: ____" in text
    assert "Reviewed by (name): ____" in text
    assert "On the standard of reasonable grounds to believe" in text


def test_pdf_into_missing_folder_is_exit_2(reviewed, tmp_path):
    result = reviewed.fails(2, "checklist", "ARIHA", "-o", str(tmp_path / "nope" / "x.pdf"))
    assert result.stderr.count("\n") == 1


def test_unknown_incident(case):
    assert "unknown incident" in case.fails(2, "checklist", "NOPE").stderr


def test_nothing_assessed(case):
    assert "No criterion assessed yet" in case.ok("checklist", "ARIHA").stdout


def test_listing_commands_do_not_import_weasyprint(reviewed):
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from casefile.cli.app import app\n"
        f"root = {str(reviewed.root)!r}\n"
        "for args in (['criteria', 'list'], ['assess', 'show', 'ARIHA'], ['check'],"
        " ['checklist', 'ARIHA']):\n"
        "    CliRunner().invoke(app, ['--case', root, *args])\n"
        "assert 'weasyprint' not in sys.modules, 'weasyprint imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
