"""Proxies as the API and the pages show them: rows with names and whether each is in force, and the caps in force."""

from sqlmodel import Session, select

from governance import charter, proxies
from governance.clock import as_utc
from governance.models import Coalition, Member, Proxy

__all__ = ["caps_of", "proxy_rows"]


def caps_of(session: Session, coalition: Coalition) -> dict | None:
    """The charter's proxy caps in force (``max_weight_share`` as its exact text); None in set-up."""
    in_force = charter.charter_in_force(session, coalition)
    return dict(in_force.rules["proxy_caps"]) if in_force is not None else None


def proxy_rows(session: Session, coalition: Coalition, rows: list[Proxy]) -> list[dict]:
    """Each proxy's public fields, its members' slugs and names, and ``in_force``."""
    if not rows:
        return []
    ids = {p.grantor_id for p in rows} | {p.holder_id for p in rows}
    named = {m.id: m for m in session.exec(select(Member).where(Member.id.in_(sorted(ids))))}
    live = proxies.in_force_numbers(session, coalition=coalition)
    return [{
        "number": p.number, "grantor": named[p.grantor_id].slug, "grantor_name": named[p.grantor_id].name,
        "holder": named[p.holder_id].slug, "holder_name": named[p.holder_id].name, "scope": p.scope,
        "proposal": p.proposal_number, "kind": p.kind, "until": as_utc(p.until) if p.until else None,
        "status": p.status, "in_force": p.number in live, "granted_by": p.granted_by,
        "granted_at": as_utc(p.granted_at), "granted_log_index": p.granted_idx,
        "answered_at": as_utc(p.answered_at) if p.answered_at else None, "answered_log_index": p.answered_idx,
        "ended_at": as_utc(p.ended_at) if p.ended_at else None, "ended_log_index": p.ended_idx,
    } for p in rows]
