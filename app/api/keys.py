"""Member keys: a representative registers and revokes its organization's Ed25519 public keys; anyone reads them."""

from fastapi import status

from app.api.common import coalition_router
from app.api.schemas import KeyCreate, KeyList, KeyPublic
from app.deps import CurrentAccountDep, NowDep, SessionDep
from governance import coalitions, keys, members
from governance.models import Member, MemberKey

router = coalition_router("members")


def key_public(key: MemberKey, member: Member) -> KeyPublic:
    return KeyPublic(member=member.slug, key_id=key.key_id, public_key=key.public_key, label=key.label,
                     purpose=key.purpose, active=key.revoked_idx is None, registered_by=key.registered_by,
                     registered_at=key.registered_at, log_index=key.registered_idx, revoked_at=key.revoked_at,
                     revoked_log_index=key.revoked_idx)


@router.get("/members/{member}/keys", response_model=KeyList)
def list_keys(slug: str, member: str, session: SessionDep) -> KeyList:
    """The member's public keys, active and revoked, in the order they were registered."""
    coalition = coalitions.get_coalition(session, slug)
    row = members.get_member(session, coalition=coalition, slug=member)
    return KeyList(items=[key_public(key, row) for key in keys.list_keys(session, coalition=coalition, member=row)],
                   last_seq=row.vote_seq)


@router.post("/members/{member}/keys", status_code=status.HTTP_201_CREATED, response_model=KeyPublic)
def register_key(slug: str, member: str, body: KeyCreate, session: SessionDep, account: CurrentAccountDep,
                 now: NowDep) -> KeyPublic:
    """Register a public key of your organization (its representatives only): to sign votes, or to cosign
    checkpoints as a witness. Make the key with `concord keys new` or on your account page."""
    coalition = coalitions.get_coalition(session, slug)
    row = members.get_member(session, coalition=coalition, slug=member)
    key = keys.register_key(session, coalition=coalition, actor=account, member=row, public_key=body.public_key,
                            label=body.label, purpose=body.purpose, now=now)
    return key_public(key, row)


@router.post("/members/{member}/keys/{key_id}/revoke", response_model=KeyPublic)
def revoke_key(slug: str, member: str, key_id: str, session: SessionDep, account: CurrentAccountDep,
               now: NowDep) -> KeyPublic:
    """Revoke one of your organization's keys (its representatives only); what it signed before stays valid."""
    coalition = coalitions.get_coalition(session, slug)
    row = members.get_member(session, coalition=coalition, slug=member)
    key = keys.revoke_key(session, coalition=coalition, actor=account, member=row, key_id=key_id, now=now)
    return key_public(key, row)
