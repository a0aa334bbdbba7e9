"""A refused command's message is a catalog template with its values beside it, so pages can show it translated."""

import ast
import re
from pathlib import Path

import pytest

from babel.messages.pofile import read_po

from app.catalog import REFUSALS
from governance.errors import NotFound
from tests.pages.pagekit import busy_coalition, post_form, set_language, sign_in

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _refusals() -> list[tuple[str, ast.Call]]:
    found = []
    for folder in ("app", "governance"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.Call) and node.args and getattr(node.func, "id", None) in REFUSALS:
                    found.append((f"{path.relative_to(ROOT)}:{node.lineno}", node))
    return found


def _problem(call: ast.Call) -> str | None:
    template, names = call.args[0], {keyword.arg for keyword in call.keywords}
    if isinstance(template, ast.Constant) and isinstance(template.value, str):
        wanted = set(PLACEHOLDER.findall(template.value))
        if wanted != names:
            return f"placeholders {sorted(wanted)} but values {sorted(n for n in names if n)}"
        return None
    if isinstance(template, ast.Name | ast.Attribute | ast.Subscript):
        return None  # a constant (or a table of them) marked with N_ where defined, or a caught error's template
    return f"the message is built in place ({type(template).__name__}), so no catalog can translate it"


def test_every_refusal_message_is_a_template_with_exactly_its_values() -> None:
    calls = _refusals()
    problems = [f"{where}: {problem}" for where, call in calls if (problem := _problem(call))]

    assert len(calls) > 50  # the scan sees the code it is meant to check
    assert problems == []


def test_the_scan_catches_a_message_built_in_place_and_a_missing_value() -> None:
    built = ast.parse('NotFound(f"No member {slug}.")').body[0].value
    missing = ast.parse('NotFound("No member %(slug)s.")').body[0].value
    extra = ast.parse('NotFound("No member.", slug=slug)').body[0].value

    assert "built in place" in _problem(built)
    assert _problem(missing) == "placeholders ['slug'] but values []"
    assert _problem(extra) == "placeholders [] but values ['slug']"


@pytest.mark.parametrize("locale", ["ar", "sv"])
def test_every_translation_keeps_the_placeholders_of_its_message(locale: str) -> None:
    with (ROOT / f"app/locales/{locale}/LC_MESSAGES/messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    mismatched = []
    for message in catalog:
        if isinstance(message.id, tuple):  # Arabic's zero, one and two forms may say the number in words
            wanted = set(PLACEHOLDER.findall(message.id[-1]))
            mismatched += [(message.id[0], text) for text in message.string if set(PLACEHOLDER.findall(text)) - wanted]
        elif message.string and set(PLACEHOLDER.findall(message.string)) != set(PLACEHOLDER.findall(message.id)):
            mismatched.append((message.id, message.string))

    assert mismatched == []


def test_the_english_message_is_the_template_with_its_values_filled_in() -> None:
    error = NotFound("No proposal %(number)s in %(coalition)s.", number=7, coalition="WPN")
    plain = NotFound("No such page.")

    assert (error.message, str(error), error.params) == ("No proposal 7 in WPN.", "No proposal 7 in WPN.",
                                                          {"number": 7, "coalition": "WPN"})
    assert (plain.message, plain.template, plain.params) == ("No such page.", "No such page.", {})


@pytest.mark.parametrize(("weight", "shown", "english"), [
    ("-3", "لا يجوز أن يكون الوزن سالبًا؛ والقيمة المعطاة \u2068-3\u2069.", "must not be negative"),  # not "3-"
    # a refusal passing on why the number is bad: translated all through, each value isolated
    ("abc", "الوزن: \u2068\u2068&#39;abc&#39;\u2069 ليس عددًا (اكتبه هكذا: 3 أو 2.5 أو 7/3)\u2069.", "is not a number"),
])
def test_a_refusal_beside_a_field_is_in_arabic_for_an_arabic_visitor(client, clock, weight, shown, english) -> None:
    busy_coalition(client, clock.now)
    set_language(client, "ar")
    sign_in(client, "wpn-admin")

    response = post_form(client, "/c/wpn/admin/members", {"name": "Harbour Union", "weight": weight, "reason": "vote"},
                         page="/c/wpn/admin")

    assert response.status_code == 422 and 'id="admit-weight-error"' in response.text
    assert shown in response.text
    assert english not in response.text


@pytest.mark.parametrize(("locale", "shown", "not_shown"), [
    ("en", "Proposal #4 has no ballot yet; it is draft.", "مسودة"),
    ("ar", "لم يُفتح اقتراع على المقترح رقم \u20684\u2069 بعد؛ وحالته \u2068مسودة\u2069.", "no ballot yet"),
    ("sv", "Förslag nr 4 har ingen omröstning än; det är Utkast.", "no ballot yet"),
])
def test_an_error_page_naming_a_state_names_it_in_the_visitors_words(client, clock, locale, shown, not_shown) -> None:
    _, numbers = busy_coalition(client, clock.now)
    set_language(client, locale)
    sign_in(client, "rep-wpn-north")
    page = f"/c/wpn/proposals/{numbers['draft']}"

    response = post_form(client, f"{page}/vote", {"choice": "yes"}, page=page)

    assert numbers["draft"] == 4
    assert response.status_code == 404
    assert shown in response.text and not_shown not in response.text


def test_a_translation_that_does_not_fit_its_values_falls_back_to_the_english_message(client, clock) -> None:
    from types import SimpleNamespace

    from app.pages.common import error_text
    from app.templating import translator

    def slipped(message: str, **values: object) -> str:
        return translator("ar")[0]("%(nombre)s", **values) if values else message

    request = SimpleNamespace(state=SimpleNamespace(locale="ar", translate=slipped))
    error = NotFound("No proposal %(number)s in %(coalition)s.", number=7, coalition="WPN")

    assert error_text(request, error) == "No proposal 7 in WPN."
