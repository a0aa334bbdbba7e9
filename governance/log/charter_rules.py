"""A coalition's charter as pure data: the rules document, the change each proposal kind makes, its version hash.

Standard library and ``voting/`` only: the service applies a passed proposal with ``settle_change`` and the offline
verifier replays the same function on the same payload, so both reach the same version and the same SHA-256.

A charter document is ``{"text": <Markdown>, "rules": <rules>}``; its rules hold the decision rule of every proposal
kind (``decision_rules``), every member with its weight, basis and status (``members``), and the settings other
features read (``SETTINGS``).
"""

import copy
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from governance.log.canonical import canonical_bytes
from voting.exact import ExactNumberError, format_exact, parse_exact
from voting.majority import MajorityRule, RuleError

__all__ = [
    "CHANGE_KINDS", "CharterError", "CharterSettings", "MEMBER_STATUSES", "SETTINGS", "Settlement", "apply_change",
    "changed_fields", "eligible_rows", "founding_rules", "overlapping", "rule_changes", "settle_change",
    "signatures_required", "version_hash",
]

CHANGE_KINDS = ("charter_amendment", "rule_change", "weight_change", "admission", "suspension", "readmission",
                "expulsion")
MEMBER_STATUSES = ("active", "suspended", "left", "expelled")
SETTINGS = ("weight_basis", "membership_criteria", "durations", "proxy_caps", "witness_quorum", "moderators",
            "emergency_suspension", "applications_decided_by", "signed_votes")
DEFAULT_SETTINGS = {
    "weight_basis": "", "membership_criteria": "", "durations": {"minimum_hours": 24, "default_hours": 168},
    "proxy_caps": {"max_held": 1, "max_weight_share": "0.25"}, "witness_quorum": 0, "moderators": [],
    "emergency_suspension": False, "applications_decided_by": "secretariat", "signed_votes": [],
}
STATUS_MOVES = {"suspension": (("active",), "suspended"), "readmission": (("suspended",), "active"),
                "expulsion": (("active", "suspended"), "expelled")}


class CharterError(ValueError):
    """A change that cannot apply to a charter: an English template with its values, as governance errors carry."""

    def __init__(self, template: str, **params: object) -> None:
        self.template, self.params = template, params
        super().__init__(template % params if params else template)


def rule_changes(payload: Mapping) -> dict:
    """The rules a rule change sets, by kind: ``{"rules": {kind: rule}}``, or the single ``{"kind", "rule"}`` that
    proposals written before the charter carried (their logs must still verify)."""
    if "rules" in payload:
        return dict(payload["rules"])
    return {payload["kind"]: payload["rule"]}


def founding_rules(*, decision_rules: Mapping[str, dict], members: Mapping[str, Mapping[str, str]],
                   settings: Mapping[str, object] | None = None) -> dict:
    """The rules of a charter's first version: the rules and members as they stand, the settings given or defaults."""
    rules = {"decision_rules": {kind: dict(rule) for kind, rule in decision_rules.items()},
             "members": {slug: dict(member) for slug, member in members.items()}}
    for name in SETTINGS:
        rules[name] = copy.deepcopy((settings or {}).get(name, DEFAULT_SETTINGS[name]))
    check_settings(rules)
    return rules


def _exact(value: object, field: str, *, share: bool = False) -> str:
    try:
        number = parse_exact(value)
    except ExactNumberError as error:
        raise CharterError("%(field)s: %(error)s", field=field, error=str(error)) from None
    if number < 0 or (share and number > 1):
        raise CharterError("%(field)s must be %(range)s; got %(value)s.", field=field,
                           range="between 0 and 1" if share else "zero or more", value=format_exact(number))
    return format_exact(number)


def _count(value: object, field: str) -> int:
    if type(value) is not int or value < 0:
        raise CharterError("%(field)s must be a whole number, zero or more; got %(value)s.", field=field,
                           value=repr(value))
    return value


def check_settings(rules: Mapping[str, object]) -> None:
    """Refuse settings of the wrong shape (the verifier and the service check the same)."""
    for name in ("weight_basis", "membership_criteria"):
        if not isinstance(rules[name], str):
            raise CharterError("%(field)s must be text.", field=name)
    durations = rules["durations"]
    if not isinstance(durations, Mapping) or set(durations) != {"minimum_hours", "default_hours"}:
        raise CharterError("durations must give minimum_hours and default_hours.")
    minimum = _count(durations["minimum_hours"], "durations.minimum_hours")
    if _count(durations["default_hours"], "durations.default_hours") < minimum or minimum > 24 * 366:
        raise CharterError("durations.default_hours must be at least durations.minimum_hours, within a year.")
    caps = rules["proxy_caps"]
    if not isinstance(caps, Mapping) or set(caps) != {"max_held", "max_weight_share"}:
        raise CharterError("proxy_caps must give max_held and max_weight_share.")
    _count(caps["max_held"], "proxy_caps.max_held")
    if _exact(caps["max_weight_share"], "proxy_caps.max_weight_share", share=True) != caps["max_weight_share"]:
        raise CharterError("proxy_caps.max_weight_share must be written exactly, as %(exact)s.",
                           exact=_exact(caps["max_weight_share"], "proxy_caps.max_weight_share", share=True))
    _count(rules["witness_quorum"], "witness_quorum")
    moderators = rules["moderators"]
    if not isinstance(moderators, list) or not all(isinstance(m, str) for m in moderators):
        raise CharterError("moderators must be a list of member slugs.")
    if any(m not in rules["members"] for m in moderators) or len(set(moderators)) != len(moderators):
        raise CharterError("moderators must be distinct members of the coalition.")
    if not isinstance(rules["emergency_suspension"], bool):
        raise CharterError("emergency_suspension must be true or false.")
    if rules["applications_decided_by"] not in ("secretariat", "members"):
        raise CharterError("applications_decided_by must be 'secretariat' or 'members'.")
    _check_signed_votes(rules)


def _check_signed_votes(rules: Mapping[str, object]) -> None:
    """``signed_votes``: "all", or a list of distinct proposal kinds whose votes must be signed (a charter written
    before the setting existed has none: no signature required)."""
    value = rules.get("signed_votes", [])
    if value == "all":
        return
    kinds = rules["decision_rules"]
    if not isinstance(value, list) or len(set(map(str, value))) != len(value) or any(
            not isinstance(kind, str) or kind not in kinds for kind in value):
        raise CharterError("signed_votes must be \"all\" or a list of distinct proposal kinds from: %(kinds)s.",
                           kinds=", ".join(sorted(kinds)))


def signatures_required(rules: Mapping[str, object], kind: str) -> bool:
    """Whether the charter's rules require every vote on a ``kind`` proposal to be signed by a member key.

    >>> signatures_required({"signed_votes": ["election"]}, "election"), signatures_required({}, "decision")
    (True, False)
    """
    wanted = rules.get("signed_votes", [])
    return wanted == "all" or kind in wanted


def _check_rule(kind: str, rule: object) -> None:
    if not isinstance(rule, Mapping) or rule.get("type") not in ("majority", "method"):
        raise CharterError("the rule for %(kind)s is not a stored rule.", kind=kind)
    if rule["type"] == "majority":
        fields = {key: value for key, value in rule.items() if key != "type"}
        try:
            stored = MajorityRule.from_dict(fields)
            stored.validate()
        except (RuleError, ValueError, TypeError) as error:
            raise CharterError("the rule for %(kind)s is invalid: %(error)s", kind=kind, error=str(error)) from None
        if {"type": "majority", **stored.to_dict()} != dict(rule):
            raise CharterError("the rule for %(kind)s is not in its canonical form.", kind=kind)
    elif kind not in ("choice", "election"):
        raise CharterError("a %(kind)s is decided yes or no; its rule must be a majority rule.", kind=kind)


def _member(rules: dict, slug: object) -> dict:
    member = rules["members"].get(slug) if isinstance(slug, str) else None
    if member is None:
        raise CharterError("%(member)s is not a member of the coalition.", member=repr(slug))
    return member


def _set_rules(rules: dict, changes: object) -> None:
    if not isinstance(changes, Mapping) or not changes:
        raise CharterError("rules must name at least one proposal kind.")
    for kind, rule in changes.items():
        if kind not in rules["decision_rules"]:
            raise CharterError("there is no proposal kind %(kind)s.", kind=repr(kind))
        _check_rule(kind, rule)
        rules["decision_rules"][kind] = dict(rule)


def _set_weights(rules: dict, payload: Mapping) -> None:
    weights = payload.get("weights")
    if not isinstance(weights, Mapping) or not weights:
        raise CharterError("weights must name at least one member.")
    for slug, weight in weights.items():
        member = _member(rules, slug)
        if member["status"] in ("left", "expelled"):
            raise CharterError("%(member)s is no longer a member; its weight cannot change.", member=slug)
        if _exact(weight, f"weights.{slug}") != weight:
            raise CharterError("weights.%(member)s must be written exactly, as %(exact)s.", member=slug,
                               exact=_exact(weight, f"weights.{slug}"))
        member["weight"] = weight
        if payload.get("basis") is not None:
            member["basis"] = str(payload["basis"])


def _admit(rules: dict, payload: Mapping) -> None:
    slug, name = payload["slug"], payload["name"]
    if slug in rules["members"]:
        raise CharterError("the member slug %(slug)s is taken.", slug=repr(slug))
    if any(member["name"] == name for member in rules["members"].values()):
        raise CharterError("%(name)s is already a member.", name=name)
    weight = payload["weight"]
    if _exact(weight, "weight") != weight:
        raise CharterError("weight must be written exactly.")
    rules["members"][slug] = {"name": name, "country": payload.get("country", ""), "weight": weight,
                              "basis": payload.get("basis", ""), "status": "active"}


def _move_status(rules: dict, kind: str, slug: object) -> None:
    member = _member(rules, slug)
    required, status = STATUS_MOVES[kind]
    if member["status"] not in required:
        raise CharterError("%(member)s is %(status)s; a %(kind)s needs a member who is %(required)s.", member=slug,
                           status=member["status"], kind=kind, required=" or ".join(required))
    member["status"] = status
    if status != "active" and slug in rules["moderators"]:
        rules["moderators"].remove(slug)


def _amend(document: dict, payload: Mapping) -> None:
    if payload.get("text") is None and not payload.get("settings") and not payload.get("rules"):
        raise CharterError("a charter amendment changes the text, a setting or a rule.")
    if payload.get("text") is not None:
        document["text"] = str(payload["text"])
    rules = document["rules"]
    for name, value in (payload.get("settings") or {}).items():
        if name not in SETTINGS:
            raise CharterError("there is no charter setting %(name)s.", name=repr(name))
        rules[name] = copy.deepcopy(value)
    check_settings(rules)
    if payload.get("rules"):
        _set_rules(rules, payload["rules"])


def apply_change(document: Mapping, kind: str, payload: Mapping) -> dict:
    """The charter document after a passed ``kind`` proposal with ``payload``; the input is left unchanged.

    Raises CharterError when the change cannot apply (a member who is gone, a slug now taken, a malformed rule).

    >>> doc = {"text": "", "rules": founding_rules(decision_rules={}, members={"a": {
    ...     "name": "A", "country": "", "weight": "2", "basis": "", "status": "active"}})}
    >>> apply_change(doc, "weight_change", {"weights": {"a": "3.5"}, "reason": "audit"})["rules"]["members"]["a"]
    {'name': 'A', 'country': '', 'weight': '3.5', 'basis': '', 'status': 'active'}
    """
    new = copy.deepcopy(dict(document))
    rules = new["rules"]
    if kind == "charter_amendment":
        _amend(new, payload)
    elif kind == "rule_change":
        _set_rules(rules, payload.get("rules"))  # under a charter, only the form with "rules"
    elif kind == "weight_change":
        _set_weights(rules, payload)
    elif kind == "admission":
        _admit(rules, payload)
    elif kind in STATUS_MOVES:
        _move_status(rules, kind, payload.get("member"))
    else:
        raise CharterError("a %(kind)s proposal does not change the charter.", kind=kind)
    return new


def changed_fields(old: Mapping, new: Mapping) -> list[str]:
    """The fields two charter documents differ in, as dotted paths: ``text``, ``decision_rules.<kind>``,
    ``members.<slug>.<field>`` (``members.<slug>`` for a member one of them lacks) and ``<setting>``."""
    fields = ["text"] if old["text"] != new["text"] else []
    old_rules, new_rules = old["rules"], new["rules"]
    for kind in sorted(set(old_rules["decision_rules"]) | set(new_rules["decision_rules"])):
        if old_rules["decision_rules"].get(kind) != new_rules["decision_rules"].get(kind):
            fields.append(f"decision_rules.{kind}")
    for slug in sorted(set(old_rules["members"]) | set(new_rules["members"])):
        before, after = old_rules["members"].get(slug), new_rules["members"].get(slug)
        if before is None or after is None:
            fields.append(f"members.{slug}")
        else:
            fields += [f"members.{slug}.{key}" for key in sorted(after) if before.get(key) != after[key]]
    fields += [name for name in SETTINGS if old_rules.get(name) != new_rules.get(name)]
    return fields


def overlapping(mine: Sequence[str], theirs: Sequence[str]) -> list[str]:
    """The fields of ``mine`` that ``theirs`` touched too (a field, or one inside it, or one it lies in)."""
    return [field for field in mine
            if any(field == other or field.startswith(other + ".") or other.startswith(field + ".")
                   for other in theirs)]


@dataclass(frozen=True)
class Settlement:
    """What a passed change does at its close: ``document`` the new charter, or None when it is superseded for
    ``reason`` (fields another change touched first, or a change that no longer applies)."""

    document: dict | None
    fields: tuple[str, ...]
    reason: str = ""


def settle_change(versions: Sequence[Mapping], kind: str, payload: Mapping) -> Settlement:
    """Apply a passed change written against ``versions[0]`` to the charter in force, ``versions[-1]``.

    ``versions``: the documents from the one the proposal was written against to the one in force, in order.
    If a version in between touched a field this change touches, the change is superseded: no silent merge.
    """
    try:
        mine = changed_fields(versions[0], apply_change(versions[0], kind, payload))
    except CharterError as error:
        return Settlement(None, (), f"It did not apply to the charter it was written against: {error}")
    landed = [field for before, after in zip(versions, versions[1:]) for field in changed_fields(before, after)]
    clash = overlapping(mine, landed)
    if clash:
        return Settlement(None, tuple(clash), "Another change landed first on " + ", ".join(clash)
                          + f" (charter version {len(versions) - 1} after the one it was written against).")
    try:
        new = apply_change(versions[-1], kind, payload)
    except CharterError as error:
        return Settlement(None, tuple(mine), f"It no longer applies to the charter in force: {error}")
    return Settlement(new, tuple(changed_fields(versions[-1], new)))


def version_hash(*, coalition: str, version: int, previous: str | None, document: Mapping) -> str:
    """SHA-256 (hex) of the canonical JSON of a charter version: its coalition, number, predecessor's hash, text and
    rules; each version names the one before it, so the versions form a hash chain."""
    return hashlib.sha256(canonical_bytes({
        "coalition": coalition, "version": version, "previous": previous, "text": document["text"],
        "rules": document["rules"]})).hexdigest()


def eligible_rows(rules: Mapping) -> list[dict]:
    """Who votes on a ballot opened under these rules: the active members with their weights, by slug."""
    return [{"member": slug, "name": m["name"], "weight": m["weight"]}
            for slug, m in sorted(rules["members"].items()) if m["status"] == "active"]


@dataclass(frozen=True)
class ProxyCaps:
    max_held: int
    max_weight_share: Fraction


@dataclass(frozen=True)
class CharterSettings:
    """The settings of a charter version, typed: what proxies, witnesses, moderators and ballots read."""

    rules: Mapping

    def decision_rule(self, kind: str) -> dict:
        return dict(self.rules["decision_rules"][kind])

    @property
    def weights(self) -> dict[str, Fraction]:
        return {slug: parse_exact(m["weight"]) for slug, m in self.rules["members"].items() if m["status"] == "active"}

    @property
    def moderators(self) -> tuple[str, ...]:
        return tuple(self.rules["moderators"])

    @property
    def proxy_caps(self) -> ProxyCaps:
        caps = self.rules["proxy_caps"]
        return ProxyCaps(caps["max_held"], parse_exact(caps["max_weight_share"]))

    @property
    def witness_quorum(self) -> int:
        return self.rules["witness_quorum"]

    @property
    def minimum_hours(self) -> int:
        return self.rules["durations"]["minimum_hours"]

    @property
    def default_hours(self) -> int:
        return self.rules["durations"]["default_hours"]

    @property
    def membership_criteria(self) -> str:
        return self.rules["membership_criteria"]

    @property
    def weight_basis(self) -> str:
        return self.rules["weight_basis"]

    @property
    def emergency_suspension(self) -> bool:
        return self.rules["emergency_suspension"]

    @property
    def applications_decided_by(self) -> str:
        return self.rules["applications_decided_by"]

    @property
    def signed_votes(self) -> str | list[str]:
        """"all", or the proposal kinds whose votes must be signed ([] : none)."""
        return self.rules.get("signed_votes", [])

    def signatures_required(self, kind: str) -> bool:
        return signatures_required(self.rules, kind)
