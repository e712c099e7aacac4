"""Crashes and concurrency: SIGKILL of a real ingest at random moments, and parallel ingests."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from .kit import Case, command, errors, proc_env, run_process, write_files


def assert_each_file_once(case: Case, expected: dict[str, Path], incidents: set[str]) -> None:
    exhibits = case.exhibits()
    by_sha: dict[str, list[str]] = {}
    for e in exhibits:
        by_sha.setdefault(e["sha256"], []).append(e["id"])
    assert set(by_sha) == set(expected)
    assert all(len(ids) == 1 for ids in by_sha.values()), by_sha
    assert len({e["id"] for e in exhibits}) == len(exhibits)
    assert all(set(e["incidents"]) == incidents for e in exhibits)
    assert {b.name for b in case.blobs()} == set(expected)
    names = {e["sha256"]: e["original_name"] for e in exhibits}
    assert all(names[sha] == path.name for sha, path in expected.items())


def assert_clean(case: Case) -> None:
    code, report = case.verify()
    assert code == 0, report
    assert report["problems"] == [], report
    run = case("custody", "verify", "--json")
    assert run.code == 0 and run.json()["ok"]


def _ingest(root: Path, folder: Path) -> subprocess.Popen:
    return subprocess.Popen(
        command(root, "evidence", "add", folder, "--incident", "INC-1"),
        env=proc_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_sigkill_during_ingest_at_random_moments(case: Case, tmp_path: Path) -> None:
    """Each round: a fresh copy of the case, an ingest of 500 files killed at a random moment
    of its run (sometimes killed twice), `verify` accepts what is left, and a re-run completes
    with every file an exhibit exactly once."""
    files = write_files(tmp_path / "photos", 500, size=2000)
    seed = int.from_bytes(os.urandom(4), "big")
    rng = random.Random(seed)
    # how long an undisturbed run takes here, so that kills land all along it
    timed = tmp_path / "timed"
    shutil.copytree(case.root, timed)
    start = time.monotonic()
    assert _ingest(timed, tmp_path / "photos").wait(timeout=300) == 0
    duration = time.monotonic() - start
    killed_mid_way = 0
    for round_ in range(8):
        root = tmp_path / f"round-{round_}"
        shutil.copytree(case.root, root)
        victim = Case(root)
        for _kill in range(1 + round_ % 2):
            proc = _ingest(root, tmp_path / "photos")
            time.sleep(rng.uniform(0.05, 1.05) * duration)
            if proc.poll() is None:
                killed_mid_way += 1
            proc.kill()
            proc.wait(timeout=60)
            run = victim("verify", "--json")
            assert run.code == 0, (seed, round_, run.stdout)
            assert {p["severity"] for p in run.json()["problems"]} <= {"warning"}, (
                seed,
                run.stdout,
            )
        final = run_process(root, "evidence", "add", tmp_path / "photos", "--incident", "INC-1")
        assert final.code == 0, (seed, round_, final.stderr)
        assert_each_file_once(victim, files, {"INC-1"})
        code, report = victim.verify()
        assert code == 0 and not errors(report), (seed, round_, report)
        # the next command logs whatever a kill left unlogged; then there is nothing to warn of
        victim.ok("incident", "edit", "INC-2", "--place", "after the crash")
        assert_clean(victim)
        assert not list((root / "exhibits" / "objects" / "tmp").iterdir())
    assert killed_mid_way >= 4, f"seed {seed}: only {killed_mid_way} kills hit a running ingest"


def test_two_ingests_of_different_folders_in_parallel(case: Case, tmp_path: Path) -> None:
    a = write_files(tmp_path / "a", 200, prefix="a")
    b = write_files(tmp_path / "b", 200, prefix="b")
    procs = [
        subprocess.Popen(
            command(case.root, "evidence", "add", tmp_path / name, "--incident", "INC-1", "--json"),
            env=proc_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("a", "b")
    ]
    outs = [p.communicate(timeout=300) for p in procs]
    for p, (_out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err

    ids = [r["id"] for out, _ in outs for r in json.loads(out)]
    assert len(ids) == 400 and len(set(ids)) == 400
    assert all(r["new"] for out, _ in outs for r in json.loads(out))
    assert_each_file_once(case, {**a, **b}, {"INC-1"})
    assert_clean(case)
    log = case.log()
    assert [e["seq"] for e in log] == list(range(1, len(log) + 1))
    assert sum(e["action"] == "evidence.add" for e in log) == 400


@pytest.mark.parametrize("incidents", [("INC-1", "INC-1"), ("INC-1", "INC-2")])
def test_two_ingests_of_the_same_folder_in_parallel(
    case: Case, tmp_path: Path, incidents: tuple[str, str]
) -> None:
    files = write_files(tmp_path / "same", 200)
    procs = [
        subprocess.Popen(
            command(case.root, "evidence", "add", tmp_path / "same", "--incident", incident),
            env=proc_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for incident in incidents
    ]
    for p in procs:
        _out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    assert_each_file_once(case, files, set(incidents))
    assert_clean(case)
