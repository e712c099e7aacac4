"""WeasyPrint as casefile loads it: without two of its fixed costs, paid per render and
per part.

**Looking for libraries by every name.**
WeasyPrint finds GObject, Pango, HarfBuzz and fontconfig by trying several names for each,
Windows and macOS names first. cffi hands every name it cannot open directly to
``ctypes.util.find_library``, which on Linux runs ``ldconfig -p``, then ``gcc`` and ``ld``
for each name it does not find there: ~18 ms per failed name here, 16 of them, ~0.3 s at
the start of every render (a third of the import, on the critical path of a re-render).

While WeasyPrint is imported on Linux, a name is looked up in ldconfig's cache alone, the
first step of ``find_library``. The ``gcc``/``ld`` steps only matter for a library that is
not in that cache (Nix, a conda environment), and there each of WeasyPrint's lists also
names the library's soname (``libpango-1.0.so.0``), which cffi opens directly through the
dynamic loader's own search path. Should a required library still not be found this way,
the import is done again the slow way (what WeasyPrint prints about it meanwhile is not
shown), so the lookup makes the import faster, not fail. Not covered: an optional library
(HarfBuzz's subsetter) outside ldconfig's cache under a soname WeasyPrint does not list;
WeasyPrint then subsets fonts with fontTools, as where that library is not installed.

**Parsing a C type for every font of every part.** To subset a font, WeasyPrint allocates
``ffi.new(f"hb_codepoint_t[{n}]")`` with a new ``n`` per font, and cffi parses every type
string it has not seen with pycparser, behind a preamble of every typedef WeasyPrint
declares: 4-6 ms each, two or three per font, every part's fonts subset on their own
(~0.1 s of each worker's first layout, ~1.5 s of CPU in a clean render of the benchmark).
cffi's own model of ``T[n]`` is an array of ``T`` of length ``n``; it is built here from
``T``, parsed once, and cffi's cache is filled with it before cffi looks, so cffi itself
then hands out the same C type it would have parsed (``tests/render/test_weasy.py``).
"""

from __future__ import annotations

import contextlib
import io
import re
import sys
import threading
from collections.abc import Iterator
from types import ModuleType
from typing import Any

# A decimal length as C writes it: cffi reads 010 as octal, and would refuse 08.
_SIZED_ARRAY = re.compile(r"([A-Za-z_][A-Za-z_0-9]*)\[(0|[1-9][0-9]*)\]")
_LOCK = threading.Lock()
_loaded: list[ModuleType] = []


def load() -> ModuleType:
    """The ``weasyprint`` module, imported and set up once per process; callers in other
    threads wait for the first, as they would on ``import weasyprint``."""
    if _loaded:
        return _loaded[0]
    with _LOCK:
        if not _loaded:
            _loaded.append(_import())
    return _loaded[0]


def _import() -> ModuleType:
    if "weasyprint" in sys.modules:  # imported before casefile asked
        import weasyprint
    else:
        printed = io.StringIO()
        try:
            with _libraries_from_ldconfig_cache(), contextlib.redirect_stdout(printed):
                import weasyprint
        except OSError:
            import weasyprint  # the slow way; it prints about a library it cannot find
        else:
            sys.stdout.write(printed.getvalue())
    from weasyprint.text.ffi import ffi

    _build_sized_arrays(ffi)
    return weasyprint


def _build_sized_arrays(ffi: Any) -> None:
    """Let ``ffi`` know ``T[n]`` without parsing it (see the module's docstring). cffi looks
    a type string up in ``ffi._parsed_types`` before it parses it; that dict now builds a
    sized array it misses, and costs nothing on a hit (~350,000 of them in a clean render)."""
    needed = ("_parsed_types", "_parser", "_lock", "_get_cached_btype")
    if not all(hasattr(ffi, name) for name in needed) or isinstance(
        ffi._parsed_types, _SizedArrays
    ):
        return  # another cffi, or done already: cffi parses as it comes
    ffi._parsed_types = _SizedArrays(ffi, ffi._parsed_types)


class _SizedArrays(dict):  # type: ignore[type-arg]
    """cffi's cache of parsed type strings, which builds ``T[n]`` when it misses it.

    cffi reads it with ``[]`` outside its lock (so a miss comes here) and with ``in`` then
    ``[]`` under it (a miss never comes here with the lock held)."""

    def __init__(self, ffi: Any, parsed: dict[str, Any]) -> None:
        super().__init__(parsed)
        self._ffi = ffi
        self._items: dict[str, Any] = {}

    def __missing__(self, cdecl: Any) -> Any:
        sized = _SIZED_ARRAY.fullmatch(cdecl) if isinstance(cdecl, str) else None
        if sized is None:
            raise KeyError(cdecl)
        from cffi import model

        ffi = self._ffi
        with ffi._lock:
            item = self._items.get(sized[1])
            if item is None:
                item = self._items[sized[1]] = ffi._parser.parse_type(sized[1])
            array = model.ArrayType(item, int(sized[2]))
            result = self[cdecl] = (ffi._get_cached_btype(array), False)
        return result


@contextlib.contextmanager
def _libraries_from_ldconfig_cache() -> Iterator[None]:
    import ctypes.util

    from_cache = getattr(ctypes.util, "_findSoname_ldconfig", None)
    if not sys.platform.startswith("linux") or from_cache is None or from_cache("c") is None:
        yield  # another system, another Python, or no usable ldconfig: as it comes
        return
    original = ctypes.util.find_library
    ctypes.util.find_library = from_cache
    try:
        yield
    finally:
        ctypes.util.find_library = original
