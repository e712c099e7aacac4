"""Helpers for the store tests: a case driven through the real command line."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from typer.testing import CliRunner

from casefile.cli.app import app
from casefile.model.exhibit import Exhibit
from casefile.store.case import CaseFolder

ACTOR = "tester"
DERIVED = ".casefile-cache"  # derived, deletable: not part of the case's truth


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    def json(self):  # type: ignore[no-untyped-def]
        return json.loads(self.stdout)


def invoke(*args: str | Path) -> Run:
    result = CliRunner().invoke(app, [str(a) for a in args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Run(result.exit_code, result.stdout, result.stderr)


def proc_env() -> dict[str, str]:
    env = {**os.environ, "CASEFILE_ACTOR": ACTOR}
    env.pop("CASEFILE_CASE", None)
    return env


def command(root: Path, *args: str | Path) -> list[str]:
    """A real `casefile` process: `python -m casefile --case ROOT ...`."""
    return [sys.executable, "-m", "casefile", "--case", str(root), *(str(a) for a in args)]


def run_process(root: Path, *args: str | Path, timeout: float = 300) -> Run:
    done = subprocess.run(
        command(root, *args), env=proc_env(), capture_output=True, text=True, timeout=timeout
    )
    return Run(done.returncode, done.stdout, done.stderr)


class Case:
    def __init__(self, root: Path) -> None:
        self.root = root

    def __call__(self, *args: str | Path) -> Run:
        return invoke("--case", self.root, "--actor", ACTOR, *args)

    def ok(self, *args: str | Path) -> Run:
        run = self(*args)
        assert run.code == 0, (args, run.stdout, run.stderr)
        return run

    @property
    def log_path(self) -> Path:
        return self.root / "custody.jsonl"

    def log(self) -> list[dict]:
        return [json.loads(line) for line in self.log_path.read_text().splitlines()]

    def blobs(self) -> list[Path]:
        return sorted(p for p in (self.root / "exhibits" / "objects").glob("??/*") if p.is_file())

    def exhibits(self) -> list[dict]:
        return self.ok("evidence", "list", "--json").json()

    def verify(self) -> tuple[int, dict]:
        run = self("verify", "--json")
        return run.code, run.json()


def new_case(root: Path) -> Case:
    run = invoke("--actor", ACTOR, "init", root, "--title", "Test case")
    assert run.code == 0, run.stderr
    case = Case(root)
    case.ok("incident", "add", "INC-1", "--title", "Strike", "--date", "2015-11-29")
    case.ok("incident", "add", "INC-2", "--title", "Clinic", "--date", "2016-01-03")
    return case


def write_files(folder: Path, count: int, prefix: str = "f", size: int = 0) -> dict[str, Path]:
    """count files with distinct contents; returns sha256 -> path."""
    folder.mkdir(parents=True, exist_ok=True)
    made: dict[str, Path] = {}
    for i in range(count):
        data = f"{folder.name}/{prefix}{i:04d}\n".encode()
        data += os.urandom(size) if size else b""
        path = folder / f"{prefix}{i:04d}.bin"
        path.write_bytes(data)
        made[hashlib.sha256(data).hexdigest()] = path
    return made


def snapshot(root: Path) -> dict[str, bytes | None]:
    state: dict[str, bytes | None] = {}
    for folder, dirs, names in os.walk(root):
        if folder == str(root):
            dirs[:] = [d for d in dirs if d != DERIVED]
        for d in dirs:
            state[os.path.relpath(os.path.join(folder, d), root)] = None
        for n in names:
            path = os.path.join(folder, n)
            state[os.path.relpath(path, root)] = Path(path).read_bytes()
    return state


def errors(report: dict) -> list[dict]:
    return [p for p in report["problems"] if p["severity"] == "error"]


def case_with_exhibits(root: Path, incidents: list[str], exhibits: list[Exhibit]) -> CaseFolder:
    """A case whose exhibit records (``Exhibit`` models, no blobs) are written through a
    session as ingest writes them: for the record caches' tests, which need records, not
    evidence."""
    from casefile.model.case import Case as CaseRecord
    from casefile.store.records import add_incident, init_case
    from casefile.store.session import session
    from casefile.store.yamlio import record_to_yaml

    case = init_case(root, CaseRecord(title="t", reference="R"), "me")
    for n, incident in enumerate(incidents, start=1):
        add_incident(case, "me", {"id": incident, "title": "x", "date": f"2015-01-{n:02d}"})
    with session(case, "me") as s:
        for ex in exhibits:
            s.write_record(case.exhibit_path(ex.id), record_to_yaml(ex), action="t", object=ex.id)
    return case
