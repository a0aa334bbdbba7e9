"""The verifier checks every proxy vote against a grant in force at that moment and the caps in force; proxies of a
member suspended by a charter version lapse, in the database and in the replay alike."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from app.db import write_session
from governance import ballots, coalitions, members, proposals
from governance.errors import Forbidden
from governance.models import Account
from governance.log import store
from governance.log.verify import VerifyError
from tests.app.charter_kit import decide_change, propose
from tests.factories import make_proposal, open_ballot
from tests.app.support import verified_export
from tests.proxies.support import answer, constituted, grant, held, proxy_vote

FAKE = "0" * 64


def written_straight(client, body: dict) -> int:  # noqa: ANN001
    """A ``vote.cast`` appended to the log by hand, past every check of the service; its index."""
    app = client.app
    with write_session(app.state.engine) as session:
        session.info["log_signer"] = app.state.log_signer
        entry = store.append(session, coalition=coalitions.get_coalition(session, "wpn"), type="vote.cast", body=body)
        session.commit()
    return entry.idx


@pytest.mark.parametrize(("case", "reason"), [
    ("declined", "not in force"),
    ("other ballot", "not in force"),
    ("stranger's grant", "does not let"),
])
def test_a_proxy_vote_without_a_grant_in_force_is_named_by_the_verifier(client, clock, case, reason):
    fixture = constituted(client)
    first, second = make_proposal(client, fixture), make_proposal(client, fixture)
    declined = grant(client, fixture, "lantern", "ferry", proposal=first).json()["number"]
    answer(client, fixture, declined, "ferry", "decline")
    one = held(client, fixture, "lantern", "orchard", proposal=second)
    for number in (first, second):
        open_ballot(client, fixture, number, now=clock())
    body = {"declined": {"number": first, "member": "lantern", "actor": "rep-wpn-ferry",
                         "proxy": {"grant": declined, "holder": "ferry"}},
            "other ballot": {"number": first, "member": "lantern", "actor": "rep-wpn-orchard",
                             "proxy": {"grant": one, "holder": "orchard"}},
            "stranger's grant": {"number": second, "member": "harbour", "actor": "rep-wpn-orchard",
                                 "proxy": {"grant": one, "holder": "orchard"}}}[case]

    index = written_straight(client, {**body, "commitment": FAKE})

    with pytest.raises(VerifyError) as caught:
        verified_export(client, fixture)
    assert caught.value.kind == "replay" and caught.value.index == index
    assert reason in str(caught.value)


def test_a_suspension_lapses_the_members_proxies_and_the_replay_agrees(client, clock):
    fixture = constituted(client)
    kind = held(client, fixture, "lantern", "orchard", kind="decision")
    suspension = propose(client, fixture, "suspension", {"member": "orchard", "reason": "Dues unpaid"})

    decide_change(client, fixture, suspension, clock())

    assert client.get(fixture.url(f"/proxies/{kind}")).json()["status"] == "lapsed"
    assert verified_export(client, fixture).state.proxies[kind].status == "lapsed"
    number = make_proposal(client, fixture)
    open_ballot(client, fixture, number, now=clock())
    assert proxy_vote(client, fixture, number, "lantern", "orchard").status_code == 403


def test_a_proxy_vote_past_the_share_after_a_weight_change_is_refused_and_named_if_forged(client, clock):
    fixture = constituted(client)
    held(client, fixture, "lantern", "orchard", kind="decision")
    change = propose(client, fixture, "weight_change", {"weights": {"orchard": "5"}, "reason": "Census"})
    decide_change(client, fixture, change, clock())
    number = make_proposal(client, fixture)
    open_ballot(client, fixture, number, now=clock())

    response = proxy_vote(client, fixture, number, "lantern", "orchard")

    assert response.status_code == 409
    assert response.json()["detail"] == ("Orchard with its proxies would hold 8/27 of the weight; the charter allows "
                                         "at most 0.25.")
    verified_export(client, fixture)
    forged = written_straight(client, {"number": number, "member": "lantern", "actor": "rep-wpn-orchard",
                                       "commitment": FAKE, "proxy": {"grant": 1, "holder": "orchard"}})
    with pytest.raises(VerifyError) as caught:
        verified_export(client, fixture)
    assert caught.value.index == forged and "8/27" in str(caught.value)


def test_a_proxy_until_a_moment_covers_votes_up_to_the_millisecond_before_it(client, clock):
    fixture = constituted(client)
    until = (datetime.now(UTC) + timedelta(days=1)).replace(microsecond=0)
    held(client, fixture, "lantern", "orchard", until=until.isoformat())
    number = make_proposal(client, fixture)
    open_ballot(client, fixture, number, now=clock())
    end = int(until.timestamp() * 1000)

    def cast_at(moment: int, choice: str) -> None:
        with write_session(client.app.state.engine) as session:
            session.info["log_signer"], session.info["log_clock"] = client.app.state.log_signer, lambda: moment
            coalition = coalitions.get_coalition(session, "wpn")
            actor = session.exec(select(Account).where(Account.username == "rep-wpn-orchard")).one()
            ballots.cast_vote(session, coalition=coalition, actor=actor, now=clock(),
                              proposal=proposals.get_proposal(session, coalition=coalition, number=number),
                              member=members.get_member(session, coalition=coalition, slug="lantern"),
                              vote={"choice": choice})
            session.commit()

    cast_at(end - 1, "yes")
    with pytest.raises(Forbidden):
        cast_at(end, "no")

    assert verified_export(client, fixture).state.proxies[1].voted == {number}
