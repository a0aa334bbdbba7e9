"""Languages: Babel catalogs compiled at start from the committed .po files, and locale-aware number and date formats."""

import gettext
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from babel.dates import format_date, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent

from governance.clock import as_utc

__all__ = ["DEFAULT_LOCALE", "LOCALES", "direction", "format_number", "format_share", "format_when", "isolate",
           "join_names", "negotiate", "translations"]

LOCALES_DIR = Path(__file__).parent / "locales"
LOCALES = {"en": "English", "ar": "العربية", "sv": "Svenska"}
DEFAULT_LOCALE = "en"
RTL = frozenset({"ar"})
LANGUAGE_COOKIE = "concord_lang"


@lru_cache
def translations(locale: str) -> gettext.NullTranslations:
    """The compiled catalog of ``locale`` (compiled in memory from its .po, so a fresh clone needs no build step)."""
    path = LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po"
    if locale == DEFAULT_LOCALE or not path.exists():
        return gettext.NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def negotiate(cookie: str | None, accept_language: str | None) -> str:
    """The visitor's language: the remembered choice, else the first supported one their browser asks for."""
    if cookie in LOCALES:
        return cookie
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in LOCALES:
            return tag
    return DEFAULT_LOCALE


def direction(locale: str) -> str:
    return "rtl" if locale in RTL else "ltr"


def isolate(text: str, locale: str) -> str:
    """``text`` as one unit inside a sentence of ``locale``: in a right-to-left sentence it is isolated (FSI ... PDI,
    the Unicode bidirectional algorithm, UAX #9, as ``<bdi>`` does), so "-3" does not show as "3-" and a Latin name
    with punctuation does not spill into the Arabic around it."""
    return f"\u2068{text}\u2069" if locale in RTL else text


def join_names(names: Iterable[str], locale: str) -> str:
    """Names as a list in a sentence of ``locale``: the Arabic comma between isolated names in Arabic."""
    if locale in RTL:
        return "، ".join(isolate(name, locale) for name in names)
    return ", ".join(names)


def format_number(value: object, locale: str) -> str:
    """An exact number ("1234.5", "1/3", 7, Fraction) in the locale's digits and separators, never rounded."""
    if value is None:
        return ""
    if isinstance(value, Fraction):
        value = str(value) if value.denominator != 1 else value.numerator
    return _format_exact(str(value), locale)


@lru_cache(maxsize=8192)  # Babel takes a few hundred microseconds a number; a page shows the same ones again and again
def _format_exact(text: str, locale: str) -> str:
    if "/" in text:
        top, bottom = text.split("/", 1)
        return f"{_format_exact(top, locale)}/{_format_exact(bottom, locale)}"
    return format_decimal(Decimal(text), locale=locale, decimal_quantization=False, numbering_system="default")


def format_share(value: object, locale: str) -> str:
    """A share (0..1, exact) as a percentage for display, to one decimal place."""
    if value is None or value == "":
        return ""
    return _format_share(value if isinstance(value, Fraction) else Fraction(str(value)), locale)


@lru_cache(maxsize=8192)
def _format_share(share: Fraction, locale: str) -> str:
    shown = (Decimal(share.numerator) / Decimal(share.denominator)).quantize(Decimal("0.001"))
    return format_percent(shown, format="#,##0.#%", locale=locale, numbering_system="default")


def format_when(moment: datetime | None, locale: str) -> str:
    """A moment in UTC: the locale's long date (month in words) and short time."""
    if moment is None:
        return ""
    return _format_when(as_utc(moment), locale)


@lru_cache(maxsize=8192)
def _format_when(moment: datetime, locale: str) -> str:
    time = format_time(moment, "short", tzinfo=moment.tzinfo, locale=locale)
    return f"{format_date(moment, 'long', locale=locale)} {time} UTC"
