"""A notification in words: subject, paragraphs and links in the recipient's language and time zone."""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date, format_time
from markupsafe import escape

from app.i18n import LOCALES, direction, format_number, join_names, translations
from governance.errors import N_

__all__ = ["Rendered", "link_of", "render"]

SUBJECTS = {
    "proposal.submitted": N_("[%(coalition)s] New proposal #%(number)s: %(title)s"),
    "ballot.opened": N_("[%(coalition)s] Vote open on #%(number)s: %(title)s"),
    "ballot.reminder": N_("[%(coalition)s] Not voted yet: #%(number)s closes %(closes)s"),
    "ballot.closed": N_("[%(coalition)s] Result of #%(number)s: %(outcome)s"),
    "member.admitted": N_("[%(coalition)s] New member: %(name)s"),
    "comment.reply": N_("[%(coalition)s] %(name)s replied to your comment on #%(number)s"),
    "application.decided": N_("[%(coalition)s] Your application to join: %(outcome)s"),
    "digest": N_("[%(coalition)s] Your daily digest: %(count)s notifications"),
    "proxy.granted": N_("[%(coalition)s] %(grantor)s offers you its proxy #%(proxy)s"),
    "proxy.accepted": N_("[%(coalition)s] %(holder)s accepted your proxy #%(proxy)s"),
    "proxy.declined": N_("[%(coalition)s] %(holder)s declined your proxy #%(proxy)s"),
}
LEADS = {
    "proposal.submitted": N_("Proposal #%(number)s, %(title)s, was submitted to %(coalition)s."),
    "ballot.opened": N_("The ballot on proposal #%(number)s, %(title)s, is open until %(closes)s."),
    "ballot.reminder": N_("Your organization has not voted yet on proposal #%(number)s, %(title)s. The ballot closes "
                          "at %(closes)s."),
    "ballot.closed": N_("The ballot on proposal #%(number)s, %(title)s, has closed. %(outcome)s: %(line)s."),
    "proxy.granted": N_("%(grantor)s offers your organization its proxy #%(proxy)s: your organization would vote for "
                        "it. Accept or decline it on the proxies page; the charter's limits apply."),
    "proxy.accepted": N_("%(holder)s accepted proxy #%(proxy)s and may now vote for your organization within its "
                         "scope. Your own vote always overrides it until a ballot closes."),
    "proxy.declined": N_("%(holder)s declined proxy #%(proxy)s; you may grant your proxy to another member."),
    "member.admitted": N_("%(name)s was admitted to %(coalition)s as a member."),
    "comment.reply": N_("%(name)s replied to your organization's comment on proposal #%(number)s, %(title)s."),
    "application.decided": N_("The ballot on admitting %(name)s to %(coalition)s has closed: %(outcome)s. %(name)s is "
                              "not admitted."),
}
ACTIONS = {"proposal.submitted": N_("Read it"), "ballot.opened": N_("Vote"), "ballot.reminder": N_("Vote"),
           "ballot.closed": N_("See the result"), "proxy.granted": N_("See the proxies"),
           "proxy.accepted": N_("See the proxies"), "proxy.declined": N_("See the proxies"),
           "member.admitted": N_("See the members"), "comment.reply": N_("Read the reply"),
           "application.decided": N_("Read the proposal")}
APPLICANT_LEADS = {
    "passed": N_("The members of %(coalition)s voted to admit %(name)s. Welcome: the secretariat will be in touch about "
                 "accounts for your representatives."),
    "declined": N_("%(coalition)s declined the application of %(name)s. The reason given: %(reason)s"),
}
APPLICANT_OTHER = LEADS["application.decided"]
DECLINED = N_("Declined")
APPLICANT_WHY = N_("You get this once because your organization applied to join %(coalition)s and gave this address.")
WHY = N_("You get this because your account at %(coalition)s asked for it. Choose what you hear about: %(url)s")
UNSUBSCRIBE = N_("Stop these e-mails: %(url)s")
VOTED_LINE = N_("%(voted)s of %(eligible)s members voted")
WINNERS_LINE = N_("elected or chosen: %(names)s")


@dataclass(frozen=True)
class Rendered:
    subject: str
    paragraphs: tuple[str, ...]
    links: tuple[tuple[str, str], ...]  # (words, url)
    locale: str

    @property
    def text(self) -> str:
        return "\n\n".join([*self.paragraphs, *(f"{words}: {url}" for words, url in self.links)]) + "\n"

    @property
    def html(self) -> str:
        parts = [f"<p>{escape(p)}</p>" for p in self.paragraphs]
        parts += [f'<p><a href="{escape(url)}">{escape(words)}</a></p>' for words, url in self.links]
        return (f'<!doctype html><html lang="{self.locale}" dir="{direction(self.locale)}"><body>'
                + "".join(parts) + "</body></html>")


def link_of(payload: dict, public_url: str) -> str:
    """Where a notification points: the reply, the members' page for an admission, else the proposal's page."""
    base = f"{public_url.rstrip('/')}/c/{payload['coalition']}"
    if "proxy" in payload:
        return f"{base}/proxies#proxy-{payload['proxy']}"
    if payload.get("kind") == "comment.reply":
        return f"{base}/comments/{payload['comment']}"
    if payload.get("kind") == "member.admitted":
        return f"{base}/members"
    return f"{base}/proposals/{payload['number']}" if "number" in payload else base


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def when(text: str, *, locale: str, time_zone: str) -> str:
    """An ISO moment in the recipient's time zone: the locale's long date and short time, and the zone's name."""
    moment = datetime.fromisoformat(text).astimezone(_zone(time_zone))
    return f"{format_date(moment, 'long', locale=locale)} {format_time(moment, 'short', locale=locale)} ({time_zone})"


def result_line(payload: dict, gettext, locale: str) -> str:  # noqa: ANN001
    """A result in one line: the votes by choice (or the winners) and how many took part."""
    from app.pages.words import CHOICES  # not at import: app.pages imports the feeds, which import this module

    parts = []
    if payload.get("winners"):
        parts.append(gettext(WINNERS_LINE) % {"names": join_names(payload["winners"], locale)})
    for choice, count in payload.get("counts", {}).items():
        parts.append(f"{gettext(CHOICES.get(choice, choice))} {format_number(count, locale)}")
    if payload.get("eligible") is not None:
        parts.append(gettext(VOTED_LINE) % {"voted": format_number(payload.get("voted", 0), locale),
                                            "eligible": format_number(payload["eligible"], locale)})
    return ", ".join(parts) if locale != "ar" else "، ".join(parts)


def render(payload: dict, *, locale: str, time_zone: str, public_url: str) -> Rendered:
    """One notification (``payload`` as the outbox holds it) in ``locale``."""
    locale = locale if locale in LOCALES else "en"
    gettext = translations(locale).gettext
    kind = payload["kind"] if payload["kind"] != "proxy.addressed" else f"proxy.{payload['event']}"
    values = {"coalition": payload["coalition_name"], "number": format_number(payload.get("number", 0), locale),
              "title": payload.get("title", ""), "proxy": format_number(payload.get("proxy", 0), locale),
              "grantor": payload.get("grantor", ""), "holder": payload.get("holder", ""), "name": payload.get("name", "")}
    if "closes_at" in payload:
        values["closes"] = when(payload["closes_at"], locale=locale, time_zone=time_zone)
    if kind in ("ballot.closed", "application.decided"):
        from app.pages.words import OUTCOMES

        values["outcome"] = gettext({**OUTCOMES, "declined": DECLINED}.get(payload["outcome"], payload["outcome"]))
    if kind == "ballot.closed":
        values["line"] = result_line(payload, gettext, locale)
    lead = LEADS[kind]
    if kind == "application.decided":
        values["reason"] = payload.get("reason", "")
        lead = APPLICANT_LEADS.get(payload["outcome"], APPLICANT_OTHER)
    link = link_of(payload, public_url)
    links = ((gettext(ACTIONS[kind]), link),) if "number" in payload or kind != "application.decided" else ()
    return Rendered(subject=gettext(SUBJECTS[kind]) % values, paragraphs=(gettext(lead) % values,), links=links,
                    locale=locale)


def render_digest(items: list[dict], *, locale: str, time_zone: str, public_url: str) -> Rendered:
    """Several notifications in one message: each one's first paragraph and link."""
    locale = locale if locale in LOCALES else "en"
    gettext = translations(locale).gettext
    singles = [render(item, locale=locale, time_zone=time_zone, public_url=public_url) for item in items]
    subject = gettext(SUBJECTS["digest"]) % {"coalition": items[0]["coalition_name"],
                                             "count": format_number(len(items), locale)}
    return Rendered(subject=subject, paragraphs=tuple(s.paragraphs[0] for s in singles),
                    links=tuple(s.links[0] for s in singles), locale=locale)
