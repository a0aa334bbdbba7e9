"""Errors a command raises; the app maps each to an HTTP status with the message as the detail.

A message is an English template with ``%(name)s`` placeholders (gettext's python-format) and the values beside it,
so that pages can show it in the visitor's language: ``NotFound("No proposal %(number)s here.", number=7)``.
``message`` is the English text with the values filled in, as the API and the logs give it."""

import re

__all__ = ["ECHO_LIMIT", "Conflict", "DomainError", "Forbidden", "N_", "NotFound", "RuleViolation", "Unauthorized",
           "echo"]

ECHO_LIMIT = 200
"""Characters of a value a message repeats back; a longer one is cut, ending with an ellipsis."""
_NOT_TEXT = re.compile("[\ud800-\udfff\x00]")


def N_(message: str) -> str:
    """Mark ``message`` for the catalog; it is translated where it is shown."""
    return message


def echo(value: str, limit: int = ECHO_LIMIT) -> str:
    """``value`` as a message may repeat it: cut to ``limit`` characters, a lone surrogate or NUL shown as U+FFFD.

    >>> echo("x" * 300, 5), echo("a\\ud800b")
    ('xxxxx…', 'a�b')
    """
    text = value if len(value) <= limit else value[:limit] + "…"
    return _NOT_TEXT.sub("\ufffd", text)


class DomainError(Exception):
    """A command refused: the message says what to fix."""

    status_code = 400

    def __init__(self, template: str, **params: object) -> None:
        params = {name: echo(value) if isinstance(value, str) else value for name, value in params.items()}
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
