"""Request and response bodies of the JSON API: exact numbers travel as strings."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict, StrictInt, StrictStr

from app.paging import Page

ExactNumber = StrictInt | Annotated[Decimal, Strict()] | StrictStr  # strict: JSON true is not the weight 1


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AdminIn(Strict):
    username: str = Field(min_length=1, max_length=80)
    password: str = Field(min_length=1, max_length=1024)


class CoalitionCreate(Strict):
    slug: str = Field(min_length=1, max_length=64, examples=["wpn-mena"])
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=5000)
    admin: AdminIn


class CoalitionPublic(BaseModel):
    slug: str
    name: str
    description: str
    created_at: datetime
    members: int
    log_size: int
    time_zone: str = Field(description="The IANA time zone its pages show times in; the API and the log keep UTC.")


class TimeZoneUpdate(Strict):
    time_zone: str = Field(min_length=1, max_length=64, examples=["Asia/Baghdad"])


class CoalitionList(BaseModel):
    items: list[CoalitionPublic]
    page: Page


class RulePublic(BaseModel):
    kind: str
    rule: dict[str, Any]
    description: str


class RuleUpdate(Strict):
    rule: dict[str, Any]
    reason: str = Field(min_length=1, max_length=1000)


class MemberCreate(Strict):
    name: str = Field(min_length=1, max_length=200)
    weight: ExactNumber = 1
    basis: str = Field(default="", max_length=200)
    country: str = Field(default="", max_length=100)
    slug: str | None = Field(default=None, max_length=64)
    reason: str = Field(default="admitted", min_length=1, max_length=1000)


class MemberPublic(BaseModel):
    slug: str
    name: str
    country: str
    status: str
    weight: str
    weight_basis: str
    weight_share: str | None
    admitted_at: datetime


class MemberList(BaseModel):
    items: list[MemberPublic]
    page: Page
    total_weight: str


class StatusChange(Strict):
    reason: str = Field(min_length=1, max_length=1000)


class WeightUpdate(Strict):
    weight: ExactNumber
    basis: str | None = Field(default=None, max_length=200)
    reason: str = Field(min_length=1, max_length=1000)


class WeightChangePublic(BaseModel):
    member: str
    member_name: str
    old_weight: str | None
    new_weight: str
    basis: str
    reason: str
    actor: str
    changed_at: datetime
    log_index: int


class WeightHistory(BaseModel):
    items: list[WeightChangePublic]
    page: Page


class AccountCreate(Strict):
    username: str = Field(min_length=1, max_length=80)
    password: str = Field(min_length=1, max_length=1024)
    role: Literal["admin", "representative"]
    member: str | None = None
    display_name: str = Field(default="", max_length=200)


class AccountPublic(BaseModel):
    username: str
    display_name: str
    role: str
    member: str | None
    coalition: str
    active: bool


class TokenCreate(Strict):
    username: str = Field(min_length=1, max_length=80)
    password: str = Field(min_length=1, max_length=1024)
    name: str = Field(default="api", min_length=1, max_length=100)


class TokenPublic(BaseModel):
    id: int
    name: str
    prefix: str
    created_at: datetime
    revoked_at: datetime | None


class TokenIssued(TokenPublic):
    token: str = Field(description="The secret: shown once, store it now.")


class ProposalUpdate(Strict):
    title: str | None = Field(default=None, max_length=200)
    body: str | None = Field(default=None, max_length=20000)
    options: list[str] | None = Field(default=None, max_length=50)
    seats: int | None = Field(default=None, ge=1, le=49)


class Withdrawal(Strict):
    reason: str = Field(default="", max_length=1000)


class ProposalPublic(BaseModel):
    number: int
    kind: str
    title: str
    body: str
    body_html: str
    options: list[str]
    seats: int
    payload: dict[str, Any]
    author: str
    author_member: str | None
    state: str
    outcome: str | None
    outcome_reason: str = Field(default="", description="Why a passed change was superseded.")
    charter_version: int | None = Field(default=None, description="The charter version a change was written against.")
    impact: dict[str, Any] | None = Field(default=None, description="Each member's power before and after the change.")
    created_at: datetime
    updated_at: datetime


class ProposalList(BaseModel):
    items: list[ProposalPublic]
    page: Page


class BallotOpen(Strict):
    closes_at: datetime
    rule: dict[str, Any] | None = None
    live_results: bool = False


class EligibleMember(BaseModel):
    member: str
    name: str
    weight: str


class BallotSigning(BaseModel):
    """What a signed vote's concord-vote/v1 statement names besides the vote (see the README)."""

    origin: str = Field(description="The log's origin, the statement's second line.")
    ballot: int = Field(description="The index of the ballot.opened entry in the log.")
    proposal: int
    required: bool = Field(description="Whether the charter requires every vote on this ballot to be signed.")


class BallotPublic(BaseModel):
    proposal: int
    status: str
    rule: dict[str, Any]
    rule_description: str
    eligible: list[EligibleMember]
    live_results: bool
    opened_at: datetime
    closes_at: datetime
    closed_at: datetime | None
    voted: list[str]
    result: dict[str, Any] | None
    running_count: dict[str, Any] | None
    power: dict[str, Any] | None
    pivotal: dict[str, list[str]] | None = Field(
        default=None, description="Closed yes/no ballots: members whose switch alone would have changed the outcome.")
    signing: BallotSigning | None = None



class VoteIn(Strict):
    choice: Literal["yes", "no", "abstain", "block"] | None = None
    option: str | None = None
    approve: list[str] | None = None
    scores: dict[str, int] | None = None
    ranking: list[str | list[str]] | None = None
    salt: str | None = Field(default=None, max_length=64, description="Signed votes: the salt of the commitment the "
                             "signer computed (32 to 64 lowercase hex digits).")
    key_id: str | None = Field(default=None, max_length=64, description="Signed votes: the id of the member key.")
    seq: StrictInt | None = Field(default=None, description="Signed votes: the member's sequence number, above its "
                                  "last signed vote's.")
    signature: str | None = Field(default=None, max_length=100, description="Signed votes: base64 Ed25519 signature "
                                  "of the concord-vote/v1 statement (see the README).")

    def payload(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True, exclude=SIGNATURE_FIELDS)

    def signature_fields(self) -> dict[str, Any]:
        return self.model_dump(include=SIGNATURE_FIELDS)


SIGNATURE_FIELDS = {"salt", "key_id", "seq", "signature"}


class VotePublic(BaseModel):
    member: str
    member_name: str
    vote: dict[str, Any] | None
    account: str | None
    cast_at: datetime
    casts: int
    log_index: int
    key_id: str | None = Field(default=None, description="The member key that signed this vote; null: cast through "
                               "the server's session, unsigned.")
    seq: int | None = None
    cast_by_proxy: str | None = Field(default=None, description="The member whose representative cast this vote "
                                                                "under the member's proxy (shown once revealed).")


class VoteReceipt(BaseModel):
    vote: VotePublic
    log_index: int
    entry: str = Field(description="The stored log entry, base64.")
    receipt: str | None = Field(default=None, description="C2SP tlog-proof of the entry, when the log is signed.")
    salt: str = Field(description="Opens the commitment the log shows for this vote: SHA-256 of the canonical "
                                  "{member, number, salt, vote}; the closing of the ballot reveals it to everyone.")


class VoteList(BaseModel):
    proposal: int
    status: str
    items: list[VotePublic]


class LogEntryPublic(BaseModel):
    index: int
    type: str
    leaf: str
    event: dict[str, Any]


class LogEntries(BaseModel):
    size: int
    items: list[LogEntryPublic]


class InclusionProofPublic(BaseModel):
    index: int
    size: int
    leaf_hash: str = Field(description="SHA-256(0x00 || entry), base64.")
    root: str = Field(description="The root of the first `size` entries, base64.")
    proof: list[str] = Field(description="RFC 9162 inclusion proof, base64 hashes from the leaf up.")
    checkpoint: str | None = Field(default=None, description="The signed checkpoint of this size.")


class ConsistencyProofPublic(BaseModel):
    old: int
    new: int
    old_root: str
    new_root: str
    proof: list[str] = Field(description="RFC 9162 consistency proof, base64 hashes.")
    old_checkpoint: str | None = None
    new_checkpoint: str | None = None


class VoteStandingPublic(BaseModel):
    number: int
    member: str
    counted: bool = Field(description="Whether this cast is the member's last one, the one that counts.")
    superseded_by: int | None = Field(default=None, description="The entry of the member's later vote.")
    closed_idx: int | None = Field(default=None, description="The ballot.closed entry, once the ballot closed.")


class ReceiptPublic(BaseModel):
    index: int
    size: int
    entry: str = Field(description="The stored log entry, base64.")
    receipt: str = Field(description="C2SP tlog-proof of the entry against the checkpoint of `size`.")
    vote: VoteStandingPublic | None = None
    closing: ConsistencyProofPublic | None = Field(
        default=None, description="Consistency between this receipt's checkpoint and the ballot's closing one.")


class Problem(BaseModel):
    """Why a request was refused: a sentence to act on, or FastAPI's list of invalid fields (422)."""

    detail: str | list[dict[str, Any]]


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"description": text, "content": {"application/json": {"schema": Problem.model_json_schema()}}}
    for code, text in (
        (400, "The request cannot be carried out as sent."),
        (401, "No valid API token: sign in first."),
        (403, "The account may not do this here."),
        (404, "No such coalition, member, proposal or entry."),
        (409, "Conflicts with the current state (closed ballot, taken name, concurrent change)."),
        (408, "The request body did not arrive within the server's time limit."),
        (413, "The request body is too large."),
        (422, "Invalid fields, a value the rules refuse, or a number, text or nesting beyond the body's bounds."),
        (429, "Too many sign-in attempts, or what-ifs without an account; Retry-After says when to try again."),
        (503, "The database is unavailable, or a power analysis takes longer than the time budget; nothing was "
              "changed; Retry-After says when to try again."),
    )
}



class KeyCreate(Strict):
    public_key: str = Field(min_length=1, max_length=200, description="Standard base64 of the raw 32-byte Ed25519 "
                            "public key (made where the representative is; the private key never comes here).",
                            examples=["2T4M3PMZ6b1zX/T8nim/w7rqmW/LG61ePKRr9e+Asco="])
    label: str = Field(min_length=1, max_length=100, examples=["Amal's laptop"])
    purpose: Literal["vote", "witness"] = "vote"


class KeyPublic(BaseModel):
    member: str
    key_id: str = Field(description="Lowercase hex SHA-256 of the raw public key.")
    public_key: str
    label: str
    purpose: str
    active: bool
    registered_by: str
    registered_at: datetime
    log_index: int
    revoked_at: datetime | None
    revoked_log_index: int | None


class KeyList(BaseModel):
    items: list[KeyPublic]
    last_seq: int = Field(description="The sequence number of the member's last accepted signed vote (0: none); "
                                      "a signed vote needs a greater one.")
