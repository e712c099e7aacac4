"""One exception family. The CLI maps these to a one-line message and an exit code in one place."""

from __future__ import annotations


class CasefileError(Exception):
    """An error a user should see: a message they can act on, and the exit code it deserves."""

    exit_code: int = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UserInputError(CasefileError):
    """Bad input: usage, validation, unknown id. Nothing on disk changes."""

    exit_code = 2


class RecordError(UserInputError):
    """A record on disk (written by hand or by an older tool) fails validation."""

    def __init__(self, path: str, field: str | None, expected: str) -> None:
        where = f"{path}: {field}" if field else path
        super().__init__(f"{where}: {expected}")
        self.path = path
        self.field = field
        self.expected = expected


class NotFoundError(UserInputError):
    """An id or path the user named does not exist."""


class CaseNotFoundError(UserInputError):
    """No case.yaml in the working directory or above, and none named."""


class ProblemsFound(CasefileError):
    """A check or verification found problems; the report itself is the output."""

    exit_code = 1


class LayoutFailed(CasefileError):
    """The dossier's layout processes died, again after new ones were started (killed, out
    of memory): neither the input's fault nor a bug. Nothing was written."""

    exit_code = 3
