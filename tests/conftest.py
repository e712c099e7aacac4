from __future__ import annotations

from collections.abc import Iterator

import pytest

from casefile.store import cachekey


@pytest.fixture(autouse=True, scope="session")
def _user_cache_of_the_test_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Derived caches are sealed with a per-user key kept in the user's cache folder: the
    tests use a folder of their own, never the tester's."""
    patch = pytest.MonkeyPatch()
    patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("user-cache")))
    cachekey.reset()
    yield
    patch.undo()
    cachekey.reset()
