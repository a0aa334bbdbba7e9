"""Pages about notifications: a member's preferences, webhook endpoints (its own, the secretariat's), the dead
letters and the reminder setting of the secretariat, and one-click unsubscribe (RFC 8058)."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.outbox.webhooks import checked_url
from app.deps import NowDep, SessionDep
from app.i18n import LOCALES
from app.outbox.webhooks import new_secret
from app.pages.common import (AdminDep, CoalitionDep, FormDep, SignedInDep, coalition_pages, error_text, see_other,
                              text)
from app.templating import render
from governance import outbox, subscriptions
from governance.errors import N_, DomainError, Forbidden
from governance.notices import CHANNELS, KINDS, PUBLIC_KINDS

router = coalition_pages()
public = APIRouter(include_in_schema=False)

KIND_WORDS = {"proposal.submitted": N_("A proposal is submitted"), "ballot.opened": N_("A ballot opens"),
              "ballot.reminder": N_("A ballot closes soon and my organization has not voted"),
              "ballot.closed": N_("A ballot closes, with its result"),
              "proxy.addressed": N_("A member offers my organization its proxy, or answers ours"),
              "member.admitted": N_("A member is admitted"),
              "comment.reply": N_("Someone replies to my organization's comment"), "digest": N_("Daily digest"),
              "application.decided": N_("An applicant hears how its application was decided")}
CHANNEL_WORDS = {"email": N_("E-mail"), "webhook": N_("My webhooks")}
TIME_ZONES = ("UTC", "Africa/Cairo", "Africa/Khartoum", "Africa/Mogadishu", "Africa/Tripoli", "Asia/Aden",
              "Asia/Baghdad", "Asia/Beirut", "Asia/Damascus", "Europe/Berlin", "Europe/London", "Europe/Stockholm",
              "America/New_York")


def _mine(account, coalition) -> None:  # noqa: ANN001
    if account.coalition_id != coalition.id:
        raise Forbidden("Your account belongs to another coalition, not %(coalition)s.", coalition=coalition.name)


def _preferences(request: Request, session, coalition, account, *, errors=None, status: int = 200) -> Response:  # noqa: ANN001
    found = subscriptions.find_preference(session, account)
    off = set(found.off) if found else set()
    return render(request, "notifications/preferences.html", {
        "coalition": coalition, "preference": found, "off": off, "kinds": KINDS, "channels": CHANNELS,
        "kind_words": KIND_WORDS, "channel_words": CHANNEL_WORDS, "time_zones": TIME_ZONES,
        "errors": errors or {}, "saved": request.query_params.get("saved") == "1"}, status_code=status)


@router.get("/notifications", name="notification_preferences")
def preferences_page(request: Request, coalition: CoalitionDep, session: SessionDep, account: SignedInDep) -> Response:
    _mine(account, coalition)
    return _preferences(request, session, coalition, account)


@router.post("/notifications", name="save_notification_preferences")
def save_preferences(request: Request, form: FormDep, coalition: CoalitionDep, session: SessionDep,
                     account: SignedInDep, now: NowDep) -> Response:
    _mine(account, coalition)
    on = [f"{k}:{c}" for k in KINDS for c in CHANNELS if form.get(f"{k}:{c}") == "on"]
    try:
        subscriptions.save_preference(session, account=account, email=text(form, "email"),
                                      language=text(form, "language"), languages=LOCALES,
                                      time_zone=text(form, "time_zone"), digest=text(form, "digest") == "on", on=on,
                                      now=now)
    except DomainError as error:
        session.rollback()
        return _preferences(request, session, coalition, account, errors={"form": error_text(request, error)},
                            status=422)
    return see_other(f"/c/{coalition.slug}/notifications?saved=1")


def _webhooks(request: Request, session, coalition, account, *, secret=None, errors=None, values=None,  # noqa: ANN001
              status: int = 200) -> Response:
    own = subscriptions.list_endpoints(session, coalition=coalition, account=account)
    shared = subscriptions.list_endpoints(session, coalition=coalition, account=None) if account.role == "admin" else []
    return render(request, "notifications/webhooks.html", {
        "coalition": coalition, "own": own, "shared": shared, "secret": secret, "public_kinds": PUBLIC_KINDS,
        "kind_words": KIND_WORDS, "errors": errors or {}, "values": values or {}}, status_code=status)


@router.get("/webhooks", name="webhooks_page")
def webhooks_page(request: Request, coalition: CoalitionDep, session: SessionDep, account: SignedInDep) -> Response:
    _mine(account, coalition)
    return _webhooks(request, session, coalition, account)


@router.post("/webhooks", name="register_webhook_page")
def register_webhook(request: Request, form: FormDep, coalition: CoalitionDep, session: SessionDep,
                     account: SignedInDep, now: NowDep) -> Response:
    """The answer shows the new endpoint's secret, this once (so no redirect that would lose it)."""
    _mine(account, coalition)
    secretariat = text(form, "scope") == "secretariat"
    kinds = [k for k in PUBLIC_KINDS if form.get(k) == "on"]
    secret = new_secret()
    try:
        endpoint = subscriptions.register_endpoint(
            session, coalition=coalition, actor=account, url=checked_url(request, text(form, "url")), kinds=kinds,
            secret=secret, for_secretariat=secretariat, now=now)
    except DomainError as error:
        session.rollback()
        return _webhooks(request, session, coalition, account, errors={"url": error_text(request, error)},
                         values={"url": text(form, "url")}, status=422)
    return _webhooks(request, session, coalition, account, secret={"url": endpoint.url, "secret": secret},
                     status=201)


@router.post("/webhooks/{endpoint_id}/remove", name="remove_webhook_page")
def remove_webhook(endpoint_id: int, form: FormDep, coalition: CoalitionDep, session: SessionDep,
                   account: SignedInDep) -> Response:
    subscriptions.remove_endpoint(session, coalition=coalition, actor=account, endpoint_id=endpoint_id)
    return see_other(f"/c/{coalition.slug}/webhooks")


def _outbox(request: Request, session, coalition, *, errors=None, status: int = 200) -> Response:  # noqa: ANN001
    dead = outbox.dead_letters(session, coalition=coalition)
    return render(request, "notifications/outbox.html", {
        "coalition": coalition, "dead": dead, "attempts": outbox.attempts_of(session, dead),
        "reminder_hours": outbox.get_reminder_hours(session, coalition), "kind_words": KIND_WORDS,
        "channel_words": CHANNEL_WORDS, "errors": errors or {}}, status_code=status)


@router.get("/admin/outbox", name="admin_outbox")
def outbox_page(request: Request, coalition: CoalitionDep, session: SessionDep, admin: AdminDep) -> Response:
    return _outbox(request, session, coalition)


@router.post("/admin/outbox/{notification_id}/send-again", name="send_again_page")
def send_again(notification_id: int, form: FormDep, coalition: CoalitionDep, session: SessionDep, admin: AdminDep,
               now: NowDep) -> Response:
    outbox.send_again(session, coalition=coalition, actor=admin, notification_id=notification_id, now=now)
    return see_other(f"/c/{coalition.slug}/admin/outbox")


@router.post("/admin/outbox/reminder", name="set_reminder_page")
def set_reminder(request: Request, form: FormDep, coalition: CoalitionDep, session: SessionDep,
                 admin: AdminDep) -> Response:
    hours = text(form, "hours").strip()
    if not hours.isdigit():
        message = request.state.translate("Give the hours as a whole number, such as 24.")
        return _outbox(request, session, coalition, errors={"hours": message}, status=422)
    try:
        outbox.set_reminder_hours(session, coalition=coalition, actor=admin, hours=int(hours))
    except DomainError as error:
        session.rollback()
        return _outbox(request, session, coalition, errors={"hours": error_text(request, error)}, status=422)
    return see_other(f"/c/{coalition.slug}/admin/outbox")


@public.get("/unsubscribe/{token}", name="unsubscribe_page")
def unsubscribe_page(request: Request, token: str, session: SessionDep) -> Response:
    """A link opened in a browser (or fetched by a mail scanner) changes nothing: it shows a button."""
    subscriptions.get_by_token(session, token)
    kind = request.query_params.get("kind", "")
    return render(request, "notifications/unsubscribe.html", {
        "token": token, "kind": kind if kind in KINDS else "", "kind_words": KIND_WORDS, "done": False})


@public.post("/unsubscribe/{token}", name="unsubscribe")
def unsubscribe(request: Request, token: str, session: SessionDep, now: NowDep) -> Response:
    """RFC 8058 one-click: a POST of ``List-Unsubscribe=One-Click`` (no cookie, no CSRF token: the unguessable link
    is the credential, and it can only turn e-mails off)."""
    kind = request.query_params.get("kind")
    subscriptions.unsubscribe(session, token=token, kind=kind, now=now)
    return render(request, "notifications/unsubscribe.html", {
        "token": token, "kind": kind if kind in KINDS else "", "kind_words": KIND_WORDS, "done": True})
