"""The dossier PDF in parts: laid out in parallel, cached by content, merged and stamped.

A dossier is a sequence of PARTS, each a full HTML document (``part.html``: the frame of
``base.html`` around one piece of ``dossier.html``), each starting on a new page as the
chapters of the whole document do:

    cover | toc (contents) | front (methodology, legal framework, overview)
    | per incident, one part, or two for an assessed one (facts | assessment)
    | back (custody | annexes)
    | index-1..index-n (exhibit index, INDEX_ROWS exhibits each)

Nothing inside a part needs a global page number: "page X of Y" is stamped after the merge
(:mod:`casefile.render.stamp`), contents numbers and the index's "cited on p. N" are text
computed from where anchors landed. So:

1. pass A lays out, in any order and in parallel, the cover, the toc with placeholder
   numbers (only its page count matters, so the entry stays cached across edits), front,
   every incident and back, and the stamp's reference page; each
   result records its page count and where its anchors, internal links and bookmarks are;
2. pass B lays out the pieces of the index with the real cited pages and the toc with the
   real numbers: the index comes last, so every page number they print is known from pass
   A. It runs alongside pass A: a piece is sent as soon as every part up to the last one
   that cites its exhibits is laid out (``Runner.stream``), the toc when pass A is done.
   Should the real toc not have the placeholder's page count, pass B repeats with the real
   count; unchanged pieces come from the cache.

The merge is deterministic: parts in order, pages copied with qpdf (pikepdf), then the stamp, the
internal links rebuilt as link annotations with explicit destinations, the outline rebuilt
from the recorded bookmarks, metadata from the view, and a file identifier derived from the
parts' bytes (not from their cache keys, which also cover this machine's font files and
their times: the same case state on another machine with the same software gives the same
bytes). ``jobs=1`` runs the same steps in this process, so every ``jobs`` value, a cached
and a clean render give the same bytes.

Every part is cached by the SHA-256 of its HTML and stylesheet (see
:mod:`casefile.render.cache`), so a re-render after one edit lays out that incident, the
cover (it prints the case fingerprint, which every edit changes) and the custody summary
and, only if page numbers moved, the contents and the pieces of the index that print
them. The cover is a part of its own for that: the contents of a large case takes
seconds to lay out, the cover a fraction of one.

With workers (``jobs > 1``), after an edit, the changed parts are assumed to keep the page
counts and anchor pages they had in the last render (``last-parts.hint`` in the cache), so
pass B runs at once, alongside the changed parts. That guess is used only when the real
layouts match it in everything pass B reads, so it never changes a byte.

PDF/A-3b with attached evidence (``--attach-evidence``) is not produced here: it takes the
single-document path in :mod:`casefile.render.dossier`.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import io
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup

from casefile.errors import UserInputError
from casefile.render.cache import PartCache, part_key
from casefile.render.templates import check_cover, document_body, shipped_templates_dir
from casefile.render.typeset import LaidOut, layout_part
from casefile.render.view import DossierView
from casefile.render.workerpool import Workers

PX_TO_PT = 0.75  # 72 PDF points per inch / 96 CSS pixels per inch
MAX_ROUNDS = 4
INDEX_ROWS = 48  # exhibits per piece of the exhibit index (~4 pages), laid out side by side


@dataclass
class Part:
    """One document of the dossier: its HTML and the stylesheet it is laid out with (kept
    apart from the HTML so that a worker parses each stylesheet once, not once per part)."""

    name: str
    html: str
    css: str
    key: str = ""

    def __post_init__(self) -> None:
        self.key = part_key(self.html, self.css)


# -- running parts: cache, then a process pool -----------------------------------------------


class Runner:
    """Lays out parts: from the cache when it can, else in the ``pool`` (or this process)."""

    def __init__(
        self, case_root: Path, template_dirs: list[Path], pool: Workers | None, cache: PartCache
    ):
        self.case_root = str(case_root)
        self.template_dirs = [str(d) for d in template_dirs]
        self.pool = None if pool is None else pool.executor
        self.jobs = 1 if pool is None else pool.jobs
        self.cache = cache
        cache.current = _files_unchanged(template_dirs)
        self.used: set[str] = set()
        self._deferred: list[_Pending] = []
        self._inflight: dict[str, Any] = {}
        # Work for this process once a first layout is back (see _after_first).
        self.meanwhile: Callable[[], None] | None = _load_merge_libraries

    def start(self, parts: list[Part], *, defer: bool = False) -> _Pending:
        """Look ``parts`` up in the cache and send the misses to the workers (with
        ``defer``, only at the next :meth:`run` or :meth:`finish`: that run goes first)."""
        pending = _Pending()
        for part in parts:
            hit = self._cached(part)
            if hit is not None:
                pending.done[part.name] = hit
            else:
                pending.todo.append(part)
        # Longest first: the pool finishes together (a good greedy schedule).
        pending.todo.sort(key=lambda p: (-len(p.html), p.name))
        if defer:
            self._deferred.append(pending)
        else:
            self._submit(pending)
        return pending

    def _cached(self, part: Part) -> LaidOut | None:
        self.used.add(part.key)
        hit = self.cache.get(part.key)
        return None if hit is None else LaidOut.from_cache(*hit)

    def _kept(self, part: Part, laid: LaidOut | None = None) -> LaidOut:
        """``laid`` (a worker's result) or the part laid out in this process, cached."""
        if laid is None:
            laid = layout_part(part.html, part.css, self.case_root, self.template_dirs)
        self.cache.put(part.key, laid.meta(), laid.pdf)
        return laid

    def _submit(self, pending: _Pending) -> None:
        if self.pool is not None and pending.todo and not pending.futures:
            pending.futures = {p.name: self._future(p) for p in pending.todo}

    def _future(self, part: Part) -> Any:
        """The layout of ``part`` in a worker; one already started for the same key is
        shared."""
        future = self._inflight.get(part.key)
        if future is None or future.cancelled():
            future = self.pool.submit(
                layout_part, part.html, part.css, self.case_root, self.template_dirs
            )
            self._inflight[part.key] = future
        return future

    def _flush(self) -> None:
        while self._deferred:
            self._submit(self._deferred.pop(0))

    def finish(self, pending: _Pending) -> dict[str, LaidOut]:
        self._submit(pending)
        if pending in self._deferred:
            self._deferred.remove(pending)
        if pending.todo:
            self._flush()  # about to wait: let the deferred parts run meanwhile
        if pending.futures:
            self._after_first(list(pending.futures.values()))
        done = dict(pending.done)
        for part in pending.todo:
            future = pending.futures.get(part.name)
            done[part.name] = self._kept(part, None if future is None else future.result())
        return done

    def run(self, parts: list[Part]) -> dict[str, LaidOut]:
        return self.finish(self.start(parts))

    def _after_first(self, futures: list[Any]) -> None:
        """Run ``meanwhile`` once a first layout is back: by then the workers have imported
        WeasyPrint (this process would slow that down) and one core may be free."""
        if self.meanwhile is None:
            return
        from concurrent.futures import FIRST_COMPLETED, wait

        wait(futures, return_when=FIRST_COMPLETED)
        meanwhile, self.meanwhile = self.meanwhile, None
        meanwhile()

    def stream(
        self, parts: list[Part], more: Callable[[dict[str, LaidOut]], list[Part]]
    ) -> dict[str, LaidOut]:
        """Lay out ``parts`` in their order and, ahead of the rest, the parts ``more(done)``
        returns as results come in. The pool is fed one part beyond what its workers hold,
        so a part that becomes ready waits for one layout at most, not for all of ``parts``."""
        from concurrent.futures import FIRST_COMPLETED, wait

        done: dict[str, LaidOut] = {}
        waiting, urgent = deque(parts), deque[Part]()
        running: dict[Any, Part] = {}
        slots = self.jobs + 1

        def record(part: Part, laid: LaidOut) -> None:
            done[part.name] = laid
            urgent.extend(more(done))

        while waiting or urgent or running:
            while (urgent or waiting) and len(running) < slots:
                part = (urgent or waiting).popleft()
                hit = self._cached(part)
                if hit is not None:
                    record(part, hit)
                elif self.pool is None:
                    record(part, self._kept(part))
                else:
                    running[self._future(part)] = part
            if not running:
                continue
            finished, _ = wait(list(running), return_when=FIRST_COMPLETED)
            self._after_first(list(running))
            for future in finished:
                part = running.pop(future)
                record(part, self._kept(part, future.result()))
        return done


def _files_unchanged(template_dirs: list[Path]) -> Callable[[dict[str, Any]], bool]:
    """Whether a cached part's template files (a case's own logo or font, by file:// URL)
    are still what it was laid out with; each file read once per render."""
    from casefile.render.fetcher import make_url_fetcher

    fetcher = make_url_fetcher(lambda _sha: None, template_dirs)
    now: dict[str, str | None] = {}

    def unchanged(meta: dict[str, Any]) -> bool:
        for url, digest in (meta.get("files") or {}).items():
            if url not in now:
                now[url] = fetcher.digest(url)
            if now[url] != digest:
                return False
        return True

    return unchanged


def _load_merge_libraries() -> None:
    """The merge's imports (~0.25 s), done while the workers lay out parts."""
    import pikepdf  # noqa: F401
    import pypdf.generic  # noqa: F401


@dataclass
class _Pending:
    done: dict[str, LaidOut] = dataclasses.field(default_factory=dict)
    todo: list[Part] = dataclasses.field(default_factory=list)
    futures: dict[str, Any] = dataclasses.field(default_factory=dict)


# -- the pipeline -----------------------------------------------------------------------------


@dataclass
class PartsResult:
    pdf: bytes
    pages: int
    refused: list[str]
    cache_hits: int
    cache_misses: int


def render_parts(
    view: DossierView,
    *,
    render_part: Callable[..., tuple[str, str]],
    css: str,
    case_root: Path,
    template_dirs: list[Path],
    pool: Workers | None,
    cache: PartCache,
) -> PartsResult:
    """``render_part(section, v=..., inc=..., page_attr=...)`` gives a part's HTML and
    stylesheet; ``pool`` is :func:`workers`' (None: lay out in this process)."""
    from casefile.render.stamp import Stamp, reference_part

    runner = Runner(case_root, template_dirs, pool, cache)

    def no_pages(_anchor: str) -> Markup:
        return Markup("")

    digits = len(str(max(100, 8 * len(view.incidents))))
    placeholder = Markup(f' data-page="{"0" * digits}"')
    # The fingerprint and the case date change with every edit, but only the cover prints
    # them. Every other part is made with a view that notes whether its template reads
    # either: one that does not (every shipped template but the cover's) stays cached
    # across edits; one that does, a case's own template printing the fingerprint in a
    # footer say, is made with the real values, and so is laid out again after an edit.
    real: list[Part] = []  # the parts made with the real fingerprint and date

    def part(name: str, section: str, *, as_is: bool = False, **extra: Any) -> Part:
        """``as_is``: with the real fingerprint and date (the cover)."""
        extra.setdefault("page_attr", no_pages)
        if not as_is:
            read: list[str] = []
            made = render_part(section, v=_Blanked(view, read), **extra)
            if not read:
                return Part(name, *made)
        real.append(Part(name, *render_part(section, v=view, **extra)))
        return real[-1]

    # The exhibit index comes last, in pieces of INDEX_ROWS exhibits laid out side by side.
    chunks = [
        view.exhibits[i : i + INDEX_ROWS] for i in range(0, len(view.exhibits), INDEX_ROWS)
    ] or [[]]
    index_names = [f"index-{n}" for n in range(1, len(chunks) + 1)]
    # Two chapter templates come in halves, each laid out as a part of its own, so that an
    # edit lays out the half it changed: an assessed incident's facts and assessment (which
    # starts on a page of its own), and the custody summary (every edit adds to the log)
    # and the annexes. Not with a case's own template or part.html, which may know no
    # halves and would print the whole chapter for each.
    own = [d for d in template_dirs if d != shipped_templates_dir()]

    def halved(template: str) -> bool:
        return not any((d / name).is_file() for d in own for name in (template, "part.html"))

    incidents = [
        part(name, "incident", inc=inc, half=half)
        for inc in view.incidents
        for name, half in (
            [(inc.anchor, "facts"), (f"{inc.anchor}/assessment", "assessment")]
            if halved("incident.html") and inc.assessments
            else [(inc.anchor, "")]
        )
    ]
    back = (
        [part("back", "back", half="custody"), part("back/annexes", "back", half="annexes")]
        if halved("back-rest.html")
        else [part("back", "back", half="")]
    )
    order = ["cover", "toc", "front", *[p.name for p in [*incidents, *back]], *index_names]
    opening = {"exhibit-index": index_names[0]}  # anchors known before their part is laid out
    pass_a = [
        part("cover", "cover", as_is=True),
        part("toc", "toc", page_attr=lambda _a: placeholder),
        part("front", "front"),
        *incidents,
        *back,
        Part("stamp", *reference_part(css)),
    ]

    def page_finder(
        laid: dict[str, LaidOut], counts: dict[str, int]
    ) -> Callable[[str], int | None]:
        """Where each anchor lands (1-based page), for the parts whose offset is known."""
        offsets = _offsets(order, counts)
        pages: dict[str, int] = {}
        for name in order:
            part = laid.get(name)
            if part is None or name not in offsets:
                continue
            for anchor, where in part.anchors.items():
                pages.setdefault(anchor, offsets[name] + int(where[0]) + 1)
        return lambda anchor: _page_of(anchor, pages, offsets)

    def _page_of(anchor: str, pages: dict[str, int], offsets: dict[str, int]) -> int | None:
        page = pages.get(anchor)
        if page is None and anchor in opening and opening[anchor] in offsets:
            page = offsets[opening[anchor]] + 1
        return page

    def toc_part_for(page_of: Callable[[str], int | None]) -> Part:
        def attr(anchor: str) -> Markup:
            page = page_of(anchor)
            return Markup("") if page is None else Markup(' data-page="%d"') % page

        return part("toc", "toc", page_attr=attr)

    def index_part_for(n: int, page_of: Callable[[str], int | None]) -> Part:
        for exhibit in chunks[n]:
            exhibit.cited_pages = sorted(
                {p for c in exhibit.cite_ids if (p := page_of(c)) is not None}
            )
        return part(index_names[n], "index", rows=chunks[n], first=n == 0)

    # Printed on the cover, or anywhere a case's own template puts it, as in the whole HTML:
    # checked before anything is laid out (nor cached), the exhibit index included.
    try:
        check_cover("".join(document_body(p.html) for p in real), view.fingerprint, case_root)
    except UserInputError:
        for n in range(len(chunks)):  # its cited pages are not known yet, nor needed here
            index_part_for(n, lambda _anchor: None)
        check_cover("".join(document_body(p.html) for p in real), view.fingerprint, case_root)

    cites = [{c for e in rows for c in e.cite_ids} for rows in chunks]
    missing = [len(c) for c in cites]  # per piece: its cites not yet placed
    piece_of = {c: n for n, piece_cites in enumerate(cites) for c in piece_cites}
    before_index = order[: order.index(index_names[0])]
    # What ready() has learnt so far: the laid-out prefix of pass A, its page counts and
    # where its anchors land (kept between calls: a large case has thousands of results).
    known = {"prefix": 0, "offset": 0}
    prefix_counts: dict[str, int] = {}
    prefix_pages: dict[str, int] = {}
    sent: set[str] = set()

    def ready(done: dict[str, LaidOut]) -> list[Part]:
        """Pass B as pass A goes: each index piece once every page it cites is known (all
        parts from the first to the last that holds one of its cites are laid out), and
        the contents once all of pass A is."""
        if len(sent) == len(index_names) + 1:
            return []
        while known["prefix"] < len(before_index) and before_index[known["prefix"]] in done:
            name = before_index[known["prefix"]]
            laid = done[name]
            for anchor, where in laid.anchors.items():
                if anchor not in prefix_pages:
                    prefix_pages[anchor] = known["offset"] + int(where[0]) + 1
                    if anchor in piece_of:
                        missing[piece_of[anchor]] -= 1
            prefix_counts[name] = laid.pages
            known["offset"] += laid.pages
            known["prefix"] += 1
        complete = known["prefix"] == len(before_index)
        offsets = _offsets(order, prefix_counts)

        def page_of(anchor: str) -> int | None:
            return _page_of(anchor, prefix_pages, offsets)

        out = []
        for n, name in enumerate(index_names):
            if name not in sent and (complete or missing[n] == 0):
                sent.add(name)
                out.append(index_part_for(n, page_of))
        if complete and "toc" not in sent:
            sent.add("toc")
            out.append(toc_part_for(page_of))
        return out

    def settle(laid: dict[str, LaidOut]) -> tuple[list[Part], dict[str, int]]:
        """Pass B on the pass-A layouts ``laid`` (updated with the index and the toc)."""
        counts = {name: laid[name].pages for name in order if name in laid}
        for _round in range(MAX_ROUNDS):
            page_of = page_finder(laid, counts)
            parts = [
                *(index_part_for(n, page_of) for n in range(len(chunks))),
                toc_part_for(page_of),
            ]
            laid.update(runner.run(parts))
            real = {name: laid[name].pages for name in order}
            if real["toc"] == counts["toc"]:
                return parts, real
            counts = real
        raise RuntimeError("the contents did not settle on a page count")

    # Speculation: when parts changed since the last render, assume they kept their page
    # counts and anchor pages, and run pass B from that guess at once, ahead of (and
    # alongside) the changed parts. The guess is used only if the real layouts match it in
    # everything pass B reads, so the bytes are the same.
    guess = _guess(cache, pass_a) if pool is not None else None
    speculated = None
    if guess is None:
        # Pass B's parts as soon as they can be made, alongside the rest of pass A; the
        # settle below then finds them in the cache, unless the real contents has a
        # page count other than the placeholder's.
        laid = runner.stream(pass_a, ready)
    else:
        pending = runner.start(pass_a, defer=True)
        try:
            speculated = guess, settle(guess)
        except RuntimeError:  # pragma: no cover - then the real pass will fail too
            speculated = None
        laid = runner.finish(pending)
    stamp = Stamp.from_pdf(laid.pop("stamp").pdf)
    settled = ("toc", *index_names)
    if speculated is not None and all(
        _shape(laid[name]) == _shape(part)
        for name, part in speculated[0].items()
        if name not in settled
    ):
        final_parts, counts = speculated[1]
        laid.update({name: speculated[0][name] for name in settled})
    else:
        final_parts, counts = settle(laid)
    cache.prune(runner.used, max_entries=4 * len(order) + 16)
    # The hint's "toc" is pass A's (placeholder numbers), the part a later render guesses.
    cache.write_hint({p.name: p.key for p in [*final_parts[:-1], *pass_a]})
    pdf = merge(view, [laid[name] for name in order], stamp)
    if pool is not None:
        pool.rehearse(incidents or pass_a, cache.misses > 0, case_root, template_dirs)
    refused = sorted({url for name in order for url in laid[name].refused})
    return PartsResult(pdf, sum(counts[n] for n in order), refused, cache.hits, cache.misses)


class _Blanked:
    """The view as a part's template sees it, noting in ``read`` whether the template
    read the fingerprint or the case date (whole, in part, to test or to print them: it
    is then made again with the real view, so what it gets here does not matter)."""

    _STATE = ("fingerprint", "date")

    def __init__(self, view: DossierView, read: list[str]) -> None:
        self._view = view
        self._read = read

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # the sandbox refuses these to templates anyway
            raise AttributeError(name)
        if name in self._STATE:
            self._read.append(name)
            return "0" * 64 if name == "fingerprint" else "0000-00-00"
        return getattr(self._view, name)

    def __repr__(self) -> str:  # {{ v }} prints the whole view, fingerprint included
        self._read.append("repr")
        return repr(self._view)

    __str__ = __repr__


# A template's error names the object it read, as the whole-document render's does.
_Blanked.__module__, _Blanked.__qualname__ = DossierView.__module__, DossierView.__qualname__
_Blanked.__name__ = DossierView.__name__


def _shape(part: LaidOut) -> tuple[int, dict[str, int]]:
    """What pass B reads of a pass-A part: its page count and anchor pages."""
    return part.pages, {name: int(where[0]) for name, where in part.anchors.items()}


def _guess(cache: PartCache, parts: list[Part]) -> dict[str, LaidOut] | None:
    """Pass A as it will probably turn out: each part as its cache entry says or, if it
    changed, as it was in the last render (from the hint). None when nothing changed or
    that cannot be guessed."""
    last = cache.read_hint()
    guess: dict[str, LaidOut] = {}
    changed = False
    for part in parts:
        meta = cache.peek(part.key)
        if meta is None:
            changed = True
            if part.name == "stamp":
                return None
            meta = cache.peek(last.get(part.name, ""))
            if meta is None:
                return None
        try:
            guess[part.name] = LaidOut.from_cache(meta, b"")
        except (KeyError, TypeError):
            return None
    guess.pop("stamp", None)
    return guess if changed else None


def _offsets(order: list[str], counts: dict[str, int]) -> dict[str, int]:
    """Where each part starts (0-based), as far as the page counts go."""
    offsets, total = {}, 0
    for name in order:
        offsets[name] = total
        if name not in counts:
            break
        total += counts[name]
    return offsets


# -- merging ----------------------------------------------------------------------------------


def merge(view: DossierView, parts: list[LaidOut], stamp: Any) -> bytes:
    """Parts in order, stamped, links and outline rebuilt, with qpdf (pikepdf): the parts'
    objects are copied, never parsed into Python objects or re-serialised by hand."""
    import pikepdf
    from pikepdf import Array, Dictionary, Name, String

    from casefile.render import stamp as stamping

    out = pikepdf.new()
    sources: list[Any] = []  # kept open until saved: qpdf copies stream data when writing
    starts: list[int] = []
    heights: list[float] = []
    version = "1.7"
    for part in parts:
        starts.append(len(out.pages))
        source = pikepdf.open(io.BytesIO(part.pdf))
        sources.append(source)
        version = max(version, source.pdf_version)
        out.pages.extend(source.pages)
        heights.extend(part.heights)
    sources.append(stamping.apply(out, stamp))
    page_objs = [page.obj for page in out.pages]

    # Anchors: the first occurrence in document order wins, as in one WeasyPrint document.
    anchors: dict[str, tuple[int, float, float]] = {}
    for start, part in zip(starts, parts, strict=True):
        for name, (page, x, y) in part.anchors.items():
            anchors.setdefault(name, (start + int(page), x, y))

    def point(page: int, x: float, y: float) -> tuple[float, float]:
        return x * PX_TO_PT, (heights[page] - y) * PX_TO_PT

    # ~1,500 links in a 370-page dossier: numbers, destinations and each page's annotation
    # array made once (~0.05 s of the merge), the bytes as before.
    num = functools.cache(_num)
    dests: dict[str, list[Any]] = {}
    new_annots: dict[int, list[Any]] = {}
    for start, part in zip(starts, parts, strict=True):
        for page, target, x1, y1, x2, y2 in part.links:
            dest = anchors.get(target)
            if dest is None:
                continue  # as WeasyPrint does: a link to a missing anchor is dropped
            g = start + int(page)
            ax, ay = point(g, x1, y1)
            bx, by = point(g, x2, y2)
            if target not in dests:
                dx, dy = point(*dest)
                dests[target] = [page_objs[dest[0]], Name.XYZ, num(dx), num(dy), 0]
            annotation = Dictionary(
                Type=Name.Annot,
                Subtype=Name.Link,
                Rect=[num(min(ax, bx)), num(min(ay, by)), num(max(ax, bx)), num(max(ay, by))],
                BS=Dictionary(W=0),
                Dest=dests[target],
            )
            new_annots.setdefault(g, []).append(out.make_indirect(annotation))
    for g, added in new_annots.items():
        target_page = page_objs[g]
        kept = list(target_page.Annots) if Name.Annots in target_page else []
        target_page.Annots = Array(kept + added)

    _outline(out, page_objs, parts, starts, heights)
    out.Root.Lang = String("en")
    out.docinfo = out.make_indirect(Dictionary({k: String(v) for k, v in _metadata(view).items()}))
    identity = hashlib.md5(usedforsecurity=False)
    for part in parts:
        identity.update(hashlib.sha256(part.pdf).digest())
    out.trailer.ID = Array([pikepdf.String(identity.digest())] * 2)
    buffer = io.BytesIO()
    out.save(
        buffer,
        min_version=version,
        static_id=True,
        linearize=False,
        compress_streams=True,
        object_stream_mode=pikepdf.ObjectStreamMode.generate,
    )
    for source in sources:
        source.close()
    return buffer.getvalue()


def _num(value: float) -> Any:
    from decimal import Decimal

    return Decimal(repr(round(value, 4)))


def _outline(
    out: Any, page_objs: list[Any], parts: list[LaidOut], starts: list[int], heights: list[float]
) -> None:
    from pikepdf import Array, Dictionary, Name, String

    # Build the tree as (dict, children) first, then link it as the PDF outline wants.
    root: list[Any] = []
    stack: list[tuple[int, list[Any]]] = []
    for start, part in zip(starts, parts, strict=True):
        for page, level, label, x, y in part.bookmarks:
            g = start + int(page)
            while stack and stack[-1][0] >= level:
                stack.pop()
            siblings = stack[-1][1] if stack else root
            item = out.make_indirect(
                Dictionary(
                    Title=String(label),
                    Dest=Array(
                        [
                            page_objs[g],
                            Name.XYZ,
                            _num(x * PX_TO_PT),
                            _num((heights[g] - y) * PX_TO_PT),
                            0,
                        ]
                    ),
                )
            )
            children: list[Any] = []
            siblings.append((item, children))
            stack.append((level, children))
    if not root:
        return
    outlines = out.make_indirect(Dictionary(Type=Name.Outlines))

    def link(parent: Any, items: list[Any]) -> int:
        """Link ``items`` under ``parent``; return how many items are visible below it (all
        open, as pypdf's ``add_outline_item`` made them)."""
        visible = 0
        for i, (item, children) in enumerate(items):
            item.Parent = parent
            if i > 0:
                item.Prev = items[i - 1][0]
            if i + 1 < len(items):
                item.Next = items[i + 1][0]
            visible += 1
            if children:
                item.First = children[0][0]
                item.Last = children[-1][0]
                below = link(item, children)
                item.Count = below
                visible += below
        return visible

    total = link(outlines, root)
    outlines.First = root[0][0]
    outlines.Last = root[-1][0]
    outlines.Count = total
    out.Root.Outlines = outlines


def _metadata(view: DossierView) -> dict[str, str]:
    from casefile import __version__
    from casefile.render.cache import _version

    meta = {
        "/Title": f"{view.title} ({view.reference})",
        "/Subject": f"Case dossier, {view.classification}, case fingerprint {view.fingerprint}",
        "/Keywords": f"{view.reference}, {view.audience}",
        "/Creator": "casefile",
        "/Producer": f"casefile {__version__} (WeasyPrint {_version('weasyprint')}, "
        f"pikepdf {_version('pikepdf')})",
    }
    if view.organisation:
        meta["/Author"] = view.organisation
    if view.date:
        stamp = "D:" + view.date.replace("-", "")[:8].ljust(8, "0") + "000000Z"
        meta["/CreationDate"] = stamp
        meta["/ModDate"] = stamp
    return meta
