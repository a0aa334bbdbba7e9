"""Languages: Babel catalogs compiled at start from the committed .po files, and locale-aware number and date formats."""

import gettext
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time, get_timezone_location
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent

from governance.clock import as_utc

__all__ = ["DEFAULT_LOCALE", "LOCALES", "direction", "exact_text", "format_number", "format_readable", "format_share",
           "format_when", "isolate", "join_names", "negotiate", "share_places", "translations", "zone_name"]

LOCALES_DIR = Path(__file__).parent / "locales"
LOCALES = {"en": "English", "ar": "العربية", "sv": "Svenska"}
DEFAULT_LOCALE = "en"
RTL = frozenset({"ar"})
LANGUAGE_COOKIE = "concord_lang"
TIME_ZONE_COOKIE = "concord_tz"


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


def _fraction(value: object) -> Fraction:
    return value if isinstance(value, Fraction) else Fraction(str(value))


def _finite_decimal(value: Fraction) -> bool:
    """Whether ``value`` has a finite decimal expansion: its denominator has no prime factor but 2 and 5."""
    bottom = value.denominator
    for prime in (2, 5):
        while bottom % prime == 0:
            bottom //= prime
    return bottom == 1


def exact_text(value: object) -> str:
    """The exact value as the API writes it: a finite decimal ("5740.5") where it has one, else "p/q"."""
    if value is None or value == "":
        return ""
    exact = _fraction(value)
    if exact.denominator == 1 or not _finite_decimal(exact):
        return str(exact)
    places = 0
    while (exact * 10**places).denominator != 1:
        places += 1
    return f"{Decimal(exact.numerator) / Decimal(exact.denominator):.{places}f}"


def format_readable(value: object, locale: str, places: int = 3) -> str:
    """A number as people read it: exact when its decimal is finite ("5,740.5" for 11481/2), else rounded to
    ``places`` decimals after "≈" ("≈ 0.333" for 1/3); the exact value belongs in a title (``exact_text``)."""
    if value is None or value == "":
        return ""
    exact = _fraction(value)
    if _finite_decimal(exact):
        return _format_exact(exact_text(exact), locale)
    shown = (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(Decimal(1).scaleb(-places))
    return "≈ " + format_decimal(shown, locale=locale, decimal_quantization=False, numbering_system="default")


def share_places(values: Iterable[object], *, fewest: int = 1, most: int = 6) -> int:
    """The fewest decimal places of a percentage (at least ``fewest``) at which members with different shares do not
    look equal: 8.3% and 8.3% become 8.33% and 8.34% when the shares differ.

    >>> share_places(["1/12", "1/12"]), share_places(["1/12", "1001/12000"])
    (1, 2)
    """
    distinct = {_fraction(v) for v in values if v is not None and v != ""}
    for places in range(fewest, most + 1):
        if len({_rounded_percent(share, places) for share in distinct}) == len(distinct):
            return places
    return most


def _rounded_percent(share: Fraction, places: int) -> Decimal:
    return (Decimal(share.numerator) * 100 / Decimal(share.denominator)).quantize(Decimal(1).scaleb(-places))


def format_share(value: object, locale: str, places: int = 1) -> str:
    """A share (0..1, exact) as a percentage for display, to ``places`` decimal places (one unless told)."""
    if value is None or value == "":
        return ""
    return _format_share(_fraction(value), locale, places)


@lru_cache(maxsize=8192)
def _format_share(share: Fraction, locale: str, places: int = 1) -> str:
    shown = _rounded_percent(share, places) / 100
    return format_percent(shown, format="#,##0." + "#" * places + "%", locale=locale, numbering_system="default")


def format_when(moment: datetime | None, locale: str, zone: str = "UTC") -> str:
    """A moment in time zone ``zone`` (an IANA name): the locale's long date (month in words), short time, and the
    zone's name in the locale ("Iraq Time", "توقيت العراق"), or UTC."""
    if moment is None:
        return ""
    return _format_when(as_utc(moment), locale, zone)


@lru_cache(maxsize=8192)
def _format_when(moment: datetime, locale: str, zone: str) -> str:
    tz = ZoneInfo(zone)
    local = moment.astimezone(tz)
    time = format_time(local, "short", tzinfo=tz, locale=locale)
    return f"{format_date(local, 'long', locale=locale)} {time} {zone_name(zone, locale)}"


@lru_cache(maxsize=1024)
def zone_name(zone: str, locale: str) -> str:
    """A time zone as people of ``locale`` name it ("Iraq Time"); UTC stays UTC, an unnamed zone its IANA name."""
    if zone in ("UTC", "Etc/UTC"):
        return "UTC"
    try:
        return get_timezone_location(zone, locale=locale)
    except (LookupError, ValueError):
        return zone
