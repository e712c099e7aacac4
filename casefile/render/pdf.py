"""HTML to PDF with WeasyPrint, deterministic and with attachments only from the caller.

Why a wrapper: three properties the dossier needs are not WeasyPrint's defaults.

* **Same input, same bytes** (DESIGN.md, "Dossier"). WeasyPrint takes the PDF
  dates from ``<meta name=dcterms.created|modified>`` and stamps every
  attachment with ``datetime.now()``. Here the document dates are overridden
  after layout with ``metadata_date`` (or removed when it is ``None``), every
  attachment gets that same date (or none), and the file identifier is the
  MD5 of the content (pydyf's ``identifier=True``), not random.
* **Attachments only from the ``attachments`` argument** (principle 4).
  WeasyPrint embeds whatever ``<link rel=attachment>`` or ``<a
  rel=attachment>`` names. The ``attachment`` link type is stripped from the
  parsed tree before layout, HTML-declared attachments are dropped from the
  document after layout, and a finisher checks that the PDF holds exactly
  the embedded files we asked for before it is written.
* **Sandboxed fetching**: every resource, user stylesheets included, goes
  through the caller's ``url_fetcher`` (see :mod:`casefile.render.fetcher`).

WeasyPrint is imported inside :func:`html_to_pdf`: listing commands import the
render package but must not pay for (or depend on) WeasyPrint and Pango.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from casefile.errors import UserInputError

# W3C date-time profile, the form WeasyPrint accepts for dcterms dates.
_W3C_DATE = re.compile(
    r"^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)?)?$"
)
_UNSAFE_FILENAME = re.compile(r"[\x00-\x1f\x7f/\\]")


@dataclass(frozen=True)
class Attachment:
    """A file to embed in the PDF: its name as the reader sees it, its bytes, what it is.

    ``relationship`` is the PDF/A-3 ``AFRelationship`` (``Source``, ``Data``,
    ``Alternative``, ``Supplement`` or ``Unspecified``).
    """

    filename: str
    data: bytes
    description: str
    relationship: str = "Unspecified"


_RELATIONSHIPS = frozenset({"Source", "Data", "Alternative", "Supplement", "Unspecified"})


def _safe_filename(name: str) -> str:
    """A name a PDF reader can offer in a save dialog: no path separators or controls."""
    clean = _UNSAFE_FILENAME.sub("_", name).strip().lstrip(".")
    return clean or "attachment.bin"


def _attachment_datetime(metadata_date: str | None) -> dt.datetime | None:
    """The date stamped on embedded files, derived from ``metadata_date`` only."""
    if metadata_date is None:
        return None
    text = metadata_date.replace("Z", "+00:00")
    if "T" not in text:
        text = (text + "-01-01")[:10]  # YYYY or YYYY-MM -> first day
    parsed = dt.datetime.fromisoformat(text)
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.UTC).replace(tzinfo=None)
    return parsed


def _sfnt_checksum(data: bytes) -> int:
    """OpenType checksum: the sum of big-endian uint32 words, zero-padded, mod 2**32."""
    padded = data + b"\0" * (-len(data) % 4)
    return sum(struct.unpack(f">{len(padded) // 4}I", padded)) & 0xFFFFFFFF


def _freeze_font_timestamp(font: bytes) -> bytes:
    """Set an embedded font's ``head.modified`` to its ``head.created``.

    Why: when HarfBuzz-subset is missing, WeasyPrint 70 subsets fonts with
    fontTools, whose ``TTFont.save`` stamps ``head.modified`` with the current
    time, so two renders a second apart differ. The table checksum and the
    font's ``checkSumAdjustment`` are recomputed so the font stays valid.
    Anything that is not a well-formed sfnt is returned unchanged.
    """
    if font[:4] not in (b"\0\1\0\0", b"OTTO", b"true") or len(font) < 12:
        return font
    (num_tables,) = struct.unpack_from(">H", font, 4)
    for index in range(num_tables):
        record = 12 + 16 * index
        if record + 16 > len(font):
            return font
        tag, _, offset, length = struct.unpack_from(">4sIII", font, record)
        if tag != b"head":
            continue
        if length < 54 or offset + length > len(font):
            return font
        data = bytearray(font)
        data[offset + 28 : offset + 36] = data[offset + 20 : offset + 28]
        data[offset + 8 : offset + 12] = b"\0\0\0\0"
        struct.pack_into(
            ">I", data, record + 4, _sfnt_checksum(bytes(data[offset : offset + length]))
        )
        adjustment = (0xB1B0AFBA - _sfnt_checksum(bytes(data))) & 0xFFFFFFFF
        struct.pack_into(">I", data, offset + 8, adjustment)
        return bytes(data)
    return font


def _strip_attachment_links(root: Any) -> None:
    """Defuse every ``rel=attachment`` in the parsed HTML before layout.

    The ``attachment`` token is removed from ``rel``, so ``<link
    rel=attachment>`` no longer declares a document attachment; an element
    such as ``<a rel=attachment>`` also loses its ``href``, so it becomes
    plain text rather than a clickable link to what it tried to embed.
    """
    for element in root.iter():
        rel = element.get("rel") if hasattr(element, "get") else None
        if rel is None:
            continue
        tokens = rel.split()
        kept = [token for token in tokens if token.lower() != "attachment"]
        if len(kept) == len(tokens):
            continue
        if kept:
            element.set("rel", " ".join(kept))
        else:
            del element.attrib["rel"]
        if element.tag != "link":
            element.attrib.pop("href", None)


def html_to_pdf(
    html: str,
    *,
    base_url: str | None,
    url_fetcher: Any,
    stylesheets: Sequence[str | Path] | None = None,
    attachments: Sequence[Attachment] = (),
    pdf_variant: str | None = None,
    metadata_date: str | None,
) -> bytes:
    """Render HTML to PDF bytes; the same arguments always give the same bytes.

    ``stylesheets`` items are CSS source text (``str``) or a file (``Path``),
    the latter fetched through ``url_fetcher`` like everything else (a
    refused stylesheet file raises :class:`UserInputError`: a silently
    unstyled dossier would look like a valid one).
    ``metadata_date`` is a W3C date (``2024-05-01`` or
    ``2024-05-01T12:00:00Z``) used as the creation and modification date of the
    PDF and its attachments; ``None`` writes no dates at all. ``pdf_variant``
    is a WeasyPrint variant name such as ``"pdf/a-3b"``.
    """
    if metadata_date is not None and not _W3C_DATE.match(metadata_date):
        raise ValueError(f"metadata_date is not a W3C date: {metadata_date!r}")
    for attachment in attachments:
        if attachment.relationship not in _RELATIONSHIPS:
            raise ValueError(f"unknown attachment relationship: {attachment.relationship!r}")

    from casefile.render.weasy import load

    weasyprint = load()
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetchingError

    if pdf_variant is not None and pdf_variant not in _variants():
        raise ValueError(f"unknown PDF variant: {pdf_variant!r}")

    font_config = FontConfiguration()
    document_html = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=url_fetcher)
    _strip_attachment_links(document_html.etree_element)

    css = []
    for sheet in stylesheets or ():
        if isinstance(sheet, Path):
            # Not resolved here: the fetcher resolves symlinks and checks the result.
            try:
                css.append(
                    weasyprint.CSS(
                        url=sheet.absolute().as_uri(),
                        url_fetcher=url_fetcher,
                        font_config=font_config,
                    )
                )
            except URLFetchingError as error:
                raise UserInputError(f"{sheet}: stylesheet not readable here: {error}") from error
        else:
            css.append(
                weasyprint.CSS(
                    string=sheet,
                    base_url=base_url,
                    url_fetcher=url_fetcher,
                    font_config=font_config,
                )
            )

    # The same options go to render() and write_pdf(), as HTML.write_pdf does:
    # render() needs pdf_variant too (it sets the output intent for PDF/A).
    options: dict[str, Any] = {
        "stylesheets": css,
        "pdf_variant": pdf_variant,
        "pdf_identifier": True,
    }
    document = document_html.render(font_config=font_config, **options)

    # Belt and braces: nothing the HTML declared may be embedded.
    document.metadata.attachments = []
    for page in document.pages:
        page.links[:] = [link for link in page.links if link[0] != "attachment"]
    document.metadata.created = metadata_date
    document.metadata.modified = metadata_date

    stamp = _attachment_datetime(metadata_date)
    wp_attachments = [
        weasyprint.Attachment(
            file_obj=io.BytesIO(attachment.data),
            name=_safe_filename(attachment.filename),
            description=attachment.description,
            created=stamp,
            modified=stamp,
            relationship=attachment.relationship,
        )
        for attachment in attachments
    ]

    def finisher(_document: Any, pdf: Any) -> None:
        """Freeze font timestamps; check the embedded files are exactly ours; drop unset dates."""
        specs = [
            obj for obj in pdf.objects if isinstance(obj, dict) and obj.get("Type") == "/Filespec"
        ]
        if len(specs) != len(attachments):
            raise RuntimeError(
                f"PDF would embed {len(specs)} files, {len(attachments)} were requested"
            )
        for obj in pdf.objects:
            if _is_font_file(obj):
                obj.stream[0] = _freeze_font_timestamp(obj.stream[0])
        # WeasyPrint 70's PDF/A-3 code lists each attachment twice in /AF.
        if "AF" in pdf.catalog:
            pdf.catalog["AF"] = type(pdf.catalog["AF"])(dict.fromkeys(pdf.catalog["AF"]))
        if stamp is None:
            for spec in specs:
                stream = pdf.objects[int(spec["EF"]["F"].split()[0])]
                stream.extra["Params"].pop("CreationDate", None)
                stream.extra["Params"].pop("ModDate", None)

    return document.write_pdf(finisher=finisher, attachments=wp_attachments or None, **options)


def _is_font_file(obj: Any) -> bool:
    """True for a pydyf stream holding one embedded TrueType/OpenType font file."""
    extra = getattr(obj, "extra", None)
    content = getattr(obj, "stream", None)
    return (
        isinstance(extra, dict)
        and ("Length1" in extra or extra.get("Subtype") == "/OpenType")
        and isinstance(content, list)
        and len(content) == 1
        and isinstance(content[0], bytes)
    )


def _variants() -> frozenset[str]:
    """PDF variant names this WeasyPrint knows (``pdf/a-3b``, ``pdf/ua-1``, ...)."""
    from casefile.render.weasy import load

    load()
    from weasyprint.pdf import VARIANTS

    return frozenset(VARIANTS)


def page_count(pdf: bytes) -> int:
    """Number of pages in a PDF (for tests and render reports)."""
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def pdf_text(pdf: bytes) -> str:
    """The PDF's text layer, page after page, as pypdf extracts it (for tests and checks)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() or "" for page in reader.pages)
