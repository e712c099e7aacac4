"""The case's closed vocabularies: plain enums and their wordings, importable without
pydantic, so that the command line can build its options from them and a listing can run
without loading the models (casefile.cli.app)."""

from __future__ import annotations

from enum import StrEnum


class DatePrecision(StrEnum):
    day = "day"
    month = "month"
    year = "year"
    approximate = "approximate"


class Kind(StrEnum):
    photo = "photo"
    video = "video"
    audio = "audio"
    document = "document"
    satellite = "satellite"
    web_capture = "web-capture"
    other = "other"


class Reliability(StrEnum):
    """Admiralty grading of the source, kept apart from the credibility of the information."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"
    E = "E"
    F = "F"


RELIABILITY_WORDING = {
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "fairly reliable",
    "D": "not usually reliable",
    "E": "unreliable",
    "F": "reliability cannot be judged",
}
CREDIBILITY_WORDING = {
    1: "confirmed by other sources",
    2: "probably true",
    3: "possibly true",
    4: "doubtful",
    5: "improbable",
    6: "truth cannot be judged",
}


class Verification(StrEnum):
    unverified = "unverified"
    verified = "verified"
    disputed = "disputed"
