"""Shared base for records: unknown fields are errors, so a typo in a hand-edited file is named."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True, str_strip_whitespace=False)
