"""Every error a user can cause becomes a clear 4xx; a database outage becomes a 503."""

import decimal
import logging
from itertools import islice

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError, OperationalError, InterfaceError, DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from governance.errors import DomainError, echo

logger = logging.getLogger("concord")
SECRET_FIELDS = ("password", "token", "secret")
ECHO_ITEMS, ECHO_DEPTH = 10, 3
"""How much of a refused array or object a validation error repeats back: its first items, its first levels."""


DATABASE_DOWN = (OperationalError, InterfaceError, PoolTimeout)
UNAVAILABLE = "The database is unavailable right now; nothing was changed. Try again shortly."


def database_unavailable_response() -> JSONResponse:
    """What a request gets while the database cannot be reached, wherever that is noticed."""
    return _json(503, UNAVAILABLE, {"Retry-After": "5"})


def domain_error_headers(error: DomainError) -> dict[str, str] | None:
    """WWW-Authenticate on a 401; Retry-After on a refusal that says when to ask again (a 429, a busy 503)."""
    if error.status_code == 401:
        return {"WWW-Authenticate": "Bearer"}
    wait = error.params.get("wait", getattr(error, "retry_after", None))
    return {"Retry-After": str(wait)} if isinstance(wait, int) else None


def _json(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"detail": echo(message, 2000)}, status_code=status, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(request: Request, error: DomainError) -> JSONResponse:
        return _json(error.status_code, error.message, domain_error_headers(error))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": [safe_echo(_without_secret(e)) for e in islice(error.errors(), ECHO_ITEMS)]},
                            status_code=422)

    @app.exception_handler(OverflowError)
    async def number_too_large(request: Request, error: OverflowError) -> JSONResponse:
        return _json(422, "A number in this request is too large to be an index, a number or an id here.")

    @app.exception_handler(IntegrityError)
    async def integrity_error(request: Request, error: IntegrityError) -> JSONResponse:
        logger.info("integrity conflict on %s %s", request.method, request.url.path)
        return _json(409, "This conflicts with a change made at the same moment; reload and try again.")

    async def database_unavailable(request: Request, error: Exception) -> JSONResponse:
        logger.warning("database unavailable on %s %s: %s", request.method, request.url.path, type(error).__name__)
        return database_unavailable_response()

    for kind in DATABASE_DOWN:
        app.add_exception_handler(kind, database_unavailable)

    @app.exception_handler(DBAPIError)
    async def database_error(request: Request, error: DBAPIError) -> JSONResponse:
        if error.connection_invalidated:
            return await database_unavailable(request, error)
        logger.exception("database error on %s %s", request.method, request.url.path)
        return _json(400, "The database refused this request; check the values you sent.")


def safe_echo(value: object, depth: int = 0) -> object:
    """What an error may repeat of a request: text cut short with no lone surrogate or NUL, numbers as they came (the
    body's reader bounds them), the first items and levels of arrays and objects, anything else as cut text."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, decimal.Decimal):
        return echo(str(value))
    if isinstance(value, str):
        return echo(value)
    if isinstance(value, dict):
        if depth >= ECHO_DEPTH:
            return "{…}"
        return {echo(str(key)): safe_echo(item, depth + 1) for key, item in islice(value.items(), ECHO_ITEMS)}
    if isinstance(value, (list, tuple)):
        if depth >= ECHO_DEPTH:
            return "[…]"
        return [safe_echo(item, depth + 1) for item in islice(value, ECHO_ITEMS)]
    return echo(str(value))


def _without_secret(error: dict) -> dict:
    """A validation error as FastAPI reports it, minus the echoed input where that input is a password or token."""
    if any(isinstance(part, str) and any(word in part.lower() for word in SECRET_FIELDS) for part in error["loc"]):
        return {key: value for key, value in error.items() if key != "input"}
    return error
