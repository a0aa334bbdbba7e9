"""The demo's witnesses: three members register witness keys and cosign the log's last checkpoint with a governance
event, as their ``concord witness`` processes would. The keys come from a fixed seed per member, so a visitor can
run a witness as one of them (``witness_key_file``); only the public halves go to the server."""

import base64
import hashlib
from datetime import datetime, timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from governance import keys, witnesses
from governance.log.cosign import cosign, note_body, witness_name
from governance.log.notes import parse_checkpoint
from governance.log import public

__all__ = ["WITNESSES", "populate", "witness_key"]

WITNESSES = ("baghdad-dialogue", "nuba-peace-mothers", "beirut-peace-lab")


def witness_key(slug: str) -> Ed25519PrivateKey:
    """The demo witness key of member ``slug``: its seed is SHA-256 of a fixed text (a demo, never a real key)."""
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(f"concord demo witness {slug}".encode()).digest())


def populate(session, *, coalition, orgs, now: datetime, at) -> None:  # noqa: ANN001
    """Register the witness keys, then cosign the witnessed size with each, a few minutes apart."""
    by_slug = {member.slug: (member, rep) for member, rep in orgs}
    for step, slug in enumerate(WITNESSES):
        member, rep = by_slug[slug]
        public_key = base64.b64encode(witness_key(slug).public_key().public_bytes_raw()).decode()
        keys.register_key(session, coalition=coalition, actor=rep, member=member, public_key=public_key,
                          label="witness on the office server", purpose="witness",
                          now=at(now - timedelta(hours=6, minutes=20 - step)))
    size = witnesses.witnessed_size(session, coalition)
    body = note_body(public.checkpoint_at(session, coalition, size).note)
    origin = parse_checkpoint(body).origin
    for step, slug in enumerate(WITNESSES):
        moment = at(now - timedelta(minutes=50 - 17 * step))
        line = cosign(body, name=witness_name(origin, slug), private_key=witness_key(slug),
                      timestamp=int(moment.timestamp())).line()
        witnesses.submit_cosignature(session, coalition=coalition, size=size, line=line, now=moment)
