"""casefile: legal case files for accountability work.

The library is the product; the `casefile` command is a thin layer over it. Open a case with
`CaseFolder.open(path)`; every change goes through `casefile.store.session.session`.
"""

from casefile.errors import CasefileError, ProblemsFound, UserInputError
from casefile.store.case import CaseFolder

__all__ = ["CaseFolder", "CasefileError", "ProblemsFound", "UserInputError"]
__version__ = "0.1.0"
