"""casefile: legal case files for accountability work.

The library is the product; the `casefile` command is a thin layer over it. Open a case with
`CaseFolder.open(path)`; every change goes through `casefile.store.session.session`.
"""

from typing import Any

from casefile.errors import CasefileError, ProblemsFound, UserInputError

__all__ = ["CaseFolder", "CasefileError", "ProblemsFound", "UserInputError"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    # Loaded on first use: the command line's start-up must not pay for pydantic models.
    if name == "CaseFolder":
        from casefile.store.case import CaseFolder

        return CaseFolder
    raise AttributeError(name)
