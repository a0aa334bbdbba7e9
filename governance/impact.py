"""Power before you vote: each member's power under the charter in force and under the charter a change would make.

Computed when a change proposal is drafted, frozen into the proposal and its ``proposal.created`` log entry, so that
every member sees, before voting, what the change does to who can pass and who can block.
"""

from collections.abc import Mapping

from governance import power
from governance.log.charter_rules import CharterError, apply_change, eligible_rows

__all__ = ["IMPACT_KINDS", "change_impact"]

IMPACT_KINDS = ("rule_change", "weight_change", "admission", "suspension", "expulsion")
KEPT = ("exact", "banzhaf", "shapley_shubik", "veto", "smallest_winning", "smallest_blocking", "weight_share",
        "member_names")


def _side(rule: Mapping, rules: Mapping) -> dict:
    eligible = eligible_rows(rules)
    if not eligible:
        return {"members": []}
    report = power.power_report(rule, eligible)
    side = {key: report.get(key) for key in KEPT}
    side["members"] = [row["member"] for row in eligible]
    return side


def _weighing_kind(rules: Mapping) -> str:
    """Ordinary decisions, or where they count one vote per member (so weights change nothing there), the first
    yes/no kind whose rule counts weight."""
    decision_rules = rules["decision_rules"]
    if decision_rules["decision"].get("counting") in ("weighted", "double"):
        return "decision"
    return next((kind for kind, rule in decision_rules.items()
                 if rule.get("type") == "majority" and rule.get("counting") in ("weighted", "double")), "decision")


def change_impact(document: Mapping, kind: str, payload: Mapping) -> dict | None:
    """Banzhaf and Shapley-Shubik power, veto players and the smallest blocking coalition of every member, before
    and after the change, under the rule that decides ``rule_kind`` (the rule changed; else ordinary decisions, or
    where they count one vote per member, the first kind whose rule counts weight)."""
    if kind not in IMPACT_KINDS:
        return None
    try:
        after = apply_change(document, kind, payload)
    except CharterError:
        return None
    rule_kind = sorted(payload["rules"])[0] if kind == "rule_change" else _weighing_kind(document["rules"])
    before_rule = document["rules"]["decision_rules"][rule_kind]
    after_rule = after["rules"]["decision_rules"][rule_kind]
    if before_rule.get("type") != "majority" or after_rule.get("type") != "majority":
        return None
    return {"rule_kind": rule_kind, "before": _side(before_rule, document["rules"]),
            "after": _side(after_rule, after["rules"])}
