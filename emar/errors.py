"""Errors that carry a message meant for a person, not a stack trace."""


class EmarError(Exception):
    """A failure the user can understand and act on; str() is the whole message."""


class DatabaseUnavailable(EmarError):
    """The database cannot be reached or opened."""


class ValidationError(EmarError, ValueError):
    """Input that breaks a rule; nothing was changed."""
