"""The log as a story: each entry one sentence in the visitor's language, built from its event's fields, with links.

One table, ``STORIES``, keyed by event type: a label for the filter and the function that tells the event. A type
the table does not know (a new kind of event) gets ``GENERIC``, so the log page never fails on it; adding a type is
one entry here and its messages in the catalog.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from app.i18n import format_number
from app.pages.words import KIND_NAMES, OUTCOMES
from governance.errors import N_

__all__ = ["GENERIC", "STORIES", "Story", "Teller", "tell"]


@dataclass(frozen=True)
class Teller:
    """What a sentence needs beyond its event: the language, names behind slugs and usernames, where links go."""

    locale: str
    gettext: Callable[[str], str]
    when: Callable[[object], str]
    proposal_url: Callable[[int], str]
    member_url: Callable[[str], str]
    member_names: Mapping[str, str] = field(default_factory=dict)
    accounts: Mapping[str, tuple[str, str | None]] = field(default_factory=dict)  # username: (role, member slug)
    closed_numbers: frozenset[int] = frozenset()

    def say(self, template: str, **values: object) -> Markup:
        """``template`` translated, its values escaped unless already markup (links)."""
        return Markup(escape(self.gettext(template))) % {
            name: value if isinstance(value, Markup) else self.isolated(str(value)) for name, value in values.items()}

    def isolated(self, text: str) -> Markup:
        return Markup("<bdi>%s</bdi>") % text

    def member(self, slug: object) -> Markup:
        name = self.member_names.get(str(slug), str(slug))
        return Markup('<a href="%s">%s</a>') % (self.member_url(str(slug)), self.isolated(name))

    def proposal(self, number: object, anchor: str = "") -> Markup:
        text = self.gettext("#%(number)s") % {"number": format_number(number, self.locale)}
        return Markup('<a href="%s%s">%s</a>') % (self.proposal_url(int(number)), anchor, text)

    def ballot(self, number: object) -> Markup:
        return self.proposal(number, "#votes")

    def actor(self, username: object) -> Markup | str:
        """Who acted: the secretariat for an admin, the member for its representative, else the username."""
        role, member = self.accounts.get(str(username), (None, None))
        if role == "admin":
            return self.gettext("The secretariat")
        if member is not None:
            return self.member(member)
        return self.isolated(str(username)) if username else self.gettext("Concord")

    def number(self, value: object) -> str:
        return format_number(value, self.locale)

    def word(self, table: Mapping[str, str], value: object) -> str:
        return self.gettext(table[str(value)]) if str(value) in table else str(value)


Tell = Callable[[Mapping, Teller], Markup]


@dataclass(frozen=True)
class Story:
    label: str
    tell: Tell


def _coalition_created(body: Mapping, t: Teller) -> Markup:
    return t.say(N_("%(coalition)s began its public log."), coalition=body.get("name", ""))


def _time_zone_set(body: Mapping, t: Teller) -> Markup:
    return t.say(N_("%(actor)s set the coalition's time zone to %(zone)s."), actor=t.actor(body.get("actor")),
                 zone=body["time_zone"])


def _account_granted(body: Mapping, t: Teller) -> Markup:
    if body.get("member"):
        return t.say(N_("%(actor)s gave %(account)s an account to act for %(member)s."), actor=t.actor(body.get("actor")),
                     account=body["account"], member=t.member(body["member"]))
    return t.say(N_("%(actor)s gave %(account)s a secretariat account."), actor=t.actor(body.get("actor")),
                 account=body["account"])


def _account_revoked(body: Mapping, t: Teller) -> Markup:
    return t.say(N_("%(actor)s revoked the account %(account)s."), actor=t.actor(body.get("actor")),
                 account=body["account"])


def _rules_changed(body: Mapping, t: Teller) -> Markup:
    kind = t.word(KIND_NAMES, body.get("kind"))
    if body.get("proposal") is not None:
        return t.say(N_("The rule for proposals of the kind %(kind)s changed, as %(proposal)s decided."), kind=kind,
                     proposal=t.proposal(body["proposal"]))
    return t.say(N_("%(actor)s changed the rule for proposals of the kind %(kind)s (reason: %(reason)s)."),
                 actor=t.actor(body.get("actor")), kind=kind, reason=body.get("reason") or "—")


def _member_admitted(body: Mapping, t: Teller) -> Markup:
    values = {"member": t.member(body["member"]), "country": body.get("country") or "—",
              "weight": t.number(body.get("weight")), "basis": body.get("basis") or "—"}
    if body.get("proposal") is not None:
        return t.say(N_("%(member)s (%(country)s) joined with a weight of %(weight)s (basis: %(basis)s), as "
                        "%(proposal)s decided."), proposal=t.proposal(body["proposal"]), **values)
    return t.say(N_("%(actor)s admitted %(member)s (%(country)s) with a weight of %(weight)s (basis: %(basis)s)."),
                 actor=t.actor(body.get("actor")), **values)


def _member_suspended(body: Mapping, t: Teller) -> Markup:
    return t.say(N_("%(actor)s suspended %(member)s (reason: %(reason)s)."), actor=t.actor(body.get("actor")),
                 member=t.member(body["member"]), reason=body.get("reason") or "—")


def _member_readmitted(body: Mapping, t: Teller) -> Markup:
    return t.say(N_("%(actor)s readmitted %(member)s (reason: %(reason)s)."), actor=t.actor(body.get("actor")),
                 member=t.member(body["member"]), reason=body.get("reason") or "—")


def _member_left(body: Mapping, t: Teller) -> Markup:
    return t.say(N_("%(member)s left the coalition (reason: %(reason)s)."), member=t.member(body["member"]),
                 reason=body.get("reason") or "—")


def _weight_changed(body: Mapping, t: Teller) -> Markup:
    values = {"member": t.member(body["member"]), "old": t.number(body.get("old")), "new": t.number(body.get("new"))}
    if body.get("reason"):
        return t.say(N_("Weight of %(member)s: %(old)s → %(new)s (reason: %(reason)s)."), reason=body["reason"],
                     **values)
    return t.say(N_("Weight of %(member)s: %(old)s → %(new)s."), **values)


def _proposal_created(body: Mapping, t: Teller) -> Markup:
    author = t.member(body["member"]) if body.get("member") else t.actor(body.get("actor"))
    return t.say(N_("%(actor)s proposed %(proposal)s: %(title)s."), actor=author,
                 proposal=t.proposal(body["number"]), title=body.get("title", ""))


def _proposal_edited(body: Mapping, t: Teller) -> Markup:
    return t.say(N_("%(actor)s edited %(proposal)s: %(title)s."), actor=t.actor(body.get("actor")),
                 proposal=t.proposal(body["number"]), title=body.get("title", ""))


def _proposal_withdrawn(body: Mapping, t: Teller) -> Markup:
    if body.get("reason"):
        return t.say(N_("%(actor)s withdrew %(proposal)s (reason: %(reason)s)."), actor=t.actor(body.get("actor")),
                     proposal=t.proposal(body["number"]), reason=body["reason"])
    return t.say(N_("%(actor)s withdrew %(proposal)s."), actor=t.actor(body.get("actor")),
                 proposal=t.proposal(body["number"]))


def _ballot_opened(body: Mapping, t: Teller) -> Markup:
    return t.say(N_("%(actor)s opened the ballot on %(proposal)s; it closes %(closes)s."),
                 actor=t.actor(body.get("actor")), proposal=t.ballot(body["number"]), closes=t.when(body.get("closes_at")))


def _vote_cast(body: Mapping, t: Teller) -> Markup:
    if "proxy" in body:
        return _proxy_vote(body, t)
    if "key_id" in body:  # signed by the member's own key: the signature travels in the entry, anyone can check it
        values = {"member": t.member(body["member"]), "proposal": t.ballot(body["number"]),
                  "key": str(body["key_id"])[:16], "seq": t.number(body.get("seq", 0))}
        if body["number"] in t.closed_numbers:
            return t.say(N_("%(member)s voted on %(proposal)s, signed with its own key %(key)s (vote %(seq)s of that "
                            "key; sealed until the ballot closed, then revealed in its count)."), **values)
        return t.say(N_("%(member)s voted on %(proposal)s, signed with its own key %(key)s (vote %(seq)s of that "
                        "key; sealed until the ballot closes)."), **values)
    if body["number"] in t.closed_numbers:
        return t.say(N_("%(member)s voted on %(proposal)s (sealed until the ballot closed, then revealed in its "
                        "count)."), member=t.member(body["member"]), proposal=t.ballot(body["number"]))
    return t.say(N_("%(member)s voted on %(proposal)s (sealed until the ballot closes)."),
                 member=t.member(body["member"]), proposal=t.ballot(body["number"]))


def _key_registered(body: Mapping, t: Teller) -> Markup:
    values = {"member": t.member(body["member"]), "label": body.get("label", ""), "key": str(body["key_id"])[:16]}
    if body.get("purpose") == "witness":
        return t.say(N_("%(member)s registered a key to cosign the log's checkpoints as a witness (%(label)s, key "
                        "%(key)s)."), **values)
    return t.say(N_("%(member)s registered a key to sign its votes (%(label)s, key %(key)s)."), **values)


def _key_revoked(body: Mapping, t: Teller) -> Markup:
    return t.say(N_("%(member)s revoked its key %(key)s; what it signed before stays valid."),
                 member=t.member(body["member"]), key=str(body["key_id"])[:16])


def _checkpoint_cosigned(body: Mapping, t: Teller) -> Markup:
    return t.say(N_("%(member)s's witness checked the log and cosigned its checkpoint of %(size)s entries."),
                 member=t.member(body["member"]), size=t.number(body["size"]))


def _witness_fork(body: Mapping, t: Teller) -> Markup:
    return t.say(N_("%(member)s's witness reported a fork: the log's key signed two checkpoints that do not fit one "
                    "history. Read this entry's two checkpoints."), member=t.member(body["member"]))


def _proxy_vote(body: Mapping, t: Teller) -> Markup:
    values = {"holder": t.member(body["proxy"]["holder"]), "member": t.member(body["member"]),
              "proposal": t.ballot(body["number"]), "grant": t.number(body["proxy"]["grant"])}
    if body["number"] in t.closed_numbers:
        return t.say(N_("%(holder)s voted on %(proposal)s on behalf of %(member)s, under proxy %(grant)s (sealed "
                        "until the ballot closed, then revealed in its count)."), **values)
    return t.say(N_("%(holder)s voted on %(proposal)s on behalf of %(member)s, under proxy %(grant)s (sealed until "
                    "the ballot closes)."), **values)


def _proxy_scope(body: Mapping, t: Teller) -> Markup | str:
    if body.get("proposal") is not None:
        return t.say(N_("for the ballot on %(proposal)s"), proposal=t.ballot(body["proposal"]))
    if body.get("kind") is not None:
        return t.say(N_("for every ballot on a proposal of the kind %(kind)s"), kind=body["kind"])
    return t.say(N_("for every ballot until %(until)s"), until=t.when(body["until"]))


def _proxy_granted(body: Mapping, t: Teller) -> Markup:
    return t.say(N_("%(grantor)s offered %(holder)s its proxy %(number)s, %(scope)s."), grantor=t.member(body["grantor"]),
                 holder=t.member(body["holder"]), number=t.number(body["number"]), scope=_proxy_scope(body, t))


def _proxy_accepted(body: Mapping, t: Teller) -> Markup:
    return t.say(N_("%(holder)s accepted proxy %(number)s."), holder=t.member(body["holder"]),
                 number=t.number(body["number"]))


def _proxy_declined(body: Mapping, t: Teller) -> Markup:
    return t.say(N_("%(holder)s declined proxy %(number)s."), holder=t.member(body["holder"]),
                 number=t.number(body["number"]))


def _proxy_revoked(body: Mapping, t: Teller) -> Markup:
    return t.say(N_("%(grantor)s revoked its proxy %(number)s."), grantor=t.member(body["grantor"]),
                 number=t.number(body["number"]))


def _ballot_closed(body: Mapping, t: Teller) -> Markup:
    result = body.get("result") or {}
    values = {"proposal": t.ballot(body["number"]), "outcome": t.word(OUTCOMES, result.get("outcome")),
              "count": t.number(len(body.get("votes") or {}))}
    if body.get("actor"):
        return t.say(N_("%(actor)s closed the ballot on %(proposal)s: %(outcome)s (votes counted: %(count)s)."),
                     actor=t.actor(body["actor"]), **values)
    return t.say(N_("The ballot on %(proposal)s closed at its closing time: %(outcome)s (votes counted: %(count)s)."),
                 **values)


def _comment_posted(body: Mapping, t: Teller) -> Markup:
    values = {"member": t.member(body["member"]), "proposal": t.proposal(body["number"]),
              "comment": t.number(body["comment"])}
    if body.get("parent") is not None:
        return t.say(N_("%(member)s replied to comment %(parent)s on %(proposal)s (comment %(comment)s; the log keeps "
                        "a commitment to the text, not the text)."), parent=t.number(body["parent"]), **values)
    return t.say(N_("%(member)s commented on %(proposal)s (comment %(comment)s; the log keeps a commitment to the "
                    "text, not the text)."), **values)


def _comment_edited(body: Mapping, t: Teller) -> Markup:
    return t.say(N_("%(actor)s edited comment %(comment)s on %(proposal)s."), actor=t.actor(body.get("actor")),
                 comment=t.number(body["comment"]), proposal=t.proposal(body["number"]))


def _comment_hidden(body: Mapping, t: Teller) -> Markup:
    return t.say(N_("%(actor)s hid comment %(comment)s on %(proposal)s, with a public reason."),
                 actor=t.actor(body.get("actor")), comment=t.number(body["comment"]),
                 proposal=t.proposal(body["number"]))


def _comment_shown(body: Mapping, t: Teller) -> Markup:
    return t.say(N_("%(actor)s showed comment %(comment)s on %(proposal)s again."), actor=t.actor(body.get("actor")),
                 comment=t.number(body["comment"]), proposal=t.proposal(body["number"]))


def _amendment_proposed(body: Mapping, t: Teller) -> Markup:
    return t.say(N_("%(member)s proposed amendment %(amendment)s to %(proposal)s."), member=t.member(body["member"]),
                 amendment=t.number(body["amendment"]), proposal=t.proposal(body["number"]))


def _amendment_declined(body: Mapping, t: Teller) -> Markup:
    return t.say(N_("%(actor)s declined amendment %(amendment)s to %(proposal)s."), actor=t.actor(body.get("actor")),
                 amendment=t.number(body["amendment"]), proposal=t.proposal(body["number"]))


def _amendment_balloted(body: Mapping, t: Teller) -> Markup:
    return t.say(N_("%(actor)s put amendment %(amendment)s to %(proposal)s to its own ballot, %(ballot)s."),
                 actor=t.actor(body.get("actor")), amendment=t.number(body["amendment"]),
                 proposal=t.proposal(body["number"]), ballot=t.ballot(body["proposal"]))


def _amendment_merged(body: Mapping, t: Teller) -> Markup:
    return t.say(N_("Amendment %(amendment)s was merged into %(proposal)s, now at version %(version)s."),
                 amendment=t.number(body["amendment"]), proposal=t.proposal(body["number"]),
                 version=t.number(body["version"]))


def _text_erased(body: Mapping, t: Teller) -> Markup:
    return t.say(N_("%(actor)s erased the text behind %(count)s log entries (reason: %(reason)s); their commitments "
                    "stay in the log."), actor=t.actor(body.get("actor")), count=t.number(len(body["entries"])),
                 reason=body.get("reason") or "—")


def _agenda_opened(body: Mapping, t: Teller) -> Markup:
    return t.say(N_("%(actor)s opened agenda round %(round)s: %(title)s."), actor=t.actor(body.get("actor")),
                 round=t.number(body["round"]), title=body.get("title", ""))


def _agenda_topic(body: Mapping, t: Teller) -> Markup:
    author = t.member(body["member"]) if body.get("member") else t.actor(body.get("actor"))
    return t.say(N_("%(actor)s put a topic on agenda round %(round)s: %(title)s."), actor=author,
                 round=t.number(body["round"]), title=body.get("title", ""))


def _agenda_voting(body: Mapping, t: Teller) -> Markup:
    return t.say(N_("%(actor)s put the topics of agenda round %(round)s to the vote, %(ballot)s."),
                 actor=t.actor(body.get("actor")), round=t.number(body["round"]), ballot=t.ballot(body["proposal"]))


def _charter_version(body: Mapping, t: Teller) -> Markup:
    if body.get("proposal") is not None:
        return t.say(N_("Charter version %(version)s came into force, as %(proposal)s decided (changed: %(fields)s)."),
                     version=t.number(body["version"]), proposal=t.proposal(body["proposal"]),
                     fields=", ".join(body.get("fields") or []) or "—")
    if body.get("version") == 1:
        return t.say(N_("%(actor)s recorded the founding act: charter version 1 came into force."),
                     actor=t.actor(body.get("actor")))
    return t.say(N_("Charter version %(version)s came into force (changed: %(fields)s)."),
                 version=t.number(body["version"]), fields=", ".join(body.get("fields") or []) or "—")


def _proposal_superseded(body: Mapping, t: Teller) -> Markup:
    return t.say(N_("%(proposal)s passed but was superseded: another change to the same rules came first, so nothing "
                    "was applied."), proposal=t.proposal(body["number"]))


GENERIC = N_("An event of the type %(type)s was recorded.")
"""The sentence of an event type ``STORIES`` does not know yet."""

STORIES: dict[str, Story] = {
    "coalition.created": Story(N_("Coalition created"), _coalition_created),
    "coalition.time_zone_set": Story(N_("Time zone set"), _time_zone_set),
    "account.granted": Story(N_("Accounts granted"), _account_granted),
    "account.revoked": Story(N_("Accounts revoked"), _account_revoked),
    "rules.changed": Story(N_("Rule changes"), _rules_changed),
    "member.admitted": Story(N_("Members admitted"), _member_admitted),
    "member.suspended": Story(N_("Members suspended"), _member_suspended),
    "member.readmitted": Story(N_("Members readmitted"), _member_readmitted),
    "member.left": Story(N_("Members who left"), _member_left),
    "weight.changed": Story(N_("Weight changes"), _weight_changed),
    "proposal.created": Story(N_("Proposals made"), _proposal_created),
    "proposal.edited": Story(N_("Proposals edited"), _proposal_edited),
    "proposal.withdrawn": Story(N_("Proposals withdrawn"), _proposal_withdrawn),
    "ballot.opened": Story(N_("Ballots opened"), _ballot_opened),
    "vote.cast": Story(N_("Votes cast"), _vote_cast),
    "key.registered": Story(N_("Keys registered"), _key_registered),
    "key.revoked": Story(N_("Keys revoked"), _key_revoked),
    "checkpoint.cosigned": Story(N_("Cosignatures by witnesses"), _checkpoint_cosigned),
    "witness.fork": Story(N_("Forks reported by witnesses"), _witness_fork),
    "ballot.closed": Story(N_("Ballots closed"), _ballot_closed),
    "comment.posted": Story(N_("Comments posted"), _comment_posted),
    "comment.edited": Story(N_("Comments edited"), _comment_edited),
    "comment.hidden": Story(N_("Comments hidden"), _comment_hidden),
    "comment.shown": Story(N_("Comments shown again"), _comment_shown),
    "amendment.proposed": Story(N_("Amendments proposed"), _amendment_proposed),
    "amendment.declined": Story(N_("Amendments declined"), _amendment_declined),
    "amendment.balloted": Story(N_("Amendments put to a ballot"), _amendment_balloted),
    "amendment.merged": Story(N_("Amendments merged"), _amendment_merged),
    "text.erased": Story(N_("Texts erased"), _text_erased),
    "agenda.opened": Story(N_("Agenda rounds opened"), _agenda_opened),
    "agenda.topic": Story(N_("Agenda topics"), _agenda_topic),
    "agenda.voting": Story(N_("Agenda votes"), _agenda_voting),
    "charter.version": Story(N_("Charter versions"), _charter_version),
    "proposal.superseded": Story(N_("Proposals superseded"), _proposal_superseded),
    "proxy.granted": Story(N_("Proxies offered"), _proxy_granted),
    "proxy.accepted": Story(N_("Proxies accepted"), _proxy_accepted),
    "proxy.declined": Story(N_("Proxies declined"), _proxy_declined),
    "proxy.revoked": Story(N_("Proxies revoked"), _proxy_revoked),
}


def tell(event: Mapping, teller: Teller) -> Markup:
    """The sentence of ``event``; the generic one when its type is unknown or its fields are not the expected ones."""
    story = STORIES.get(event.get("type", ""))
    if story is not None:
        try:
            return story.tell(event.get("body") or {}, teller)
        except (KeyError, TypeError, ValueError):  # an older or newer shape of the event: say what is certain
            pass
    return teller.say(GENERIC, type=event.get("type", ""))


def label(event_type: str, gettext: Callable[[str], str]) -> str:
    """The name of a kind of event in the filter: the table's label, else the type itself."""
    story = STORIES.get(event_type)
    return gettext(story.label) if story else event_type
