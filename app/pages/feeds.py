"""Atom feeds (RFC 4287) for people who follow without an account: one per coalition (proposals submitted, ballots
opened, results) and one per proposal, read from the public log, in the visitor's language (``?lang=`` for readers
that send no Accept-Language)."""

from datetime import UTC, datetime
from xml.etree import ElementTree

from fastapi import Request
from fastapi.responses import Response
from sqlmodel import select

from app.deps import SessionDep
from app.i18n import LOCALES
from app.outbox.render import render
from app.pages.common import CoalitionDep, coalition_pages
from governance import proposals
from governance.log.canonical import parse_event
from governance.models import Coalition, LogEntry, Proposal
from governance.notices import CAUSES, facts_of

router = coalition_pages()
ATOM = "http://www.w3.org/2005/Atom"
MAX_ENTRIES = 100
FEED_TYPES = ("proposal.created", "ballot.opened", "ballot.closed")  # the public events of proposals


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _events(session, coalition: Coalition, number: int | None) -> list[dict]:  # noqa: ANN001
    rows = session.exec(select(LogEntry.data).where(LogEntry.coalition_id == coalition.id,
                                                    LogEntry.type.in_(FEED_TYPES))
                        .order_by(LogEntry.idx.desc())).all()
    events = (parse_event(data) for data in rows)
    chosen = [e for e in events if number is None or e["body"]["number"] == number]
    return chosen[:MAX_ENTRIES]


def _feed(request: Request, session, coalition: Coalition, *, number: int | None, title: str) -> Response:  # noqa: ANN001
    locale = request.query_params.get("lang", "")
    locale = locale if locale in LOCALES else request.state.locale
    base = str(request.base_url).rstrip("/")
    titles = dict(session.exec(select(Proposal.number, Proposal.title).where(Proposal.coalition_id == coalition.id)).all())
    host = request.app.state.settings.log_host
    ElementTree.register_namespace("", ATOM)
    feed = ElementTree.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": locale})
    events = _events(session, coalition, number)
    updated = datetime.fromtimestamp(events[0]["ts"] / 1000, UTC) if events else coalition.created_at
    tail = f"/proposals/{number}" if number is not None else ""
    for name, value in (("id", f"tag:{host},2026:{coalition.slug}{tail}"), ("title", title),
                        ("updated", _rfc3339(updated))):
        ElementTree.SubElement(feed, f"{{{ATOM}}}{name}").text = value
    ElementTree.SubElement(ElementTree.SubElement(feed, f"{{{ATOM}}}author"), f"{{{ATOM}}}name").text = coalition.name
    ElementTree.SubElement(feed, f"{{{ATOM}}}link", rel="self", type="application/atom+xml",
                           href=f"{base}{request.url.path}")
    ElementTree.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", type="text/html",
                           href=f"{base}/c/{coalition.slug}{tail}")
    for event in events:
        body = event["body"]
        payload = {**facts_of(event["type"], body, title=titles.get(body["number"], "")),
                   "kind": CAUSES[event["type"]], "coalition": coalition.slug, "coalition_name": coalition.name}
        words = render(payload, locale=locale, time_zone="UTC", public_url=base)
        entry = ElementTree.SubElement(feed, f"{{{ATOM}}}entry")
        ElementTree.SubElement(entry, f"{{{ATOM}}}id").text = f"tag:{host},2026:{coalition.slug}/log/{event['idx']}"
        ElementTree.SubElement(entry, f"{{{ATOM}}}title").text = words.subject
        ElementTree.SubElement(entry, f"{{{ATOM}}}updated").text = _rfc3339(
            datetime.fromtimestamp(event["ts"] / 1000, UTC))
        ElementTree.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=words.links[0][1])
        ElementTree.SubElement(entry, f"{{{ATOM}}}summary").text = words.paragraphs[0]
    xml = ElementTree.tostring(feed, encoding="utf-8", xml_declaration=True)
    return Response(xml, media_type="application/atom+xml; charset=utf-8", headers={"Vary": "Accept-Language"})


@router.get("/feed.atom", name="coalition_feed")
def coalition_feed(request: Request, coalition: CoalitionDep, session: SessionDep) -> Response:
    title = request.state.translate("%(coalition)s: proposals, ballots and results", coalition=coalition.name)
    return _feed(request, session, coalition, number=None, title=title)


@router.get("/proposals/{number}/feed.atom", name="proposal_feed")
def proposal_feed(request: Request, number: int, coalition: CoalitionDep, session: SessionDep) -> Response:
    proposal = proposals.get_proposal(session, coalition=coalition, number=number)
    title = request.state.translate("%(coalition)s: proposal #%(number)s, %(title)s", coalition=coalition.name,
                                    number=number, title=proposal.title)
    return _feed(request, session, coalition, number=number, title=title)
