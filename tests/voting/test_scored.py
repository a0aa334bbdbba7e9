"""Plurality, approval, score and STAR: published totals, conventions, ties, and STAR's tie-break protocol."""

from fractions import Fraction

import pytest

from tests.voting.golden_data import exact_map, load_json, ranked_ballots, score_ballots
from voting.profile import BallotError
from voting.scored import approval, plurality, score, star
from voting.types import ApprovalBallot, RankedBallot, ScoreBallot

TENNESSEE = load_json("tennessee.json")


def test_tennessee_plurality_matches_published_totals() -> None:
    result = plurality(ranked_ballots(TENNESSEE["ranked"]), candidates=TENNESSEE["candidates"])

    assert result.winners == (TENNESSEE["plurality"]["winner"],)
    assert dict(result.rounds[0].tally) == exact_map(TENNESSEE["plurality"]["totals"])


def test_tennessee_star_matches_published_scores_and_runoff() -> None:
    result = star(score_ballots(TENNESSEE["scores"]), candidates=TENNESSEE["candidates"])

    assert result.winners == (TENNESSEE["star"]["winner"],)
    assert result.rounds[0].tally["Nashville"] == Fraction(TENNESSEE["star"]["score_totals"]["Nashville"])
    assert result.rounds[1].tally["Nashville"] == Fraction(TENNESSEE["star"]["runoff"]["Nashville"])
    assert result.rounds[1].data["no_preference"] == "0"


def test_plurality_overvote_and_blank_count_for_no_one() -> None:
    ballots = [RankedBallot.of(("A", "B"), weight=5), RankedBallot.of(weight=2), RankedBallot.of("B", "A"),
               ApprovalBallot(frozenset({"A"}), Fraction(1, 2))]

    result = plurality(ballots, candidates=["A", "B"])

    assert result.rounds[0].tally == {"A": Fraction(1, 2), "B": Fraction(1)}
    assert result.data["overvotes"] == "5" and result.data["blank"] == "2"


def test_plurality_tie_returns_every_tied_winner() -> None:
    result = plurality([RankedBallot.of("A"), RankedBallot.of("B")], candidates=["A", "B", "C"])

    assert result.tied and result.winners == ("A", "B")
    assert result.ranking == (("A", "B"), ("C",))


def test_approval_counts_every_approval_with_its_weight() -> None:
    ballots = [ApprovalBallot(frozenset({"A", "B"}), Fraction(3)), ApprovalBallot(frozenset({"B"}), Fraction(1, 2)),
               ApprovalBallot(frozenset())]

    result = approval(ballots, candidates=["A", "B", "C"])

    assert result.rounds[0].tally == {"A": 3, "B": Fraction(7, 2), "C": 0}
    assert result.winners == ("B",) and result.data["blank"] == "1"


def test_score_missing_scores_count_zero_and_max_score_is_enforced() -> None:
    ballots = [ScoreBallot.of({"A": 9}), ScoreBallot.of({"B": 10, "A": 2})]

    result = score(ballots, candidates=["A", "B"], max_score=10)

    assert result.rounds[0].tally == {"A": 11, "B": 10}
    with pytest.raises(BallotError, match="from 0 to 5"):
        score(ballots, candidates=["A", "B"])


def test_star_runoff_counts_no_preference_apart() -> None:
    ballots = [ScoreBallot.of({"A": 5, "B": 5}, weight=4), ScoreBallot.of({"A": 5, "B": 1}, weight=1),
               ScoreBallot.of({"B": 4, "A": 0}, weight=2)]

    result = star(ballots, candidates=["A", "B", "C"])

    assert result.rounds[1].tally == {"A": 1, "B": 2}
    assert result.rounds[1].data["no_preference"] == "4"
    assert result.winners == ("B",)


def test_star_runoff_tie_goes_to_the_higher_score_total() -> None:
    ballots = [ScoreBallot.of({"A": 5, "B": 0}), ScoreBallot.of({"A": 3, "B": 4})]

    result = star(ballots, candidates=["A", "B"])

    assert result.rounds[1].tally == {"A": 1, "B": 1}
    assert result.winners == ("A",) and not result.tied


def test_star_full_tie_returns_both_finalists() -> None:
    ballots = [ScoreBallot.of({"A": 5, "B": 2}), ScoreBallot.of({"A": 2, "B": 5})]

    result = star(ballots, candidates=["A", "B"])

    assert result.tied and result.winners == ("A", "B")


def test_star_tie_for_finalist_goes_to_the_head_to_head_winner() -> None:
    ballots = [ScoreBallot.of({"A": 5, "B": 2, "C": 0}, weight=3), ScoreBallot.of({"C": 5, "B": 0}, weight=1),
               ScoreBallot.of({"A": 5, "B": 0, "C": 1}, weight=1)]

    result = star(ballots, candidates=["A", "B", "C"])

    assert result.rounds[0].tally == {"A": 20, "B": 6, "C": 6}
    assert result.data["finalists"] == ["A", "B"]
    assert [record.by for record in result.tie_breaks] == ["head-to-head"]


def test_star_unbreakable_finalist_tie_is_drawn_by_recorded_lot() -> None:
    ballots = [ScoreBallot.of({"C": 5, "A": 2}), ScoreBallot.of({"C": 5, "B": 2}), ScoreBallot.of({"C": 5, "A": 1, "B": 1})]

    result = star(ballots, candidates=["A", "B", "C"], seed="draw")

    assert result.data["finalists"][0] == "C"
    assert [record.by for record in result.tie_breaks] == ["lot"]
    assert result.tie_breaks[0].seed == "draw"


def test_score_ballot_for_unknown_candidate_is_refused() -> None:
    with pytest.raises(BallotError, match="not a candidate"):
        star([ScoreBallot.of({"Z": 1})], candidates=["A", "B"])
