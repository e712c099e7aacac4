"""`casefile render` whose layout workers die (killed, out of memory): new workers once,
then one line and exit 3, nothing written."""

from __future__ import annotations

import hashlib
import os
import signal
import sys
from pathlib import Path

import pytest

from casefile.render import parallel
from casefile.render.typeset import layout_part
from render.cases import CaseRun, build_content_case

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the forked workers are Linux's"
)

# Set by each test before the workers fork; a worker reads it as the test left it.
_DEATHS = {"left": 0, "flag": ""}


def _dies(html: str, css: str, case_root: str, template_dirs: list[str]):  # type: ignore[no-untyped-def]
    """In a worker: die as the out-of-memory killer kills, while deaths are left (the
    workers, each with its own copy of ``_DEATHS``, claim one by creating its file)."""
    for n in range(_DEATHS["left"]):
        try:
            os.close(os.open(f"{_DEATHS['flag']}-{n}", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            continue
        os.kill(os.getpid(), signal.SIGKILL)
    return layout_part(html, css, case_root, template_dirs)


@pytest.fixture
def case(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CaseRun:
    run = build_content_case(tmp_path / "c")
    monkeypatch.setattr(parallel, "layout_part", _dies)
    monkeypatch.setitem(_DEATHS, "flag", str(tmp_path / "deaths"))
    return run


def _tree(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".casefile-cache" not in p.parts
    }


def test_a_worker_killed_once_is_replaced_and_the_dossier_written(
    case: CaseRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(_DEATHS, "left", 1)
    out = tmp_path / "d.pdf"
    result = case.run("render", "--jobs", "2", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert result.stderr.count("starting new layout workers") == 1, result.stderr
    assert [p.name for p in tmp_path.glob("deaths-*")] == ["deaths-0"]
    monkeypatch.setitem(_DEATHS, "left", 0)
    again = tmp_path / "again.pdf"
    case.ok("render", "--jobs", "2", "-o", str(again))
    assert out.read_bytes() == again.read_bytes()


def test_workers_killed_twice_fail_in_one_line_with_nothing_written(
    case: CaseRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(_DEATHS, "left", 1000)  # every layout
    before = _tree(case.root)
    out = tmp_path / "d.pdf"
    result = case.run("render", "--jobs", "2", "-o", str(out))
    assert result.exit_code == 3, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 2, result.stderr
    assert "starting new layout workers" in lines[0]
    assert "twice; nothing was written" in lines[1] and "--jobs 1" in lines[1]
    assert "internal error" not in result.stderr
    assert not out.exists()
    assert _tree(case.root) == before
