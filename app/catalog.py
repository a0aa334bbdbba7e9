"""The message catalog's sources, for translators and tests: which calls in the code and templates are messages,
the catalog they make, and what a language still lacks. Not imported by the running service."""

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from app.i18n import LOCALES_DIR

__all__ = ["MESSAGE_KEYWORDS", "MESSAGE_SOURCES", "REFUSALS", "template", "untranslated"]

ROOT = Path(__file__).resolve().parents[1]
MESSAGE_SOURCES = [("app/**.py", "python"), ("governance/**.py", "python"), ("voting/exact.py", "python"),
                   ("templates/**.html", "jinja2")]
"""Where the catalog's messages are (Babel's method map, relative to the repository)."""
REFUSALS = ("DomainError", "NotFound", "Conflict", "RuleViolation", "Unauthorized", "Forbidden", "TooManyAttempts",
            "ChoiceError", "ExactNumberError")
"""The errors of refused commands: their first argument is a message template, shown translated on pages."""
MESSAGE_KEYWORDS = {"_": None, "N_": None, "translate": None, "ngettext": (1, 2), **dict.fromkeys(REFUSALS)}
"""The calls whose string arguments are messages (Babel's keywords)."""


def template() -> Catalog:
    """Every message of the code and templates, in the order found (a plural message's id is its two forms)."""
    catalog = Catalog(fuzzy=False)
    for _, _, message, _, context in extract_from_dir(str(ROOT), MESSAGE_SOURCES, keywords=MESSAGE_KEYWORDS):
        catalog.add(message, context=context)
    return catalog


def untranslated(catalog: Catalog, locale: str) -> list[str]:
    """The messages of ``catalog`` that ``locale``'s .po file lacks or leaves (a plural form of) empty."""
    with (LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        translated = {m.id for m in read_po(handle, locale=locale) if m.id and all(
            m.string if isinstance(m.string, tuple) else [m.string])}
    return [m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id and m.id not in translated]
