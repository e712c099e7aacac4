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
from casefile.render.watch import output_files, wanted

from .cases import build_content_case, pdftotext

# `python -m casefile` that Ctrl-C interrupts even when started from a shell's background
# job, which ignores SIGINT (no preexec_fn: unsafe when the test process has threads).
INTERRUPTIBLE = (
    "import runpy, signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "sys.argv[0] = 'casefile'; runpy.run_module('casefile', run_name='__main__')"
)
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


def _text(path: Path) -> str:
    try:
        return " ".join(pdftotext(path.read_bytes()).split())
    except FileNotFoundError:
        return ""


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None


def _replace(path: Path, text: str) -> None:
    """As an editor saves: whole, in one rename."""
    temp = path.with_name(f".{path.name}.saving")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _renders(root: Path) -> list[dict]:  # type: ignore[type-arg]
    lines = (root / "custody.jsonl").read_text(encoding="utf-8").splitlines()
    return [e for e in map(json.loads, lines) if e.get("action") == "dossier.render"]


def test_a_watch_renders_each_change_and_outlives_bad_input(tmp_path: Path) -> None:
    case = build_content_case(tmp_path / "case")
    out = case.root / "watched.pdf"  # inside the case: its own writes are no change
    before = len(_renders(case.root))
    own = case.root / "templates"  # a case's own templates, none replacing a shipped one yet
    own.mkdir()
    (own / "notes.txt").write_text("layout notes\n", encoding="utf-8")
    errors = tmp_path / "stderr.txt"
    env = {**os.environ, "CASEFILE_ACTOR": "alice"}
    env.pop("CASEFILE_CASE", None)
    stderr_file = errors.open("w", encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-c", INTERRUPTIBLE, "--case", str(case.root)]
        + ["render", "--watch", "--jobs", "2", "-o", str(out)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=stderr_file,
        text=True,
        # Its own process group, to be stopped as a terminal's Ctrl-C does (workers
        # included).
        start_new_session=True,
    )
    try:
        _wait_for("first dossier", lambda: _digest(out) is not None, proc)
        first = _digest(out)

        # An edit by another casefile command: the dossier follows.
        case.ok("incident", "edit", "INC-B", "--title", "Hospital strike, watched")
        _wait_for("the edit", lambda: "Hospital strike, watched" in _text(out), proc)
        assert _digest(out) != first

        # Its layout workers killed (out of memory, say): one line, new workers, the edit
        # made meanwhile rendered all the same.
        for pid in _children(proc.pid):
            os.kill(pid, signal.SIGKILL)
        case.ok("incident", "edit", "INC-A", "--title", "Market strike, new workers")
        _wait_for("new workers", lambda: "Market strike, new workers" in _text(out), proc)
        assert "starting new layout workers" in errors.read_text(encoding="utf-8")
        second = _digest(out)

        # A record broken by hand: one line, nothing written; mended: the watch goes on.
        record = case.root / "incidents" / "INC-B.yaml"
        good = record.read_text(encoding="utf-8")
        _replace(record, good + "bogus: 1\n")
        unknown = "INC-B.yaml: bogus: unknown field"
        _wait_for("error", lambda: unknown in errors.read_text(encoding="utf-8"), proc)
        assert _digest(out) == second
        mended = good.replace("Hospital strike, watched", "Hospital strike, mended")
        _replace(record, mended)
        _wait_for("the mended record", lambda: "Hospital strike, mended" in _text(out), proc)

        # A case template added while watching replaces the shipped one at once.
        shipped = (shipped_templates_dir() / "incident.html").read_text(encoding="utf-8")
        marked = shipped.replace("<h2>Facts</h2>", "<p>Own layout</p><h2>Facts</h2>", 1)
        _replace(own / "incident.html", marked)
        _wait_for("the case template", lambda: _text(out).count("Own layout") == 2, proc)

        # A custody log broken meanwhile: renders refuse, one line each, even for a record
        # edited then; once the log is mended, that edit is rendered.
        log = case.root / "custody.jsonl"
        sound = log.read_text(encoding="utf-8")
        _replace(log, sound + '{"garbage": 1}\n')
        broken = "refusing to add to a broken chain"
        _wait_for("refusal", lambda: broken in errors.read_text(encoding="utf-8"), proc)
        market = case.root / "incidents" / "INC-A.yaml"
        _replace(market, market.read_text(encoding="utf-8").replace("Market strike", "Souk"))
        _wait_for(
            "second refusal", lambda: errors.read_text(encoding="utf-8").count(broken) == 2, proc
        )
        _replace(log, sound)
        _wait_for("the edit made while broken", lambda: "Souk" in _text(out), proc)

        # The watch settles on what a clean render of the case gives (after a hand edit,
        # noticed and logged by the render after it, it renders once more for the custody
        # summary, as a second `casefile render` would).
        audience = case.folder().load_case().default_audience.value
        _wait_for(
            "the watch to settle", lambda: out.read_bytes() == case.render(audience).data, proc
        )
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            stdout, _ = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            raise
        finally:
            stderr_file.close()
    stderr = errors.read_text(encoding="utf-8")
    assert proc.returncode == 0, stderr
    assert "Traceback" not in stderr and "stopped watching" in stderr
    assert stderr.count("casefile: error:") == 4, stderr
    # Each dossier written is logged once, with the hash of what was written.
    renders = _renders(case.root)[before:]
    assert stdout.count(f"Wrote {out}") == len(renders) >= 4
    assert renders[-1]["sha256"] == _digest(out)
    assert case.ok("verify").exit_code == 0
    assert not list((case.root / ".casefile-cache").glob("watch-*"))


def test_what_a_watch_ignores(tmp_path: Path) -> None:
    """Derived caches, the lock, blobs, version control, editors' swap files and the
    dossier being written are not changes to render again for."""
    root = tmp_path.resolve()
    out = root / "dossier.pdf"
    keep = wanted(root, skip=output_files(out))
    for ignored in (
        ".casefile-cache/render/abc.pdf",
        ".casefile.lock",
        "exhibits/objects/ab/abcdef",
        ".git/index",
        "incidents/.INC-A.yaml.swp",
        "dossier.pdf",
        ".dossier.pdf.k3j9x0.tmp",
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
