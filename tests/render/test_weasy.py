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


def _run(code: str, tmp_path: Path, extra_path: Path | None = None, whole: bool = False) -> dict:
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
    *before, last = result.stdout.strip().splitlines()
    seen = json.loads(last)
    if whole:  # what else the script printed
        seen["out"] = "\n".join(before)
    return seen


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
                print("WeasyPrint could not import some external libraries.")
                raise OSError("cannot load library 'libpango-1.0-0'")
            """
        )
    )
    (fake / "text").mkdir()
    (fake / "text" / "__init__.py").write_text("")
    (fake / "text" / "ffi.py").write_text("ffi = None\n")
    seen = _run(
        """
        import builtins
        from casefile.render.weasy import load
        module = load()
        print(json.dumps({"attempts": builtins.attempts, "file": module.__file__}))
        """,
        tmp_path,
        extra_path=tmp_path / "site",
        whole=True,
    )
    assert seen["out"] == ""  # the failed attempt's banner is not shown (nor breaks --json)
    assert seen == {"attempts": 2, "file": str(fake / "__init__.py"), "out": ""}


_LAY_OUT_A_PART = """
import hashlib, re
import casefile.render.weasy as weasy
if {off}:
    weasy._build_sized_arrays = lambda ffi: None
weasy.load()
from weasyprint.text.ffi import ffi
parsed = []
parse_type = ffi._parser.parse_type
def spy(cdecl):
    parsed.append(cdecl)
    return parse_type(cdecl)
ffi._parser.parse_type = spy
from casefile.render.templates import dossier_css, shipped_templates_dir
from casefile.render.typeset import layout_part
css = dossier_css(None)
html = ("<html><body><h1>Ariha</h1><p>Civilian <b>market</b>, <i>struck</i> at noon; "
        "<code>E-0001</code>.</p><p>{{text}}</p></body></html>")
templates = [str(shipped_templates_dir())]
pdfs = [layout_part(html.replace("{{text}}", t), css, "/nonexistent", templates).pdf
        for t in ("first part", "a second part, with other glyphs: 0123456789 xyzqj")]
print(json.dumps({{
    "pdfs": [hashlib.sha256(p).hexdigest() for p in pdfs],
    "sized": [c for c in parsed if re.search(r"\\[[0-9]+\\]$", c)],
}}))
"""


def test_sized_arrays_are_not_parsed_and_the_parts_are_the_same_bytes(tmp_path: Path) -> None:
    quick = _run(_LAY_OUT_A_PART.format(off=False), tmp_path)
    parsed = _run(_LAY_OUT_A_PART.format(off=True), tmp_path)
    assert parsed["sized"], "the slow way parses hb_codepoint_t[n]: the spy must see it"
    assert quick["sized"] == []
    assert quick["pdfs"] == parsed["pdfs"]


def test_a_sized_array_is_the_c_type_cffi_would_parse(tmp_path: Path) -> None:
    seen = _run(
        """
        import cffi
        from casefile.render.weasy import load
        load()
        from weasyprint.text.ffi import ffi
        fresh = cffi.FFI()
        fresh.cdef("typedef uint32_t hb_codepoint_t; typedef uint32_t hb_tag_t;")
        same = [ffi.typeof(t) is fresh.typeof(t)
                for t in ("hb_codepoint_t[1]", "hb_codepoint_t[977]", "hb_tag_t[100]", "char[4]")]
        values = list(ffi.new("hb_codepoint_t[3]", [7, 8, 9]))
        print(json.dumps({"same": same, "values": values,
                          "size": ffi.sizeof("hb_codepoint_t[977]")}))
        """,
        tmp_path,
    )
    assert seen == {"same": [True] * 4, "values": [7, 8, 9], "size": 977 * 4}


def test_threads_loading_at_once_wait_for_one_import_and_the_lookup_is_put_back(
    tmp_path: Path,
) -> None:
    seen = _run(
        """
        import ctypes.util, threading
        from casefile.render.weasy import load
        before = ctypes.util.find_library
        got = []
        threads = [threading.Thread(target=lambda: got.append(load())) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        print(json.dumps({
            "restored": ctypes.util.find_library is before,
            "one": len({id(m) for m in got}) == 1 and len(got) == 4,
            "whole": all(hasattr(m, "HTML") for m in got),
        }))
        """,
        tmp_path,
    )
    assert seen == {"restored": True, "one": True, "whole": True}


def test_array_lengths_are_read_as_c_reads_them(tmp_path: Path) -> None:
    seen = _run(
        """
        from casefile.render.weasy import load
        load()
        from weasyprint.text.ffi import ffi
        refused = []
        for bad in ("hb_codepoint_t[08]",):
            try:
                ffi.typeof(bad)
            except Exception as exc:
                refused.append(type(exc).__name__)
        print(json.dumps({"octal": ffi.sizeof("hb_codepoint_t[010]"),
                          "zero": ffi.sizeof("hb_codepoint_t[0]"), "refused": refused}))
        """,
        tmp_path,
    )
    assert seen == {"octal": 32, "zero": 0, "refused": ["CDefError"]}
