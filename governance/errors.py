"""Errors a command raises; the app maps each to an HTTP status with the message as the detail."""

__all__ = ["Conflict", "DomainError", "Forbidden", "NotFound", "RuleViolation", "Unauthorized"]


class DomainError(Exception):
    """A command refused: the message says what to fix."""

    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


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
