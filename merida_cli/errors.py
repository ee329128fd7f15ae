"""One error type, caught once in `cli.main`: message on stderr, exit code."""

from enum import IntEnum


class ExitStatus(IntEnum):
    """Every exit code merida uses (httpie's ExitStatus)."""

    OK = 0
    FAILURE = 1  # not found, differences, invalid data (like grep and diff)
    USAGE = 2  # bad arguments
    INTERRUPTED = 130  # Ctrl-C


class MeridaError(Exception):
    """An error a user can act on; `exit_code` follows the CLI convention."""

    exit_code = ExitStatus.FAILURE

    def __init__(self, message: str, exit_code: int | None = None):
        super().__init__(message)
        self.message = message
        if exit_code is not None:
            self.exit_code = exit_code


class UsageError(MeridaError):
    """Bad arguments: unknown id, topic, option value (exit 2)."""

    exit_code = ExitStatus.USAGE


class DataError(MeridaError):
    """Invalid data packs; `problems` holds every `file:line: message` found."""

    exit_code = ExitStatus.FAILURE

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__(self.problems[0] if len(self.problems) == 1 else
                         f"{len(self.problems)} problems in the data:\n" + "\n".join(self.problems))


class StoreError(Exception):
    """The cache database is unusable; `cli.main` deletes it and runs the command again."""
