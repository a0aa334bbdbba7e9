"""Power: each yes/no rule's a priori power report beside the weights, in words, tables and charts; who was pivotal."""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from fractions import Fraction

from babel.dates import format_date
from fastapi import Request
from fastapi.responses import Response
from markupsafe import Markup
from sqlmodel import Session, select

from app.budget import game_key, power_reports
from app.deps import SessionDep
from app.design_jobs import latest_finished
from app.pages.charts import BANZHAF, SHAPLEY_SHUBIK, WEIGHT, Bar, bar_chart
from app.pages import power_glance as glance
from app.pages.power_history import cause_words, steps_chart
from app.pages.common import CoalitionDep, coalition_pages
from app.pages.words import CHOICES, KIND_NAMES, N_, describe_rule
from app.templating import render
from governance import coalitions, members, power, power_timeline, rules
from governance.models import Ballot, Coalition, Proposal, Vote
from voting.power import PowerError, concentration
from voting.power.count import megabytes

__all__ = ["PowerRow", "ReportView", "ballot_power", "pivot_sentences", "power_chart",
           "report_view", "router"]

router = coalition_pages()
Gettext = Callable[..., str]
CONSEQUENCES = {"passed": N_("the proposal would have failed"), "rejected": N_("the proposal would have passed"),
                "no_quorum": N_("the ballot would have reached its quorum")}
OTHER_CONSEQUENCE = N_("the outcome would have been different")


@dataclass(frozen=True)
class PowerRow:
    """One member: weight and share beside each index; ``*_range`` is the 95% interval of an estimate."""

    slug: str
    name: str
    weight: str
    weight_share: Fraction | None
    banzhaf: Fraction | None
    shapley_shubik: Fraction | None
    banzhaf_range: tuple[Fraction, Fraction] | None = None
    shapley_shubik_range: tuple[Fraction, Fraction] | None = None


@dataclass(frozen=True)
class ReportView:
    """A power report as a page shows it: rows, named veto players and dummies, sizes, concentration."""

    exact: bool
    rows: list[PowerRow]
    veto: list[str]
    dummies: list[str]
    dictator: str | None
    smallest_winning: int | None
    smallest_blocking: int | None
    concentration: list[tuple[str, Fraction | None, Fraction | None]]
    reason: str | None = None
    computing: bool = False
    memory_needed: str | None = None
    memory_limit: str | None = None


def _index(report: Mapping, key: str, slug: str) -> tuple[Fraction | None, tuple[Fraction, Fraction] | None]:
    value = (report.get(key) or {}).get(slug)
    if value is None:
        return None, None
    if isinstance(value, Mapping):
        return Fraction(value["estimate"]), (Fraction(value["low"]), Fraction(value["high"]))
    return Fraction(value), None


def _spread(data: Mapping | None) -> tuple[Fraction | None, Fraction | None]:
    if not data:
        return None, None
    return tuple(Fraction(data[key]) if data.get(key) is not None else None for key in ("gini", "herfindahl"))


def report_view(report: Mapping, eligible: Sequence[Mapping[str, str]]) -> ReportView:
    """The rows and facts of a stored power report, over the members it was computed for."""
    names = {row["member"]: row.get("name", row["member"]) for row in eligible}
    rows = []
    for row in eligible:
        slug = row["member"]
        share = report.get("weight_share", {}).get(slug)
        banzhaf, banzhaf_range = _index(report, "banzhaf", slug)
        shapley, shapley_range = _index(report, "shapley_shubik", slug)
        rows.append(PowerRow(slug, names[slug], str(row["weight"]), None if share is None else Fraction(share),
                             banzhaf, shapley, banzhaf_range, shapley_range))
    weights = concentration([Fraction(row.weight) for row in rows])
    return ReportView(
        exact=bool(report.get("exact", True)), rows=rows,
        veto=[names.get(slug, slug) for slug in report.get("veto", [])],
        dummies=[names.get(slug, slug) for slug in report.get("dummies", [])],
        dictator=names.get(report["dictator"], report["dictator"]) if report.get("dictator") else None,
        smallest_winning=report.get("smallest_winning"), smallest_blocking=report.get("smallest_blocking"),
        concentration=[("weight", weights.gini, weights.herfindahl),
                       ("banzhaf", *_spread(report.get("banzhaf_concentration"))),
                       ("shapley_shubik", *_spread(report.get("shapley_shubik_concentration")))],
        **_estimate_note(report.get("note") or {}))


def _estimate_note(note: Mapping) -> dict:
    """Why an estimate is shown: the exact count needs more memory than allowed, or waits for the background."""
    needed, limit = note.get("needed_bytes"), note.get("limit_bytes")
    return {"reason": note.get("reason"), "computing": bool(note.get("computing")),
            "memory_needed": megabytes(needed) if needed else None, "memory_limit": megabytes(limit) if limit else None}


def power_chart(_: Gettext, view: ReportView, *, chart_id: str, locale: str, share: Callable[[object], str],
                title: str) -> Markup:
    """Weight share, Banzhaf and Shapley-Shubik power of each member as grouped bars."""
    series = [("weight_share", WEIGHT), ("banzhaf", BANZHAF), ("shapley_shubik", SHAPLEY_SHUBIK)]
    groups = [(row.name, [Bar(getattr(row, key), ("≈ " if not view.exact and key != "weight_share" else "")
                              + share(getattr(row, key)), colour)
                          for key, colour in series if getattr(row, key) is not None]) for row in view.rows]
    legend = [(_("Weight share"), WEIGHT), (_("Banzhaf power"), BANZHAF), (_("Shapley-Shubik power"), SHAPLEY_SHUBIK)]
    description = _("For each member, three bars: its share of the weight, its Banzhaf power and its "
                    "Shapley-Shubik power. The table after the chart gives the same figures.")
    return bar_chart(groups, chart_id=chart_id, title=title, description=description, legend=legend,
                     rtl=locale == "ar")


def pivot_sentences(_: Gettext, pivotal: Mapping[str, Sequence[str]], *, outcome: str, names: Mapping[str, str],
                    votes: Mapping[str, str] | None = None) -> list[str]:
    """Each switch that alone would have changed the outcome, in words; ``votes`` adds what the member did vote."""
    consequence = _(CONSEQUENCES.get(outcome, OTHER_CONSEQUENCE))
    sentences = []
    for slug, switches in pivotal.items():
        for switch in switches:
            values = {"member": names.get(slug, slug), "new": _(CHOICES[switch]), "consequence": consequence}
            if votes is None:
                sentences.append(_("Had %(member)s voted “%(new)s”, %(consequence)s.", **values))
            elif slug in votes:
                sentences.append(_("Had %(member)s voted “%(new)s” instead of “%(old)s”, %(consequence)s.",
                                   old=_(CHOICES[votes[slug]]), **values))
            else:
                sentences.append(_("Had %(member)s voted “%(new)s” instead of not voting, %(consequence)s.", **values))
    return sentences


def ballot_power(_: Gettext, ballot: Ballot, vote_of: Mapping[str, Vote]) -> dict | None:
    """The power frozen with a ballot and, once it is closed, who was pivotal, for the proposal page."""
    if not ballot.power:
        return None
    pivots = None
    if ballot.status == "closed" and ballot.rule.get("type") == "majority" and ballot.result:
        votes = {slug: vote.choice["choice"] for slug, vote in vote_of.items()}
        pivotal = power.pivotal_members(ballot.rule, ballot.eligible, votes)
        names = {row["member"]: row["name"] for row in ballot.eligible}
        pivots = pivot_sentences(_, pivotal, outcome=ballot.result["outcome"], names=names, votes=votes)
    return {"view": report_view(ballot.power, ballot.eligible), "pivots": pivots}


def _rule_groups(request: Request, session: Session, coalition: Coalition,
                 eligible: list[dict]) -> list[dict]:
    """The yes/no kinds, those with the very same rule shown together."""
    _ = request.state.translate
    current = coalitions.get_rules(session, coalition)
    groups: list[dict] = []
    for kind in rules.YES_NO_KINDS:
        same = next((group for group in groups if group["rule"] == current[kind]), None)
        if same:
            same["kinds"].append(kind)
            continue
        groups.append({"kinds": [kind], "rule": current[kind], "view": None, "error": None,
                       "words": describe_rule(_, current[kind], request.state.locale)})
    rule_list = [group["rule"] for group in groups]
    key = ("page", *(game_key("", rule, eligible) for rule in rule_list))
    for group, (report, error) in zip(groups, request.app.state.compute_budget.run(
            key, power_reports, [(rule, eligible) for rule in rule_list])):
        group["view"] = report_view(report, eligible) if report is not None else None
        group["error"] = error
    for group in groups:
        titles = [_(KIND_NAMES[kind]) for kind in group["kinds"]]
        group["title"] = _(" and ").join(titles[:1] + [title.lower() for title in titles[1:]])
    groups += _ballot_rule_groups(request, session, coalition, eligible, [group["rule"] for group in groups])
    for group in groups:
        _glance(group, eligible)
    return sorted(groups, key=lambda group: -group["divergence"])


def _ballot_rule_groups(request: Request, session: Session, coalition: Coalition, eligible: list[dict],
                        known: list[dict]) -> list[dict]:
    """The yes/no rules ballots were opened with that are no default rule (a budget decision's double majority),
    each under the title of the latest proposal that used it, with today's members and weights."""
    _ = request.state.translate
    groups: list[dict] = []
    found = session.exec(select(Ballot.rule, Proposal.number, Proposal.title).join(Proposal).where(
        Ballot.coalition_id == coalition.id).order_by(Proposal.number.desc())).all()
    for rule, number, title in found:
        if rule.get("type") != "majority" or rule in known or any(group["rule"] == rule for group in groups):
            continue
        group = {"kinds": [f"ballot-{number}"], "rule": rule, "view": None, "error": None,
                 "words": describe_rule(_, rule, request.state.locale),
                 "title": _("The rule of #%(number)s, %(title)s", number=number, title=title)}
        try:
            group["view"] = report_view(power.power_report(rule, eligible), eligible)
        except PowerError as error:
            group["error"] = str(error)
        groups.append(group)
    return groups


def _glance(group: dict, eligible: list[dict]) -> None:
    """What a reader should see first: how far power strays from the counting, who gains, who can block."""
    view, counting = group["view"], str(group["rule"].get("counting", "equal"))
    if view is None or not view.exact:
        group.update(divergence=Fraction(0), findings=[], blockers=None)
        return
    group.update(divergence=glance.divergence(view, counting),
                 findings=glance.findings(view) if counting != "equal" else [],
                 blockers=glance.blockers(group["rule"], eligible, view.smallest_blocking))


def _history(_: Gettext, session: Session, coalition: Coalition) -> dict:
    history = power.power_history(session, coalition=coalition)
    names = {m.slug: m.name for m in members.list_members(session, coalition=coalition, limit=100_000)}
    ballots = [{"number": b.number, "title": b.title, "outcome": b.outcome,
                "sentences": pivot_sentences(_, b.pivotal, outcome=b.outcome, names=names)} for b in history.ballots]
    records = [{"name": r.name, "ballots": r.ballots, "successes": r.successes, "pivotal": r.pivotal,
                "rate": Fraction(r.success_rate) if r.success_rate is not None else None} for r in history.members]
    return {"ballots": ballots, "members": records}


def _steps(session: Session, coalition: Coalition, featured: dict) -> list[power_timeline.PowerStep]:
    """Power over time for the featured rule's kind, or under a ballot's own rule throughout."""
    kind = featured["kinds"][0]
    fixed = None if kind in rules.YES_NO_KINDS else featured["rule"]
    return power_timeline.power_steps(session, coalition=coalition, kind=kind, rule=fixed)


@router.get("/power", name="power_page")
def power_page(request: Request, coalition: CoalitionDep, session: SessionDep) -> Response:
    eligible = power.eligible_rows(session, coalition=coalition)
    groups = _rule_groups(request, session, coalition, eligible) if eligible else []
    featured = groups[0] if groups and groups[0].get("findings") else None
    steps = _steps(session, coalition, featured) if featured else []
    return render(request, "power/index.html", {
        "coalition": coalition, "groups": groups, "history": _history(request.state.translate, session, coalition),
        "steps": steps, "stepped": [(f.slug, f.name) for f in featured["findings"]] if featured else [],
        "steps_chart": steps_chart, "cause_words": partial(cause_words, request.state.translate),
        "day": lambda moment: format_date(moment, "medium", locale=request.state.locale),
        "latest_design": latest_finished(session, coalition)})
