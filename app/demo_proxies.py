"""The demo's proxies: a Sudanese member travelling to peace talks lets a neighbour vote for it on one ballot, an
offer declined, one revoked when the internet came back, and one in force now for a member cut off by outages."""

from datetime import datetime, timedelta

from governance import ballots, proxies

TRAVELLER, NEIGHBOUR = 2, 4  # Nuba Mountains Peace Mothers, Darfur Women's Solidarity Network (in ORGANIZATIONS)
ADEN, TAIZ, SANAA, BENGHAZI, MOGADISHU = 5, 6, 7, 8, 10


def _grant(session, coalition, orgs, grantor: int, holder: int, now: datetime, **scope: object):  # noqa: ANN001, ANN202
    member, rep = orgs[grantor]
    return proxies.grant_proxy(session, coalition=coalition, actor=rep, grantor=member, holder=orgs[holder][0],
                               now=now, **scope)


def during_audit(session, coalition, orgs, audit, start: datetime, at) -> None:  # noqa: ANN001
    """While the audit ballot is open: Nuba's proxy to Darfur for that ballot, used; Aden's offer to Taiz, declined;
    Mogadishu's proxy to Benghazi, revoked before it was used."""
    proxy = _grant(session, coalition, orgs, TRAVELLER, NEIGHBOUR, at(start + timedelta(hours=2)),
                   proposal=audit.number)
    proxies.accept_proxy(session, coalition=coalition, actor=orgs[NEIGHBOUR][1], proxy=proxy,
                         now=at(start + timedelta(hours=5)))
    offer = _grant(session, coalition, orgs, ADEN, TAIZ, at(start + timedelta(hours=6)), kind="decision")
    proxies.decline_proxy(session, coalition=coalition, actor=orgs[TAIZ][1], proxy=offer,
                          now=at(start + timedelta(hours=9)))
    outage = _grant(session, coalition, orgs, MOGADISHU, BENGHAZI, at(start + timedelta(hours=10)),
                    until=start + timedelta(days=10))
    proxies.accept_proxy(session, coalition=coalition, actor=orgs[BENGHAZI][1], proxy=outage,
                         now=at(start + timedelta(hours=12)))
    proxies.revoke_proxy(session, coalition=coalition, actor=orgs[MOGADISHU][1], proxy=outage,
                         now=at(start + timedelta(hours=20)))
    traveller = orgs[TRAVELLER][0]
    ballots.cast_vote(session, coalition=coalition, actor=orgs[NEIGHBOUR][1], proposal=audit, member=traveller,
                      vote={"choice": "yes"}, now=at(start + timedelta(hours=22)))


def in_force_now(session, coalition, orgs, now: datetime, at) -> None:  # noqa: ANN001
    """Sana'a's proxy to Aden for every ballot of the next month (power cuts in Sana'a), accepted."""
    proxy = _grant(session, coalition, orgs, SANAA, ADEN, at(now - timedelta(days=2, hours=1)),
                   until=now + timedelta(days=30))
    proxies.accept_proxy(session, coalition=coalition, actor=orgs[ADEN][1], proxy=proxy,
                         now=at(now - timedelta(days=2)))
