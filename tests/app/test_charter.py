"""The charter through the API: the founding act, each change kind passing or failing, stale changes, entrenchment,
frozen weights, refused direct writes and bad payloads; the replayed log agrees with the database at every step."""

import pytest

from tests.app.charter_kit import (WEIGHTS, charter_version, close, constituted, decide_change, open_it, propose,
                                   replayed, vote_all)
from tests.app.support import log_events, snapshot
from tests.factories import make_coalition, make_proposal, open_ballot

UNANIMITY = {"counting": "equal", "unanimity": True}


def test_the_founding_act_records_version_one_with_the_members_and_rules_as_they_stand(client):
    fixture = constituted(client)

    charter = client.get(fixture.url("/charter")).json()

    assert charter["version"] == 1 and charter["adopted_by"] is None
    assert charter["text"].startswith("# Our charter")
    assert {slug: m["weight"] for slug, m in charter["rules"]["members"].items()} == {
        "ferry": "12", "harbour": "7", "lantern": "3", "orchard": "2.5"}
    assert charter["rules"]["durations"] == {"minimum_hours": 1, "default_hours": 48}
    assert client.get(fixture.url("/charter/versions")).json()["items"][0]["version"] == 1


def test_a_coalition_in_set_up_has_no_charter_and_keeps_its_direct_writes(client):
    fixture = make_coalition(client, members={"ferry": 1})

    missing = client.get(fixture.url("/charter"))
    weight = client.put(fixture.url("/members/ferry/weight"), headers=fixture.admin,
                        json={"weight": "2", "reason": "census"})

    assert missing.status_code == 404 and "set-up" in missing.json()["detail"]
    assert weight.status_code == 200


@pytest.mark.parametrize(("method", "path", "body", "kind"), [
    ("PUT", "/members/ferry/weight", {"weight": "20", "reason": "census"}, "weight_change"),
    ("PUT", "/rules/decision", {"rule": UNANIMITY, "reason": "why not"}, "rule_change"),
    ("POST", "/members/ferry/suspend", {"reason": "dues"}, "suspension"),
    ("POST", "/members/ferry/readmit", {"reason": "dues"}, "readmission"),
    ("POST", "/members/ferry/leave", {"reason": "dissolved"}, "expulsion"),
    ("POST", "/members", {"name": "Newcomer", "weight": "1"}, "admission"),
])
def test_direct_writes_are_refused_once_the_charter_is_adopted_naming_the_proposal_kind(client, method, path, body,
                                                                                         kind):
    fixture = constituted(client)
    before = snapshot(client.app.state.engine)

    response = client.request(method, fixture.url(path), headers=fixture.admin, json=body)

    assert response.status_code == 409
    assert f"passed {kind} proposal" in response.json()["detail"]
    assert snapshot(client.app.state.engine) == before


def test_a_passed_weight_change_shows_the_new_weight_and_a_version_one_higher(client, clock):
    fixture = constituted(client)
    number = propose(client, fixture, "weight_change", {"weights": {"lantern": "4.5"}, "reason": "Census of 2026",
                                                        "basis": "4,500 members"})

    proposal = decide_change(client, fixture, number, clock())

    member = client.get(fixture.url("/members/lantern")).json()
    charter = client.get(fixture.url("/charter")).json()
    assert proposal["outcome"] == "passed"
    assert (member["weight"], member["weight_basis"]) == ("4.5", "4,500 members")
    assert (charter["version"], charter["adopted_by"]) == (2, number)
    register = client.get(fixture.url("/weights?member=lantern")).json()["items"]
    assert register[-1]["new_weight"] == "4.5" and register[-1]["old_weight"] == "3"


CHANGES = {
    "rule_change": ({"rules": {"decision": {"counting": "weighted"}}, "reason": "Weight should count"},
                    lambda rules: rules["decision_rules"]["decision"]["counting"] == "weighted"),
    "weight_change": ({"weights": {"ferry": "10", "orchard": "3"}, "reason": "Audit"},
                      lambda rules: (rules["members"]["ferry"]["weight"], rules["members"]["orchard"]["weight"])
                      == ("10", "3")),
    "admission": ({"name": "Mill Collective", "slug": "mill", "country": "Sudan", "weight": "2", "basis": "fee"},
                  lambda rules: rules["members"]["mill"] == {"name": "Mill Collective", "country": "Sudan",
                                                             "weight": "2", "basis": "fee", "status": "active"}),
    "suspension": ({"member": "orchard", "reason": "Dues unpaid for two years"},
                   lambda rules: rules["members"]["orchard"]["status"] == "suspended"),
    "expulsion": ({"member": "orchard", "reason": "Broke the charter"},
                  lambda rules: rules["members"]["orchard"]["status"] == "expelled"),
    "charter_amendment": ({"text": "# Charter, amended", "settings": {"witness_quorum": 2, "moderators": ["ferry"],
                                                                      "proxy_caps": {"max_held": 2,
                                                                                     "max_weight_share": "0.2"}}},
                          lambda rules: (rules["witness_quorum"], rules["moderators"], rules["proxy_caps"])
                          == (2, ["ferry"], {"max_held": 2, "max_weight_share": "0.2"})),
}


@pytest.mark.parametrize("kind", sorted(CHANGES))
def test_each_change_kind_applies_itself_when_it_passes(client, clock, kind):
    fixture = constituted(client)
    payload, applied = CHANGES[kind]
    number = propose(client, fixture, kind, payload)

    proposal = decide_change(client, fixture, number, clock())

    charter = client.get(fixture.url("/charter")).json()
    assert proposal["outcome"] == "passed" and proposal["charter_version"] == 1
    assert charter["version"] == 2 and applied(charter["rules"])
    state = replayed(client.app)
    assert state.charters[-1]["rules"] == charter["rules"] and state.charter_hashes[-1] == charter["sha256"]


@pytest.mark.parametrize("kind", sorted(CHANGES))
def test_each_change_kind_applies_nothing_when_it_fails(client, clock, kind):
    fixture = constituted(client)
    number = propose(client, fixture, kind, CHANGES[kind][0])
    rules_before = client.get(fixture.url("/charter")).json()["rules"]

    proposal = decide_change(client, fixture, number, clock(), choice="no")

    assert proposal["outcome"] == "rejected"
    assert charter_version(client, fixture) == 1
    assert client.get(fixture.url("/charter")).json()["rules"] == rules_before
    assert not [e for e in log_events(client.app.state.engine, "wpn") if e["type"] == "charter.version"][1:]


def test_readmission_applies_after_a_suspension(client, clock):
    fixture = constituted(client)
    suspend = propose(client, fixture, "suspension", {"member": "orchard", "reason": "Dues"})
    decide_change(client, fixture, suspend, clock())
    readmit = propose(client, fixture, "readmission", {"member": "orchard", "reason": "Dues paid"})

    proposal = decide_change(client, fixture, readmit, clock())

    assert proposal["outcome"] == "passed"
    assert client.get(fixture.url("/members/orchard")).json()["status"] == "active"
    assert charter_version(client, fixture) == 3


def test_a_stale_change_to_the_same_field_is_superseded_and_one_to_another_field_still_applies(client, clock):
    fixture = constituted(client)
    first = propose(client, fixture, "weight_change", {"weights": {"ferry": "10"}, "reason": "Audit"})
    stale = propose(client, fixture, "weight_change", {"weights": {"ferry": "11", "harbour": "8"}, "reason": "Other"})
    other = propose(client, fixture, "weight_change", {"weights": {"lantern": "5"}, "reason": "Census"})
    for number in (first, stale, other):
        open_it(client, fixture, number, clock())
        vote_all(client, fixture, number, "yes")

    close(client, fixture, first)
    close(client, fixture, stale)
    close(client, fixture, other)

    superseded = client.get(fixture.url(f"/proposals/{stale}")).json()
    assert superseded["outcome"] == "superseded"
    assert "members.ferry.weight" in superseded["outcome_reason"]
    assert len(client.get(fixture.url(f"/proposals/{stale}/ballot/votes")).json()["items"]) == 4
    weights = {m["slug"]: m["weight"] for m in client.get(fixture.url("/members")).json()["items"]}
    assert weights == {"ferry": "10", "harbour": "7", "lantern": "5", "orchard": "2.5"}
    assert charter_version(client, fixture) == 3
    assert replayed(client.app).proposals[stale].outcome == "superseded"


def test_a_change_to_the_rule_for_rule_changes_is_decided_by_the_rule_in_force(client, clock):
    fixture = constituted(client)
    number = propose(client, fixture, "rule_change", {"rules": {"rule_change": UNANIMITY}, "reason": "Entrench"})
    ballot = open_it(client, fixture, number, clock())
    vote_all(client, fixture, number, "yes", ["ferry", "harbour", "lantern"])
    vote_all(client, fixture, number, "no", ["orchard"])

    close(client, fixture, number)

    assert ballot["rule"]["member_threshold"]["fraction"] == "2/3" and not ballot["rule"]["unanimity"]
    assert client.get(fixture.url(f"/proposals/{number}")).json()["outcome"] == "passed"
    later = propose(client, fixture, "rule_change", {"rules": {"decision": UNANIMITY}, "reason": "Next"})
    assert open_it(client, fixture, later, clock())["rule"]["unanimity"] is True


def test_weights_frozen_when_a_ballot_opened_stay_frozen_after_a_weight_change(client, clock):
    fixture = constituted(client)
    decision = make_proposal(client, fixture)
    open_ballot(client, fixture, decision, now=clock())
    change = propose(client, fixture, "weight_change", {"weights": {"ferry": "1"}, "reason": "Split"})

    decide_change(client, fixture, change, clock())

    frozen = client.get(fixture.url(f"/proposals/{decision}/ballot")).json()["eligible"]
    assert {row["member"]: row["weight"] for row in frozen}["ferry"] == "12"
    later = make_proposal(client, fixture)
    fresh = open_ballot(client, fixture, later, now=clock())["eligible"]
    assert {row["member"]: row["weight"] for row in fresh}["ferry"] == "1"


def test_a_ballot_under_the_charter_uses_its_rule_and_its_minimum_duration(client, clock):
    fixture = constituted(client)
    number = make_proposal(client, fixture)
    url = fixture.url(f"/proposals/{number}/ballot")

    override = client.post(url, headers=fixture.admin, json={"closes_at": clock().replace(year=2027).isoformat(),
                                                             "rule": UNANIMITY})
    short = client.post(url, headers=fixture.admin, json={"closes_at": clock().replace(minute=30).isoformat()})

    assert override.status_code == 409 and "rule_change" in override.json()["detail"]
    assert short.status_code == 422 and "at least 1 hours" in short.json()["detail"]


@pytest.mark.parametrize(("kind", "payload", "field"), [
    ("weight_change", {"weights": {"ferry": "10"}}, "reason"),
    ("weight_change", {"weights": {}, "reason": "x"}, "weights"),
    ("weight_change", {"weights": {"ferry": True}, "reason": "x"}, "weights"),
    ("weight_change", {"weights": {"nobody": "3"}, "reason": "x"}, "payload.weights"),
    ("weight_change", {"weights": {"ferry": "-3"}, "reason": "x"}, "payload.weights.ferry"),
    ("weight_change", {"weights": {"ferry": "3"}, "reason": "x", "colour": "red"}, "colour"),
    ("rule_change", {"rules": {"budget": {}}}, "rules"),
    ("rule_change", {"rules": {"decision": {"counting": "loudest"}}}, "payload.rules.decision"),
    ("admission", {"weight": "2"}, "name"),
    ("admission", {"name": "Ferry", "slug": "ferry"}, "payload.slug"),
    ("suspension", {"member": "nobody", "reason": "x"}, "payload.member"),
    ("suspension", {"member": "ferry"}, "reason"),
    ("readmission", {"member": "ferry", "reason": "x"}, "payload"),
    ("charter_amendment", {"settings": {"witness_quorum": -1}}, "witness_quorum"),
    ("charter_amendment", {"settings": {"moderators": ["nobody"]}}, "moderators"),
    ("charter_amendment", {"reason": "nothing"}, "payload"),
])
def test_a_bad_payload_is_refused_naming_the_field_and_nothing_is_stored(client, kind, payload, field):
    fixture = constituted(client)
    before = snapshot(client.app.state.engine)

    response = client.post(fixture.url("/proposals"), headers=fixture.admin,
                           json={"kind": kind, "title": "Bad", "payload": payload})

    assert response.status_code == 422, response.text
    assert field in str(response.json()["detail"])
    assert snapshot(client.app.state.engine) == before


def test_change_kinds_other_than_the_old_two_wait_for_the_charter(client):
    fixture = make_coalition(client, members=WEIGHTS)

    response = client.post(fixture.url("/proposals"), headers=fixture.admin, json={
        "kind": "weight_change", "title": "Early", "payload": {"weights": {"ferry": "1"}, "reason": "x"}})

    assert response.status_code == 409 and "set-up" in response.json()["detail"]


def test_the_openapi_schema_documents_each_payload_as_a_discriminated_union(client):
    schema = client.get("/openapi.json").json()

    body = schema["paths"]["/api/v1/coalitions/{slug}/proposals"]["post"]["requestBody"]["content"]
    variants = body["application/json"]["schema"]["oneOf"]
    components = schema["components"]["schemas"]
    assert {"WeightChangePayload", "RuleChangePayload", "AdmissionPayload", "MemberActionPayload",
            "CharterAmendmentPayload"} <= set(components)
    assert components["WeightChangePayload"]["required"] == ["weights", "reason"]
    assert len(variants) >= 7


def test_the_diff_of_two_versions_says_what_changed_in_words(client, clock):
    fixture = constituted(client)
    rule = {"counting": "weighted", "quorum_weight": "0.6"}
    decide_change(client, fixture, propose(client, fixture, "rule_change", {"rules": {"decision": rule}}), clock())

    diff = client.get(fixture.url("/charter/diff?from=1&to=2")).json()

    texts = [change["text"] for change in diff["changes"]]
    assert "Quorum by weight for decision: — -> 60%" in texts
    assert "Counting for decision: equal -> weighted" in texts


def test_a_change_shows_each_members_power_before_and_after_frozen_into_its_log_entry(client):
    fixture = constituted(client, members={"big": 50, "middle": 49, "small": 1})

    number = propose(client, fixture, "rule_change", {"rules": {"decision": {"counting": "weighted"}}})

    impact = client.get(fixture.url(f"/proposals/{number}")).json()["impact"]
    # 50/49/1 under a weighted simple majority: the 1% member has as much power as the 49% member (Banzhaf 1965)
    assert impact["rule_kind"] == "decision"
    assert impact["before"]["banzhaf"] == {"big": "1/3", "middle": "1/3", "small": "1/3"}
    assert impact["after"]["banzhaf"] == {"big": "3/5", "middle": "1/5", "small": "1/5"}
    assert impact["after"]["shapley_shubik"] == {"big": "2/3", "middle": "1/6", "small": "1/6"}
    assert (impact["before"]["veto"], impact["after"]["veto"]) == ([], ["big"])
    created = [e for e in log_events(client.app.state.engine, "wpn") if e["type"] == "proposal.created"][-1]
    assert created["body"]["impact"] == impact


def test_the_demo_coalition_is_constituted_and_refuses_a_direct_weight_change(client, app):
    from app import demo
    from app.tasks import signed_write_session

    with signed_write_session(app.state.engine, app.state.log_keys) as session:
        demo._populate(session, app.state.log_keys)
        session.commit()
    token = client.post("/api/v1/auth/tokens", json={"username": demo.ADMIN[0], "password": demo.ADMIN[1]}).json()

    response = client.put("/api/v1/coalitions/wpn/members/aden-peace-circle/weight",
                          headers={"Authorization": f"Bearer {token['token']}"},
                          json={"weight": "500", "reason": "Because the secretariat says so"})

    assert response.status_code == 409 and "weight_change" in response.json()["detail"]
    assert client.get("/api/v1/coalitions/wpn/charter").json()["version"] == 3
    assert client.get("/api/v1/coalitions/wpn/members/syrian-peace-table").json()["weight"] == "1010"


def test_an_emergency_suspension_the_charter_allows_is_logged_with_its_reason_and_reviewed_by_a_ballot(client, clock):
    fixture = constituted(client)
    allow = propose(client, fixture, "charter_amendment", {"settings": {"emergency_suspension": True}})
    decide_change(client, fixture, allow, clock())

    response = client.post(fixture.url("/members/orchard/suspend"), headers=fixture.admin,
                           json={"reason": "Threats against mediators"})

    assert response.status_code == 200 and response.json()["status"] == "suspended"
    charter = client.get(fixture.url("/charter")).json()
    assert (charter["version"], charter["adopted_by"]) == (3, None)
    review = client.get(fixture.url("/proposals?state=open")).json()["items"][0]
    assert (review["kind"], review["payload"]["member"]) == ("readmission", "orchard")
    state = replayed(client.app)
    assert state.members["orchard"].status == "suspended" and state.charter_hashes[-1] == charter["sha256"]
    vote_all(client, fixture, review["number"], "yes", ["ferry", "harbour", "lantern"])
    close(client, fixture, review["number"])
    assert client.get(fixture.url("/members/orchard")).json()["status"] == "active"
    replayed(client.app)


def test_a_forged_emergency_suspension_under_a_charter_that_allows_none_is_named(client):
    import copy

    from governance.log.charter_rules import apply_change, changed_fields, version_hash
    from governance.log.replay import ReplayError, replay

    constituted(client)
    events = log_events(client.app.state.engine, "wpn")
    founding = next(e for e in events if e["type"] == "charter.version")
    document = {"text": founding["body"]["text"], "rules": founding["body"]["rules"]}
    new = apply_change(document, "suspension", {"member": "orchard", "reason": "x"})
    forged = copy.deepcopy(events[-1])
    forged.update(idx=len(events), type="charter.version", body={
        "version": 2, "previous": founding["body"]["sha256"], "text": new["text"], "rules": new["rules"],
        "proposal": None, "fields": changed_fields(document, new), "actor": "wpn-admin", "emergency": "x",
        "member": "orchard",
        "sha256": version_hash(coalition="wpn", version=2, previous=founding["body"]["sha256"], document=new)})

    with pytest.raises(ReplayError, match=rf"^log entry {len(events)}: .*allows no emergency suspension"):
        replay([*events, forged])
