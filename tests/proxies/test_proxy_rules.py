"""The pure proxy rules: the bloc's power on the classic 50/49/1 game, the caps against an independent count."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from governance.log.proxy_rules import Grant, ProxyError, bloc_grantors, check_caps
from governance.models import Ballot
from governance.proxies import Bloc, bloc_power
from governance.rules import normalize_rule


def test_a_proxy_from_the_one_percent_member_gives_the_forty_nine_half_the_power():
    # Weights 50/49/1, more than half the weight passes: Banzhaf 3/5, 1/5, 1/5 (DESIGN.md's example). With the 1%
    # member's vote cast by the 49% member, the two blocs of 50 each need the other: 1/2 each.
    eligible = [{"member": m, "name": m, "weight": w} for m, w in (("a", "50"), ("b", "49"), ("c", "1"))]
    ballot = Ballot(rule=normalize_rule("decision", {"counting": "weighted"}), eligible=eligible)
    bloc = Bloc("b", "b", (("c", "c"),), Fraction(50), Fraction(1, 2))

    power = bloc_power(ballot, [bloc])

    assert power == {"b": (Fraction(1, 2), Fraction(2, 5))}


@given(weights=st.lists(st.integers(0, 50), min_size=2, max_size=8), held=st.integers(0, 7),
       max_held=st.integers(0, 4), share=st.fractions(Fraction(0), Fraction(1)))
def test_the_caps_refuse_exactly_past_the_count_or_the_share(weights, held, max_held, share):
    names = [f"m{i}" for i in range(len(weights))]
    grantors = names[1:1 + held]
    total = sum(weights)
    bloc = weights[0] + sum(weights[1:1 + held])
    expected_refusal = len(grantors) > max_held or (total > 0 and Fraction(bloc, total) > share)

    try:
        check_caps({"max_held": max_held, "max_weight_share": str(share)}, holder="m0", grantors=grantors,
                   weights={n: Fraction(w) for n, w in zip(names, weights)})
        refused = False
    except ProxyError:
        refused = True

    assert refused == expected_refusal


@pytest.mark.parametrize(("grant", "number", "kind", "moment", "covered"), [
    (Grant(1, "a", "b", "ballot", proposal=4), 4, "decision", 0, True),
    (Grant(1, "a", "b", "ballot", proposal=4), 5, "decision", 0, False),
    (Grant(1, "a", "b", "kind", kind="election"), 5, "decision", 0, False),
    (Grant(1, "a", "b", "until", until=1000), 5, "decision", 999, True),
    (Grant(1, "a", "b", "until", until=1000), 5, "decision", 1000, False),
])
def test_a_grant_covers_its_scope_only(grant, number, kind, moment, covered):
    grant.status = "accepted"

    found = bloc_grantors([grant], "b", number=number, kind=kind, moment=moment, decided=lambda n: False)

    assert found == (["a"] if covered else [])
