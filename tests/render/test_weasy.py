"""WeasyPrint is imported without the slow library lookups, and never fails because of it.

Each test runs in a fresh interpreter: WeasyPrint is imported once per process.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the quick lookup is for Linux only"
)


def _run(code: str, tmp_path: Path, extra_path: Path | None = None) -> dict:
    env_path = [str(extra_path)] if extra_path else []
    script = textwrap.dedent(
        f"""
        import json, sys
        sys.path[:0] = {env_path!r}
        """
    ) + textwrap.dedent(code)
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_weasyprint_imports_without_running_gcc_or_ld_and_the_lookup_is_put_back(
    tmp_path: Path,
) -> None:
    seen = _run(
        """
        import ctypes.util
        slow = []
        for name in ("_findLib_gcc", "_findLib_ld"):
            real = getattr(ctypes.util, name)
            def spy(lib, real=real, name=name):
                slow.append((name, lib))
                return real(lib)
            setattr(ctypes.util, name, spy)
        before = ctypes.util.find_library
        from casefile.render.weasy import load
        module = load()
        from weasyprint.text import ffi
        print(json.dumps({
            "slow": slow,
            "restored": ctypes.util.find_library is before,
            "module": module.__name__,
            "pango": ffi.pango is not None,
            "again": load() is module,
        }))
        """,
        tmp_path,
    )
    assert seen == {
        "slow": [],
        "restored": True,
        "module": "weasyprint",
        "pango": True,
        "again": True,
    }


def test_an_import_that_fails_with_the_quick_lookup_is_done_again_the_slow_way(
    tmp_path: Path,
) -> None:
    # A stand-in for WeasyPrint on a system where a library is found by gcc alone.
    fake = tmp_path / "site" / "weasyprint"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text(
        textwrap.dedent(
            """
            import ctypes.util
            import builtins
            builtins.attempts = getattr(builtins, "attempts", 0) + 1
            if ctypes.util.find_library.__name__ != "find_library":
                raise OSError("cannot load library 'libpango-1.0-0'")
            """
        )
    )
    seen = _run(
        """
        import builtins
        from casefile.render.weasy import load
        module = load()
        print(json.dumps({"attempts": builtins.attempts, "file": module.__file__}))
        """,
        tmp_path,
        extra_path=tmp_path / "site",
    )
    assert seen == {"attempts": 2, "file": str(fake / "__init__.py")}
