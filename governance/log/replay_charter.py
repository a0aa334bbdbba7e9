"""The replay of a coalition's charter: its founding act, each version a passed proposal made, and what it forbids.

Pure like ``replay``: the offline verifier recomputes every version with ``charter_rules.settle_change``, the function
the service applied, and requires the same document and SHA-256 at the same place in the log.
"""

from collections.abc import Callable

from governance.log.charter_rules import (CHANGE_KINDS, CharterError, apply_change, changed_fields, check_settings,
                                          eligible_rows, settle_change, version_hash)
from governance.log.replayed import ReplayedLog, ReplayedMember, ReplayedProposal, ReplayError, WeightRecord

__all__ = ["CHARTER_HANDLERS", "change_consequences", "check_change_proposal", "check_charter_ballot",
           "refuse_direct_after_charter"]

DIRECT_EVENTS = {"member.admitted": "a member joins only by a passed admission proposal",
                 "weight.changed": "weights change only by a passed weight_change proposal",
                 "member.suspended": "a member is suspended only by a passed suspension proposal",
                 "member.readmitted": "a member is readmitted only by a passed readmission proposal",
                 "member.left": "a member leaves only by a passed expulsion proposal",
                 "rules.changed": "decision rules change only by a passed rule_change proposal"}
SETUP_KINDS = ("rule_change", "admission")
REVIEW_PREFIX = "Review of an emergency suspension: "


def _require(condition: bool, index: int, message: str) -> None:
    if not condition:
        raise ReplayError(index, message)


def refuse_direct_after_charter(log: ReplayedLog, index: int, type_: str) -> None:
    """Once the charter is adopted, the secretariat's direct writes of weights, rules and statuses are forged."""
    _require(not (log.constituted and type_ in DIRECT_EVENTS), index,
             f"a direct {type_} event after the charter was adopted: {DIRECT_EVENTS.get(type_)}")


def check_change_proposal(log: ReplayedLog, index: int, body: dict) -> None:
    """A change proposal under an adopted charter names the version in force; in set-up only the old kinds exist."""
    kind, version = body["kind"], body.get("charter_version")
    if kind not in CHANGE_KINDS:
        _require(version is None, index, f"a {kind} proposal names no charter version")
    elif log.constituted:
        _require(version == len(log.charters), index,
                 f"the proposal names charter version {version!r}, but version {len(log.charters)} is in force")
    else:
        _require(version is None and kind in SETUP_KINDS, index,
                 f"a {kind} proposal before the charter was adopted")


def check_charter_ballot(log: ReplayedLog, index: int, body: dict) -> None:
    """A ballot opened under a charter uses the rule it gives the kind and the weights of its active members."""
    if not log.constituted:
        return
    rules = log.charters[-1]["rules"]
    rounds = [r for r in log.agenda.values() if r.ballot == body["number"]]
    if rounds:  # an agenda round's ballot: the method the members' round fixed when it opened
        wanted = {"type": "method", "method": rounds[0].method, "counting": "equal", "early_close": True}
        _require(body["rule"] == wanted, index, f"the ballot's rule is not agenda round {rounds[0].number}'s method")
    else:
        _require(body["rule"] == rules["decision_rules"].get(body["kind"]), index,
                 f"the ballot's rule is not the one charter version {len(log.charters)} gives a {body['kind']}")
    key = lambda row: row["member"]  # noqa: E731
    _require(sorted(body["eligible"], key=key) == eligible_rows(rules), index,
             f"the eligible members and weights are not those of charter version {len(log.charters)}")


def change_consequences(log: ReplayedLog, proposal: ReplayedProposal) -> list[tuple[str, dict]]:
    """The event a passed change must be followed by: the version ``settle_change`` makes, or its superseding."""
    if proposal.kind not in CHANGE_KINDS:
        return []
    base = proposal.charter_version or len(log.charters)
    settlement = settle_change(log.charters[base - 1:], proposal.kind, proposal.payload)
    if settlement.document is None:
        return [("proposal.superseded", {"number": proposal.number, "reason": settlement.reason,
                                         "fields": list(settlement.fields)})]
    version, previous = len(log.charters) + 1, log.charter_hashes[-1]
    return [("charter.version", {
        "proposal": proposal.number, "version": version, "previous": previous, "actor": "ballot",
        "sha256": version_hash(coalition=log.slug, version=version, previous=previous, document=settlement.document),
        "text": settlement.document["text"], "rules": settlement.document["rules"], "fields": list(settlement.fields),
    })]


def _founding(log: ReplayedLog, index: int, body: dict) -> None:
    _require(not log.constituted and body["version"] == 1 and body["previous"] is None, index,
             "a charter version without a passed proposal: only the founding act, version 1, is made so")
    account = log.accounts.get(body["actor"])
    _require(account is not None and account.active and account.role == "admin", index,
             f"{body['actor']!r} is not an active admin to record the founding act")
    rules = body["rules"]
    members = {m.slug: {"name": m.name, "country": m.country, "weight": m.weight, "basis": m.basis,
                        "status": m.status} for m in log.members.values()}
    _require(rules["members"] == members, index, "the founding charter's members are not the members as they stood")
    _require(all(rules["decision_rules"].get(kind) == rule for kind, rule in log.rules.items()), index,
             "the founding charter's decision rules are not the rules as they stood")
    try:
        check_settings(rules)
    except CharterError as error:
        raise ReplayError(index, f"the founding charter's settings: {error}") from None
    _require(body["fields"] == [] and body["proposal"] is None, index, "the founding act changes no field")
    _require(body["sha256"] == version_hash(coalition=log.slug, version=1, previous=None, document=body), index,
             "the founding charter's sha256 is not the hash of its text and rules")


def _emergency(log: ReplayedLog, index: int, body: dict) -> None:
    """A suspension by the secretariat that the charter in force allows, with its reason; the review must follow:
    a readmission proposal by the same admin, its ballot opened at once."""
    previous = log.charters[-1]
    _require(previous["rules"].get("emergency_suspension") is True, index,
             "a charter version without a passed proposal, and the charter allows no emergency suspension")
    account = log.accounts.get(body["actor"])
    _require(account is not None and account.active and account.role == "admin", index,
             f"{body['actor']!r} is not an active admin to suspend a member in an emergency")
    member, reason = body.get("member"), body.get("emergency")
    _require(isinstance(member, str) and isinstance(reason, str) and bool(reason), index,
             "an emergency suspension names its member and its reason")
    try:
        expected = apply_change(previous, "suspension", {"member": member, "reason": reason})
    except CharterError as error:
        raise ReplayError(index, f"the emergency suspension does not apply: {error}") from None
    version = len(log.charters) + 1
    _require(body["rules"] == expected["rules"] and body["text"] == expected["text"] and body["version"] == version
             and body["previous"] == log.charter_hashes[-1]
             and body["fields"] == changed_fields(previous, expected)
             and body["sha256"] == version_hash(coalition=log.slug, version=version, previous=body["previous"],
                                                document=expected), index,
             f"the emergency version is not charter version {len(log.charters)} with {member} suspended")
    number = len(log.proposals) + 1
    log.expected = [("proposal.created", {"number": number, "kind": "readmission", "actor": body["actor"],
                                          "payload": {"member": member, "reason": REVIEW_PREFIX + reason}}),
                    ("ballot.opened", {"number": number, "kind": "readmission", "actor": body["actor"]})]


def _charter_version(log: ReplayedLog, index: int, body: dict) -> None:
    if body["proposal"] is None and log.constituted:
        _emergency(log, index, body)
    elif body["proposal"] is None:
        _founding(log, index, body)
    else:
        _require(log.consequence, index, f"charter version {body['version']!r} follows no passed proposal's closing")
    old = log.charters[-1]["rules"] if log.charters else None
    rules = body["rules"]
    log.charters.append({"text": body["text"], "rules": rules})
    log.charter_hashes.append(body["sha256"])
    log.rules.update(rules["decision_rules"])
    for slug, data in rules["members"].items():
        member, before = log.members.get(slug), (old or {"members": {}})["members"].get(slug)
        if member is None:
            log.members[slug] = member = ReplayedMember(slug, data["name"], data["country"], data["status"],
                                                        data["weight"], data["basis"])
        if old is not None and (before is None or (before["weight"], before["basis"]) != (data["weight"], data["basis"])):
            log.weights.append(WeightRecord(index, slug, before["weight"] if before else None, data["weight"],
                                            data["basis"], f"Adopted by proposal #{body['proposal']}", body["actor"]))
        member.name, member.country, member.status = data["name"], data["country"], data["status"]
        member.weight, member.basis = data["weight"], data["basis"]


def _superseded(log: ReplayedLog, index: int, body: dict) -> None:
    _require(log.consequence, index, f"proposal #{body['number']!r} is marked superseded, but it did not just pass")
    log.proposals[body["number"]].outcome = "superseded"


CHARTER_HANDLERS: dict[str, Callable[[ReplayedLog, int, dict], None]] = {
    "charter.version": _charter_version,
    "proposal.superseded": _superseded,
}
