"""Rebuild app/locales/messages.pot from the code and templates, and list the messages a language still lacks.

    .venv/bin/python scripts/messages.py [LOCALE ...]     # default: every language but English

A translator adds each listed message to ``app/locales/<locale>/LC_MESSAGES/messages.po``; the pages' tests fail while
one is missing or a translation drops or renames a ``%(name)s`` placeholder.
"""

import sys
from pathlib import Path

from babel.messages.pofile import write_po

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.catalog import template, untranslated  # noqa: E402
from app.i18n import DEFAULT_LOCALE, LOCALES, LOCALES_DIR  # noqa: E402


def main(locales: list[str]) -> int:
    catalog = template()
    with (LOCALES_DIR / "messages.pot").open("wb") as handle:
        write_po(handle, catalog, width=120, no_location=True, omit_header=True)
    print(f"app/locales/messages.pot: {len(catalog)} messages")
    lacking = 0
    for locale in locales or [code for code in LOCALES if code != DEFAULT_LOCALE]:
        for message in untranslated(catalog, locale):
            print(f"{locale}: no translation for {message!r}")
            lacking += 1
    return 1 if lacking else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
