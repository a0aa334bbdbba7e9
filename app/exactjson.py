"""Request bodies decoded with JSON numbers kept exact (``0.42`` arrives as ``Decimal("0.42")``, never a float),
and bounded: a number with too many digits or a huge exponent, a lone surrogate, a NUL or nesting too deep is refused
with a 422 naming the field before anything converts it (RFC 8259 sections 6, 8.1 and 9 allow these limits)."""

import decimal
import json
import re
from collections.abc import Iterable
from typing import Any

from fastapi import Request
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException

from governance.errors import N_, RuleViolation, echo
from governance.text import MAX_DIGITS, MAX_EXPONENT

__all__ = ["MAX_DEPTH", "MAX_DIGITS", "MAX_EXPONENT", "BodyRefused", "ExactJSONRequest", "ExactJSONRoute",
           "check_form", "field_name", "loads_bounded", "number_out_of_bounds"]

MAX_DEPTH = 32
"""Levels of arrays and objects: every body the API takes is two or three levels deep."""
FORM_NUMBER_REFUSED = N_("The field %(field)s holds a number with more than %(digits)s digits or beyond 1e%(exponent)s; "
                         "give an ordinary number such as 12.5.")
FORM_TEXT_REFUSED = N_("The field %(field)s contains a NUL character or a lone surrogate, which text cannot hold.")
STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
NOT_A_BRACKET = re.compile(r"[^\[\]{}]+")
SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
SURROGATE = re.compile("[\ud800-\udfff]")
NUMBER = re.compile(r"-?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?")
FORM_NUMBER = re.compile(r"\s*[+-]?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*")


class BodyRefused(HTTPException):
    """A 422 in the shape of FastAPI's validation errors: ``loc`` names the field, ``msg`` the limit."""

    def __init__(self, loc: tuple, kind: str, message: str) -> None:
        super().__init__(422, detail=[{"type": kind, "loc": ["body", *loc], "msg": message}])


class _Refused:
    """Stands in the decoded body for a number refused unread, so that the walk afterwards can name its field."""

    __slots__ = ("token",)

    def __init__(self, token: str) -> None:
        self.token = token


def field_name(loc: tuple) -> str:
    """``("weights", "alpha")`` as ``body.weights.alpha``, the way the 422 names a field."""
    return ".".join(["body", *(echo(str(part), 40) for part in loc)])


def number_out_of_bounds(whole: str, fraction: str | None, exponent: str | None) -> bool:
    """Whether a number written with these digits and this exponent has more than ``MAX_DIGITS`` digits or a
    magnitude beyond 1e-``MAX_EXPONENT`` .. 1e``MAX_EXPONENT``; decided on the text, without building the number."""
    if len(whole) + len(fraction or "") > MAX_DIGITS:
        return True
    if exponent is None:
        return False
    if len(exponent.lstrip("+-")) > 4:
        return True
    significant = (whole + (fraction or "")).lstrip("0")
    if not significant:
        return abs(int(exponent)) > MAX_EXPONENT + MAX_DIGITS  # 0e999999 is zero, but no number has a use for it
    leading = len(whole.lstrip("0")) - 1 if whole.lstrip("0") else -(len(fraction) - len(fraction.lstrip("0")) + 1)
    return abs(int(exponent) + leading) > MAX_EXPONENT


def _number(token: str, *, refused: list) -> Any:
    """The exact value of a JSON number token, or a ``_Refused`` mark when it is out of bounds (nothing computed)."""
    whole, fraction, exponent = NUMBER.fullmatch(token).groups()
    if number_out_of_bounds(whole, fraction, exponent):
        refused.append(token)
        return _Refused(token)
    return decimal.Decimal(token) if fraction is not None or exponent is not None else int(token)


def _refuse_constant(name: str) -> None:
    raise json.JSONDecodeError(f"{name} is not a number JSON allows", name, 0)


def _too_deep(text: str) -> bool:
    """Whether arrays and objects nest more than ``MAX_DEPTH`` levels, counted on the brackets outside strings."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return False
    brackets = NOT_A_BRACKET.sub("", STRING.sub("", text))
    for _ in range(MAX_DEPTH):
        brackets = brackets.replace("[]", "").replace("{}", "")
        if not brackets:
            return False
    return True


def _text_flaw(text: str) -> tuple[str, str] | None:
    if SURROGATE.search(text):
        return "string_unicode", "contains a lone surrogate (\\ud800 to \\udfff), which is not a character"
    if "\x00" in text:
        return "string_nul", "contains a NUL character (\\u0000)"
    return None


def _printable(key: str) -> str:
    return SURROGATE.sub("\ufffd", key).replace("\x00", "\ufffd")


def _first_flaw(value: Any) -> tuple[tuple, str, str] | None:
    """The place of the first refused number, lone surrogate or NUL in a decoded body, with what is wrong there."""
    stack: list[tuple[tuple, Any]] = [((), value)]
    while stack:
        loc, item = stack.pop()
        if isinstance(item, _Refused):
            return loc, "number_too_large", (
                f"{field_name(loc)}: a number may have at most {MAX_DIGITS} digits and a magnitude between "
                f"1e-{MAX_EXPONENT} and 1e{MAX_EXPONENT}.")
        if isinstance(item, str) and (flaw := _text_flaw(item)):
            return loc, flaw[0], f"{field_name(loc)}: the text {flaw[1]}."
        if isinstance(item, dict):
            for key, child in reversed(item.items()):
                if flaw := _text_flaw(key):
                    place = (*loc, _printable(key))
                    return place, flaw[0], f"{field_name(place)}: the field name {flaw[1]}."
                stack.append(((*loc, key), child))
        elif isinstance(item, list):
            stack.extend(((*loc, index), child) for index, child in reversed(list(enumerate(item))))
    return None


def loads_bounded(body: bytes) -> Any:
    """Decode a JSON body exactly, or raise ``BodyRefused`` (422) or ``json.JSONDecodeError`` (invalid JSON)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BodyRefused((), "utf8_invalid", f"The body is not valid UTF-8 (byte {error.start}).") from None
    if _too_deep(text):
        raise BodyRefused((), "too_deep", f"The body nests arrays and objects more than {MAX_DEPTH} levels deep.")
    refused: list[str] = []
    try:
        value = json.loads(text, parse_float=lambda t: _number(t, refused=refused),
                           parse_int=lambda t: _number(t, refused=refused), parse_constant=_refuse_constant)
    except RecursionError:
        raise BodyRefused((), "too_deep", f"The body nests arrays and objects more than {MAX_DEPTH} levels deep.") from None
    if refused or "\\u0000" in text or SURROGATE_ESCAPE.search(text):
        flaw = _first_flaw(value)
        if flaw:
            raise BodyRefused(*flaw)
    return value


def check_form(fields: Iterable[tuple[str, object]]) -> None:
    """Refuse a form whose text field holds a number out of bounds, a NUL or a lone surrogate, naming the field
    (``RuleViolation``, a 422 in the visitor's language), before any handler converts a value."""
    for name, value in fields:
        if not isinstance(value, str):
            continue
        number = FORM_NUMBER.fullmatch(value)
        if number and any(character.isdigit() for character in value[:200]) and number_out_of_bounds(
                number[1], number[2], number[3]):
            raise RuleViolation(FORM_NUMBER_REFUSED, field=name, digits=MAX_DIGITS, exponent=MAX_EXPONENT)
        if _text_flaw(value) or _text_flaw(name):
            raise RuleViolation(FORM_TEXT_REFUSED, field=name)


class ExactJSONRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = loads_bounded(await self.body())
        return self._json


class ExactJSONRoute(APIRoute):
    def get_route_handler(self):  # noqa: ANN201
        handler = super().get_route_handler()

        async def exact_handler(request: Request):  # noqa: ANN202
            return await handler(ExactJSONRequest(request.scope, request.receive))

        return exact_handler
