"""Request and response bodies of deliberation (comments, amendments, versions, agenda rounds): the API reads and
answers them, the pages render the same public shapes."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.paging import Page

TEXT_CEILING = 200_000  # far above any configured limit: the service refuses with the limit in words


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CommentCreate(Strict):
    text: str = Field(max_length=TEXT_CEILING, description="Markdown; no raw HTML is rendered.")
    parent: int | None = Field(default=None, description="The comment this one replies to.")


class CommentUpdate(Strict):
    text: str = Field(max_length=TEXT_CEILING)


class Reason(Strict):
    reason: str = Field(default="", max_length=2000)


class Hiding(BaseModel):
    reason: str | None = Field(description="The moderators' public reason; None once erased.")
    hidden_at: datetime
    hidden_by: str


class Erasure(BaseModel):
    erased_at: datetime
    reason: str


class RevisionPublic(BaseModel):
    revision: int
    log_index: int
    created_at: datetime
    text: str | None
    erased: Erasure | None = None


class CommentPublic(BaseModel):
    number: int
    proposal: int
    parent: int | None
    member: str
    member_name: str
    author: str
    text: str | None = Field(description="None while hidden or once erased.")
    text_html: str | None
    created_at: datetime
    edited_at: datetime | None
    revisions: int
    log_index: int = Field(description="The log entry that commits to the current revision.")
    hidden: Hiding | None = None
    erased: Erasure | None = None
    flags: int = 0
    replies: list["CommentPublic"] = Field(default_factory=list)


class CommentDetail(CommentPublic):
    history: list[RevisionPublic]


class CommentList(BaseModel):
    proposal: int
    items: list[CommentPublic] = Field(description="Threads, newest activity first, each with its replies.")
    page: Page
    comments: int = Field(description="Every comment on the proposal, replies included.")


class AmendmentCreate(Strict):
    title: str = Field(max_length=TEXT_CEILING)
    body: str = Field(default="", max_length=TEXT_CEILING)
    options: list[str] = Field(default_factory=list, max_length=200)


class BallotTiming(Strict):
    closes_at: datetime


class DiffPart(BaseModel):
    op: Literal["same", "added", "removed"]
    text: str


class AmendmentPublic(BaseModel):
    proposal: int
    number: int
    member: str
    member_name: str
    author: str
    state: str
    base_version: int
    merged_version: int | None
    title: str | None
    body: str | None
    options: list[str] | None
    diff: dict[str, list[DiffPart]] | None = Field(description="Word-level changes from the base version, by field.")
    log_index: int
    created_at: datetime
    decided_at: datetime | None
    ballot: int | None = Field(description="The proposal whose ballot decides it, once put to a vote.")
    erased: Erasure | None = None


class AmendmentList(BaseModel):
    items: list[AmendmentPublic]


class VersionPublic(BaseModel):
    version: int
    title: str
    body: str
    options: list[str]
    seats: int
    source: str
    amendment: int | None
    actor: str
    log_index: int | None
    created_at: datetime


class VersionList(BaseModel):
    proposal: int
    current: int
    items: list[VersionPublic]
    ballot_version: int | None = Field(description="The version the proposal's ballot decides, once opened.")


class AgendaRoundCreate(Strict):
    title: str = Field(max_length=TEXT_CEILING)
    method: str = "approval"


class TopicCreate(Strict):
    title: str = Field(max_length=TEXT_CEILING)
    body: str = Field(default="", max_length=TEXT_CEILING)


class TopicPublic(BaseModel):
    number: int
    title: str
    body: str
    member: str | None
    member_name: str | None
    author: str
    proposal: int | None
    created_at: datetime


class AgendaRoundPublic(BaseModel):
    number: int
    title: str
    method: str
    state: Literal["collecting", "voting", "closed"]
    topics: list[TopicPublic]
    ballot: int | None = Field(description="The choice proposal on which the members rank or approve the topics.")
    agreed: list[list[str]] = Field(description="The agreed agenda, in order; tied topics share a place.")
    explanation: str | None = Field(description="The count behind the order, as recorded.")
    tally: dict[str, str] = Field(default_factory=dict,
                                  description="Each topic's score in the count's last round (approvals, rivals beaten, "
                                              "votes), an exact number as a string.")
    created_at: datetime


class AgendaRoundList(BaseModel):
    items: list[AgendaRoundPublic]
