"""What a render was asked for; kept apart so the CLI can name it without importing the renderer."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from casefile.model.case import Audience


class Format(StrEnum):
    pdf = "pdf"
    html = "html"
    json = "json"


def in_parts(fmt: Format, attach_evidence: bool) -> bool:
    """Whether a render is laid out in parts by worker processes (a PDF without attached
    evidence; PDF/A-3b with evidence, HTML and JSON are one document made here)."""
    return fmt is Format.pdf and not attach_evidence


@dataclass
class RenderOptions:
    audience: Audience
    format: Format = Format.pdf
    incidents: list[str] | None = None
    draft: bool = False
    attach_evidence: bool = False
    jobs: int = 1
