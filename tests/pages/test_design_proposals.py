"""A designer candidate becomes draft proposals in one step: its weights, its quota as a rule, or both, linked."""

from fractions import Fraction
from itertools import product

from hypothesis import given, settings
from hypothesis import strategies as st

from app.design_jobs import jobs_of
from app.pages.design_proposals import candidate_rule
from governance import rules
from tests.app.charter_kit import constituted
from tests.pages.pagekit import post_form, sign_in
from voting.design import evaluate_rule
from voting.exact import format_exact
from voting.majority import decide

MEMBERS = {"ferry": 400, "dock": 100, "bakers": 100, "tenants": 25}
FORM = {"target": "sqrt", "index": "banzhaf", "max_weight": "12", "v-ferry": "400", "v-dock": "100",
        "v-bakers": "100", "v-tenants": "25"}


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(1, 9), min_size=2, max_size=5), st.data())
def test_the_rule_of_a_candidate_passes_exactly_the_coalitions_its_game_makes_winning(weights, data) -> None:
    total = sum(weights)
    quota = data.draw(st.integers(total // 2 + 1, total))
    members_quota = data.draw(st.none() | st.integers(1, len(weights)))
    names = [f"m{i}" for i in range(len(weights))]
    candidate = evaluate_rule(names, weights, quota, members_quota, [Fraction(1, len(names))] * len(names), "banzhaf")
    rule = rules.majority_rule(rules.normalize_rule("decision", candidate_rule(candidate)))

    for votes in product(("yes", "no", "abstain"), repeat=len(names)):
        yes = [w for w, v in zip(weights, votes) if v == "yes"]
        wins = sum(yes) >= quota and (members_quota is None or len(yes) >= members_quota)

        assert decide(rule, eligible=dict(zip(names, map(Fraction, weights))),
                      votes=dict(zip(names, votes))).passed == wins


def _designed(client, app) -> str:
    response = post_form(client, "/c/wpn/power/design", FORM, page="/c/wpn/power/design")
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    jobs_of(app)[0].wait(location.rsplit("/", 1)[1])
    return location


def test_a_candidate_becomes_a_weight_change_and_a_rule_change_that_name_each_other(client, app) -> None:
    jobs_of(app)[0].evaluations = 300
    fixture = constituted(client, members=MEMBERS)
    sign_in(client, "wpn-admin")
    location = _designed(client, app)
    page = client.get(location)
    assert f'action="{location}/propose"' in page.text

    response = post_form(client, f"{location}/propose", {"candidate": "1", "what": "both",
                                                         "rule_kind": ["decision", "admission"]}, page=location)

    assert response.status_code == 303, response.text
    number = int(response.headers["location"].rsplit("/", 1)[1])
    weights = client.get(fixture.url(f"/proposals/{number}")).json()
    rule = client.get(fixture.url(f"/proposals/{number + 1}")).json()
    best = jobs_of(app)[0].wait(location.rsplit("/", 1)[1]).result.candidates[0]
    assert weights["kind"] == "weight_change" and rule["kind"] == "rule_change"
    assert weights["payload"]["weights"] == {slug: str(w) for slug, w in zip(best.names, best.weights)}
    assert set(rule["payload"]["rules"]) == {"decision", "admission"}
    assert rule["payload"]["rules"]["decision"]["weight_threshold"]["fraction"] == format_exact(best.quota_share)
    assert f"#{number + 1}" in weights["body"] and f"#{number}" in rule["body"]


def test_a_rule_without_a_kind_to_decide_is_refused_and_creates_nothing(client, app) -> None:
    jobs_of(app)[0].evaluations = 300
    fixture = constituted(client, members=MEMBERS)
    sign_in(client, "wpn-admin")
    location = _designed(client, app)
    before = client.get(fixture.url("/proposals")).json()

    response = post_form(client, f"{location}/propose", {"candidate": "1", "what": "rule"}, page=location)

    assert response.status_code == 422
    assert "at least one kind" in response.text
    assert client.get(fixture.url("/proposals")).json() == before
