"""Reading a vote from a plain HTML form: radio buttons, checkboxes, number inputs, one select per rank."""

from collections.abc import Callable, Mapping, Sequence

from starlette.datastructures import FormData

from governance.log.recount import DEFAULT_MAX_SCORE, ballot_shape


class VoteFormError(ValueError):
    """A vote form that cannot be read; ``field`` names the control the message belongs beside."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


def _option(options: Sequence[str], value: object) -> str | None:
    if isinstance(value, str) and value.isdigit() and int(value) < len(options):
        return options[int(value)]
    return None


def _scores(_: Callable[..., str], rule: Mapping, options: Sequence[str], form: FormData) -> dict[str, int]:
    top = int(rule.get("max_score", DEFAULT_MAX_SCORE))
    scores = {}
    for index, name in enumerate(options):
        raw = str(form.get(f"score-{index}", "")).strip() or "0"
        if not raw.isdigit() or int(raw) > top:
            raise VoteFormError(f"score-{index}", _("Give a whole number from 0 to %(top)s.", top=top))
        scores[name] = int(raw)
    return scores


def _ranking(_: Callable[..., str], options: Sequence[str], form: FormData) -> list[str]:
    ranking: list[str] = []
    for rank in range(1, len(options) + 1):
        raw = form.get(f"rank-{rank}", "")
        if raw == "":
            continue
        name = _option(options, raw)
        if name is None:
            raise VoteFormError(f"rank-{rank}", _("Choose one of the options."))
        if name in ranking:
            raise VoteFormError(f"rank-{rank}", _("%(name)s is already ranked higher; rank each option once.",
                                                  name=name))
        ranking.append(name)
    if not ranking:
        raise VoteFormError("rank-1", _("Rank at least one option."))
    return ranking


def read_vote(_: Callable[..., str], rule: Mapping, options: Sequence[str], form: FormData) -> dict:
    """The vote the form expresses, in the shape the ballot takes (or an abstention)."""
    shape = ballot_shape(rule)
    if shape != "choice" and form.get("intent") == "abstain":
        return {"choice": "abstain"}
    if shape == "choice":
        choice = form.get("choice")
        allowed = ["yes", "no", "abstain"] + (["block"] if rule.get("consensus") else [])
        if choice not in allowed:
            raise VoteFormError("choice", _("Choose one answer."))
        return {"choice": choice}
    if shape == "option":
        name = _option(options, form.get("option"))
        if name is None:
            raise VoteFormError("option", _("Choose one option."))
        return {"option": name}
    if shape == "approve":
        picked = [_option(options, value) for value in form.getlist("approve")]
        return {"approve": [name for name in options if name in picked]}
    if shape == "scores":
        return {"scores": _scores(_, rule, options, form)}
    return {"ranking": _ranking(_, options, form)}


def form_values(rule: Mapping, options: Sequence[str], vote: Mapping | None) -> dict[str, object]:
    """The form controls' values that show ``vote`` (to pre-fill the form with the vote that counts)."""
    if not vote:
        return {}
    if "choice" in vote:
        return {"choice": vote["choice"]}
    if "option" in vote:
        return {"option": str(options.index(vote["option"]))}
    if "approve" in vote:
        return {"approve": [str(options.index(name)) for name in vote["approve"]]}
    if "scores" in vote:
        return {f"score-{options.index(name)}": str(score) for name, score in vote["scores"].items()}
    flat = [name for item in vote["ranking"] for name in (item if isinstance(item, list) else [item])]
    return {f"rank-{rank}": str(options.index(name)) for rank, name in enumerate(flat, start=1)}


def posted_values(form: FormData) -> dict[str, object]:
    """What the visitor sent, to show it again beside an error."""
    values: dict[str, object] = {key: str(value) for key, value in form.items() if key != "csrf_token"}
    values["approve"] = [str(value) for value in form.getlist("approve")]
    return values
