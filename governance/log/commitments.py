"""Salted commitments to texts the log must not hold (comments, amendments, moderators' reasons).

The log publishes ``SHA-256(canonical JSON {"salt": salt, "text": content})``; the text and its salt stay in the
database, so erasing them later leaves the log intact while no one can test a guess against the commitment.
Standard library only: the offline verifier opens the commitments of the texts an export still publishes.
"""

import hashlib
import re
from collections.abc import Mapping

from governance.log.canonical import canonical_bytes

__all__ = ["COMMITMENT", "text_commitment"]

COMMITMENT = re.compile(r"[0-9a-f]{64}")


def text_commitment(*, salt: str, content: Mapping[str, object]) -> str:
    """The hex SHA-256 of the canonical ``{"salt": salt, "text": content}``.

    >>> text_commitment(salt="00", content={"text": "Agreed."})[:16]
    'b058c1a50b0dfe57'
    """
    return hashlib.sha256(canonical_bytes({"salt": salt, "text": dict(content)})).hexdigest()
