"""Laying out one part of the dossier: what a worker process runs (or this process, with
``--jobs 1``), apart from the scheduling and merging in :mod:`casefile.render.parallel`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass
class LaidOut:
    """One laid-out part: its PDF and where things are on its pages (CSS px, top-left origin)."""

    pdf: bytes
    pages: int
    heights: list[float]
    anchors: dict[str, list[float]]  # name -> [page, x, y]
    links: list[list[Any]]  # [page, target anchor, x1, y1, x2, y2]
    bookmarks: list[list[Any]]  # [page, level, label, x, y]
    refused: list[str]
    # Template folder files it used, by file:// URL: their sha256 (None: refused).
    files: dict[str, str | None]

    def meta(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        del d["pdf"]
        return d

    @classmethod
    def from_cache(cls, meta: dict[str, Any], pdf: bytes) -> LaidOut:
        fields = {f.name for f in dataclasses.fields(cls)} - {"pdf"}
        return cls(pdf=pdf, **{k: meta[k] for k in fields})


class _Typesetter:
    """What a process keeps between the parts it lays out for one case: the sandboxed
    fetcher, one font configuration (Pango's font and shaping caches stay warm) and each
    stylesheet parsed once. Laying a part out this way gives the same bytes as a fresh
    process does (``tests/render/test_parallel.py``); it saves ~0.15 s per part."""

    _current: _Typesetter | None = None

    def __init__(self, case_root: str, template_dirs: list[str]) -> None:
        from casefile.render.weasy import load

        load()
        from weasyprint.text.fonts import FontConfiguration

        from casefile.render.fetcher import make_url_fetcher
        from casefile.store.objects import ObjectStore

        store = ObjectStore(Path(case_root))

        def blob_path(sha: str) -> Path | None:
            path = store.path(sha)
            return path if path.is_file() else None

        self.where = (case_root, tuple(template_dirs))
        self.fetcher = make_url_fetcher(blob_path, [Path(d) for d in template_dirs])
        self.fonts = FontConfiguration()
        # Per stylesheet: the parsed sheet, its own @counter-style rules, and the URLs
        # refused while it was parsed (reported with every part laid out with it).
        self.sheets: dict[str, tuple[Any, dict[str, Any], list[str]]] = {}
        # Every template folder file read through this typesetter (a case's own fonts and
        # logos), by URL, with its sha256. Each part reports them all: a font is loaded
        # once per font configuration, by whichever stylesheet or part's <style> names it
        # first, and serves every later part without being fetched again.
        self.files_read: dict[str, str | None] = {}

    @classmethod
    def for_case(cls, case_root: str, template_dirs: list[str]) -> _Typesetter:
        current = cls._current
        if current is None or current.where != (case_root, tuple(template_dirs)):
            current = cls._current = cls(case_root, template_dirs)
        return current

    def forget_changed_files(self) -> None:
        """If a file read so far changed (a watch's case editing its own font), start
        again with no fonts and no parsed sheets, as a fresh process would."""
        if any(self.fetcher.digest(url) != was for url, was in self.files_read.items()):
            from weasyprint.text.fonts import FontConfiguration

            self.fonts, self.sheets, self.files_read = FontConfiguration(), {}, {}

    def sheet(self, css: str) -> tuple[Any, dict[str, Any], list[str]]:
        entry = self.sheets.get(css)
        if entry is None:
            from casefile.render.weasy import load

            weasyprint = load()
            from weasyprint.css.counters import CounterStyle

            refused, files = len(self.fetcher.refused), len(self.fetcher.files)
            counters = CounterStyle()
            sheet = weasyprint.CSS(
                string=css, url_fetcher=self.fetcher, font_config=self.fonts, counter_style=counters
            )
            self.files_read.update(self.fetcher.files[files:])
            entry = self.sheets[css] = (sheet, dict(counters), self.fetcher.refused[refused:])
        return entry


def layout_part(html: str, css: str, case_root: str, template_dirs: list[str]) -> LaidOut:
    """Lay out one part with the guarantees of :func:`casefile.render.pdf.html_to_pdf`:
    sandboxed fetcher, no HTML-declared attachments, frozen font timestamps, no dates."""
    from casefile.render.weasy import load

    weasyprint = load()
    from weasyprint.css.counters import CounterStyle

    from casefile.render.pdf import _freeze_font_timestamp, _is_font_file, _strip_attachment_links

    setter = _Typesetter.for_case(case_root, template_dirs)
    setter.forget_changed_files()
    sheet, sheet_counters, sheet_refused = setter.sheet(css)
    counters = CounterStyle()  # the document's own, with the sheet's @counter-style rules
    counters.update(sheet_counters)
    fetcher = setter.fetcher
    refused_before, files_before = len(fetcher.refused), len(fetcher.files)
    document_html = weasyprint.HTML(string=html, base_url=None, url_fetcher=fetcher)
    _strip_attachment_links(document_html.etree_element)
    options: dict[str, Any] = {"pdf_variant": None, "pdf_identifier": False}
    document = document_html.render(
        font_config=setter.fonts, counter_style=counters, stylesheets=[sheet], **options
    )
    document.metadata.attachments = []
    document.metadata.created = None
    document.metadata.modified = None

    anchors: dict[str, list[float]] = {}
    links: list[list[Any]] = []
    bookmarks: list[list[Any]] = []
    for index, page in enumerate(document.pages):
        for name, (x, y, _w, _h) in page.anchors.items():
            anchors.setdefault(name, [index, x, y])
        for link_type, target, rect, _box in page.links:
            if link_type == "internal":
                links.append([index, target, *rect])
        for level, label, (x, y), _state in page.bookmarks:
            bookmarks.append([index, level, label, x, y])
        # Internal links, anchors and bookmarks are rebuilt across parts after the merge.
        page.links[:] = [link for link in page.links if link[0] == "external"]
        page.anchors.clear()
        page.bookmarks[:] = []

    def finisher(_document: Any, pdf: Any) -> None:
        specs = [o for o in pdf.objects if isinstance(o, dict) and o.get("Type") == "/Filespec"]
        if specs:
            raise RuntimeError(f"a dossier part would embed {len(specs)} files")
        for obj in pdf.objects:
            if _is_font_file(obj):
                obj.stream[0] = _freeze_font_timestamp(obj.stream[0])

    pdf = document.write_pdf(finisher=finisher, stylesheets=[], **options)
    setter.files_read.update(fetcher.files[files_before:])
    del fetcher.files[:]  # all in files_read now: a watch's workers keep no growing list
    return LaidOut(
        pdf=pdf,
        pages=len(document.pages),
        heights=[page.height for page in document.pages],
        anchors=anchors,
        links=links,
        bookmarks=bookmarks,
        refused=[*sheet_refused, *fetcher.refused[refused_before:]],
        files=dict(setter.files_read),
    )


def leave_signals_to_parent() -> None:
    """In a worker: Ctrl-C at a terminal reaches the workers too; they leave it to the main
    process, which stops them with SIGTERM, whatever handler of its own they were forked
    with (no traceback of theirs on the way out)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def warm_up() -> None:
    """Worker initializer: import WeasyPrint and load the font configuration once, then
    take everything alive (the modules, and what this process had when it was forked) out
    of the collector's generations (``gc.freeze``): it lives as long as the worker, and no
    collection then walks it again, here or in the workers forked from this one."""
    import gc

    from casefile.render.weasy import load

    leave_signals_to_parent()
    load()
    from weasyprint.text.fonts import FontConfiguration

    FontConfiguration()
    gc.freeze()
