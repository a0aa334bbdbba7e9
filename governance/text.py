"""Slugs and checked user text."""

import decimal
import re
import unicodedata
from collections.abc import Mapping

from governance.errors import RuleViolation

MAX_EXPONENT = 100
SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")


def slugify(name: str, *, fallback: str) -> str:
    """ASCII slug of ``name`` ("Women's Peace Forum" -> "womens-peace-forum"), or ``fallback`` when none remains."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower().replace("'", "")).strip("-")[:60].strip("-")
    return slug or fallback


def check_slug(slug: str, *, what: str) -> str:
    if not SLUG_PATTERN.match(slug):
        raise RuleViolation(
            f"{what} slug {slug!r} is not valid: use 1 to 64 lowercase letters, digits and dashes, "
            "starting and ending with a letter or digit."
        )
    return slug


def clean_text(value: str, *, field: str, max_length: int, required: bool = True) -> str:
    text = value.strip()
    if required and not text:
        raise RuleViolation(f"{field} must not be empty.")
    if len(text) > max_length:
        raise RuleViolation(f"{field} is {len(text)} characters long; the limit is {max_length}.")
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\r\t" for ch in text):
        raise RuleViolation(f"{field} contains control characters.")
    return text


def check_number_size(value: object, *, field: str) -> None:
    """Refuse a number such as "1e999999999" before it is read exactly: its digits would take hours to build."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            check_number_size(item, field=f"{field}.{key}")
        return
    if isinstance(value, str) and "/" not in value:
        try:
            value = decimal.Decimal(value.strip().replace("_", ""))
        except decimal.InvalidOperation:
            return
    if isinstance(value, decimal.Decimal) and value.is_finite() and value and abs(value.adjusted()) > MAX_EXPONENT:
        raise RuleViolation(f"{field} is out of range ({value:.3E}); give an ordinary number such as 12.5 or 1/3.")
