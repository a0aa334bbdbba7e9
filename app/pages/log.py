"""The public log: each entry as a sentence (filtered, paged), its technical view, the signed checkpoint, the members'
witnesses, how to verify."""

from datetime import UTC, datetime
from urllib.parse import urlencode

from babel.dates import format_timedelta
from fastapi import FastAPI, Request
from fastapi.responses import Response
from sqlmodel import Session, col, select

from app.deps import SessionDep
from app.pages.common import CoalitionDep, coalition_pages
from app.pages.story import Teller, label, tell
from app.templating import display_zone, moment, render, translator
from governance import witnesses
from governance.charter import charter_in_force, settings
from governance.log import browse, store
from governance.models import Account, Checkpoint, Coalition, Member, Proposal

router = coalition_pages()
PAGE_SIZE = 20
INLINE_JSON = 1000
"""Entries up to this many bytes show their JSON on the page; longer ones (a ballot's opening or count) a beginning
and a link to the whole entry, so a page of the log stays light on a phone."""


def export_url(request: Request, slug: str) -> str:
    """The address of the log's export archive (tar.gz)."""
    return _path(request.app, "export_log", slug=slug)


def _path(app: FastAPI, name: str, **params: str) -> str:
    """``app.url_path_for``, remembered by the app (a few paths per coalition): it walks every route, raising and
    catching a NoMatchFound for each one that is not it, about 3 ms a call in FastAPI 0.165 (22 calls were half the
    time of a log page)."""
    known = getattr(app.state, "log_page_paths", None)
    if known is None:
        known = app.state.log_page_paths = {}
    key = (name, *sorted(params.items()))
    if key not in known:
        known[key] = str(app.url_path_for(name, **params))
    return known[key]


def _moment(value: object) -> datetime | None:
    if isinstance(value, str):
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value if isinstance(value, datetime) else None


def _teller(request: Request, session: Session, coalition: Coalition, events: list[dict]) -> Teller:
    """A teller that knows the names behind the slugs, usernames and proposal numbers of ``events``."""
    bodies = [event.get("body") or {} for event in events]
    usernames = {str(body["actor"]) for body in bodies if body.get("actor")}
    numbers = {body["number"] for body in bodies if isinstance(body.get("number"), int)}
    members = {slug: name for slug, name in session.exec(select(Member.slug, Member.name).where(
        Member.coalition_id == coalition.id))}
    member_ids = {mid: slug for mid, slug in session.exec(select(Member.id, Member.slug).where(
        Member.coalition_id == coalition.id))}
    accounts = {name: (role, member_ids.get(mid)) for name, role, mid in session.exec(
        select(Account.username, Account.role, Account.member_id).where(
            Account.coalition_id == coalition.id, col(Account.username).in_(usernames)))} if usernames else {}
    closed = set(session.exec(select(Proposal.number).where(
        Proposal.coalition_id == coalition.id, col(Proposal.number).in_(numbers), Proposal.state == "closed"))
    ) if numbers else set()
    gettext, _ = translator(request.state.locale)
    members_page = _path(request.app, "members_page", slug=coalition.slug)
    proposals = _path(request.app, "proposal_page", slug=coalition.slug, number="0").removesuffix("/0")
    return Teller(
        locale=request.state.locale, gettext=gettext,
        when=lambda value: moment(_moment(value), locale=request.state.locale, zone=display_zone(request, coalition)),
        proposal_url=lambda number: f"{proposals}/{number}",
        member_url=lambda slug: f"{members_page}#member-{slug}",
        member_names=members, accounts=accounts, closed_numbers=frozenset(closed))


def _filter(proposal: str, member: str, kind: str) -> browse.EntryFilter:
    number = int(proposal) if proposal.isdigit() else None
    return browse.EntryFilter(type=kind or None, number=number, member=member or None)


def _choices(request: Request, session: Session, coalition: Coalition) -> dict:
    gettext, _ = translator(request.state.locale)
    return {
        "proposals": session.exec(select(Proposal.number, Proposal.title).where(
            Proposal.coalition_id == coalition.id).order_by(Proposal.number)).all(),
        "members": session.exec(select(Member.slug, Member.name).where(
            Member.coalition_id == coalition.id).order_by(Member.name)).all(),
        "kinds": [(kind, label(kind, gettext)) for kind in browse.entry_types(session, coalition)],
    }


def _witnesses(request: Request, session: Session, coalition: Coalition) -> dict:
    """Per member witness: up to which size it cosigned and how long ago; the quorum; the last witnessed note."""
    now = request.app.state.clock()
    rows = [{"member": record.member, "size": record.size, "when": record.received_at,
             "ago": format_timedelta(record.received_at - now, add_direction=True, locale=request.state.locale)
             if record.received_at else None} for record in witnesses.witness_records(session, coalition)]
    charter = charter_in_force(session, coalition)
    witnessed = witnesses.witnessed_size(session, coalition)
    cosigned = witnesses.cosigned_note(session, coalition, witnessed) if any(
        row["size"] == witnessed for row in rows) else None
    return {"witness_rows": rows, "witness_quorum": settings(charter).witness_quorum if charter else 0,
            "witnessed_size": witnessed, "witnessed_note": cosigned}


@router.get("/log", name="log_page")
def log_page(request: Request, coalition: CoalitionDep, session: SessionDep, page: int = 1, proposal: str = "",
             member: str = "", kind: str = "") -> Response:
    wanted = _filter(proposal, member, kind)
    page = max(page, 1)
    found = browse.read_page(session, coalition=coalition, wanted=wanted, page=page, size=PAGE_SIZE)
    size = store.log_size(session, coalition)
    teller = _teller(request, session, coalition, [event for _, event in found.entries])
    entries = [{"index": row.idx, "type": row.type, "when": datetime.fromtimestamp(event["ts"] / 1000, tz=UTC),
                "sentence": tell(event, teller), "json": row.data.decode(), "leaf": row.leaf_hash.hex()}
               for row, event in found.entries]
    checkpoint = session.exec(select(Checkpoint).where(Checkpoint.coalition_id == coalition.id)
                              .order_by(Checkpoint.size.desc()).limit(1)).first()
    kept = {key: value for key, value in (("proposal", proposal), ("member", member), ("kind", kind)) if value}
    htmx = request.headers.get("hx-request") == "true"
    return render(request, "log/index.html", {
        "coalition": coalition, "entries": entries, "size": size, "page": page, "has_older": found.has_older,
        "filters": kept, "page_query": lambda n: "?" + urlencode({**kept, "page": n}),
        "proof_size": checkpoint.size if checkpoint else size, **_choices(request, session, coalition),
        "checkpoint": checkpoint, "export_url": export_url(request, coalition.slug),
        "public_key": request.app.state.log_keys.verifier_key(coalition.slug),
        "site_url": str(request.base_url).rstrip("/"), "INLINE_JSON": INLINE_JSON,
        **({} if htmx else _witnesses(request, session, coalition)),
    }, block="entries" if htmx else None)
