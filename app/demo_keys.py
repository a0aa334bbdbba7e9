"""The demo's member keys: four organizations register a key after the charter is adopted and sign their votes.

The private keys are derived from a fixed seed here, standing in for keys made in each representative's browser;
only their public halves go to the service, as for real members.
"""

import base64
import hashlib
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from governance import ballots, keys, signed_votes
from governance.log.recount import check_choice
from governance.log.signing import sign_vote

__all__ = ["register", "signature_for"]

SIGNERS = {  # member slug: the label its representative gave the key
    "syrian-peace-table": "Rima's laptop", "khartoum-ceasefire": "Office computer, Khartoum",
    "aden-peace-circle": "Phone of the representative", "beirut-peace-lab": "Lab laptop",
}
_HELD = "demo_member_keys"


def private_key(slug: str) -> Ed25519PrivateKey:
    """The demo key of ``slug``, the same on every run."""
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(f"concord-demo-member-key:{slug}".encode()).digest())


def register(session, *, coalition, orgs, at) -> None:  # noqa: ANN001
    """Each signer's representative registers its key; later votes of these members are signed."""
    for member, rep in orgs:
        if member.slug in SIGNERS:
            public = base64.b64encode(private_key(member.slug).public_key().public_bytes_raw()).decode()
            keys.register_key(session, coalition=coalition, actor=rep, member=member, public_key=public,
                              label=SIGNERS[member.slug], now=at())
    session.info[_HELD] = {slug: 0 for slug in SIGNERS}


def signature_for(session, *, coalition, proposal, member, vote: dict):  # noqa: ANN001, ANN201
    """The signature a signer's browser would add to this vote, or None for a member without a key (yet)."""
    seqs = session.info.get(_HELD, {})
    if member.slug not in seqs:
        return None
    ballot = ballots.find_ballot(session, proposal)
    seqs[member.slug] += 1
    fields = sign_vote(private_key(member.slug), origin=signed_votes.origin_of(session, coalition),
                       number=proposal.number, ballot=ballot.opened_idx, member=member.slug,
                       vote=check_choice(ballot.rule, proposal.options, vote), seq=seqs[member.slug])
    return signed_votes.VoteSignature(**fields)
