"""Jinja2 rendering of pages and of their htmx blocks, in the visitor's language."""

from collections.abc import Iterator
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from app.csrf import csrf_token
from app.i18n import (LOCALES, TIME_ZONE_COOKIE, direction, exact_text, format_number, format_readable, format_share,
                      format_when, join_names, share_places, translations, zone_name)
from governance.clock import as_utc
from governance.coalitions import time_zones

__all__ = ["STATIC_DIR", "TEMPLATES_DIR", "environment", "render", "translator"]

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent / "static"
HTMX_FILE = sorted(STATIC_DIR.glob("htmx-2.*.min.js"))[-1].name

environment = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR), autoescape=select_autoescape(default=True),
    undefined=StrictUndefined, extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True,
    auto_reload=False,  # templates ship with the code: no stat() of each template file on every page
)
environment.globals.update(LOCALES=LOCALES, HTMX_FILE=HTMX_FILE)


def element_text(text: str) -> Markup:
    """``text`` escaped for an element's content, not an attribute's: only &, < and > (a log entry's JSON keeps its
    quotes, a fifth of its size where each would be &#34;)."""
    return Markup(str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


environment.filters["element_text"] = element_text


def translator(locale: str):  # noqa: ANN201
    """``_``: the message in ``locale``, with ``%(name)s`` placeholders filled from keyword arguments."""
    catalog = translations(locale)

    def gettext(message: str, **values: Any) -> str:
        text = catalog.gettext(message)
        return _fill(text, values) if values else text

    def ngettext(singular: str, plural: str, n: int, **values: Any) -> str:
        text = catalog.ngettext(singular, plural, n)
        return _fill(text, {"num": format_number(n, locale), **values})

    return gettext, ngettext


def _fill(text: str, values: dict[str, Any]) -> str:
    """The message with its values; markup (a ``<time>``) stays markup, the rest of the message is escaped."""
    if any(isinstance(value, Markup) for value in values.values()):
        return Markup(escape(text)) % values
    return text % values


def moment(value: datetime | None, *, locale: str, zone: str) -> Markup:
    """A moment for people: in ``zone``, the machine-readable UTC time in ``datetime`` and UTC in the ``title``."""
    if value is None:
        return Markup("")
    utc = as_utc(value)
    return Markup('<time datetime="%s" title="%s">%s</time>') % (
        utc.isoformat().replace("+00:00", "Z"), format_when(utc, locale), format_when(utc, locale, zone))


def display_zone(request: Request, coalition: object = None) -> str:
    """The time zone a page shows times in: the visitor's choice (remembered), else the coalition's, else UTC."""
    chosen = request.cookies.get(TIME_ZONE_COOKIE, "")
    if chosen and chosen in time_zones():
        return chosen
    return getattr(coalition, "time_zone", None) or "UTC"


def _route_names(routes) -> Iterator[str | None]:  # noqa: ANN001
    for route in routes:
        yield getattr(route, "name", None)
        included = getattr(route, "original_router", None)  # FastAPI >= 0.165 nests included routers
        if included is not None:
            yield from _route_names(included.routes)


def _has_route(request: Request, name: str) -> bool:
    return name in _route_names(request.app.routes)


def exact_number(value: object, *, locale: str) -> Markup:
    """A number as people read it, the exact value in a ``title`` where the shown one is rounded."""
    shown = format_readable(value, locale)
    if not shown.startswith("≈"):
        return Markup("%s") % shown
    return Markup('<span title="%s">%s</span>') % (exact_text(value), shown)


def exact_share(value: object, places: int = 1, *, locale: str) -> Markup:
    """A share as a percentage, its exact value (a decimal or "p/q") in a ``title``."""
    if value is None or value == "":
        return Markup("")
    return Markup('<span title="%s">%s</span>') % (exact_text(value), format_share(value, locale, places))


def page_context(request: Request) -> dict[str, Any]:
    locale = getattr(request.state, "locale", "en")
    gettext, ngettext = translator(locale)
    session = getattr(request.state, "page_session", None)
    codec = getattr(request.app.state, "session_codec", None)
    return {
        "request": request, "locale": locale, "dir": direction(locale), "_": gettext, "gettext": gettext,
        "ngettext": ngettext, "num": partial(format_readable, locale=locale), "share": lambda value, places=1: format_share(value, locale, places),
        "exact_num": partial(exact_number, locale=locale), "exact_share": partial(exact_share, locale=locale),
        "exact": exact_text, "share_places": share_places,
        "name_list": partial(join_names, locale=locale),
        "has_route": partial(_has_route, request),
        "csrf_token": csrf_token(codec.secret, session.sid) if session and codec else "",
        "account": getattr(request.state, "account", None), "htmx": request.headers.get("hx-request") == "true",
    }


def render(request: Request, template: str, context: dict[str, Any] | None = None, *, block: str | None = None,
           status_code: int = 200) -> HTMLResponse:
    """A whole page, or only its ``block`` for an htmx request; either way marked as varying with HX-Request."""
    values = {**page_context(request), **(context or {})}
    zone = display_zone(request, values.get("coalition"))
    values.update(when=partial(moment, locale=values["locale"], zone=zone), time_zone=zone,
                  time_zone_name=zone_name(zone, values["locale"]))
    page = environment.get_template(template)
    if block is None:
        html = page.render(values)
    else:
        html = "".join(page.blocks[block](page.new_context(values)))
    response = HTMLResponse(html, status_code=status_code)
    response.headers["Vary"] = "HX-Request, Cookie, Accept-Language"
    response.headers["Cache-Control"] = "no-store" if values["account"] else "no-cache"
    return response
