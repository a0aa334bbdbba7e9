"""The state a replayed log describes: members, accounts, proposals, ballots with their votes, the weights register."""

from collections.abc import Callable
from dataclasses import dataclass, field

from governance.log.proxy_rules import Grant

__all__ = ["ReplayError", "ReplayedAccount", "ReplayedKey", "ReplayedAgendaRound", "ReplayedAmendment", "ReplayedBallot",
           "ReplayedComment", "ReplayedLog", "ReplayedMember", "ReplayedProposal", "ReplayedVote", "WeightRecord"]


class ReplayError(ValueError):
    """An event that does not follow from the events before it; ``index`` is its position in the log."""

    def __init__(self, index: int, message: str) -> None:
        super().__init__(f"log entry {index}: {message}")
        self.index = index


@dataclass
class WeightRecord:
    """One line of the weights register: entry ``idx`` set ``member``'s weight from ``old`` (None: admitted)."""

    idx: int
    member: str
    old: str | None
    new: str
    basis: str
    reason: str
    actor: str


@dataclass
class ReplayedMember:
    slug: str
    name: str
    country: str
    status: str
    weight: str
    basis: str


@dataclass
class ReplayedAccount:
    username: str
    role: str
    member: str | None
    active: bool = True


@dataclass
class ReplayedKey:
    """A member key as the log registered it: active from entry ``registered_idx`` on, until ``revoked_idx``."""

    key_id: str
    member: str
    public_key: bytes
    label: str
    purpose: str
    registered_idx: int
    revoked_idx: int | None = None

    def active_at(self, index: int) -> bool:
        """Whether the key was registered and not yet revoked when entry ``index`` was appended."""
        return self.registered_idx < index and (self.revoked_idx is None or index < self.revoked_idx)


@dataclass
class ReplayedProposal:
    number: int
    kind: str
    title: str
    body: str
    options: list
    seats: int
    payload: dict
    member: str | None
    author: str
    state: str = "draft"
    outcome: str | None = None
    version: int = 1
    charter_version: int | None = None


@dataclass
class ReplayedVote:
    """The vote that counts for one member: its last cast (entry ``idx``), how many casts there were, and the
    commitment that cast published; ``vote`` stays None until the closing reveals it."""

    member: str
    vote: dict | None
    actor: str
    idx: int
    casts: int = 1
    commitment: str = ""


@dataclass
class ReplayedBallot:
    number: int
    rule: dict
    eligible: list
    options: list
    seats: int
    closes_at: str
    live_results: bool
    opened_idx: int
    seed: str
    status: str = "open"
    votes: dict[str, ReplayedVote] = field(default_factory=dict)
    result: dict | None = None
    closed_at: str | None = None
    closed_idx: int | None = None
    closed_by: str | None = None
    signed_only: bool = False  # the charter required every vote on it to be signed by a member key
    eligible_members: frozenset[str] = field(init=False, repr=False, compare=False)
    casts: dict[str, tuple[int, str, str, int]] = field(default_factory=dict, init=False, repr=False, compare=False)
    """While the replay runs: member -> (entry, commitment, actor, number of casts) of its last cast; ``votes`` is
    filled from it when the ballot closes, or when the replay ends for a ballot still open."""

    def __post_init__(self) -> None:
        self.eligible_members = frozenset(row["member"] for row in self.eligible)

    def record_cast(self, index: int, member: str, commitment: str, actor: str) -> None:
        """Entry ``index`` is ``member``'s latest cast: it replaces the one before, counting one more cast."""
        previous = self.casts.get(member)
        self.casts[member] = (index, commitment, actor, previous[3] + 1 if previous else 1)

    def seal_votes(self) -> None:
        """``votes`` of an open ballot: each member's last cast, its vote still sealed behind its commitment."""
        self.votes = {member: ReplayedVote(member, None, actor, idx, count, commitment)
                      for member, (idx, commitment, actor, count) in self.casts.items()}


@dataclass
class ReplayedLog:
    """A coalition as its log describes it after the last event."""

    slug: str
    name: str
    description: str
    log_key: str | None
    rules: dict[str, dict]
    size: int = 0
    members: dict[str, ReplayedMember] = field(default_factory=dict)
    accounts: dict[str, ReplayedAccount] = field(default_factory=dict)
    proposals: dict[int, ReplayedProposal] = field(default_factory=dict)
    ballots: dict[int, ReplayedBallot] = field(default_factory=dict)
    weights: list[WeightRecord] = field(default_factory=list)
    expected: list[tuple[str, dict]] = field(default_factory=list)  # the events a passed proposal must be followed by
    consequence: bool = False  # whether the event being applied is one a passed proposal required
    charters: list[dict] = field(default_factory=list)  # every charter version's {"text", "rules"}, version 1 first
    charter_hashes: list[str] = field(default_factory=list)
    commitments: dict[int, str] = field(default_factory=dict)  # entry -> the commitment to the text it published
    erased: set[int] = field(default_factory=set)  # entries whose text has been erased
    comments: dict[int, "ReplayedComment"] = field(default_factory=dict)
    amendments: dict[tuple[int, int], "ReplayedAmendment"] = field(default_factory=dict)
    amendment_ballots: dict[int, tuple[int, int]] = field(default_factory=dict)  # ballot proposal -> amendment
    agenda: dict[int, "ReplayedAgendaRound"] = field(default_factory=dict)
    keys: dict[str, ReplayedKey] = field(default_factory=dict)  # every member key ever registered, by key id
    vote_seqs: dict[str, int] = field(default_factory=dict)  # member -> sequence number of its last signed vote
    signed_votes: int = 0  # how many votes carried a signature that verified with their member's key
    cosignatures: dict[int, dict[str, int]] = field(default_factory=dict)  # size -> member -> its cosignature's time
    cosigned_keys: set[tuple[int, str]] = field(default_factory=set)  # (size, key id) of every cosignature
    quiet: set[int] = field(default_factory=set)  # entries that are cosignatures (a checkpoint ending in one is not cosigned)
    forks: list[tuple[int, str]] = field(default_factory=list)  # (entry, member) of every fork a witness reported
    root_of: Callable[[int], bytes] | None = field(default=None, repr=False, compare=False)
    """The RFC 9162 root of the first n entries, where the replay has their leaf hashes (the verifier)."""
    proxies: dict[int, "Grant"] = field(default_factory=dict)  # governance.log.proxy_rules.Grant, by number
    ts: int = 0  # the time of the event being applied, in log milliseconds

    @property
    def constituted(self) -> bool:
        return bool(self.charters)


@dataclass
class ReplayedComment:
    """A comment: its proposal, thread parent, author, and the entries that published each revision."""

    number: int
    proposal: int
    parent: int | None
    member: str
    author: str
    revisions: list[int] = field(default_factory=list)
    hidden: bool = False


@dataclass
class ReplayedAmendment:
    """An amendment to proposal ``proposal``: proposed in entry ``idx`` against ``base_version``."""

    proposal: int
    number: int
    member: str
    author: str
    base_version: int
    idx: int
    state: str = "proposed"
    merged: dict | None = None  # the title, body and options it gave the proposal when merged


@dataclass
class ReplayedAgendaRound:
    number: int
    title: str
    method: str
    topics: list[str] = field(default_factory=list)
    ballot: int | None = None
