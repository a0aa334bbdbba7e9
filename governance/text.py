"""Slugs and checked user text."""

import re
import unicodedata

from governance.errors import RuleViolation

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
