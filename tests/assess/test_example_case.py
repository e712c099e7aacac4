"""The bundled example is what evidence/README.md says of it: `check` reports one warning for
a public dossier (W-002's consent is court only) and nothing for a court: no part of
W-002's fictional name, withheld from both, is left in text they read."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from casefile.cli.app import app

EXAMPLE = Path(__file__).resolve().parents[2] / "evidence" / "ariha-2015"


def test_the_example_checks_as_its_readme_says(tmp_path: Path) -> None:
    case = tmp_path / "ariha-2015"
    shutil.copytree(EXAMPLE, case, ignore=shutil.ignore_patterns(".casefile-cache"))
    found = {}
    for audience in ("public", "court"):
        result = CliRunner().invoke(app, ["--case", str(case), "check", "--json",
                                          "--audience", audience])  # fmt: skip
        assert result.exit_code == 0, result.output
        found[audience] = [(p["code"], p["id"]) for p in json.loads(result.stdout)["problems"]]
    assert found == {"public": [("consent-not-covered", "W-002")], "court": []}
