"""The project's exception types. The CLI maps these, and only these, to exit codes."""


class SelectorError(Exception):
    """Base of every error selector reports to the clerk as one line."""

    exit_code = 1

    def __init__(self, message: str, details: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.details = details or []


class ConfigError(SelectorError):
    """A round file is invalid; the message names the file and key path."""


class BallotFileError(SelectorError):
    """A ballot (or findings) file is refused whole; the message names file, row, column."""


class RuleError(SelectorError):
    """A counting or procedure rule refuses the action (quorum, locked cut, held tie...)."""


class NotFound(SelectorError):
    """A round, stage, post or candidate named on the command line does not exist."""


class DatabaseError(SelectorError):
    """The database file cannot be opened or is not a selector database."""


class UsageError(SelectorError):
    """The command line itself is wrong in a way typer cannot see."""

    exit_code = 2


class AuditMismatch(SelectorError):
    """`audit verify` found stored data that does not match its record."""

    exit_code = 3
