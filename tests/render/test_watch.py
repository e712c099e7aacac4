"""`render --watch`: a dossier rendered again after each change to the case, by one
process that keeps its workers; bad input on the way is reported and the watch goes on."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from casefile.render.templates import shipped_templates_dir
from casefile.render.watch import wanted

from .cases import build_content_case, pdftotext

PATIENCE_S = 180.0  # generous: a slow CI machine renders the first dossier in seconds


def _wait_for(what: str, check, proc: subprocess.Popen) -> None:  # type: ignore[no-untyped-def, type-arg]
    end = time.monotonic() + PATIENCE_S
    while time.monotonic() < end:
        if check():
            return
        if proc.poll() is not None:
            raise AssertionError(f"the watch ended before {what}: {proc.communicate()}")
        time.sleep(0.05)
    proc.kill()
    raise AssertionError(f"no {what} within {PATIENCE_S} s: {proc.communicate()}")


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None


def _renders(root: Path) -> list[dict]:  # type: ignore[type-arg]
    lines = (root / "custody.jsonl").read_text(encoding="utf-8").splitlines()
    return [e for e in map(json.loads, lines) if e.get("action") == "dossier.render"]


def test_a_watch_renders_each_change_and_outlives_bad_input(tmp_path: Path) -> None:
    case = build_content_case(tmp_path / "case")
    out = tmp_path / "watched.pdf"
    before = len(_renders(case.root))
    own = case.root / "templates"  # a case's own templates, none replacing a shipped one yet
    own.mkdir()
    (own / "notes.txt").write_text("layout notes\n", encoding="utf-8")
    errors = tmp_path / "stderr.txt"
    env = {**os.environ, "CASEFILE_ACTOR": "alice"}
    env.pop("CASEFILE_CASE", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "casefile", "--case", str(case.root)]
        + ["render", "--watch", "--jobs", "2", "-o", str(out)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=errors.open("w", encoding="utf-8"),
        text=True,
        # A shell's background job ignores SIGINT; this one must not.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        _wait_for("first dossier", lambda: _digest(out) is not None, proc)
        first = _digest(out)

        # An edit by another casefile command: the dossier follows.
        case.ok("incident", "edit", "INC-B", "--title", "Hospital strike, watched")
        _wait_for("second dossier", lambda: _digest(out) not in (None, first), proc)
        assert "Hospital strike, watched" in " ".join(pdftotext(out.read_bytes()).split())
        second = _digest(out)

        # A record broken by hand: one line, nothing written; mended: the watch goes on.
        record = case.root / "incidents" / "INC-B.yaml"
        good = record.read_text(encoding="utf-8")
        record.write_text(good + "bogus: 1\n", encoding="utf-8")
        unknown = "INC-B.yaml: bogus: unknown field"
        _wait_for("error", lambda: unknown in errors.read_text(encoding="utf-8"), proc)
        assert _digest(out) == second
        mended = good.replace("Hospital strike, watched", "Hospital strike, mended")
        record.write_text(mended, encoding="utf-8")
        _wait_for("third dossier", lambda: _digest(out) not in (None, second), proc)
        assert "Hospital strike, mended" in " ".join(pdftotext(out.read_bytes()).split())
        third = _digest(out)

        # A case template added while watching replaces the shipped one at once.
        shipped = (shipped_templates_dir() / "incident.html").read_text(encoding="utf-8")
        marked = shipped.replace("<h2>Facts</h2>", "<p>Own layout</p><h2>Facts</h2>", 1)
        (own / "incident.html").write_text(marked, encoding="utf-8")
        _wait_for("fourth dossier", lambda: _digest(out) not in (None, third), proc)
        assert " ".join(pdftotext(out.read_bytes()).split()).count("Own layout") == 2
    finally:
        proc.send_signal(signal.SIGINT)
        stdout, _ = proc.communicate(timeout=60)
    stderr = errors.read_text(encoding="utf-8")
    assert proc.returncode == 0, stderr
    assert "Traceback" not in stderr and "stopped watching" in stderr
    assert stderr.count("casefile: error:") == 1, stderr
    assert stdout.count(f"Wrote {out}") == 4
    # Each dossier written is logged once, with the hash of what was written, and the
    # watch's own custody entries did not make it render again.
    renders = _renders(case.root)[before:]
    assert len(renders) == 4
    assert renders[-1]["sha256"] == _digest(out)
    assert case.ok("verify").exit_code == 0
    assert not list((case.root / ".casefile-cache").glob("watch-*"))


def test_what_a_watch_ignores(tmp_path: Path) -> None:
    """Derived caches, the lock, blobs, version control, editors' swap files and the
    dossier being written are not changes to render again for."""
    root = tmp_path.resolve()
    out = root / "dossier.pdf"
    keep = wanted(root, skip=lambda path: path == out)
    for ignored in (
        ".casefile-cache/render/abc.pdf",
        ".casefile.lock",
        "exhibits/objects/ab/abcdef",
        ".git/index",
        "incidents/.INC-A.yaml.swp",
        "dossier.pdf",
    ):
        assert not keep(None, str(root / ignored)), ignored
    assert not keep(None, str(tmp_path.parent / "elsewhere.yaml"))
    for watched in (
        "incidents/INC-A.yaml",
        "exhibits/E-0001.yaml",
        "statements/W-001.md",
        "templates/incident.html",
        "custody.jsonl",
        "case.yaml",
    ):
        assert keep(None, str(root / watched)), watched
