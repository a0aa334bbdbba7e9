"""A new proposal's body: one model per kind, told apart by ``kind``, each change kind with its typed payload."""

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Discriminator, Field, Tag

from app.api.schemas import ExactNumber, Strict

RuleKind = Literal["decision", "charter_amendment", "rule_change", "weight_change", "admission", "suspension",
                   "readmission", "expulsion", "choice", "election"]
Reason = Annotated[str, Field(min_length=1, max_length=1000, description="Why: shown with the proposal and logged.")]


class Durations(Strict):
    minimum_hours: int = Field(ge=0, le=24 * 366, description="The shortest a ballot may stay open.")
    default_hours: int = Field(ge=0, le=24 * 366, description="How long a ballot stays open unless told otherwise.")


class ProxyCaps(Strict):
    max_held: int = Field(ge=0, description="How many other members' votes one member may hold as a proxy.")
    max_weight_share: ExactNumber = Field(description="The largest share of the total weight one proxy may hold.")


class CharterSettingsIn(Strict):
    """Charter settings; in an amendment, only those given change."""

    weight_basis: str | None = Field(default=None, max_length=1000, description="What the weights measure.")
    membership_criteria: str | None = Field(default=None, max_length=5000)
    durations: Durations | None = None
    proxy_caps: ProxyCaps | None = None
    witness_quorum: int | None = Field(default=None, ge=0, description="Cosignatures a checkpoint needs.")
    moderators: list[str] | None = Field(default=None, description="Member slugs who moderate deliberation.")
    emergency_suspension: bool | None = Field(default=None, description="Whether the secretariat may suspend a "
                                              "member at once, with a reason, subject to a review ballot.")
    applications_decided_by: Literal["secretariat", "members"] | None = None
    signed_votes: Literal["all"] | list[str] | None = Field(
        default=None, description='"all", or the proposal kinds whose votes must be signed by a registered member '
                                  "key ([]: none).", examples=[["election", "charter_amendment"]])


class RuleChangePayload(Strict):
    rules: dict[RuleKind, dict[str, Any]] = Field(min_length=1, description="Proposal kind -> its new rule.")
    reason: str = Field(default="", max_length=1000)


class WeightChangePayload(Strict):
    weights: dict[str, ExactNumber] = Field(min_length=1, description="Member slug -> new exact weight.",
                                            examples=[{"aden-peace-circle": "150"}])
    reason: Reason
    basis: str | None = Field(default=None, max_length=200, description="The new basis of the weights given.")


class AdmissionPayload(Strict):
    name: str = Field(min_length=1, max_length=200)
    slug: str | None = Field(default=None, max_length=64)
    country: str = Field(default="", max_length=100)
    weight: ExactNumber = 1
    basis: str = Field(default="", max_length=200)
    reason: str = Field(default="", max_length=1000)


class MemberActionPayload(Strict):
    member: str = Field(min_length=1, max_length=80, description="The member's slug.")
    reason: Reason


class CharterAmendmentPayload(Strict):
    text: str | None = Field(default=None, max_length=100_000, description="The charter's new Markdown text.")
    settings: CharterSettingsIn | None = None
    rules: dict[RuleKind, dict[str, Any]] | None = Field(default=None, description="Proposal kind -> its new rule.")
    reason: str = Field(default="", max_length=1000)


class _Common(Strict):
    title: str = Field(min_length=1, max_length=200)
    body: str = Field(default="", max_length=20000)
    options: list[str] = Field(default_factory=list, max_length=50, description="A choice's or election's options.")
    seats: int = Field(default=1, ge=1, le=49)


class DecisionCreate(_Common):
    kind: Literal["decision"] = "decision"
    payload: dict[str, Any] = Field(default_factory=dict, max_length=0, description="A decision takes no payload.")


class OptionsCreate(_Common):
    kind: Literal["choice", "election"]
    payload: dict[str, Any] = Field(default_factory=dict, max_length=0, description="A choice takes no payload.")


class CharterAmendmentCreate(_Common):
    kind: Literal["charter_amendment"]
    payload: CharterAmendmentPayload


class RuleChangeCreate(_Common):
    kind: Literal["rule_change"]
    payload: RuleChangePayload


class WeightChangeCreate(_Common):
    kind: Literal["weight_change"]
    payload: WeightChangePayload


class AdmissionCreate(_Common):
    kind: Literal["admission"]
    payload: AdmissionPayload


class MemberActionCreate(_Common):
    kind: Literal["suspension", "readmission", "expulsion"]
    payload: MemberActionPayload


def _kind_of(value: object) -> str:
    kind = value.get("kind", "decision") if isinstance(value, dict) else getattr(value, "kind", "decision")
    return kind if isinstance(kind, str) else ""


ProposalCreate = Annotated[
    Annotated[DecisionCreate, Tag("decision")] | Annotated[OptionsCreate, Tag("choice")]
    | Annotated[OptionsCreate, Tag("election")] | Annotated[CharterAmendmentCreate, Tag("charter_amendment")]
    | Annotated[RuleChangeCreate, Tag("rule_change")] | Annotated[WeightChangeCreate, Tag("weight_change")]
    | Annotated[AdmissionCreate, Tag("admission")] | Annotated[MemberActionCreate, Tag("suspension")]
    | Annotated[MemberActionCreate, Tag("readmission")] | Annotated[MemberActionCreate, Tag("expulsion")],
    Discriminator(_kind_of, custom_error_type="invalid_kind",
                  custom_error_message="kind must be one of decision, choice, election, charter_amendment, "
                                       "rule_change, weight_change, admission, suspension, readmission, expulsion"),
]
"""The body of ``POST /proposals``: ``kind`` picks the model; a change kind's ``payload`` is checked field by field."""


def payload_of(body: object) -> dict:
    """The payload as plain JSON (exact numbers as strings), only the fields the request gave."""
    payload = getattr(body, "payload", None)
    return payload.model_dump(mode="json", exclude_unset=True) if isinstance(payload, BaseModel) else {}


class CharterFound(Strict):
    """The founding act: the charter's text and settings; the members, weights and rules are taken as they stand."""

    text: str = Field(min_length=1, max_length=100_000)
    settings: CharterSettingsIn | None = None
