"""DESIGN.md's audience table as code: who may see a statement, an identity, an exhibit.

The render view applies these rules; `check` uses the same rules to say what an audience
would miss. Pure functions of records, so both layers can import them.
"""

from __future__ import annotations

from casefile.model.case import Audience
from casefile.model.exhibit import Exhibit
from casefile.model.statement import Consent


def statement_visible(consent: list[Consent], audience: Audience) -> bool:
    if audience is Audience.internal:
        return True
    if audience is Audience.court:
        return Consent.court in consent or Consent.public in consent
    return Consent.public in consent


def identity_visible(consent: list[Consent], audience: Audience) -> bool:
    if audience is Audience.internal:
        return True
    return audience is Audience.court and Consent.court_identity in consent


def exhibit_visible(exhibit: Exhibit, audience: Audience) -> bool:
    return audience is not Audience.public or not exhibit.restricted
