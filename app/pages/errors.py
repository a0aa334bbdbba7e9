"""Errors on pages: a page in the visitor's language; the JSON API under /api keeps its JSON errors."""

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from app.csrf import CsrfRefused
from app.errors import domain_error_headers
from app.pages.common import SignInRequired, error_text, see_other
from app.pages.words import N_
from app.templating import render
from governance.errors import DomainError

TITLES = {400: N_("This request could not be handled"), 401: N_("Please sign in"), 403: N_("Not allowed"),
          404: N_("Page not found"), 405: N_("Not allowed"), 409: N_("This conflicts with the current state"),
          413: N_("Too large"), 422: N_("Please check what you entered"),
          429: N_("Too many attempts"), 503: N_("Please try again shortly")}


def _is_api(request: Request) -> bool:
    return request.url.path.startswith(("/api/", "/docs", "/redoc", "/openapi.json"))


def error_page(request: Request, status: int, detail: str = "", *, csrf: bool = False) -> Response:
    return render(request, "errors/error.html", {"status": status, "title": TITLES.get(status, TITLES[400]),
                                                 "detail": detail, "csrf": csrf}, status_code=status)


def install_page_errors(app: FastAPI) -> None:
    """HTML error pages for page requests, delegating every /api request to the JSON handlers already installed."""
    json_handlers = dict(app.exception_handlers)

    async def fallback(request: Request, error: Exception, kind: type) -> Response:
        from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler

        handler = json_handlers.get(kind)
        if handler is not None:
            return await handler(request, error)
        if kind is RequestValidationError:
            return await request_validation_exception_handler(request, error)
        return await http_exception_handler(request, error)

    @app.exception_handler(DomainError)
    async def domain_error(request: Request, error: DomainError) -> Response:
        if _is_api(request):
            return await fallback(request, error, DomainError)
        if error.status_code == 401:
            return see_other(f"/sign-in?next={quote(request.url.path)}")
        response = error_page(request, error.status_code, error_text(request, error))
        response.headers.update(domain_error_headers(error) or {})
        return response

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        if _is_api(request):
            return await fallback(request, error, StarletteHTTPException)
        return error_page(request, error.status_code)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> Response:
        if _is_api(request):
            return await fallback(request, error, RequestValidationError)
        return error_page(request, 404)

    @app.exception_handler(CsrfRefused)
    async def csrf_refused(request: Request, error: CsrfRefused) -> Response:
        return error_page(request, 403, csrf=True)

    @app.exception_handler(SignInRequired)
    async def sign_in_required(request: Request, error: SignInRequired) -> Response:
        return see_other(f"/sign-in?next={quote(request.url.path)}")
