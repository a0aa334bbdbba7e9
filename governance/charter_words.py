"""The difference between two charter versions in words a member understands ("Quorum by weight: 50% -> 60%").

Each change is an English template with its values (``%(name)s``), so that pages show it in the visitor's language.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from governance.errors import N_
from governance.log.charter_rules import SETTINGS
from voting.exact import parse_exact
from voting.majority.rule import format_percent

__all__ = ["Change", "describe_changes"]

RULE_LABELS = {
    "counting": N_("Counting for %(kind)s"),
    "member_threshold": N_("Share of members needed for %(kind)s"),
    "weight_threshold": N_("Share of weight needed for %(kind)s"),
    "quorum_members": N_("Quorum by members for %(kind)s"),
    "quorum_weight": N_("Quorum by weight for %(kind)s"),
    "consensus": N_("Consensus for %(kind)s"),
    "unanimity": N_("Unanimity for %(kind)s"),
    "blocking_minority_members": N_("Blocking minority for %(kind)s"),
    "early_close": N_("Early closing for %(kind)s"),
    "method": N_("Counting method for %(kind)s"),
    "max_score": N_("Highest score for %(kind)s"),
}
MEMBER_LABELS = {"weight": N_("Weight of %(member)s"), "basis": N_("Weight basis of %(member)s"),
                 "status": N_("Status of %(member)s"), "name": N_("Name of %(member)s"),
                 "country": N_("Country of %(member)s")}
SETTING_LABELS = {
    "weight_basis": N_("What the weights measure"), "membership_criteria": N_("Membership criteria"),
    "durations": N_("Ballot durations"), "proxy_caps": N_("Proxy caps"), "witness_quorum": N_("Witness quorum"),
    "moderators": N_("Moderators"), "emergency_suspension": N_("Emergency suspension by the secretariat"),
    "applications_decided_by": N_("Who turns applications into proposals"),
    "signed_votes": N_("Proposal kinds whose votes must be signed by a member key"),
}


@dataclass(frozen=True)
class Change:
    """One changed field: ``label`` (a template filled from ``params``), the value before and after, as text."""

    field: str
    label: str
    params: Mapping[str, str]
    before: str
    after: str

    @property
    def text(self) -> str:
        return f"{self.label % dict(self.params)}: {self.before} -> {self.after}"


def _words(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Mapping) and "fraction" in value:
        share = format_percent(parse_exact(value["fraction"]))
        return f"{'more than' if value.get('strict') else 'at least'} {share} of {value.get('base', 'yes_no')}"
    if isinstance(value, Mapping) and "minimum_hours" in value:
        return f"at least {value['minimum_hours']} h, usually {value['default_hours']} h"
    if isinstance(value, Mapping) and "max_held" in value:
        return (f"at most {value['max_held']} held, "
                f"{format_percent(parse_exact(value['max_weight_share']))} of the weight")
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "—"
    if isinstance(value, str):
        try:
            number = parse_exact(value)
        except ValueError:
            return value or "—"
        return format_percent(number) if 0 < number <= 1 and ("/" in value or "." in value) else value
    return str(value)


def _rule_changes(kind: str, old: Mapping | None, new: Mapping | None) -> list[Change]:
    old, new = old or {}, new or {}
    return [Change(f"decision_rules.{kind}.{key}", RULE_LABELS.get(key, key + " (%(kind)s)"), {"kind": kind},
                   _words(old.get(key)), _words(new.get(key)))
            for key in sorted(set(old) | set(new)) if key != "type" and old.get(key) != new.get(key)]


def _member_changes(slug: str, old: Mapping | None, new: Mapping | None) -> list[Change]:
    if old is None:
        return [Change(f"members.{slug}", N_("New member %(member)s"), {"member": new["name"]}, "—", new["weight"])]
    if new is None:
        return [Change(f"members.{slug}", N_("Member %(member)s"), {"member": old["name"]}, old["status"], "removed")]
    return [Change(f"members.{slug}.{key}", MEMBER_LABELS[key], {"member": new["name"]}, old[key] or "—",
                   new[key] or "—") for key in MEMBER_LABELS if old.get(key) != new.get(key)]


def describe_changes(old: Mapping, new: Mapping) -> list[Change]:
    """Every field that differs between two charter documents (``{"text", "rules"}``), in words."""
    changes = []
    old_rules, new_rules = old["rules"], new["rules"]
    for kind in sorted(set(old_rules["decision_rules"]) | set(new_rules["decision_rules"])):
        changes += _rule_changes(kind, old_rules["decision_rules"].get(kind), new_rules["decision_rules"].get(kind))
    for slug in sorted(set(old_rules["members"]) | set(new_rules["members"])):
        changes += _member_changes(slug, old_rules["members"].get(slug), new_rules["members"].get(slug))
    for name in SETTINGS:
        if old_rules.get(name) != new_rules.get(name):
            changes.append(Change(name, SETTING_LABELS[name], {}, _words(old_rules.get(name)),
                                  _words(new_rules.get(name))))
    if old["text"] != new["text"]:
        changes.append(Change("text", N_("The charter's text"), {}, f"{len(old['text'])} characters",
                              f"{len(new['text'])} characters"))
    return changes
