from __future__ import annotations

from pathlib import Path

import pytest

from .kit import Case, new_case


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CASEFILE_CASE", raising=False)
    monkeypatch.delenv("CASEFILE_ACTOR", raising=False)


@pytest.fixture
def case(tmp_path: Path) -> Case:
    return new_case(tmp_path / "case")
