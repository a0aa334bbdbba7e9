"""Slugs and checked user text."""

import decimal
import re
import unicodedata
from collections.abc import Mapping
from typing import Literal

from governance.errors import N_, RuleViolation

MAX_EXPONENT = 100
MAX_DIGITS = 100
"""Digits a number may have, as JSON or as text ("1/3", "12.5"): an id, a count, a weight or a share needs far fewer."""
SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
INVALID_SLUG = {
    "Coalition": N_("Coalition slug %(slug)s is not valid: use 1 to 64 lowercase letters, digits and dashes, "
                    "starting and ending with a letter or digit."),
    "Member": N_("Member slug %(slug)s is not valid: use 1 to 64 lowercase letters, digits and dashes, "
                 "starting and ending with a letter or digit."),
}
"""The refusal of a slug, a whole sentence for each thing that has one, so it translates as one."""


def slugify(name: str, *, fallback: str) -> str:
    """ASCII slug of ``name`` ("Women's Peace Forum" -> "womens-peace-forum"), or ``fallback`` when none remains."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower().replace("'", "")).strip("-")[:60].strip("-")
    return slug or fallback


def check_slug(slug: str, *, what: Literal["Coalition", "Member"]) -> str:
    if not SLUG_PATTERN.match(slug):
        raise RuleViolation(INVALID_SLUG[what], slug=repr(slug))
    return slug


def clean_text(value: str, *, field: str, max_length: int, required: bool = True) -> str:
    text = value.strip()
    if required and not text:
        raise RuleViolation("%(field)s must not be empty.", field=field)
    if len(text) > max_length:
        raise RuleViolation("%(field)s is %(length)s characters long; the limit is %(limit)s.", field=field,
                            length=len(text), limit=max_length)
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\r\t" for ch in text):
        raise RuleViolation("%(field)s contains control characters.", field=field)
    return text


def check_number_size(value: object, *, field: str) -> None:
    """Refuse a number such as "1e999999999" before it is read exactly: its digits would take hours to build."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            check_number_size(item, field=f"{field}.{key}")
        return
    if isinstance(value, str) and len(value) > MAX_DIGITS and sum(map(str.isdigit, value)) > MAX_DIGITS:
        raise RuleViolation("%(field)s has more than %(digits)s digits; give an ordinary number such as 12.5 or 1/3.",
                            field=field, digits=MAX_DIGITS)
    if isinstance(value, str) and "/" not in value:
        try:
            value = decimal.Decimal(value.strip().replace("_", ""))
        except decimal.InvalidOperation:
            return
    if isinstance(value, decimal.Decimal) and value.is_finite() and value and abs(value.adjusted()) > MAX_EXPONENT:
        raise RuleViolation("%(field)s is out of range (%(value)s); give an ordinary number such as 12.5 or 1/3.",
                            field=field, value=format(value, ".3E"))
