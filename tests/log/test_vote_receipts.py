"""The receipt a vote's answer carries: a C2SP tlog-proof that verifies, and the very text the log reissues later."""

import base64
import itertools

from governance.log.proofs import parse_receipt, verify_receipt
from tests.app.support import quick_coalition
from tests.factories import make_proposal, open_ballot, vote


def test_each_vote_answer_carries_a_receipt_that_verifies_and_equals_the_one_reissued_from_the_database(
        app, client, clock):
    # The answer's proof is built from the tree nodes the append read; the reissued one is read back from the
    # stored nodes: 21 votes take the log through sizes of every shape from a few entries to past 32.
    fixture = quick_coalition(app, members={"a": 1, "b": 2, "c": 3})
    number = make_proposal(client, fixture)
    open_ballot(client, fixture, number, now=clock())
    key = client.get(fixture.url("/log/key")).text.strip()
    casts = itertools.islice(zip(itertools.cycle("abc"), itertools.cycle(["yes", "no", "abstain", "no"])), 21)
    for member, choice in casts:
        answer = vote(client, fixture, number, member, choice=choice).json()
        index, entry = answer["log_index"], base64.b64decode(answer["entry"])
        assert verify_receipt(answer["receipt"], entry, [key]).size == index + 1
        assert parse_receipt(answer["receipt"]).extra == entry
        reissued = client.get(fixture.url(f"/log/receipt/{index}"), params={"size": index + 1}).json()
        assert reissued["receipt"] == answer["receipt"]
