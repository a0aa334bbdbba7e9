"""Yes/no/abstain decision rules as data: thresholds, quorums, consensus, unanimity; validated, serialized, described."""

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal, get_args

from voting.exact import ExactNumberError, format_exact, parse_exact

__all__ = [
    "Base",
    "Counting",
    "MajorityRule",
    "RuleError",
    "Threshold",
    "format_percent",
]

Counting = Literal["equal", "weighted", "double"]
Base = Literal["yes_no", "cast", "eligible"]

COUNTINGS: tuple[str, ...] = get_args(Counting)
BASES: tuple[str, ...] = get_args(Base)
MEMBER_BASE_WORDS = {
    "yes_no": "the members voting yes or no",
    "cast": "the members who vote (abstentions count)",
    "eligible": "all eligible members",
}
WEIGHT_BASE_WORDS = {
    "yes_no": "the weight voting yes or no",
    "cast": "the weight cast (abstentions count)",
    "eligible": "the weight of all eligible members",
}


class RuleError(ValueError):
    """A decision rule that cannot be applied (a threshold outside (0, 1], an unknown counting...)."""


def format_percent(value: Fraction) -> str:
    """``value`` as a percentage for display: exact up to one decimal place, else "about" and rounded.

    >>> format_percent(Fraction(7, 12)), format_percent(Fraction(13, 20))
    ('about 58.3%', '65%')
    """
    hundredths = value * 100
    if (hundredths * 10).denominator == 1:
        return f"{format_exact(hundredths)}%"
    return f"about {format_exact(Fraction(round(hundredths * 10), 10))}%"


def _share_words(value: Fraction) -> str:
    """A threshold in words: "50%", or "2/3 (about 66.7%)" when the percentage is not exact."""
    text = format_percent(value)
    return f"{value.numerator}/{value.denominator} ({text})" if text.startswith("about") else text


def _read_fraction(value: object, what: str) -> Fraction:
    try:
        return parse_exact(value)
    except ExactNumberError as error:
        raise RuleError(f"{what}: {error}") from None


@dataclass(frozen=True)
class Threshold:
    """The share of yes votes a criterion needs: more than (strict) or at least ``fraction`` of its ``base``.

    >>> Threshold().describe()
    'more than 50%'
    """

    fraction: Fraction = Fraction(1, 2)
    strict: bool = True
    base: Base = "yes_no"

    def validate(self, name: str = "threshold") -> None:
        """Raise RuleError unless the fraction is exact and in (0, 1] and the base is known.

        >>> Threshold(Fraction(3, 2)).validate("member threshold")
        Traceback (most recent call last):
        ...
        voting.majority.rule.RuleError: member threshold is 1.5; a threshold must be more than 0 and at most 1 (for example 1/2 or 0.55)
        """
        if isinstance(self.fraction, bool) or not isinstance(self.fraction, (int, Fraction)):
            raise RuleError(f"{name} must be an exact number (int or Fraction), not {self.fraction!r}")
        if not 0 < self.fraction <= 1:
            raise RuleError(
                f"{name} is {format_exact(self.fraction)}; "
                "a threshold must be more than 0 and at most 1 (for example 1/2 or 0.55)"
            )
        if not isinstance(self.strict, bool):
            raise RuleError(f"{name}: strict must be true ('more than') or false ('at least'), not {self.strict!r}")
        if self.base not in BASES:
            raise RuleError(f"{name}: unknown base {self.base!r}; choose one of: {', '.join(BASES)}")

    def is_met(self, share: Fraction) -> bool:
        """Whether ``share`` clears the threshold; a share equal to a "more than" threshold (a tie) fails.

        >>> Threshold().is_met(Fraction(1, 2)), Threshold(strict=False).is_met(Fraction(1, 2))
        (False, True)
        """
        return share > self.fraction if self.strict else share >= self.fraction

    def describe(self) -> str:
        """The threshold in words, e.g. "at least 65%" or "more than 2/3 (about 66.7%)".

        >>> Threshold(Fraction(13, 20), strict=False).describe()
        'at least 65%'
        """
        return f"{'more than' if self.strict else 'at least'} {_share_words(Fraction(self.fraction))}"

    def to_dict(self) -> dict[str, object]:
        """JSON-able form, the fraction as an exact string.

        >>> Threshold().to_dict()
        {'fraction': '0.5', 'strict': True, 'base': 'yes_no'}
        """
        return {"fraction": format_exact(self.fraction), "strict": self.strict, "base": self.base}

    @classmethod
    def from_dict(cls, data: Mapping[str, object], name: str = "threshold") -> "Threshold":
        """Read the form written by ``to_dict``; missing keys take their defaults.

        >>> Threshold.from_dict({"fraction": "2/3", "strict": False}).fraction
        Fraction(2, 3)
        """
        if not isinstance(data, Mapping):
            raise RuleError(f"{name} must be an object with fraction, strict and base, not {data!r}")
        unknown = sorted(set(data) - {"fraction", "strict", "base"})
        if unknown:
            raise RuleError(f"{name}: unknown field(s) {', '.join(unknown)}; expected fraction, strict, base")
        threshold = cls(
            fraction=_read_fraction(data.get("fraction", "1/2"), name),
            strict=data.get("strict", True),  # type: ignore[arg-type]
            base=data.get("base", "yes_no"),  # type: ignore[arg-type]
        )
        threshold.validate(name)
        return threshold


RULE_FIELDS = (
    "counting",
    "member_threshold",
    "weight_threshold",
    "quorum_members",
    "quorum_weight",
    "consensus",
    "unanimity",
    "blocking_minority_members",
    "early_close",
)


@dataclass(frozen=True)
class MajorityRule:
    """How a yes/no/abstain ballot is decided.

    ``counting``: one member one vote (``equal``, uses ``member_threshold``), by weight
    (``weighted``, uses ``weight_threshold``) or both at once (``double``). Quorums are the
    shares of eligible members / weight that must take part; abstentions and blocks count as
    taking part. ``consensus``: members may block, and one block fails the proposal.
    ``unanimity``: no member may vote no, abstentions do not prevent adoption (TFEU art.
    238(4)), at least one yes is needed; the thresholds still apply. ``blocking_minority_members``
    (TEU art. 16(4)): unless at least this many members count against in the weight criterion's
    base (no votes; with base "cast" also abstentions and blocks; with base "eligible" every
    member not voting yes, as in the Council where an abstention counts as a vote against), the
    weight criterion is deemed met.
    """

    counting: Counting = "equal"
    member_threshold: Threshold = Threshold()
    weight_threshold: Threshold = Threshold()
    quorum_members: Fraction | None = None
    quorum_weight: Fraction | None = None
    consensus: bool = False
    unanimity: bool = False
    blocking_minority_members: int | None = None
    early_close: bool = True

    @property
    def uses_members(self) -> bool:
        """Whether the member-count criterion applies (equal or double counting).

        >>> MajorityRule(counting="weighted").uses_members
        False
        """
        return self.counting in ("equal", "double")

    @property
    def uses_weight(self) -> bool:
        """Whether the weight criterion applies (weighted or double counting).

        >>> MajorityRule(counting="double").uses_weight
        True
        """
        return self.counting in ("weighted", "double")

    def validate(self) -> None:
        """Raise RuleError, with a message naming the field, unless every part of the rule is usable.

        >>> MajorityRule(quorum_members=Fraction(-1, 10)).validate()
        Traceback (most recent call last):
        ...
        voting.majority.rule.RuleError: quorum_members is -0.1; a quorum must be between 0 and 1 (a share of the eligible members)
        """
        if self.counting not in COUNTINGS:
            raise RuleError(f"unknown counting {self.counting!r}; choose one of: {', '.join(COUNTINGS)}")
        for name in ("member_threshold", "weight_threshold"):
            threshold = getattr(self, name)
            if not isinstance(threshold, Threshold):
                raise RuleError(f"{name} must be a Threshold, not {threshold!r}")
            threshold.validate(name.replace("_", " "))
        for name, unit in (("quorum_members", "members"), ("quorum_weight", "weight")):
            self._validate_quorum(name, getattr(self, name), unit)
        for name in ("consensus", "unanimity", "early_close"):
            if not isinstance(getattr(self, name), bool):
                raise RuleError(f"{name} must be true or false, not {getattr(self, name)!r}")
        self._validate_blocking_minority()

    @staticmethod
    def _validate_quorum(name: str, quorum: object, unit: str) -> None:
        if quorum is None:
            return
        if isinstance(quorum, bool) or not isinstance(quorum, (int, Fraction)):
            raise RuleError(f"{name} must be an exact number (int or Fraction) or None, not {quorum!r}")
        if not 0 <= quorum <= 1:
            raise RuleError(
                f"{name} is {format_exact(quorum)}; a quorum must be between 0 and 1 (a share of the eligible {unit})"
            )

    def _validate_blocking_minority(self) -> None:
        minority = self.blocking_minority_members
        if minority is None:
            return
        if isinstance(minority, bool) or not isinstance(minority, int) or minority < 1:
            raise RuleError(f"blocking_minority_members must be a whole number of members, 1 or more, not {minority!r}")
        if not self.uses_weight:
            raise RuleError(
                "blocking_minority_members relaxes the weight criterion; "
                "it needs counting 'weighted' or 'double', not 'equal'"
            )

    def to_dict(self) -> dict[str, object]:
        """JSON-able form with a stable key order, every number as an exact string.

        >>> MajorityRule(quorum_members=Fraction(1, 3)).to_dict()["quorum_members"]
        '1/3'
        """
        data: dict[str, object] = {}
        for name in RULE_FIELDS:
            value = getattr(self, name)
            if isinstance(value, Threshold):
                value = value.to_dict()
            elif name.startswith("quorum") and value is not None:
                value = format_exact(value)
            data[name] = value
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> "MajorityRule":
        """The rule ``to_dict`` wrote, validated; missing keys take their defaults, unknown keys are refused.

        >>> MajorityRule.from_dict({"counting": "weighted", "quorum_weight": "0.5"}).quorum_weight
        Fraction(1, 2)
        """
        if not isinstance(data, Mapping):
            raise RuleError(f"a rule must be an object with the fields {', '.join(RULE_FIELDS)}, not {data!r}")
        unknown = sorted(set(data) - set(RULE_FIELDS))
        if unknown:
            raise RuleError(f"unknown rule field(s) {', '.join(map(str, unknown))}; expected: {', '.join(RULE_FIELDS)}")
        values = dict(data)
        for name in ("member_threshold", "weight_threshold"):
            if name in values:
                values[name] = Threshold.from_dict(values[name], name.replace("_", " "))  # type: ignore[arg-type]
        for name in ("quorum_members", "quorum_weight"):
            if values.get(name) is not None:
                values[name] = _read_fraction(values[name], name)
        rule = cls(**values)  # type: ignore[arg-type]
        rule.validate()
        return rule

    def describe(self) -> str:
        """The rule in plain English.

        >>> MajorityRule().describe()
        'Passes when yes wins more than 50% of the members voting yes or no. The secretariat may close the ballot early.'
        """
        parts = [f"Passes when yes wins {', and '.join(self._criteria_words())}."]
        if self.blocking_minority_members is not None:
            parts.append(
                f"The weight criterion is deemed met unless at least {self.blocking_minority_members} "
                "members count against (blocking minority)."
            )
        for quorum, words in ((self.quorum_members, "of the eligible members"), (self.quorum_weight, "of the eligible weight")):
            if quorum is not None:
                parts.append(f"Quorum: at least {_share_words(Fraction(quorum))} {words} must take part (abstentions count).")
        if self.unanimity:
            parts.append("Unanimity: no member may vote no; abstentions do not prevent adoption; at least one yes is needed.")
        if self.consensus:
            parts.append("Consensus: any member may block, and a single block fails the proposal.")
        parts.append(
            "The secretariat may close the ballot early." if self.early_close else "The ballot stays open until its closing time."
        )
        return " ".join(parts)

    def _criteria_words(self) -> list[str]:
        words = []
        if self.uses_members:
            threshold = self.member_threshold
            words.append(f"{threshold.describe()} of {MEMBER_BASE_WORDS[threshold.base]}")
        if self.uses_weight:
            threshold = self.weight_threshold
            words.append(f"{threshold.describe()} of {WEIGHT_BASE_WORDS[threshold.base]}")
        return words
