"""A case built through the CLI, for the assessment, review, check and checklist tests."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from PIL import Image
from typer.testing import CliRunner, Result

from casefile.cli.app import app


def _png(colour: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), colour).save(buffer, "PNG")
    return buffer.getvalue()


@dataclass
class CaseRun:
    """One case folder and a way to run `casefile` on it as any actor."""

    root: Path
    runner: CliRunner

    def run(self, *args: str, actor: str = "alice") -> Result:
        return self.runner.invoke(app, ["--case", str(self.root), "--actor", actor, *args])

    def ok(self, *args: str, actor: str = "alice") -> Result:
        result = self.run(*args, actor=actor)
        assert result.exit_code == 0, (args, result.output)
        return result

    def fails(self, code: int, *args: str, actor: str = "alice") -> Result:
        result = self.run(*args, actor=actor)
        assert result.exit_code == code, (args, result.output)
        return result

    def json(self, *args: str, actor: str = "alice") -> Any:
        return json.loads(self.ok(*args, "--json", actor=actor).stdout)

    def snapshot(self) -> dict[str, bytes]:
        """Every file in the case, byte for byte, except the derived cache (DESIGN.md: any
        command may rebuild it, and it is not part of the case's truth)."""
        return {
            p.relative_to(self.root).as_posix(): p.read_bytes()
            for p in sorted(self.root.rglob("*"))
            if p.is_file() and p.relative_to(self.root).parts[0] != ".casefile-cache"
        }

    def edit_yaml(self, rel: str, change: Callable[[dict], None]) -> None:
        """Edit a record by hand, as a researcher may."""
        path = self.root / rel
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")

    def sha256(self, exhibit_id: str) -> str:
        data = yaml.safe_load((self.root / "exhibits" / f"{exhibit_id}.yaml").read_text())
        return data["sha256"]

    def custody_actions(self) -> list[dict]:
        lines = (self.root / "custody.jsonl").read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines]


def build_case(tmp_path: Path, conflict: str = "niac") -> CaseRun:
    """A case with incident ARIHA, photos E-0001 (market) and E-0002 (crater), statement W-001
    (consent public) and W-002 (consent internal only), nothing assessed."""
    runner = CliRunner()
    tmp_path.mkdir(parents=True, exist_ok=True)
    root = tmp_path / "case"
    result = runner.invoke(
        app,
        [
            "--actor",
            "alice",
            "init",
            str(root),
            "--title",
            "Air strikes 2015",
            "--reference",
            "CF-TEST-01",
            "--conflict",
            conflict,
        ],
    )
    assert result.exit_code == 0, result.output
    case = CaseRun(root, runner)
    case.ok("incident", "add", "ARIHA", "--title", "Market strike", "--date", "2015-11-29")
    files = tmp_path / "files"
    files.mkdir()
    (files / "market.png").write_bytes(_png((200, 10, 10)))
    (files / "crater.png").write_bytes(_png((10, 200, 10)))
    case.ok(
        "evidence",
        "add",
        str(files / "market.png"),
        "--incident",
        "ARIHA",
        "--description",
        "Market after the strike",
    )
    case.ok(
        "evidence",
        "add",
        str(files / "crater.png"),
        "--incident",
        "ARIHA",
        "--description",
        "Crater in the street",
    )
    (files / "w1.md").write_text("Ordinary market day, then a loud explosion.\n")
    (files / "w2.md").write_text("I saw [[Abu Khaled]] run.\n")
    case.ok(
        "witness",
        "add",
        "W-001",
        "--incident",
        "ARIHA",
        "--statement",
        str(files / "w1.md"),
        "--pseudonym",
        "Activist",
        "--consent",
        "public",
    )
    case.ok(
        "witness",
        "add",
        "W-002",
        "--incident",
        "ARIHA",
        "--statement",
        str(files / "w2.md"),
        "--pseudonym",
        "Shopkeeper",
        "--consent",
        "internal",
    )
    return case


@pytest.fixture
def case(tmp_path: Path) -> CaseRun:
    return build_case(tmp_path)


@pytest.fixture
def make_case(tmp_path: Path) -> Callable[[str], CaseRun]:
    """Build a case with another conflict classification: make_case("iac")."""
    return lambda conflict: build_case(tmp_path / conflict, conflict)
