"""DESIGN.md's audience table as code: who may see a statement, an identity, an exhibit.

The render view applies these rules; `check` uses the same rules to say what an audience
would miss. Pure functions of records, so both layers can import them.
"""

from __future__ import annotations

from casefile.model.case import Audience
from casefile.model.exhibit import Exhibit
from casefile.model.identity import Identity
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


def withheld_identities(
    consents: dict[str, list[Consent]], identities: dict[str, Identity], audience: Audience
) -> dict[str, Identity]:
    """The identities whose names the audience may not see, by statement id: those whose
    statement's consent does not show them, and those with no statement left in the case.
    ``consents``: each statement's consent, by statement id."""
    return {
        sid: identity
        for sid, identity in identities.items()
        if sid not in consents or not identity_visible(consents[sid], audience)
    }
