"""Errors a command raises; the app maps each to an HTTP status with the message as the detail.

A message is an English template with ``%(name)s`` placeholders (gettext's python-format) and the values beside it,
so that pages can show it in the visitor's language: ``NotFound("No proposal %(number)s here.", number=7)``.
``message`` is the English text with the values filled in, as the API and the logs give it."""

__all__ = ["Conflict", "DomainError", "Forbidden", "N_", "NotFound", "RuleViolation", "Unauthorized"]


def N_(message: str) -> str:
    """Mark ``message`` for the catalog; it is translated where it is shown."""
    return message


class DomainError(Exception):
    """A command refused: the message says what to fix."""

    status_code = 400

    def __init__(self, template: str, **params: object) -> None:
        self.template, self.params = template, params
        self.message = template % params if params else template
        super().__init__(self.message)


class NotFound(DomainError):
    status_code = 404


class Conflict(DomainError):
    status_code = 409


class RuleViolation(DomainError):
    status_code = 422


class Unauthorized(DomainError):
    status_code = 401


class Forbidden(DomainError):
    status_code = 403
