"""Power over time steps at every change of the game: weights, the kind's rule, admissions, suspensions,
readmissions, expulsions; each step's power is the one under the rule and membership of its moment."""

from fractions import Fraction

from governance.power_timeline import steps_from_events
from governance.rules import normalize_rule

MINUTE = 60_000
WEIGHTED = normalize_rule("decision", {"type": "majority", "counting": "weighted", "weight_threshold": {
    "fraction": "1/2", "strict": True, "base": "yes_no"}})
EQUAL = normalize_rule("decision", {"type": "majority", "counting": "equal", "member_threshold": {
    "fraction": "1/2", "strict": True, "base": "yes_no"}})


def event(idx: int, minute: int, type_: str, **body: object) -> dict:
    return {"idx": idx, "ts": 1_790_000_000_000 + minute * MINUTE, "type": type_, "body": body}


def charter(idx: int, minute: int, rule: dict, members: dict[str, tuple[str, str]]) -> dict:
    return event(idx, minute, "charter.version", rules={
        "decision_rules": {"decision": rule, "weight_change": EQUAL},
        "members": {slug: {"name": slug, "weight": weight, "status": status} for slug, (weight, status) in members.items()}})


HISTORY = [
    event(0, 0, "coalition.created", rules={"decision": WEIGHTED}),
    event(1, 0, "member.admitted", member="big", weight="50"),
    event(2, 0, "member.admitted", member="mid", weight="40"),
    event(3, 0, "member.admitted", member="small", weight="1"),
    event(4, 5, "weight.changed", member="mid", old="40", new="49"),
    event(5, 6, "rules.changed", kind="choice", rule={"type": "method", "method": "irv"}),
    event(6, 7, "member.suspended", member="small"),
    event(7, 9, "member.readmitted", member="small"),
    event(8, 11, "rules.changed", kind="decision", rule=EQUAL),
    charter(9, 13, EQUAL, {"big": ("50", "active"), "mid": ("49", "active"), "small": ("1", "active")}),
    charter(10, 15, EQUAL, {"big": ("50", "active"), "mid": ("49", "expelled"), "small": ("1", "active")}),
]


def test_each_change_of_the_game_is_a_step_named_by_its_causes_and_nothing_else_is() -> None:
    steps = steps_from_events(HISTORY, "decision")

    assert [step.causes for step in steps] == [("admission",), ("weights",), ("suspension",), ("readmission",),
                                               ("rule",), ("expulsion",)]
    assert [step.log_idx for step in steps] == [0, 4, 6, 7, 8, 10]


def test_each_step_has_the_power_of_its_own_rule_and_members() -> None:
    # 50/40/1 under a weighted majority (more than 45.5 of 91): 50 is a dictator; 50/49/1: Banzhaf 3/5, 1/5, 1/5 (the
    # 1% member has the 49% member's power); without the 1: 50 is a dictator again;
    # one member one vote: 1/3 each; after the 49 is expelled, two members who both must say yes: 1/2 each
    power = [{slug: value for slug, value in step.power.items()} for step in steps_from_events(HISTORY, "decision")]

    fifths = {"big": Fraction(3, 5), "mid": Fraction(1, 5), "small": Fraction(1, 5)}
    dictator = {"big": 1, "mid": 0, "small": 0}
    assert power == [dictator, fifths, {"big": 1, "mid": 0}, fifths, dict.fromkeys(("big", "mid", "small"), Fraction(1, 3)),
                     {"big": Fraction(1, 2), "small": Fraction(1, 2)}]


def test_changes_within_one_minute_are_one_step_and_another_kinds_rule_is_none() -> None:
    same_minute = [*HISTORY[:4], event(4, 0, "weight.changed", member="mid", old="40", new="49"), HISTORY[5]]

    steps = steps_from_events(same_minute, "decision")

    assert [(step.causes, step.log_idx) for step in steps] == [(("admission", "weights"), 0)]


def test_under_a_ballots_own_rule_only_the_members_and_weights_make_steps() -> None:
    steps = steps_from_events(HISTORY, "decision", rule=WEIGHTED)

    assert [step.causes for step in steps] == [("admission",), ("weights",), ("suspension",), ("readmission",),
                                               ("expulsion",)]
    assert steps[-1].power == {"big": 1, "small": 0}
