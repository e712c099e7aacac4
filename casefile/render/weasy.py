"""Importing WeasyPrint, without its start-up cost of looking for libraries by every name.

WeasyPrint finds GObject, Pango, HarfBuzz and fontconfig by trying several names for each,
Windows and macOS names first. cffi hands every name it cannot open directly to
``ctypes.util.find_library``, which on Linux runs ``ldconfig -p``, then ``gcc`` and ``ld``
for each name it does not find there: ~18 ms per failed name here, 16 of them, ~0.3 s at
the start of every render (a third of the import, on the critical path of a re-render).

While WeasyPrint is imported on Linux, a name is looked up in ldconfig's cache alone, the
first step of ``find_library``. The ``gcc``/``ld`` steps only matter for a library that is
not in that cache (Nix, a conda environment), and there each of WeasyPrint's lists ends in
the library's soname (``libpango-1.0.so.0``), which cffi opens directly through the
dynamic loader's own search path. Should the import still fail this way, it is done again
the slow way, so the lookup can make the import faster but never fail where it worked.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from types import ModuleType


def load() -> ModuleType:
    """The ``weasyprint`` module, imported once per process by whichever caller is first."""
    module = sys.modules.get("weasyprint")
    if module is not None:
        return module
    try:
        with _libraries_from_ldconfig_cache():
            import weasyprint
    except OSError:
        import weasyprint
    return weasyprint


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
