"""Shared base for records (unknown fields are errors, so a typo in a hand-edited file is named)
and the id field types, checked by casefile.model.ids."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict

from casefile.model.ids import check_exhibit_id, check_id, check_statement_id

RecordId = Annotated[str, AfterValidator(check_id)]
ExhibitId = Annotated[str, AfterValidator(check_exhibit_id)]
StatementId = Annotated[str, AfterValidator(check_statement_id)]


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True, str_strip_whitespace=False)
