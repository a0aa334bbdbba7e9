"""The size x weight table agrees with direct enumeration, and its engines with meet in the middle."""

from fractions import Fraction
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voting.power.count import _count_by_complements, _count_by_halves, _count_by_rows
from voting.power.game import IntegerGame
from voting.power.tables import PrefixColumns, SizeWeightTable, pure_swings, respace


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 9), min_size=1, max_size=9), st.integers(1, 40), st.data())
def test_rows_and_columns_count_every_subset_by_size_and_weight(ws: list[int], quota: int, data: st.DataObject) -> None:
    n = len(ws)
    low = data.draw(st.integers(-3, quota + 3))
    table = SizeWeightTable(quota, n)
    for weight in sorted(ws, reverse=True):
        table.add(weight)
    columns = PrefixColumns(table)
    z = data.draw(st.integers(-2, quota + 3))

    subsets = [[sum(c) for c in combinations(ws, t)] for t in range(n + 1)]

    assert [table.below(t) for t in range(n + 1)] == [sum(w < quota for w in row) for row in subsets]
    assert [table.window(t, low) for t in range(n + 1)] == [sum(low <= w < quota for w in row) for row in subsets]
    assert columns.unpack(columns.column(z), n + 1) == [sum(w < min(z, quota) for w in row) for row in subsets]


def test_members_must_come_heaviest_first() -> None:
    table = SizeWeightTable(10, 3)
    table.add(4)

    with pytest.raises(ValueError, match="heaviest first"):
        table.add(5)


@st.composite
def single_criterion_games(draw: st.DrawFn) -> IntegerGame:
    n = draw(st.integers(16, 26))
    ws = tuple(draw(st.lists(st.integers(0, 60), min_size=n, max_size=n)))
    quota = draw(st.integers(1, max(1, sum(ws))))
    size_min = draw(st.integers(0, n + 1))
    clause_min = draw(st.integers(0, n + 1))
    return IntegerGame(n, size_min, clause_min, ((ws, quota),), (Fraction(1),))


@settings(max_examples=25, deadline=None)
@given(single_criterion_games())
def test_the_table_engine_matches_meet_in_the_middle_beyond_enumeration(game: IntegerGame) -> None:
    direct, halves = _count_by_rows(game), _count_by_halves(game)

    assert direct.swings_by_size == halves.swings_by_size
    assert direct.winning_by_size == halves.winning_by_size
    assert direct.minimal_winning == halves.minimal_winning


@settings(max_examples=25, deadline=None)
@given(single_criterion_games())
def test_counting_complements_matches_meet_in_the_middle(game: IntegerGame) -> None:
    complements, halves = _count_by_complements(game), _count_by_halves(game)

    assert complements.swings_by_size == halves.swings_by_size
    assert complements.winning_by_size == halves.winning_by_size


@settings(max_examples=5, deadline=None)
@given(st.lists(st.integers(0, 40), min_size=130, max_size=200), st.data())
def test_the_banzhaf_polynomial_widening_its_slots_matches_the_size_table(ws: list[int], data: st.DataObject) -> None:
    quota = data.draw(st.integers(1, sum(ws) + 1))
    game = IntegerGame(len(ws), 0, len(ws) + 1, ((tuple(ws), quota),), (Fraction(1),))

    by_weight = pure_swings(ws, quota)

    assert [by_weight[w] for w in ws] == [sum(row) for row in _count_by_rows(game).swings_by_size]


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 4).flatmap(lambda words: st.tuples(
    st.just(64 * words), st.integers(1, 3), st.lists(st.integers(0, 2 ** (64 * words) - 1), min_size=1, max_size=40))))
def test_respacing_keeps_every_slot_even_when_full(case: tuple[int, int, list[int]]) -> None:
    bits, more, counts = case
    packed = sum(count << (i * bits) for i, count in enumerate(counts))

    moved = respace(packed, bits, bits + 64 * more)

    wider = bits + 64 * more
    assert [(moved >> (i * wider)) & ((1 << wider) - 1) for i in range(len(counts))] == counts
