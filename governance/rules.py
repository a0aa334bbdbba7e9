"""Decision rules as stored data: yes/no majorities for decisions, counting methods for choices and elections."""

from collections.abc import Mapping
from fractions import Fraction

from governance.errors import RuleViolation
from governance.log.charter_rules import CHANGE_KINDS
from governance.text import check_number_size
from voting.exact import ExactNumberError, format_exact, parse_exact
from voting.majority import MajorityRule, RuleError, Threshold
from voting.registry import METHODS

__all__ = ["KINDS", "YES_NO_KINDS", "default_rules", "describe_rule", "majority_rule", "normalize_rule"]

YES_NO_KINDS = ("decision", *CHANGE_KINDS)
OPTION_KINDS = ("choice", "election")
KINDS = YES_NO_KINDS + OPTION_KINDS
SINGLE_WINNER_METHODS = ("plurality", "approval", "score", "star", "irv", "schulze", "ranked_pairs", "copeland", "borda")
COMMITTEE_METHODS = ("stv_scottish", "stv_meek")


def default_rules() -> dict[str, dict]:
    """A new coalition's rules: simple majority for decisions, suspensions and readmissions; two thirds of the
    members for changes of the charter, its rules, weights and membership."""
    simple = {"type": "majority", **MajorityRule(quorum_members=Fraction(1, 2)).to_dict()}
    qualified = {"type": "majority", **MajorityRule(member_threshold=Threshold(Fraction(2, 3), strict=False),
                                                    quorum_members=Fraction(1, 2)).to_dict()}
    return {
        "decision": simple,
        **{kind: dict(simple if kind in ("suspension", "readmission") else qualified) for kind in CHANGE_KINDS},
        "choice": {"type": "method", "method": "schulze", "counting": "equal", "quorum_members": "1/2", "early_close": True},
        "election": {"type": "method", "method": "stv_scottish", "counting": "equal", "quorum_members": "1/2",
                     "early_close": True},
    }


def _share(value: object, field: str) -> str | None:
    if value is None:
        return None
    try:
        share = parse_exact(value)
    except ExactNumberError as error:
        raise RuleViolation("%(field)s: %(error)s", field=field, error=error) from None
    if not 0 <= share <= 1:
        raise RuleViolation("%(field)s must be between 0 and 1, got %(value)s.", field=field, value=format_exact(share))
    return format_exact(share)


def _flag(value: object, field: str) -> bool:
    if not isinstance(value, bool):
        raise RuleViolation("%(field)s must be true or false; got %(value)s.", field=field, value=repr(value))
    return value


def _method_rule(kind: str, data: Mapping[str, object]) -> dict:
    allowed = COMMITTEE_METHODS + SINGLE_WINNER_METHODS if kind == "election" else SINGLE_WINNER_METHODS
    method = data.get("method")
    if method not in METHODS or method not in allowed:
        raise RuleViolation("method must be one of %(methods)s for a %(kind)s; got %(method)s.",
                            methods=", ".join(allowed), kind=kind, method=repr(method))
    counting = data.get("counting", "equal")
    if counting not in ("equal", "weighted"):
        raise RuleViolation("counting must be 'equal' or 'weighted' for a %(kind)s; got %(counting)s.", kind=kind,
                            counting=repr(counting))
    unknown = set(data) - {"type", "method", "counting", "quorum_members", "quorum_weight", "early_close", "max_score"}
    if unknown:
        raise RuleViolation("unknown rule fields: %(fields)s.", fields=", ".join(sorted(unknown)))
    rule = {"type": "method", "method": method, "counting": counting,
            "quorum_members": _share(data.get("quorum_members"), "quorum_members"),
            "quorum_weight": _share(data.get("quorum_weight"), "quorum_weight"),
            "early_close": _flag(data.get("early_close", True), "early_close")}
    if "max_score" in data:
        max_score = data["max_score"]
        if not isinstance(max_score, int) or isinstance(max_score, bool) or not 1 <= max_score <= 100:
            raise RuleViolation("max_score must be an integer from 1 to 100.")
        rule["max_score"] = max_score
    return {key: value for key, value in rule.items() if value is not None}


def normalize_rule(kind: str, data: Mapping[str, object]) -> dict:
    """Validate a rule for proposals of ``kind`` and return its canonical stored form."""
    if kind not in KINDS:
        raise RuleViolation("unknown proposal kind %(kind)s; choose one of %(kinds)s.", kind=repr(kind),
                            kinds=", ".join(KINDS))
    if not isinstance(data, Mapping):
        raise RuleViolation("a rule must be a JSON object.")
    check_number_size(data, field="rule")
    if kind in OPTION_KINDS:
        return _method_rule(kind, data)
    fields = {key: value for key, value in data.items() if key != "type"}
    try:
        rule = MajorityRule.from_dict(fields)
        rule.validate()
    except (RuleError, ValueError, TypeError) as error:
        raise RuleViolation("invalid rule: %(error)s", error=str(error)) from None
    return {"type": "majority", **rule.to_dict()}


def majority_rule(stored: Mapping[str, object]) -> MajorityRule:
    return MajorityRule.from_dict({key: value for key, value in stored.items() if key != "type"})


def describe_rule(stored: Mapping[str, object]) -> str:
    """The rule in plain words."""
    if stored.get("type") == "majority":
        return majority_rule(stored).describe()
    counting = "each member's weight" if stored.get("counting") == "weighted" else "one vote per member"
    text = f"Counted by {stored['method'].replace('_', ' ')}, with {counting}."
    if stored.get("quorum_members"):
        text += f" Quorum: {stored['quorum_members']} of the members must take part."
    if stored.get("quorum_weight"):
        text += f" Quorum: {stored['quorum_weight']} of the weight must take part."
    return text
