"""What the page routes share: routers, the posted form, the signed-in account, redirects, field errors."""

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData

from app.csrf import verified_form
from app.deps import SessionDep, settle_due
from app.i18n import DEFAULT_LOCALE, format_number, isolate
from app.pages.words import WORDS_OF_VALUES
from governance import coalitions
from governance.errors import DomainError, Forbidden
from governance.models import Account, Coalition

FormDep = Annotated[FormData, Depends(verified_form)]


class SignInRequired(Exception):
    """A page for signed-in people only: the visitor goes to the sign-in form and comes back."""


def coalition_pages() -> APIRouter:
    return APIRouter(prefix="/c/{slug}", dependencies=[Depends(settle_due)], include_in_schema=False)


def page_account(request: Request, session: SessionDep) -> Account | None:
    account_id = getattr(request.state, "page_account_id", None)
    return session.get(Account, account_id) if account_id is not None else None


PageAccountDep = Annotated[Account | None, Depends(page_account)]


def signed_in(account: PageAccountDep) -> Account:
    if account is None:
        raise SignInRequired()
    return account


SignedInDep = Annotated[Account, Depends(signed_in)]


def coalition_of(session: SessionDep, slug: str) -> Coalition:
    return coalitions.get_coalition(session, slug)


CoalitionDep = Annotated[Coalition, Depends(coalition_of)]


def admin_of(account: SignedInDep, coalition: CoalitionDep) -> Account:
    if account.coalition_id != coalition.id or account.role != "admin":
        raise Forbidden("Only an admin of %(coalition)s can see this page.", coalition=coalition.name)
    return account


AdminDep = Annotated[Account, Depends(admin_of)]


def see_other(url: str) -> RedirectResponse:
    """Post/Redirect/Get: a 303 to the page that shows the result."""
    return RedirectResponse(url, status_code=303)


def field_of(error: DomainError, fields: tuple[str, ...]) -> str:
    """The form field a domain error is about (named at the start of its message), else the whole form."""
    message = error.message.lower()
    for field in fields:
        words = field.replace("_", " ")
        if message.startswith((words, f"the {words}", f"a {words}")) or f"{words}:" in message:
            return field
    return "form"


def error_text(request: Request, error: DomainError) -> str:
    """A refused command's message in the visitor's language: whole numbers in the locale's digits, the stored words
    it names (a state, a kind, a status) in the visitor's words, each value isolated in a right-to-left sentence; the
    English message if the catalog's translation does not fit the values (a translator's slip must not be a 500)."""
    locale, translate = request.state.locale, request.state.translate
    values = {name: _shown_value(name, value, locale, translate) for name, value in error.params.items()}
    try:
        return translate(error.template, **values)
    except (KeyError, ValueError, TypeError):
        return error.message


def _shown_value(name: str, value: object, locale: str, translate: Callable[..., str]) -> object:
    words = WORDS_OF_VALUES.get(name, {})
    if isinstance(getattr(value, "template", None), str):  # the refusal of a part: "weight: <why the number is bad>"
        shown = translate(value.template, **{part: _shown_value(part, inner, locale, translate)
                                             for part, inner in value.params.items()})
    elif type(value) is int:
        shown = format_number(value, locale)
    elif locale != DEFAULT_LOCALE and isinstance(value, str) and value in words:
        shown = translate(words[value])  # "draft" in the English message, "مسودة" in the Arabic one
    else:
        shown = str(value)
    return isolate(shown, locale)


def text(form: FormData, name: str) -> str:
    value = form.get(name, "")
    return value if isinstance(value, str) else ""
