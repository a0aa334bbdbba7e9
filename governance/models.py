"""Every table of Concord, with a naming convention set before any table."""

from datetime import UTC, datetime
from fractions import Fraction

from sqlalchemy import false as sa_false
from sqlalchemy import JSON, BigInteger, Column, DateTime, Index, LargeBinary, MetaData, Text, UniqueConstraint
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from voting.exact import format_exact, parse_exact

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata


class UtcDateTime(TypeDecorator):
    """A timestamp that always comes back timezone-aware in UTC (SQLite hands back naive datetimes)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utc_column(nullable: bool = False) -> Column:
    return Column(UtcDateTime(), nullable=nullable)


class Coalition(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=64, unique=True)
    name: str = Field(max_length=200)
    description: str = Field(default="", max_length=5000)
    created_at: datetime = Field(sa_column=utc_column())
    time_zone: str = Field(default="UTC", max_length=64, sa_column_kwargs={"server_default": "UTC"})


class CoalitionRule(SQLModel, table=True):
    """The default rule a coalition applies to one kind of proposal: set by the secretariat in set-up; once the
    charter is adopted, a materialized copy of its ``decision_rules``, written only by recording a charter version."""

    __table_args__ = (UniqueConstraint("coalition_id", "kind"),)
    id: int | None = Field(default=None, primary_key=True)
    coalition_id: int = Field(foreign_key="coalition.id", index=True)
    kind: str = Field(max_length=32)
    rule: dict = Field(sa_column=Column(JSON, nullable=False))
    updated_at: datetime = Field(sa_column=utc_column())


class Member(SQLModel, table=True):
    """A member organization. Once the charter is adopted, its weight, basis and status are a materialized copy of
    the charter version in force, written only by recording a charter version (``governance.charter``)."""

    __table_args__ = (UniqueConstraint("coalition_id", "slug"),)
    id: int | None = Field(default=None, primary_key=True)
    coalition_id: int = Field(foreign_key="coalition.id", index=True)
    slug: str = Field(max_length=80)
    name: str = Field(max_length=200)
    country: str = Field(default="", max_length=100)
    status: str = Field(default="active", max_length=16)
    weight: str = Field(default="1", max_length=80)  # exact decimal text, never a float
    weight_basis: str = Field(default="", max_length=200)
    public_key: str | None = Field(default=None, max_length=200)
    admitted_at: datetime = Field(sa_column=utc_column())
    vote_seq: int = Field(default=0, sa_type=BigInteger, sa_column_kwargs={"server_default": "0"})
    """The sequence number of the member's last accepted signed vote (0: none yet); the next must be greater."""

    @property
    def weight_value(self) -> Fraction:
        return parse_exact(self.weight)


class WeightChange(SQLModel, table=True):
    """One line of the public weights register."""

    id: int | None = Field(default=None, primary_key=True)
    coalition_id: int = Field(foreign_key="coalition.id", index=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    old_weight: str | None = Field(default=None, max_length=80)
    new_weight: str = Field(max_length=80)
    basis: str = Field(default="", max_length=200)
    reason: str = Field(max_length=1000)
    actor: str = Field(max_length=80)
    log_idx: int
    changed_at: datetime = Field(sa_column=utc_column())


class Charter(SQLModel, table=True):
    """One version of a coalition's charter: its text and the structured rules that are the one source of truth for
    decision rules, weights, membership and settings (Member and CoalitionRule rows are their materialized copy)."""

    __table_args__ = (UniqueConstraint("coalition_id", "version"),)
    id: int | None = Field(default=None, primary_key=True)
    coalition_id: int = Field(foreign_key="coalition.id", index=True)
    version: int
    text: str = Field(sa_column=Column(Text, nullable=False))
    rules: dict = Field(sa_column=Column(JSON, nullable=False))
    sha256: str = Field(max_length=64)
    adopted_by: int | None = None  # the proposal number; None for the founding act
    log_idx: int = Field(sa_type=BigInteger)
    adopted_at: datetime = Field(sa_column=utc_column())


class Application(SQLModel, table=True):
    """An organization's request to join, made on the public page; its secret link digest lets the applicant follow it."""

    id: int | None = Field(default=None, primary_key=True)
    coalition_id: int = Field(foreign_key="coalition.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    name: str = Field(max_length=200)
    country: str = Field(default="", max_length=100)
    statement: str = Field(default="", max_length=5000)
    contact: str = Field(max_length=200)
    status: str = Field(default="received", max_length=16)  # received, proposed, declined
    decision_reason: str = Field(default="", max_length=1000)
    proposal_number: int | None = None
    created_at: datetime = Field(sa_column=utc_column())
    decided_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class Account(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    coalition_id: int = Field(foreign_key="coalition.id", index=True)
    username: str = Field(max_length=80, unique=True)
    display_name: str = Field(default="", max_length=200)
    role: str = Field(max_length=16)  # "admin" or "representative"
    member_id: int | None = Field(default=None, foreign_key="member.id", index=True)
    password_hash: str = Field(max_length=200)
    active: bool = True
    created_at: datetime = Field(sa_column=utc_column())


class ApiToken(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    name: str = Field(max_length=100)
    token_hash: str = Field(max_length=64, unique=True)
    prefix: str = Field(max_length=16)
    created_at: datetime = Field(sa_column=utc_column())
    revoked_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class WebSession(SQLModel, table=True):
    """A browser sign-in: the cookie carries the id, the database only its digest; sign-out revokes it."""

    __tablename__ = "web_session"
    sid_hash: str = Field(max_length=64, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    created_at: datetime = Field(sa_column=utc_column())
    revoked_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class Proposal(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("coalition_id", "number"),)
    id: int | None = Field(default=None, primary_key=True)
    coalition_id: int = Field(foreign_key="coalition.id", index=True)
    number: int
    kind: str = Field(max_length=32)
    title: str = Field(max_length=200)
    body: str = Field(default="", max_length=20000)
    options: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    seats: int = 1
    payload: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    author_member_id: int | None = Field(default=None, foreign_key="member.id")
    author: str = Field(max_length=80)
    state: str = Field(default="draft", max_length=16, index=True)
    outcome: str | None = Field(default=None, max_length=16)
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    charter_version: int | None = None  # the charter version a change proposal was written against
    impact: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))  # power before and after
    outcome_reason: str = Field(default="", max_length=1000)  # why a passed change was superseded
    created_at: datetime = Field(sa_column=utc_column())
    updated_at: datetime = Field(sa_column=utc_column())


class Ballot(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    coalition_id: int = Field(foreign_key="coalition.id", index=True)
    proposal_id: int = Field(foreign_key="proposal.id", unique=True)
    rule: dict = Field(sa_column=Column(JSON, nullable=False))
    eligible: list = Field(sa_column=Column(JSON, nullable=False))  # [{"member", "name", "weight"}]
    live_results: bool = False
    status: str = Field(default="open", max_length=16, index=True)
    opened_at: datetime = Field(sa_column=utc_column())
    closes_at: datetime = Field(sa_column=utc_column())
    closed_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    result: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    power: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    opened_idx: int
    closed_idx: int | None = None
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})  # the proposal text it decides
    signed_only: bool = Field(default=False, sa_column_kwargs={"server_default": sa_false()})  # the charter's rule


class Vote(SQLModel, table=True):
    """The vote that currently counts for one member on one ballot."""

    __table_args__ = (UniqueConstraint("ballot_id", "member_id"),)
    id: int | None = Field(default=None, primary_key=True)
    ballot_id: int = Field(foreign_key="ballot.id", index=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    choice: dict = Field(sa_column=Column(JSON, nullable=False))
    account: str = Field(max_length=80)
    cast_at: datetime = Field(sa_column=utc_column())
    log_idx: int
    casts: int = 1
    salt: str = Field(default="", max_length=64)  # opens the commitment the log published for this vote
    key_id: str | None = Field(default=None, max_length=64)  # set when the member signed this vote with its key
    seq: int | None = Field(default=None, sa_type=BigInteger)
    signature: str | None = Field(default=None, max_length=100)


class MemberKey(SQLModel, table=True):
    """An Ed25519 public key a member's representative registered (``governance.keys``); revoked, it stays listed."""

    __tablename__ = "member_key"
    __table_args__ = (UniqueConstraint("coalition_id", "key_id"),)
    id: int | None = Field(default=None, primary_key=True)
    coalition_id: int = Field(foreign_key="coalition.id", index=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    key_id: str = Field(max_length=64)  # lowercase hex SHA-256 of the raw 32-byte public key
    public_key: str = Field(max_length=64)  # base64 of the raw 32 bytes
    label: str = Field(max_length=100)
    purpose: str = Field(max_length=16)  # "vote" or "witness"
    registered_by: str = Field(max_length=80)
    registered_idx: int = Field(sa_type=BigInteger)
    registered_at: datetime = Field(sa_column=utc_column())
    revoked_by: str | None = Field(default=None, max_length=80)
    revoked_idx: int | None = Field(default=None, sa_type=BigInteger)
    revoked_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class Proxy(SQLModel, table=True):
    """A member's proxy to another member for one ballot, one proposal kind, or until a moment (``governance.proxies``):
    granted, then accepted or declined by the holder; revoked by the grantor, or lapsed when either stops being active."""

    __table_args__ = (UniqueConstraint("coalition_id", "number"),)
    id: int | None = Field(default=None, primary_key=True)
    coalition_id: int = Field(foreign_key="coalition.id", index=True)
    number: int
    grantor_id: int = Field(foreign_key="member.id", index=True)
    holder_id: int = Field(foreign_key="member.id", index=True)
    scope: str = Field(max_length=16)  # "ballot", "kind" or "until"
    proposal_number: int | None = None
    kind: str | None = Field(default=None, max_length=32)
    until: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    status: str = Field(default="pending", max_length=16, index=True)  # pending, accepted, declined, revoked, lapsed
    granted_by: str = Field(max_length=80)
    granted_at: datetime = Field(sa_column=utc_column())
    granted_idx: int = Field(sa_type=BigInteger)
    answered_by: str = Field(default="", max_length=80)
    answered_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    answered_idx: int | None = Field(default=None, sa_type=BigInteger)
    ended_by: str = Field(default="", max_length=80)
    ended_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    ended_idx: int | None = Field(default=None, sa_type=BigInteger)


class ProxyVote(SQLModel, table=True):
    """One vote a holder cast for its grantor under a proxy (every cast, kept): the member's current vote was cast by
    proxy when its ``log_idx`` is one of these."""

    __tablename__ = "proxy_vote"
    id: int | None = Field(default=None, primary_key=True)
    proxy_id: int = Field(foreign_key="proxy.id", index=True)
    ballot_id: int = Field(foreign_key="ballot.id", index=True)
    member_id: int = Field(foreign_key="member.id")
    holder_id: int = Field(foreign_key="member.id")
    account: str = Field(max_length=80)
    log_idx: int = Field(sa_type=BigInteger)
    cast_at: datetime = Field(sa_column=utc_column())


class LogHead(SQLModel, table=True):
    """The head of one coalition's log: the row every append locks."""

    __tablename__ = "log_head"
    coalition_id: int = Field(foreign_key="coalition.id", primary_key=True)
    size: int = Field(default=0, sa_type=BigInteger)
    root: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    last_ts: int = Field(default=0, sa_type=BigInteger)


class LogEntry(SQLModel, table=True):
    """One event: its exact canonical bytes, never updated or deleted."""

    __tablename__ = "log_entry"
    # Which types a log holds (the log page's filter) and a log's entries of some types, newest first, read from the
    # index alone, whatever the log's length.
    __table_args__ = (Index("ix_log_entry_coalition_type", "coalition_id", "type", "idx"),)
    coalition_id: int = Field(foreign_key="coalition.id", primary_key=True)
    idx: int = Field(primary_key=True, sa_type=BigInteger)
    type: str = Field(max_length=40)
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    leaf_hash: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class LogNode(SQLModel, table=True):
    """A perfect subtree of a log's Merkle tree: level ``level``, the ``index``-th of its width."""

    __tablename__ = "log_node"
    coalition_id: int = Field(foreign_key="coalition.id", primary_key=True)
    level: int = Field(primary_key=True)
    index: int = Field(primary_key=True, sa_type=BigInteger)
    hash: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class Checkpoint(SQLModel, table=True):
    """A signed checkpoint; one per log size, so two roots can never be signed for one size."""

    __table_args__ = (UniqueConstraint("coalition_id", "size"),)
    id: int | None = Field(default=None, primary_key=True)
    coalition_id: int = Field(foreign_key="coalition.id", index=True)
    size: int = Field(sa_type=BigInteger)
    root: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    note: str = Field(max_length=4000)


class CheckpointCosignature(SQLModel, table=True):
    """A member's witness cosignature of the checkpoint of one size (``governance.witnesses``), as its log event
    recorded it; the line is served appended to that checkpoint's signed note."""

    __tablename__ = "checkpoint_cosignature"
    __table_args__ = (UniqueConstraint("coalition_id", "size", "key_id"),)
    id: int | None = Field(default=None, primary_key=True)
    coalition_id: int = Field(foreign_key="coalition.id", index=True)
    size: int = Field(sa_type=BigInteger)
    member_id: int = Field(foreign_key="member.id", index=True)
    key_id: str = Field(max_length=64)
    timestamp: int = Field(sa_type=BigInteger)  # the POSIX seconds the witness put in its cosignature
    line: str = Field(max_length=400)  # the signature line, "— <name> <base64>", without its newline
    log_idx: int = Field(sa_type=BigInteger)
    received_at: datetime = Field(sa_column=utc_column())


class ProposalVersion(SQLModel, table=True):
    """One version of a proposal's text, as it was created, edited or amended; kept for ever."""

    __tablename__ = "proposal_version"
    __table_args__ = (UniqueConstraint("proposal_id", "version"),)
    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="proposal.id", index=True)
    version: int
    title: str = Field(max_length=200)
    body: str = Field(default="", max_length=20000)
    options: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    seats: int = 1
    source: str = Field(max_length=40)  # "created", "edited", "amendment"
    amendment: int | None = None
    actor: str = Field(max_length=80)
    log_idx: int | None = Field(default=None, sa_type=BigInteger)  # None: a version from before versions were kept
    created_at: datetime = Field(sa_column=utc_column())


class PublishedText(SQLModel, table=True):
    """A text the log commits to without holding it (a comment, an amendment, a moderator's reason): erasable."""

    __tablename__ = "published_text"
    __table_args__ = (UniqueConstraint("coalition_id", "log_idx"),)
    id: int | None = Field(default=None, primary_key=True)
    coalition_id: int = Field(foreign_key="coalition.id", index=True)
    kind: str = Field(max_length=16)
    log_idx: int = Field(sa_type=BigInteger)
    salt: str = Field(default="", max_length=64)
    content: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    created_at: datetime = Field(sa_column=utc_column())
    erased_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    erased_reason: str = Field(default="", max_length=500)
    erased_by: str = Field(default="", max_length=80)


class Comment(SQLModel, table=True):
    """A representative's comment on a proposal, or a reply to one; its text lives in ``published_text``."""

    __table_args__ = (UniqueConstraint("coalition_id", "number"),)
    id: int | None = Field(default=None, primary_key=True)
    coalition_id: int = Field(foreign_key="coalition.id", index=True)
    proposal_id: int = Field(foreign_key="proposal.id", index=True)
    number: int
    parent_id: int | None = Field(default=None, foreign_key="comment.id", index=True)
    thread_id: int | None = Field(default=None, index=True)  # the top comment of its thread (None: itself)
    member_id: int = Field(foreign_key="member.id")
    author: str = Field(max_length=80)
    text_id: int = Field(foreign_key="published_text.id")
    revisions: int = 1
    created_at: datetime = Field(sa_column=utc_column())
    edited_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    activity_at: datetime = Field(sa_column=utc_column())
    hidden_text_id: int | None = Field(default=None, foreign_key="published_text.id")
    hidden_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    hidden_by: str = Field(default="", max_length=80)


class CommentRevision(SQLModel, table=True):
    """One revision of a comment's text (the first is the comment as posted)."""

    __tablename__ = "comment_revision"
    __table_args__ = (UniqueConstraint("comment_id", "revision"),)
    id: int | None = Field(default=None, primary_key=True)
    comment_id: int = Field(foreign_key="comment.id", index=True)
    revision: int
    text_id: int = Field(foreign_key="published_text.id")
    created_at: datetime = Field(sa_column=utc_column())


class CommentFlag(SQLModel, table=True):
    """A member's flag on a comment, for the moderators to look at."""

    __tablename__ = "comment_flag"
    __table_args__ = (UniqueConstraint("comment_id", "member_id"),)
    id: int | None = Field(default=None, primary_key=True)
    comment_id: int = Field(foreign_key="comment.id", index=True)
    member_id: int = Field(foreign_key="member.id")
    account: str = Field(max_length=80)
    reason: str = Field(default="", max_length=500)
    created_at: datetime = Field(sa_column=utc_column())


class Amendment(SQLModel, table=True):
    """A member's proposed change to a draft's title, body or options; its text lives in ``published_text``."""

    __table_args__ = (UniqueConstraint("proposal_id", "number"),)
    id: int | None = Field(default=None, primary_key=True)
    coalition_id: int = Field(foreign_key="coalition.id", index=True)
    proposal_id: int = Field(foreign_key="proposal.id", index=True)
    number: int
    member_id: int = Field(foreign_key="member.id")
    author: str = Field(max_length=80)
    text_id: int = Field(foreign_key="published_text.id")
    base_version: int
    state: str = Field(default="proposed", max_length=16)  # proposed, accepted, declined, balloting, merged, rejected
    ballot_proposal_id: int | None = Field(default=None, foreign_key="proposal.id")
    merged_version: int | None = None
    created_at: datetime = Field(sa_column=utc_column())
    decided_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    decided_by: str = Field(default="", max_length=80)


class AgendaRound(SQLModel, table=True):
    """Members set their own agenda: topics are submitted, then ranked or approved in a ballot."""

    __tablename__ = "agenda_round"
    __table_args__ = (UniqueConstraint("coalition_id", "number"),)
    id: int | None = Field(default=None, primary_key=True)
    coalition_id: int = Field(foreign_key="coalition.id", index=True)
    number: int
    title: str = Field(max_length=200)
    method: str = Field(max_length=32)
    state: str = Field(default="collecting", max_length=16)  # collecting, voting (closed: its ballot is closed)
    ballot_proposal_id: int | None = Field(default=None, foreign_key="proposal.id")
    opened_by: str = Field(max_length=80)
    created_at: datetime = Field(sa_column=utc_column())


class AgendaTopic(SQLModel, table=True):
    __tablename__ = "agenda_topic"
    __table_args__ = (UniqueConstraint("round_id", "number"),)
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="agenda_round.id", index=True)
    number: int
    member_id: int | None = Field(default=None, foreign_key="member.id")
    author: str = Field(max_length=80)
    title: str = Field(max_length=200)
    body: str = Field(default="", max_length=2000)
    proposal_id: int | None = Field(default=None, foreign_key="proposal.id")
    created_at: datetime = Field(sa_column=utc_column())

class Notification(SQLModel, table=True):
    """One message to one recipient on one channel, written in the transaction of the event that causes it (the
    transactional outbox); the delivery worker sends it at least once. ``key`` is its idempotency key (the webhook-id,
    the e-mail's Message-ID)."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=64, unique=True)
    coalition_id: int = Field(foreign_key="coalition.id", index=True)
    kind: str = Field(max_length=40)
    channel: str = Field(max_length=16)  # "email" or "webhook"
    account_id: int | None = Field(default=None, foreign_key="account.id", index=True)
    endpoint_id: int | None = Field(default=None, foreign_key="webhook_endpoint.id", index=True)
    payload: dict = Field(sa_column=Column(JSON, nullable=False))
    status: str = Field(default="pending", max_length=16, index=True)  # pending, held (digest), delivered, digested, dead
    attempts: int = 0
    next_attempt_at: datetime = Field(sa_column=utc_column())
    created_at: datetime = Field(sa_column=utc_column())
    delivered_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    last_error: str = Field(default="", max_length=500)


class DeliveryAttempt(SQLModel, table=True):
    """One try to deliver a notification, whatever came of it."""

    __tablename__ = "delivery_attempt"
    id: int | None = Field(default=None, primary_key=True)
    notification_id: int = Field(foreign_key="notification.id", index=True)
    number: int
    started_at: datetime = Field(sa_column=utc_column())
    milliseconds: int
    ok: bool
    detail: str = Field(default="", max_length=500)


class WebhookEndpoint(SQLModel, table=True):
    """Where webhooks go: the secretariat's (``account_id`` None: the coalition's events it names) or one account's
    (its own notifications)."""

    __tablename__ = "webhook_endpoint"
    id: int | None = Field(default=None, primary_key=True)
    coalition_id: int = Field(foreign_key="coalition.id", index=True)
    account_id: int | None = Field(default=None, foreign_key="account.id", index=True)
    url: str = Field(max_length=2000)
    secret: str = Field(max_length=100)  # whsec_<base64>: signs, so it is kept; shown once to whoever registers it
    kinds: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    active: bool = True
    created_at: datetime = Field(sa_column=utc_column())


class NotificationPreference(SQLModel, table=True):
    """What one account hears about, where, in which language and time zone."""

    __tablename__ = "notification_preference"
    account_id: int = Field(foreign_key="account.id", primary_key=True)
    email: str = Field(default="", max_length=320)
    language: str = Field(default="en", max_length=8)
    time_zone: str = Field(default="UTC", max_length=64)
    digest: bool = False
    off: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # ["ballot.opened:email", ...]
    unsubscribe_token: str = Field(max_length=64, unique=True)
    updated_at: datetime = Field(sa_column=utc_column())


class NotificationSettings(SQLModel, table=True):
    """A coalition's notification settings: how long before a ballot closes its reminder goes out."""

    __tablename__ = "notification_settings"
    coalition_id: int = Field(foreign_key="coalition.id", primary_key=True)
    reminder_hours: int = 24


class BallotReminder(SQLModel, table=True):
    """That a ballot's reminder was staged: one row per ballot, so it goes out once."""

    __tablename__ = "ballot_reminder"
    ballot_id: int = Field(foreign_key="ballot.id", primary_key=True)
    staged_at: datetime = Field(sa_column=utc_column())


class DesignRun(SQLModel, table=True):
    """One rule-designer search: its progress while a server process runs it, then its candidates (JSON), so that
    any process can show it and a restart cannot lose a finished one."""

    __tablename__ = "design_run"
    id: str = Field(primary_key=True, max_length=32)
    coalition_id: int = Field(foreign_key="coalition.id", index=True)
    status: str = Field(default="queued", max_length=16)  # queued, running, done, failed
    evaluated: int = 0
    budget: int = 0
    names: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))  # member slug -> name
    result: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = Field(sa_column=utc_column())
    updated_at: datetime = Field(sa_column=utc_column())


def exact_text(value: Fraction) -> str:
    """How a weight is stored: the exact decimal (or p/q) text."""
    return format_exact(value)


def _install_append_only() -> None:
    from governance.log.append_only import install

    for table in (LogEntry.__table__, LogNode.__table__, Checkpoint.__table__):
        install(table)


_install_append_only()
