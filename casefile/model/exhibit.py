"""exhibits/E-0001.yaml: what we know about one stored file; the bytes live in objects/."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from pydantic import AfterValidator, Field

from casefile.model.base import ExhibitId, Record, RecordId
from casefile.model.ids import short_hash
from casefile.model.vocab import Kind, Reliability, Verification

SHA256 = re.compile(r"^[0-9a-f]{64}$")


def _check_sha256(value: str) -> str:
    if not SHA256.match(value):
        raise ValueError("expected 64 lowercase hex digits")
    return value


Sha256 = Annotated[str, AfterValidator(_check_sha256)]


class ImageMetadata(Record):
    """Read from EXIF at ingest; claims of the file, not facts."""

    width: int | None = None
    height: int | None = None
    captured_at: str | None = None
    camera: str | None = None
    lat: float | None = None
    lon: float | None = None


class Exhibit(Record):
    id: ExhibitId
    sha256: Sha256
    size: int = Field(ge=0)
    media_type: str
    original_name: str
    kind: Kind = Kind.other
    description: str | None = None
    source: str | None = None
    url: str | None = None
    captured_at: str | None = None
    acquired_at: str | None = None
    collected_by: str | None = None
    method: str | None = None
    reliability: Reliability = Reliability.F
    credibility: int = Field(default=6, ge=1, le=6)
    verification: Verification = Verification.unverified
    verification_method: str | None = None
    verification_notes: str | None = None
    illustrative: bool = False
    restricted: bool = False
    incidents: list[RecordId] = Field(default_factory=list)
    image: ImageMetadata | None = None

    @property
    def short_hash(self) -> str:
        return short_hash(self.sha256)


def acquired_now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
