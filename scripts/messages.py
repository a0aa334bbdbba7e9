"""Rebuild app/locales/messages.pot from the code and templates, and list the messages a language still lacks.

    .venv/bin/python scripts/messages.py [LOCALE ...]     # default: every language but English

A translator adds each listed message to ``app/locales/<locale>/LC_MESSAGES/messages.po``; the pages' tests fail while
one is missing or a translation drops or renames a ``%(name)s`` placeholder.
"""

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.i18n import DEFAULT_LOCALE, LOCALES, LOCALES_DIR, MESSAGE_KEYWORDS, MESSAGE_SOURCES  # noqa: E402


def template() -> Catalog:
    catalog = Catalog(fuzzy=False)
    for _, _, message, _, context in extract_from_dir(str(ROOT), MESSAGE_SOURCES, keywords=MESSAGE_KEYWORDS):
        catalog.add(message, context=context)
    return catalog


def missing(catalog: Catalog, locale: str) -> list[str]:
    with (LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        translated = {m.id for m in read_po(handle, locale=locale) if m.id and all(
            m.string if isinstance(m.string, tuple) else [m.string])}
    return [m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id and m.id not in translated]


def main(locales: list[str]) -> int:
    catalog = template()
    with (LOCALES_DIR / "messages.pot").open("wb") as handle:
        write_po(handle, catalog, width=120, no_location=True, omit_header=True)
    print(f"app/locales/messages.pot: {len(catalog)} messages")
    lacking = 0
    for locale in locales or [code for code in LOCALES if code != DEFAULT_LOCALE]:
        for message in missing(catalog, locale):
            print(f"{locale}: no translation for {message!r}")
            lacking += 1
    return 1 if lacking else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
