"""Replaying deliberation: comments, moderation, erasure, amendments and agenda rounds, from their events alone.

Comments and amendments enter the log as salted commitments (``governance.log.commitments``): the replay records
each commitment by entry, and the verifier opens those whose texts an export still publishes. Standard library only.
"""

from collections.abc import Callable

from governance.log.commitments import COMMITMENT
from governance.log.replayed import (ReplayedAgendaRound, ReplayedAmendment, ReplayedComment, ReplayedLog,
                                     ReplayedProposal)

__all__ = ["HANDLERS", "amendment_consequence", "frozen_by_amendment_ballot"]

DISCUSSED = ("draft", "open")
AGENDA_METHODS = ("approval", "schulze", "irv", "borda", "copeland", "ranked_pairs")


def _replay():  # noqa: ANN202
    from governance.log import replay  # the generic helpers; imported late, as replay imports this module

    return replay


def _require(condition: bool, index: int, message: str) -> None:
    _replay()._require(condition, index, message)


def _commit(log: ReplayedLog, index: int, body: dict) -> None:
    commitment = body["commitment"]
    _require(isinstance(commitment, str) and COMMITMENT.fullmatch(commitment) is not None, index,
             "the text's commitment is not a SHA-256 digest")
    log.commitments[index] = commitment


def _representative(log: ReplayedLog, index: int, actor: object, member: object) -> None:
    account = _replay()._account(log, index, actor, "representative")
    _require(account.member == member, index, f"{actor!r} does not represent {member!r}")
    _require(_replay()._member(log, index, member).status == "active", index, f"{member!r} is not an active member")


def _active(log: ReplayedLog, index: int, actor: object) -> None:
    account = log.accounts.get(actor)  # type: ignore[arg-type]
    _require(account is not None and account.active, index, f"{actor!r} is not an active account")


def _discussed(log: ReplayedLog, index: int, number: object) -> ReplayedProposal:
    proposal = _replay()._proposal(log, index, number)
    _require(proposal.state in DISCUSSED, index, f"proposal #{number} is {proposal.state}; its discussion is closed")
    return proposal


def _comment(log: ReplayedLog, index: int, body: dict) -> ReplayedComment:
    comment = log.comments.get(body["comment"])
    _require(comment is not None and comment.proposal == body["number"], index,
             f"proposal #{body['number']} has no comment {body['comment']!r}")
    return comment  # type: ignore[return-value]


def _comment_posted(log: ReplayedLog, index: int, body: dict) -> None:
    _discussed(log, index, body["number"])
    _require(body["comment"] == len(log.comments) + 1, index, f"comment {body['comment']!r} is out of sequence")
    parent = body["parent"]
    if parent is not None:
        replied = log.comments.get(parent)
        _require(replied is not None and replied.proposal == body["number"], index,
                 f"comment {parent!r} is not on proposal #{body['number']}")
        hidden = replied.hidden  # type: ignore[union-attr]
        _require(not hidden, index, f"comment {parent!r} is hidden and takes no replies")
    _representative(log, index, body["actor"], body["member"])
    _commit(log, index, body)
    log.comments[body["comment"]] = ReplayedComment(body["comment"], body["number"], parent, body["member"],
                                                    body["actor"], [index])


def _comment_edited(log: ReplayedLog, index: int, body: dict) -> None:
    comment = _comment(log, index, body)
    _discussed(log, index, body["number"])
    _require(body["actor"] == comment.author, index, "only a comment's author edits it")
    _representative(log, index, body["actor"], comment.member)
    _require(not comment.hidden, index, "a hidden comment cannot be edited")
    _commit(log, index, body)
    comment.revisions.append(index)


def _comment_hidden(log: ReplayedLog, index: int, body: dict) -> None:
    comment = _comment(log, index, body)
    _active(log, index, body["actor"])
    _require(not comment.hidden, index, f"comment {comment.number} is hidden already")
    _commit(log, index, body)
    comment.hidden = True


def _comment_shown(log: ReplayedLog, index: int, body: dict) -> None:
    comment = _comment(log, index, body)
    _active(log, index, body["actor"])
    _require(comment.hidden, index, f"comment {comment.number} is not hidden")
    comment.hidden = False


def _text_erased(log: ReplayedLog, index: int, body: dict) -> None:
    _replay()._account(log, index, body["actor"], "admin")
    entries = body["entries"]
    _require(isinstance(entries, list) and bool(entries), index, "an erasure names the entries whose text it erases")
    for entry in entries:
        _require(entry in log.commitments and entry not in log.erased, index,
                 f"entry {entry!r} holds no text to erase")
        log.erased.add(entry)
    _require(isinstance(body["reason"], str) and bool(body["reason"].strip()), index, "an erasure gives its reason")


def frozen_by_amendment_ballot(log: ReplayedLog, number: int) -> bool:
    """Whether an amendment to proposal ``number`` is being put to a ballot that has not closed."""
    for ballot_number, (target, _) in log.amendment_ballots.items():
        ballot = log.ballots.get(ballot_number)
        if target == number and (ballot is None or ballot.status == "open"):
            return True
    return False


def _amended_draft(log: ReplayedLog, index: int, number: object) -> ReplayedProposal:
    proposal = _replay()._proposal(log, index, number)
    _require(proposal.state == "draft", index, f"proposal #{number} is {proposal.state}; only a draft is amended")
    _require(not frozen_by_amendment_ballot(log, proposal.number), index,
             f"an amendment to proposal #{number} is being voted on")
    return proposal


def _amendment(log: ReplayedLog, index: int, body: dict, state: str) -> ReplayedAmendment:
    amendment = log.amendments.get((body["number"], body["amendment"]))
    _require(amendment is not None, index, f"proposal #{body['number']} has no amendment {body['amendment']!r}")
    _require(amendment.state == state, index,  # type: ignore[union-attr]
             f"amendment {body['amendment']!r} is {amendment.state}, not {state}")  # type: ignore[union-attr]
    return amendment  # type: ignore[return-value]


def _editor(log: ReplayedLog, index: int, proposal: ReplayedProposal, actor: object) -> None:
    account = log.accounts.get(actor)  # type: ignore[arg-type]
    _require(account is not None and account.active and (account.role == "admin" or actor == proposal.author), index,
             f"{actor!r} may not decide on amendments to proposal #{proposal.number}")


def _amendment_proposed(log: ReplayedLog, index: int, body: dict) -> None:
    proposal = _amended_draft(log, index, body["number"])
    count = sum(1 for number, _ in log.amendments if number == proposal.number)
    _require(body["amendment"] == count + 1, index, f"amendment {body['amendment']!r} is out of sequence")
    _require(body["base_version"] == proposal.version, index, "the amendment is not to the current version")
    _representative(log, index, body["actor"], body["member"])
    _commit(log, index, body)
    log.amendments[(proposal.number, body["amendment"])] = ReplayedAmendment(
        proposal.number, body["amendment"], body["member"], body["actor"], body["base_version"], index)


def _amendment_declined(log: ReplayedLog, index: int, body: dict) -> None:
    proposal = _amended_draft(log, index, body["number"])
    amendment = _amendment(log, index, body, "proposed")
    _editor(log, index, proposal, body["actor"])
    amendment.state = "declined"


def _amendment_balloted(log: ReplayedLog, index: int, body: dict) -> None:
    proposal = _amended_draft(log, index, body["number"])
    amendment = _amendment(log, index, body, "declined")
    _replay()._account(log, index, body["actor"], "admin")
    _require(amendment.base_version == proposal.version, index, "the amendment is not to the current version")
    ballot_proposal = _replay()._proposal(log, index, body["proposal"])
    _require(ballot_proposal.state == "draft" and ballot_proposal.kind == "decision", index,
             f"proposal #{body['proposal']} is not a draft decision to vote on the amendment")
    _require(body["proposal"] not in log.amendment_ballots, index, f"#{body['proposal']} already decides an amendment")
    log.amendment_ballots[body["proposal"]] = (proposal.number, amendment.number)
    amendment.state = "balloting"


def _amendment_merged(log: ReplayedLog, index: int, body: dict) -> None:
    proposal = _replay()._proposal(log, index, body["number"])
    _require(proposal.state == "draft", index,
             f"proposal #{proposal.number} is {proposal.state}; only a draft is amended")
    by_ballot = body["actor"] == "ballot"
    amendment = _amendment(log, index, body, "balloting" if by_ballot else "proposed")
    if not by_ballot:
        _require(not frozen_by_amendment_ballot(log, proposal.number), index,
                 f"an amendment to proposal #{proposal.number} is being voted on")
        _editor(log, index, proposal, body["actor"])
    _require(amendment.base_version == proposal.version and body["version"] == proposal.version + 1, index,
             f"amendment {amendment.number} was made to version {amendment.base_version}, not the current one")
    proposal.title, proposal.body, proposal.options, proposal.seats = (
        body["title"], body["body"], body["options"], body["seats"])
    proposal.version = body["version"]
    amendment.state = "merged"
    amendment.merged = {"title": body["title"], "body": body["body"], "options": body["options"]}


def amendment_consequence(log: ReplayedLog, number: int) -> tuple[str, dict] | None:
    """The event that must follow the passing of proposal ``number`` if it decided an amendment."""
    target = log.amendment_ballots.get(number)
    if target is None:
        return None
    return "amendment.merged", {"number": target[0], "amendment": target[1], "actor": "ballot", "proposal": number}


def _agenda_opened(log: ReplayedLog, index: int, body: dict) -> None:
    _replay()._account(log, index, body["actor"], "admin")
    _require(body["round"] == len(log.agenda) + 1, index, f"agenda round {body['round']!r} is out of sequence")
    _require(body["method"] in AGENDA_METHODS, index, f"unknown agenda method {body['method']!r}")
    log.agenda[body["round"]] = ReplayedAgendaRound(body["round"], body["title"], body["method"])


def _agenda_round(log: ReplayedLog, index: int, number: object) -> ReplayedAgendaRound:
    found = log.agenda.get(number)  # type: ignore[arg-type]
    _require(found is not None, index, f"there is no agenda round {number!r}")
    _require(found.ballot is None, index, f"agenda round {number!r} no longer takes topics")  # type: ignore[union-attr]
    return found  # type: ignore[return-value]


def _agenda_topic(log: ReplayedLog, index: int, body: dict) -> None:
    round_ = _agenda_round(log, index, body["round"])
    _require(body["topic"] == len(round_.topics) + 1, index, f"topic {body['topic']!r} is out of sequence")
    _require(body["title"] not in round_.topics, index, f"the topic {body['title']!r} is submitted already")
    if body["member"] is None:
        _replay()._account(log, index, body["actor"], "admin")
    else:
        _representative(log, index, body["actor"], body["member"])
    round_.topics.append(body["title"])


def _agenda_voting(log: ReplayedLog, index: int, body: dict) -> None:
    round_ = _agenda_round(log, index, body["round"])
    _replay()._account(log, index, body["actor"], "admin")
    proposal = _replay()._proposal(log, index, body["proposal"])
    _require(proposal.kind == "choice" and proposal.state == "draft" and proposal.options == round_.topics, index,
             f"proposal #{proposal.number} is not a draft choice among the round's topics")
    round_.ballot = proposal.number


HANDLERS: dict[str, Callable[[ReplayedLog, int, dict], None]] = {
    "comment.posted": _comment_posted,
    "comment.edited": _comment_edited,
    "comment.hidden": _comment_hidden,
    "comment.shown": _comment_shown,
    "text.erased": _text_erased,
    "amendment.proposed": _amendment_proposed,
    "amendment.declined": _amendment_declined,
    "amendment.balloted": _amendment_balloted,
    "amendment.merged": _amendment_merged,
    "agenda.opened": _agenda_opened,
    "agenda.topic": _agenda_topic,
    "agenda.voting": _agenda_voting,
}
