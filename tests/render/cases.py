"""Cases and PDF inspection for the dossier tests (issue 4): built through the CLI in tmp paths.

`build_canary_case` plants a canary in every place the DESIGN audience table covers; the
`CANARIES` table says which audience may see which. `pdf_channels` takes a PDF apart into
every channel a reader (or a script) can get text out of.
"""

from __future__ import annotations

import binascii
import html
import io
import json
import re
import subprocess
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import DictionaryObject, IndirectObject, StreamObject
from typer.testing import CliRunner, Result

from casefile.cli.app import app
from casefile.model.case import Audience
from casefile.render.dossier import Rendered, render
from casefile.render.options import Format, RenderOptions
from casefile.store.case import CaseFolder


def png(colour: tuple[int, int, int], text: dict[str, str] | None = None) -> bytes:
    """A small PNG, optionally with tEXt chunks (metadata that must not reach a dossier)."""
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    for key, value in (text or {}).items():
        info.add_text(key, value)
    buffer = io.BytesIO()
    Image.new("RGB", (16, 12), colour).save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


@dataclass
class CaseRun:
    """One case folder and a way to run `casefile` on it."""

    root: Path
    files: Path
    runner: CliRunner = field(default_factory=CliRunner)

    def run(self, *args: str, actor: str = "alice") -> Result:
        return self.runner.invoke(app, ["--case", str(self.root), "--actor", actor, *args])

    def ok(self, *args: str, actor: str = "alice") -> Result:
        result = self.run(*args, actor=actor)
        assert result.exit_code == 0, (args, result.output, result.exception)
        return result

    def file(self, name: str, data: bytes | str) -> Path:
        path = self.files / name
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        return path

    def edit_yaml(self, rel: str, change: Any) -> None:
        path = self.root / rel
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")

    def folder(self) -> CaseFolder:
        return CaseFolder.open(self.root)

    def render(self, audience: str, fmt: str = "pdf", **kw: Any) -> Rendered:
        options = RenderOptions(Audience(audience), Format(fmt), **kw)
        return render(self.folder(), options)

    def render_cli(self, out: Path, *args: str) -> bytes:
        self.ok("render", "-o", str(out), *args)
        return out.read_bytes()


def init_case(tmp: Path, *init_args: str) -> CaseRun:
    tmp.mkdir(parents=True, exist_ok=True)
    files = tmp / "files"
    files.mkdir(exist_ok=True)
    root = tmp / "case"
    run = CaseRun(root, files)
    result = run.runner.invoke(app, ["--actor", "alice", "init", str(root), *init_args])
    assert result.exit_code == 0, result.output
    return run


# -- the canary case ------------------------------------------------------------------------

ALPHA = "CANARY-IDENTITY-ALPHA"  # W-001: consent public, court; no court-identity
BRAVO = "CANARY-IDENTITY-BRAVO"  # W-002: consent public, court, court-identity
GAMMA = "CANARY-IDENTITY-GAMMA"  # W-003: internal only (its full name has two words)
GAMMA_NAME = f"Gamma {GAMMA}"
GAMMA_ALIAS = "CANARY-ALIAS-GAMMA"  # W-003's other name (--other-name), written alone

SPANS = [
    "CANARY-SPAN-TITLE",  # case title
    "CANARY-SPAN-ORG",  # organisation (PDF author)
    "CANARY-SPAN-INCTITLE",  # incident title (bookmark, matrix, map, timeline)
    "CANARY-SPAN-PLACE",
    "CANARY-SPAN-DESC",  # incident description
    "CANARY-SPAN-LINK",  # inside a link target in the description
    "CANARY-SPAN-ALT",  # inside a Markdown image's alt text
    "CANARY-SPAN-STMT",  # statement W-001
    "CANARY-SPAN-ROLE",  # W-001's role
    "CANARY-SPAN-REASON",  # reasoning
    "CANARY-SPAN-REVIEW",  # review comment
    "CANARY-SPAN-EXHIBIT",  # a visible exhibit's description
    "CANARY-SPAN-CLAIM",  # casualty claim source
]
UNCONSENTED = ["CANARY-UNCONSENTED-BODY", "CANARY-UNCONSENTED-PSEUDO"]
RESTRICTED = [
    "CANARY-RESTRICTED-DESC",
    "CANARY-RESTRICTED-SOURCE",
    "CANARY-RESTRICTED-NAME",
    "CANARY-RESTRICTED-URL",
    "CANARY-RESTRICTED-BYTES",
]

REVIEWER = "CANARY-ACTOR-REVIEWER"  # a researcher: named for court and internal only
PROTECTION = "CANARY-PROTECTION"  # W-002's protective measures: not for the public

ALL_CANARIES = [
    ALPHA,
    BRAVO,
    GAMMA,
    GAMMA_ALIAS,
    *SPANS,
    *UNCONSENTED,
    *RESTRICTED,
    REVIEWER,
    PROTECTION,
]

# What each audience must not see (DESIGN.md, Audiences).
FORBIDDEN = {
    "public": ALL_CANARIES,
    "court": [ALPHA, GAMMA, GAMMA_ALIAS, *UNCONSENTED],
    "internal": [],
}
# What each audience must see: the test would otherwise pass on an empty dossier.
REQUIRED = {
    "public": [],
    "court": [BRAVO, *SPANS, *RESTRICTED, REVIEWER, PROTECTION],
    "internal": ALL_CANARIES,
}
# Canaries in the PDF text layer: bytes and names live only in attachments / the index.
NOT_IN_TEXT = {"CANARY-RESTRICTED-BYTES", "CANARY-RESTRICTED-URL", "CANARY-SPAN-LINK"}


def build_canary_case(tmp: Path) -> CaseRun:
    c = init_case(
        tmp,
        "--title",
        "Strikes on [[CANARY-SPAN-TITLE]] markets",
        "--reference",
        "CF-CANARY-01",
        "--organisation",
        "Monitors of [[CANARY-SPAN-ORG]]",
        "--conflict",
        "niac",
    )
    description = (
        "Three missiles hit the market near [[CANARY-SPAN-DESC]].\n\n"
        "See [the report](https://example.org/report/[[CANARY-SPAN-LINK]]) and "
        "![photo of [[CANARY-SPAN-ALT]]](https://example.org/a.png).\n\n"
        f"The survivor {ALPHA} was there (name typed by mistake).\n"
    )
    c.ok(
        "incident",
        "add",
        "INC-1",
        "--title",
        "Market strike at [[CANARY-SPAN-INCTITLE]]",
        "--date",
        "2015-11-29",
        "--place",
        "Ariha, near [[CANARY-SPAN-PLACE]]",
        "--lat",
        "35.81",
        "--lon",
        "36.61",
        "--perpetrator",
        "Unknown air force",
        "--description",
        description,
    )
    c.edit_yaml(
        "incidents/INC-1.yaml",
        lambda d: d.update(
            casualty_claims=[
                {"source": "Monitor of [[CANARY-SPAN-CLAIM]]", "killed": 49},
                {"source": "Local council", "killed": 40, "civilians_killed": 40},
            ]
        ),
    )
    c.ok("check")  # records the hand edit
    # E-0001: a visible photo; E-0002: restricted text file; E-0003: restricted photo.
    c.ok(
        "evidence",
        "add",
        str(c.file("market.png", png((200, 20, 20)))),
        "--incident",
        "INC-1",
        "--kind",
        "photo",
        "--description",
        "Stalls after the strike, by [[CANARY-SPAN-EXHIBIT]]",
        "--source",
        "Local activist",
        "--reliability",
        "B",
        "--credibility",
        "2",
    )
    c.ok(
        "evidence",
        "add",
        str(c.file("CANARY-RESTRICTED-NAME.txt", "notes CANARY-RESTRICTED-BYTES\n")),
        "--incident",
        "INC-1",
        "--kind",
        "document",
        "--restricted",
        "--description",
        "Source notes CANARY-RESTRICTED-DESC",
        "--source",
        "CANARY-RESTRICTED-SOURCE",
        "--url",
        "https://example.org/CANARY-RESTRICTED-URL",
    )
    c.ok(
        "evidence",
        "add",
        str(
            c.file(
                "CANARY-RESTRICTED-NAME-2.png",
                png((20, 20, 200), {"Comment": "CANARY-RESTRICTED-BYTES"}),
            )
        ),
        "--incident",
        "INC-1",
        "--kind",
        "photo",
        "--restricted",
        "--description",
        "Face of a witness CANARY-RESTRICTED-DESC",
    )
    statements = [
        (
            "W-001",
            "Shopkeeper",
            ALPHA,
            "public,court",
            f"I sold bread when [[CANARY-SPAN-STMT]] fell. My neighbour {GAMMA_NAME} ran;\n"
            f"Abu {GAMMA_ALIAS} too.\n",
            "Shop owner at [[CANARY-SPAN-ROLE]]",
        ),
        (
            "W-002",
            "Medic",
            BRAVO,
            "public,court,court-identity",
            "We treated forty people.\n",
            "medic",
        ),
        (
            "W-003",
            "CANARY-UNCONSENTED-PSEUDO",
            GAMMA_NAME,
            "internal",
            "Only for us: CANARY-UNCONSENTED-BODY.\n",
            "farmer",
        ),
    ]
    for sid, pseudonym, name, consent, body, role in statements:
        c.ok(
            "witness",
            "add",
            sid,
            "--incident",
            "INC-1",
            "--statement",
            str(c.file(f"{sid}.md", body)),
            "--pseudonym",
            pseudonym,
            "--name",
            name,
            "--role",
            role,
            "--consent",
            consent,
            *(["--other-name", f"Abu {GAMMA_ALIAS}"] if sid == "W-003" else []),
        )
    c.ok(
        "assess",
        "set",
        "INC-1",
        "distinction",
        "attack",
        "--finding",
        "established",
        "--evidence",
        "E-0001,E-0002,W-001,W-003",
        "--reasoning",
        "Three impacts [[CANARY-SPAN-REASON]]; confirmed by "
        f"{ALPHA.lower()} and by\n{GAMMA_NAME.replace(' ', chr(10) + '   ')}; "
        f"{BRAVO} treated them.",
    )
    c.ok(
        "assess",
        "set",
        "INC-1",
        "distinction",
        "civilian_object",
        "--finding",
        "established",
        "--evidence",
        "E-0001,E-0003",
        "--reasoning",
        "A market.",
    )
    c.ok(
        "review",
        "INC-1",
        "distinction",
        "attack",
        "--challenge",
        "--comment",
        f"Ask [[CANARY-SPAN-REVIEW]] again; {ALPHA} is unsure.",
        actor=REVIEWER,
    )
    c.ok("witness", "edit", "W-002", "--protective-measures", f"{PROTECTION}: voice altered")
    return c


# -- taking a PDF apart ---------------------------------------------------------------------


def all_objects(reader: PdfReader) -> Iterator[tuple[Any, bytes]]:
    """Every indirect object in the file (object streams included), with its decoded bytes."""
    ids: set[tuple[int, int]] = set()
    for generation, table in reader.xref.items():
        ids.update((number, generation) for number in table)
    ids.update((number, 0) for number in reader.xref_objStm)
    for number, generation in sorted(ids):
        obj = reader.get_object(IndirectObject(number, generation, reader))
        if isinstance(obj, StreamObject):
            data = obj.get_data()
            yield (
                obj,
                data + b"\n" + repr({k: v for k, v in obj.items()}).encode("utf-8", "replace"),
            )
        else:
            yield obj, repr(obj).encode("utf-8", "replace")


def _outline_titles(items: Any) -> list[str]:
    out: list[str] = []
    for item in items:
        if isinstance(item, list):
            out += _outline_titles(item)
        else:
            out.append(str(item.title))
    return out


def pdftotext(pdf: bytes, *args: str) -> str:
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", *args, "-", "-"], input=pdf, capture_output=True, check=True
    )
    return result.stdout.decode("utf-8")


def pages_text(pdf: bytes) -> list[str]:
    """pdftotext, one string per page (form feeds separate pages)."""
    pages = pdftotext(pdf, "-layout").split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    return pages


@dataclass
class Channels:
    """Every channel of a PDF, as text (searched for words) or bytes (searched for encodings)."""

    text: dict[str, str]
    raw: dict[str, bytes]
    attachments: dict[str, bytes]
    attachment_descriptions: dict[str, str]


def pdf_channels(pdf: bytes) -> Channels:
    reader = PdfReader(io.BytesIO(pdf))
    text = {
        "pdftotext": pdftotext(pdf),
        "pypdf": "\n".join(page.extract_text() or "" for page in reader.pages),
        "metadata": repr(dict(reader.metadata or {})),
        "outline": "\n".join(_outline_titles(reader.outline)),
        "named-destinations": "\n".join(str(k) for k in reader.named_destinations),
    }
    links: list[str] = []
    alts: list[str] = []
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            a = annot.get_object()
            action = a.get("/A")
            if action is not None:
                action = action.get_object()
                links.append(str(action.get("/URI", "")) + " " + str(action.get("/D", "")))
            links.append(str(a.get("/Dest", "")))
            alts.append(str(a.get("/Contents", "")))
    # Alt text of tagged content and figures: /Alt and /ActualText anywhere in the file.
    raw = {"file": pdf}
    for number, (obj, data) in enumerate(all_objects(reader)):
        raw[f"object-{number}"] = data
        if isinstance(obj, DictionaryObject):
            for key in ("/Alt", "/ActualText", "/TU"):
                if key in obj:
                    alts.append(str(obj[key]))
    text["links"] = "\n".join(links)
    text["alt"] = "\n".join(alts)
    root = reader.trailer["/Root"]
    if "/Metadata" in root:
        raw["xmp"] = root["/Metadata"].get_object().get_data()
        text["xmp"] = raw["xmp"].decode("utf-8", "replace")
    attachments: dict[str, bytes] = {}
    descriptions: dict[str, str] = {}
    names = root.get("/Names", {}).get("/EmbeddedFiles") if "/Names" in root else None
    if names is not None:
        flat = names.get_object()["/Names"]
        for i in range(0, len(flat), 2):
            spec = flat[i + 1].get_object()
            name = str(flat[i])
            attachments[name] = spec["/EF"]["/F"].get_object().get_data()
            descriptions[name] = str(spec.get("/Desc", ""))
            raw[f"attachment-{name}"] = attachments[name]
    text["attachments"] = "\n".join(f"{k} {v}" for k, v in descriptions.items())
    return Channels(text, raw, attachments, descriptions)


def _squash(value: str) -> str:
    """NFKC, case-folded, without whitespace: line breaks in the text layer don't hide a word."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value)).casefold()


def encodings(canary: str) -> list[bytes]:
    """The forms a string takes inside a PDF: plain, UTF-16BE (with or without BOM), hex."""
    out: list[bytes] = []
    for form in {canary, canary.lower(), canary.upper()}:
        for enc in (form.encode(), form.encode("utf-16-be")):
            out += [enc, binascii.hexlify(enc), binascii.hexlify(enc).upper()]
    return out


def found_in_text(text: str, canary: str) -> bool:
    return _squash(canary) in _squash(text)


def found_in_bytes(data: bytes, canary: str) -> bool:
    return any(form in data for form in encodings(canary))


def leaks(ch: Channels, canary: str) -> list[str]:
    """The channels of a PDF in which `canary` appears."""
    hits = [name for name, text in ch.text.items() if found_in_text(text, canary)]
    hits += [name for name, data in ch.raw.items() if found_in_bytes(data, canary)]
    return hits


def html_text(document: str) -> str:
    """All of an HTML document: markup, attribute values and unescaped text."""
    return document + "\n" + html.unescape(document)


def json_text(data: bytes) -> str:
    return json.dumps(json.loads(data), ensure_ascii=False)


# -- a complete, reviewed case for the content and determinism tests ------------------------

ARABIC = "سمعت صوت انفجار كبير في السوق وركض الناس نحو المسجد"
ELEMENTS = {
    "distinction": ["attack", "civilian_object", "no_military_objective", "intent"],
}


def build_content_case(tmp: Path) -> CaseRun:
    """Two incidents, three exhibits, an Arabic statement (court) and an English one (public);
    distinction assessed in full for both incidents with citations, every finding approved."""
    c = init_case(
        tmp,
        "--title",
        "Air strikes on markets",
        "--reference",
        "CF-CONTENT-01",
        "--conflict",
        "niac",
        "--standard",
        "reasonable-grounds",
    )
    long_text = "\n\n".join(
        f"Paragraph {n}: witnesses describe the scene, the craters and the wounded; "
        "the account is set out at length so that each chapter runs over a page. " * 4
        for n in range(1, 7)
    )
    c.ok(
        "incident",
        "add",
        "INC-A",
        "--title",
        "Market strike",
        "--date",
        "2015-11-29",
        "--place",
        "Ariha",
        "--lat",
        "35.81",
        "--lon",
        "36.61",
        "--description",
        long_text,
    )
    c.ok(
        "incident",
        "add",
        "INC-B",
        "--title",
        "Hospital strike",
        "--date",
        "2015-10-20",
        "--place",
        "Sarmin",
        "--lat",
        "35.90",
        "--lon",
        "36.72",
        "--description",
        long_text,
    )
    c.ok(
        "evidence",
        "add",
        str(c.file("market.png", png((200, 40, 40)))),
        "--incident",
        "INC-A",
        "--kind",
        "photo",
        "--description",
        "Market after the strike",
    )
    c.ok(
        "evidence",
        "add",
        str(c.file("report.txt", "field report\n")),
        "--incident",
        "INC-A",
        "--kind",
        "document",
        "--description",
        "Field report",
    )
    c.ok(
        "evidence",
        "add",
        str(c.file("hospital.png", png((40, 40, 200)))),
        "--incident",
        "INC-B",
        "--kind",
        "photo",
        "--description",
        "Hospital entrance",
    )
    c.ok(
        "witness",
        "add",
        "W-001",
        "--incident",
        "INC-A",
        "--statement",
        str(c.file("w1.md", ARABIC + "\n")),
        "--pseudonym",
        "Trader",
        "--language",
        "ar",
        "--consent",
        "court",
    )
    c.ok(
        "witness",
        "add",
        "W-002",
        "--incident",
        "INC-B",
        "--statement",
        str(c.file("w2.md", "The hospital was hit twice.\n")),
        "--pseudonym",
        "Nurse",
        "--consent",
        "public,court",
    )
    cites = {
        "INC-A": {
            "attack": "E-0001,W-001",
            "civilian_object": "E-0001,E-0002",
            "no_military_objective": "E-0002",
            "intent": "W-001",
        },
        "INC-B": {
            "attack": "E-0003,W-002",
            "civilian_object": "E-0003",
            "no_military_objective": "W-002",
            "intent": "E-0003",
        },
    }
    for incident, elements in cites.items():
        for element, evidence in elements.items():
            c.ok(
                "assess",
                "set",
                incident,
                "distinction",
                element,
                "--finding",
                "established",
                "--evidence",
                evidence,
                "--reasoning",
                f"Reasoning for {element}.",
            )
        c.ok("review", incident, "distinction", "--approve", actor="bob")
    return c
