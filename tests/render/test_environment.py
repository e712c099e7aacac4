"""The part cache follows the system's text libraries and fonts: after an upgrade of
either, every part is laid out again, as a clean render would."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from casefile.render import cache, environment, parallel
from render._parts_case import render_pdf, small_case

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the fingerprint is Linux's"
)


@pytest.fixture
def system(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Path]]:
    """A font folder and a library of our own in place of the system's."""
    fonts, lib = tmp_path / "fonts", tmp_path / "lib"
    (fonts / "dejavu").mkdir(parents=True)
    lib.mkdir()
    (fonts / "dejavu" / "DejaVuSans.ttf").write_bytes(b"font v1")
    (lib / "libpango-1.0.so.0.5000.0").write_bytes(b"pango 1.50")
    (lib / "libpango-1.0.so.0").symlink_to("libpango-1.0.so.0.5000.0")
    monkeypatch.setattr(environment, "font_folders", lambda: [fonts])
    monkeypatch.setattr(environment, "library_files", lambda: iter([lib / "libpango-1.0.so.0"]))
    environment.fingerprint.cache_clear()
    yield {"fonts": fonts, "lib": lib}
    environment.fingerprint.cache_clear()


def _now() -> str:
    environment.fingerprint.cache_clear()
    return environment.fingerprint()


def test_the_fingerprint_follows_fonts_and_libraries(system: dict[str, Path]) -> None:
    fonts, lib = system["fonts"], system["lib"]
    seen = [_now()]
    assert _now() == seen[0]  # nothing changed, nothing differs

    (fonts / "dejavu" / "DejaVuSerif.ttf").write_bytes(b"another font")  # installed
    seen.append(_now())
    font = fonts / "dejavu" / "DejaVuSans.ttf"
    font.write_bytes(b"font v2, longer")  # upgraded in place
    seen.append(_now())
    stat = font.stat()
    os.utime(font, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))  # same size, rewritten
    seen.append(_now())
    (lib / "libpango-1.0.so.0.5200.0").write_bytes(b"pango 1.52")  # the package upgraded:
    (lib / "libpango-1.0.so.0").unlink()  # the soname now names the new file
    (lib / "libpango-1.0.so.0").symlink_to("libpango-1.0.so.0.5200.0")
    seen.append(_now())
    (fonts / "dejavu" / "DejaVuSerif.ttf").unlink()  # removed
    seen.append(_now())
    assert len(set(seen)) == len(seen), seen


def test_the_real_system_has_a_fingerprint() -> None:
    environment.fingerprint.cache_clear()
    assert len(environment.fingerprint()) == 64
    assert any(path.name.startswith("libpango-1.0.so") for path in environment.library_files())


def test_after_an_upgrade_every_part_is_laid_out_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = small_case(tmp_path / "case")
    laid_out: list[str] = []
    real = parallel.layout_part

    def layout(html: str, *args):  # type: ignore[no-untyped-def]
        laid_out.append(html)
        return real(html, *args)

    monkeypatch.setattr(parallel, "layout_part", layout)
    try:
        before = render_pdf(case, 1, clean=True)
        everything = len(laid_out)
        laid_out.clear()
        assert render_pdf(case, 1) == before and laid_out == []  # all from the cache

        monkeypatch.setattr(environment, "fingerprint", lambda: "after an upgrade")
        cache._key_prefix.cache_clear()
        after = render_pdf(case, 1)
        assert len(laid_out) == everything
        assert after == render_pdf(case, 1, clean=True)
        # Nothing really changed here, so neither did the dossier: its bytes (the file
        # identifier included) come from what is printed, not from this machine's files.
        assert after == before
    finally:
        cache._key_prefix.cache_clear()  # the real prefix for the tests after this one
