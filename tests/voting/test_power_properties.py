"""Exact power indices agree with brute-force enumeration of every coalition, and with the invariances."""

from fractions import Fraction
from math import factorial

from hypothesis import given, settings
from hypothesis import strategies as st

from voting.power import Criterion, Game, analyze, swing_counts
from voting.power.count import (
    _count_by_bitset,
    _count_by_box,
    _count_by_complements,
    _count_by_halves,
    _count_by_rows,
)
from voting.power.game import integer_game


def brute_force(game: Game) -> dict[str, object]:
    """Every coalition as a bitmask, weights summed as Fractions straight from the Game."""
    n = game.size
    totals = [[Fraction(0)] * (1 << n) for _ in game.criteria]
    for mask in range(1, 1 << n):
        low = (mask & -mask).bit_length() - 1
        for column, criterion in zip(totals, game.criteria):
            column[mask] = column[mask & (mask - 1)] + criterion.weights[low]
    clause = game.min_no_to_block
    win = [
        (clause is not None and n - mask.bit_count() < clause)
        or all(column[mask] >= c.quota for column, c in zip(totals, game.criteria))
        for mask in range(1 << n)
    ]
    by_size = [[0] * n for _ in range(n)]
    minimal = 0
    for mask in range(1 << n):
        if win[mask]:
            critical = [i for i in range(n) if mask >> i & 1 and not win[mask ^ (1 << i)]]
            for i in critical:
                by_size[i][mask.bit_count() - 1] += 1
            minimal += len(critical) == mask.bit_count()
    swings = [sum(row) for row in by_size]
    proper = win[-1] and not win[0]
    shapley = [
        Fraction(sum(c * factorial(t) * factorial(n - 1 - t) for t, c in enumerate(row)), factorial(n))
        for row in by_size
    ] if proper else None
    return {"swings": swings, "shapley": shapley, "winning": sum(win), "minimal": minimal, "by_size": by_size}


weights = st.one_of(st.integers(0, 12), st.fractions(0, 6, max_denominator=4))


@st.composite
def games(draw: st.DrawFn, max_members: int = 14) -> Game:
    n = draw(st.integers(1, max_members))
    criteria = []
    for _ in range(draw(st.integers(1, 3))):
        ws = tuple(draw(st.lists(weights, min_size=n, max_size=n)))
        total = sum(ws, Fraction(0))
        whole = draw(st.integers(-1, int(total) + 2))
        quota = draw(st.one_of(st.just(total / 2), st.just(whole + draw(st.fractions(0, 1, max_denominator=6)))))
        criteria.append(Criterion(ws, quota))
    clause = draw(st.one_of(st.none(), st.integers(1, n + 1)))
    return Game(tuple(f"m{i}" for i in range(n)), tuple(criteria), clause)


@settings(max_examples=35, deadline=None)
@given(games())
def test_every_index_matches_brute_force_enumeration(game: Game) -> None:
    expected = brute_force(game)

    report = analyze(game)

    assert [m.swings for m in report.members] == expected["swings"]
    assert report.winning_coalitions == expected["winning"]
    assert report.minimal_winning_coalitions == expected["minimal"]
    shapley = [m.shapley_shubik for m in report.members]
    assert shapley == (expected["shapley"] or [None] * game.size)
    total = sum(expected["swings"])
    assert [m.banzhaf for m in report.members] == [Fraction(s, total) if total else None for s in expected["swings"]]
    assert report.dummies == tuple(game.names[i] for i, s in enumerate(expected["swings"]) if s == 0)


@settings(max_examples=40, deadline=None)
@given(games(max_members=10))
def test_the_three_exact_engines_agree_where_they_apply(game: Game) -> None:
    integer = integer_game(game)
    engines = [_count_by_bitset] + ([_count_by_rows, _count_by_halves] if len(integer.weighted) <= 1 else [])

    results = {(c.swings_by_size, c.winning_by_size, c.minimal_winning) for c in map(lambda e: e(integer), engines)}

    assert len(results) == 1


@settings(max_examples=40, deadline=None)
@given(games(max_members=9))
def test_normalized_banzhaf_and_shapley_shubik_each_sum_to_exactly_one(game: Game) -> None:
    report = analyze(game)

    if report.members[0].banzhaf is not None:
        assert sum(m.banzhaf for m in report.members) == 1
    if report.members[0].shapley_shubik is not None:
        assert sum(m.shapley_shubik for m in report.members) == 1


@settings(max_examples=40, deadline=None)
@given(games(max_members=9), st.randoms(use_true_random=False), st.fractions(Fraction(1, 7), 9))
def test_permuting_members_or_scaling_a_criterion_changes_nothing(game: Game, rng, factor: Fraction) -> None:
    order = list(range(game.size))
    rng.shuffle(order)
    permuted = Game(
        tuple(game.names[i] for i in order),
        tuple(Criterion(tuple(c.weights[i] for i in order), c.quota) for c in game.criteria),
        game.min_no_to_block,
    )
    scaled = Game(game.names, tuple(Criterion(tuple(w * factor for w in c.weights), c.quota * factor)
                                    for c in game.criteria), game.min_no_to_block)

    base = analyze(game)

    assert {m.name: m.shapley_shubik for m in analyze(permuted).members} == {
        m.name: m.shapley_shubik for m in base.members}
    assert [m.swings for m in analyze(scaled).members] == [m.swings for m in base.members]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(0, 40), min_size=1, max_size=14), st.data())
def test_fast_banzhaf_swings_match_brute_force_with_zero_weights_and_fractional_quotas(ws, data) -> None:
    quota = data.draw(st.fractions(Fraction(1, 3), sum(ws) + 1, max_denominator=5))
    game = Game(tuple(f"m{i}" for i in range(len(ws))), (Criterion(tuple(ws), quota),))

    assert list(swing_counts(game)) == brute_force(game)["swings"]


def test_equivalent_representations_of_one_game_give_identical_reports() -> None:
    names = ("A", "B", "C", "D")
    majority = Game(names, (Criterion((1, 1, 1, 1), 3),))
    weighted = Game(names, (Criterion((5, 5, 5, 5), 11),))
    doubled = Game(names, (Criterion((1, 1, 1, 1), 3), Criterion((2, 2, 2, 2), Fraction(11, 2))))

    reports = [analyze(g).to_dict() for g in (majority, weighted, doubled)]

    for report in reports:
        report.pop("weight_concentration"), report.pop("scales"), report.pop("members")
    assert reports[0] == reports[1] == reports[2]
    assert reports[0]["shapley_shubik"] == {name: "1/4" for name in names}


def test_a_large_game_is_exact_and_sums_to_one() -> None:
    ws = [(i * 37) % 101 + 1 for i in range(60)]
    game = Game(tuple(f"m{i}" for i in range(60)), (Criterion(tuple(ws), sum(ws) // 2 + 1),))

    report = analyze(game)

    assert sum(m.banzhaf for m in report.members) == 1
    assert sum(m.shapley_shubik for m in report.members) == 1
    assert tuple(m.swings for m in report.members) == swing_counts(game)


@st.composite
def double_criterion_games(draw: st.DrawFn, max_members: int = 10) -> Game:
    n = draw(st.integers(1, max_members))
    criteria = []
    for _ in range(2):
        ws = tuple(draw(st.lists(st.integers(0, 9), min_size=n, max_size=n)))
        criteria.append(Criterion(ws, draw(st.integers(0, sum(ws) + 1))))
    if draw(st.booleans()):
        criteria.append(Criterion((1,) * n, draw(st.integers(0, n + 1))))
    clause = draw(st.one_of(st.none(), st.integers(1, n + 1)))
    return Game(tuple(f"m{i}" for i in range(n)), tuple(criteria), clause)


@settings(max_examples=60, deadline=None)
@given(double_criterion_games())
def test_two_weighted_criteria_table_matches_brute_force_swings_by_size(game: Game) -> None:
    integer = integer_game(game)
    expected = brute_force(game)

    counts = _count_by_box(integer) if len(integer.weighted) == 2 else _count_by_bitset(integer)

    assert [list(row) for row in counts.swings_by_size] == expected["by_size"]
    assert sum(counts.winning_by_size) == expected["winning"]


@st.composite
def counted_double_majorities(draw: st.DrawFn, max_members: int = 11) -> Game:
    n = draw(st.integers(1, max_members))
    ws = tuple(draw(st.lists(weights, min_size=n, max_size=n)))
    count_quota = draw(st.integers(0, n + 1))
    weight_quota = draw(st.integers(0, int(sum(ws, Fraction(0))) + 1)) + draw(st.fractions(0, 1, max_denominator=3))
    clause = draw(st.one_of(st.none(), st.integers(1, n + 1)))
    criteria = (Criterion((1,) * n, count_quota), Criterion(ws, weight_quota))
    return Game(tuple(f"m{i}" for i in range(n)), criteria, clause)


@settings(max_examples=30, deadline=None)
@given(counted_double_majorities())
def test_a_member_count_with_a_weight_criterion_matches_brute_force(game: Game) -> None:
    expected = brute_force(game)

    report = analyze(game)

    assert [m.swings for m in report.members] == expected["swings"]
    assert [m.shapley_shubik for m in report.members] == (expected["shapley"] or [None] * game.size)
    assert report.winning_coalitions == expected["winning"]
    assert report.minimal_winning_coalitions == expected["minimal"]


@settings(max_examples=40, deadline=None)
@given(counted_double_majorities(max_members=10))
def test_counting_complements_agrees_with_counting_coalitions(game: Game) -> None:
    integer = integer_game(game)
    if len(integer.weighted) != 1:
        return

    direct, complements = _count_by_rows(integer), _count_by_complements(integer)

    assert complements.swings_by_size == direct.swings_by_size
    assert complements.winning_by_size == direct.winning_by_size
