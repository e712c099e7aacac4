"""What a render was asked for; kept apart so the CLI can name it without importing the renderer."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from casefile.model.case import Audience


class Format(StrEnum):
    pdf = "pdf"
    html = "html"
    json = "json"


@dataclass
class RenderOptions:
    audience: Audience
    format: Format = Format.pdf
    incidents: list[str] | None = None
    draft: bool = False
    attach_evidence: bool = False
    jobs: int = 1
