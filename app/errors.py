"""Every error a user can cause becomes a clear 4xx; a database outage becomes a 503."""

import logging

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError, OperationalError, InterfaceError, DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from governance.errors import DomainError

logger = logging.getLogger("concord")
SECRET_FIELDS = ("password", "token", "secret")


DATABASE_DOWN = (OperationalError, InterfaceError, PoolTimeout)
UNAVAILABLE = "The database is unavailable right now; nothing was changed. Try again shortly."


def database_unavailable_response() -> JSONResponse:
    """What a request gets while the database cannot be reached, wherever that is noticed."""
    return _json(503, UNAVAILABLE, {"Retry-After": "5"})


def _json(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"detail": message}, status_code=status, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(request: Request, error: DomainError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if error.status_code == 401 else None
        return _json(error.status_code, error.message, headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": jsonable_encoder([_without_secret(e) for e in error.errors()])},
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


def _without_secret(error: dict) -> dict:
    """A validation error as FastAPI reports it, minus the echoed input where that input is a password or token."""
    if any(isinstance(part, str) and any(word in part.lower() for word in SECRET_FIELDS) for part in error["loc"]):
        return {key: value for key, value in error.items() if key != "input"}
    return error
