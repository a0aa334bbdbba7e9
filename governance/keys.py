"""Member keys: the Ed25519 public keys a member's representatives register to sign votes or cosign checkpoints.

A key's id is the lowercase hex SHA-256 of its raw 32-byte public key (``governance.log.signing.key_id_of``); the
public key travels as standard base64 of those 32 bytes. Keys are made where the representative is (the browser,
``concord keys new``): the server only ever sees the public half. Registering and revoking are log events
(``key.registered``, ``key.revoked``), so the verifier knows which key was active at every entry of the log.
"""

from datetime import datetime

from sqlmodel import Session, select

from governance.errors import N_, Conflict, Forbidden, NotFound, RuleViolation
from governance.log import store
from governance.log.signing import KEY_PURPOSES, SigningError, decode_public_key, key_id_of
from governance.models import Account, Coalition, Member, MemberKey
from governance.text import clean_text

__all__ = ["find_active_key", "find_key", "get_member_key", "list_keys", "register_key", "revoke_key"]

CLOSED_STATUSES = ("left", "expelled")


def _require_representative(actor: Account, coalition: Coalition, member: Member, message: str) -> None:
    if actor.coalition_id != coalition.id or actor.role != "representative" or actor.member_id != member.id:
        raise Forbidden(message, member=member.name)


def find_key(session: Session, *, coalition: Coalition, key_id: str) -> MemberKey | None:
    """The coalition's key with this id, active or revoked."""
    return session.exec(select(MemberKey).where(MemberKey.coalition_id == coalition.id,
                                                MemberKey.key_id == key_id)).first()


def find_active_key(session: Session, *, coalition: Coalition, key_id: str, purpose: str) -> MemberKey | None:
    """The coalition's key with this id and purpose, if it is registered and not revoked."""
    key = find_key(session, coalition=coalition, key_id=key_id)
    return key if key is not None and key.revoked_idx is None and key.purpose == purpose else None


def get_member_key(session: Session, *, coalition: Coalition, member: Member, key_id: str) -> MemberKey:
    key = find_key(session, coalition=coalition, key_id=key_id)
    if key is None or key.member_id != member.id:
        raise NotFound("%(member)s has no key %(key_id)s.", member=member.name, key_id=key_id)
    return key


def list_keys(session: Session, *, coalition: Coalition, member: Member | None = None) -> list[MemberKey]:
    """The coalition's keys (or one member's), active and revoked, in the order they were registered."""
    query = select(MemberKey).where(MemberKey.coalition_id == coalition.id)
    if member is not None:
        query = query.where(MemberKey.member_id == member.id)
    return list(session.exec(query.order_by(MemberKey.registered_idx)))


def _checked_key(public_key: object, label: object, purpose: object) -> tuple[bytes, str, str]:
    try:
        raw = decode_public_key(public_key)
    except SigningError as error:
        raise RuleViolation("public_key: %(problem)s; send the base64 of the raw 32-byte Ed25519 public key.",
                            problem=str(error)) from None
    if purpose not in KEY_PURPOSES:
        raise RuleViolation("purpose must be one of %(purposes)s; got %(purpose)s.", purposes=", ".join(KEY_PURPOSES),
                            purpose=repr(purpose))
    return raw, clean_text(str(label), field="label", max_length=100), str(purpose)


def register_key(session: Session, *, coalition: Coalition, actor: Account, member: Member, public_key: str,
                 label: str, purpose: str = "vote", now: datetime) -> MemberKey:
    """Stage a member's new public key and its ``key.registered`` event; only its own representative registers."""
    _require_representative(actor, coalition, member, N_("Only a representative of %(member)s can register its keys."))
    raw, label, purpose = _checked_key(public_key, label, purpose)
    store.lock_head(session, coalition)
    session.refresh(member)
    if member.status in CLOSED_STATUSES:
        raise Conflict("%(member)s is no longer a member; it cannot register keys.", member=member.name)
    key_id = key_id_of(raw)
    existing = find_key(session, coalition=coalition, key_id=key_id)
    if existing is not None:
        if existing.revoked_idx is not None:
            raise Conflict("This key (%(key_id)s) was revoked in %(coalition)s; make a new key.", key_id=key_id,
                           coalition=coalition.name)
        raise Conflict("This key (%(key_id)s) is already registered in %(coalition)s.", key_id=key_id,
                       coalition=coalition.name)
    entry = store.append(session, coalition=coalition, type="key.registered", body={
        "member": member.slug, "key_id": key_id, "public_key": public_key, "label": label, "purpose": purpose,
        "actor": actor.username})
    key = MemberKey(coalition_id=coalition.id, member_id=member.id, key_id=key_id, public_key=public_key, label=label,
                    purpose=purpose, registered_by=actor.username, registered_idx=entry.idx, registered_at=now)
    session.add(key)
    session.flush()
    return key


def revoke_key(session: Session, *, coalition: Coalition, actor: Account, member: Member, key_id: str,
               now: datetime) -> MemberKey:
    """Stage the revocation of a member's key and its ``key.revoked`` event; signatures it made before stay valid."""
    _require_representative(actor, coalition, member, N_("Only a representative of %(member)s can revoke its keys."))
    store.lock_head(session, coalition)
    key = get_member_key(session, coalition=coalition, member=member, key_id=key_id)
    session.refresh(key)
    if key.revoked_idx is not None:
        raise Conflict("The key %(key_id)s of %(member)s is already revoked.", key_id=key_id, member=member.name)
    entry = store.append(session, coalition=coalition, type="key.revoked", body={
        "member": member.slug, "key_id": key_id, "actor": actor.username})
    key.revoked_by, key.revoked_idx, key.revoked_at = actor.username, entry.idx, now
    session.add(key)
    session.flush()
    return key
