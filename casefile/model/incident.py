"""incidents/<ID>.yaml: one event under investigation, with competing accounts side by side."""

from __future__ import annotations

import datetime as dt

from pydantic import Field, model_validator

from casefile.model.base import Record, RecordId
from casefile.model.vocab import DatePrecision


class CasualtyClaim(Record):
    """One source's figures; sources disagree and the dossier shows them side by side."""

    source: str = Field(min_length=1)
    killed: int | None = Field(default=None, ge=0)
    injured: int | None = Field(default=None, ge=0)
    civilians_killed: int | None = Field(default=None, ge=0)
    children_killed: int | None = Field(default=None, ge=0)
    notes: str | None = None
    citation: str | None = None


class PartyResponse(Record):
    """What the accused party said: fairness requires it in the dossier."""

    party: str = Field(min_length=1)
    date: dt.date | None = None
    summary: str = Field(min_length=1)
    source: str | None = None


class Incident(Record):
    id: RecordId
    title: str = Field(min_length=1)
    date: dt.date
    date_precision: DatePrecision = DatePrecision.day
    time: str | None = None
    place: str | None = None
    admin_area: str | None = None
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    description: str = ""
    perpetrator: str | None = None
    attribution: str | None = None
    casualty_claims: list[CasualtyClaim] = Field(default_factory=list)
    responses: list[PartyResponse] = Field(default_factory=list)

    @model_validator(mode="after")
    def _both_coordinates(self) -> Incident:
        if (self.lat is None) != (self.lon is None):
            raise ValueError("lat and lon must be given together")
        return self
