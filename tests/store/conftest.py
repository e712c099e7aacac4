from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from casefile.store import cachekey

from .kit import Case, new_case


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CASEFILE_CASE", raising=False)
    monkeypatch.delenv("CASEFILE_ACTOR", raising=False)


@pytest.fixture(autouse=True)
def _cache_key_of_the_test(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Derived caches are sealed with a per-user key: one per test, not the tester's own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    cachekey.reset()
    yield
    cachekey.reset()


@pytest.fixture
def case(tmp_path: Path) -> Case:
    return new_case(tmp_path / "case")
