"""Publish a count: a Result as a deterministic JSON-able dict, or as readable text tables."""

import decimal
import json
import textwrap
from collections.abc import Mapping, Sequence
from fractions import Fraction

from voting.exact import format_exact
from voting.types import Result, Round, TieBreakRecord

__all__ = ["result_to_dict", "result_to_json", "result_to_text"]


def result_to_dict(result: Result) -> dict[str, object]:
    """The result as plain JSON values; every count an exact string ("1436.5", "1/3"), never a float.

    Winners, ranking groups, elected and eliminated keep the order the count gives them; mappings
    (tallies, tables) are emitted with sorted keys, so equal results give equal dicts and bytes.
    Only ``seats`` and round ``number`` stay JSON integers: they are positions, not counts.

    >>> from voting.types import Round
    >>> result = Result("irv", ("A", "B"), ("A",), rounds=(Round(1, "count", "A has a majority.",
    ...     tally={"B": Fraction(5, 2), "A": Fraction(7, 3)}, elected=("A",)),))
    >>> result_to_dict(result)["rounds"][0]["tally"]
    {'A': '7/3', 'B': '2.5'}
    """
    return {
        "method": result.method,
        "candidates": list(result.candidates),
        "seats": result.seats,
        "winners": list(result.winners),
        "tied": result.tied,
        "ranking": [list(group) for group in result.ranking],
        "summary": result.summary,
        "tie_breaks": [_tie_break_to_dict(record) for record in result.tie_breaks],
        "rounds": [_round_to_dict(round_) for round_ in result.rounds],
        "data": _exact_json(result.data),
    }


def result_to_json(result: Result) -> str:
    """``result_to_dict`` as indented JSON text, non-ASCII names kept as they are.

    >>> print(result_to_json(Result("plurality", ("A",), ("A",))).splitlines()[1])
      "method": "plurality",
    """
    return json.dumps(result_to_dict(result), indent=2, ensure_ascii=False)


def _round_to_dict(round_: Round) -> dict[str, object]:
    return {
        "number": round_.number,
        "action": round_.action,
        "explanation": round_.explanation,
        "tally": _exact_json(round_.tally),
        "exhausted": format_exact(round_.exhausted),
        "elected": list(round_.elected),
        "eliminated": list(round_.eliminated),
        "tie_breaks": [_tie_break_to_dict(record) for record in round_.tie_breaks],
        "data": _exact_json(round_.data),
    }


def _tie_break_to_dict(record: TieBreakRecord) -> dict[str, object]:
    return {
        "tied": list(record.tied),
        "chosen": list(record.chosen),
        "by": record.by,
        "explanation": record.explanation,
        "seed": record.seed,
    }


def _exact_json(value: object) -> object:
    """``value`` with every number as an exact string and every mapping's keys sorted."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, Fraction)):
        return format_exact(value)
    if isinstance(value, decimal.Decimal) and value.is_finite():
        return format_exact(Fraction(value))
    if isinstance(value, Mapping):
        return {str(key): _exact_json(value[key]) for key in sorted(value, key=str)}
    if isinstance(value, (list, tuple)):
        return [_exact_json(item) for item in value]
    raise TypeError(f"{value!r} ({type(value).__name__}) has no exact JSON form; a result holds no floats")


def result_to_text(result: Result) -> str:
    """The result as text: the outcome, then each round as a table of totals with aligned columns.

    >>> from voting.types import Round
    >>> result = Result("irv", ("A", "B"), ("A",), rounds=(Round(1, "count", "A has a majority.",
    ...     tally={"A": Fraction(3), "B": Fraction(2)}, elected=("A",)),))
    >>> print(result_to_text(result))
    Method: irv
    Candidates: A, B
    Seats: 1
    Winner: A
    <BLANKLINE>
    Round 1: count
      A has a majority.
    <BLANKLINE>
      Candidate  Total
      A              3  elected
      B              2
    """
    lines = [
        f"Method: {result.method}",
        f"Candidates: {', '.join(result.candidates)}",
        f"Seats: {result.seats}",
        f"{'Winner' if len(result.winners) == 1 else 'Winners'}: {', '.join(result.winners) or '(none)'}",
    ]
    if result.tied:
        lines.append("Tied: no explicit policy broke the tie between the winners above.")
    if result.summary:
        lines.append(f"Summary: {result.summary}")
    if len(result.ranking) > 1:
        places = "; ".join(f"{place}. {' = '.join(group)}" for place, group in enumerate(result.ranking, start=1))
        lines.append(f"Ranking: {places}")
    lines += _tie_break_lines(result.tie_breaks, indent="")
    for round_ in result.rounds:
        lines += ["", *_round_lines(round_, result.candidates)]
    shown = {key for round_ in result.rounds for key, value in round_.data.items() if result.data.get(key) == value}
    extra = {key: value for key, value in result.data.items() if key not in shown}
    if extra:
        lines += ["", "Details:", *_data_lines(extra, result.candidates)[1:]]
    return "\n".join(lines)


def _round_lines(round_: Round, candidates: Sequence[str]) -> list[str]:
    lines = [f"Round {round_.number}: {round_.action}"]
    if round_.explanation:
        lines.append(textwrap.fill(round_.explanation, width=88, initial_indent="  ", subsequent_indent="  "))
    if round_.tally:
        rows = [["Candidate", "Total", ""]]
        for name in _ordered(round_.tally, candidates):
            status = "elected" if name in round_.elected else "eliminated" if name in round_.eliminated else ""
            rows.append([name, format_exact(round_.tally[name]), status])
        if round_.exhausted:
            rows.append(["Exhausted / non-transferable", format_exact(round_.exhausted), ""])
        lines += ["", *_table(rows, left=(0, 2))]
    else:
        lines += [f"  Elected: {', '.join(round_.elected)}"] if round_.elected else []
        lines += [f"  Eliminated: {', '.join(round_.eliminated)}"] if round_.eliminated else []
    if round_.tie_breaks:
        lines += ["", *_tie_break_lines(round_.tie_breaks, indent="  ")]
    if round_.data:
        lines += _data_lines(round_.data, candidates)
    return lines


def _tie_break_lines(records: Sequence[TieBreakRecord], *, indent: str) -> list[str]:
    lines = []
    for record in records:
        seed = f" (seed {record.seed})" if record.seed else ""
        lines.append(f"{indent}Tie break by {record.by}{seed}: {record.explanation}")
    return lines


def _data_lines(data: Mapping[str, object], candidates: Sequence[str]) -> list[str]:
    """Method-specific tables: a mapping of mappings as a matrix, a flat mapping as two columns."""
    scalars: list[str] = []
    tables: list[str] = []
    for key, value in data.items():
        title = key.replace("_", " ").capitalize()
        if isinstance(value, Mapping) and value and all(isinstance(row, Mapping) for row in value.values()):
            tables += ["", f"  {title}:", *_matrix_lines(value, candidates)]
        elif isinstance(value, Mapping) and value:
            rows = [[str(name), _cell(value[name])] for name in _ordered(value, candidates)]
            tables += ["", f"  {title}:", *_table(rows, indent="    ")]
        else:
            scalars.append(f"  {title}: {_cell(value)}")
    return ([""] if scalars else []) + scalars + tables


def _matrix_lines(matrix: Mapping[object, Mapping[object, object]], candidates: Sequence[str]) -> list[str]:
    row_names = _ordered(matrix, candidates)
    column_names = _ordered({name: None for row in matrix.values() for name in row}, candidates)
    rows = [["", *map(str, column_names)]]
    for row_name in row_names:
        row = matrix[row_name]
        rows.append([str(row_name), *(_cell(row[name]) if name in row else "-" for name in column_names)])
    return _table(rows, indent="    ")


def _ordered(mapping: Mapping[object, object], candidates: Sequence[str]) -> list[object]:
    """The mapping's keys in candidate order, then any other keys in their own order."""
    known = [name for name in candidates if name in mapping]
    return known + [name for name in mapping if name not in known]


def _cell(value: object) -> str:
    exact = _exact_json(value)
    if isinstance(exact, str):
        return exact
    if isinstance(exact, list):
        return ", ".join(_cell(item) for item in exact)
    return json.dumps(exact, ensure_ascii=False)


def _table(rows: list[list[str]], *, indent: str = "  ", left: tuple[int, ...] = (0,)) -> list[str]:
    """Rows as aligned text: the ``left`` columns (names, notes) left-aligned, the numbers right-aligned."""
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [cell.ljust(widths[i]) if i in left else cell.rjust(widths[i]) for i, cell in enumerate(row)]
        lines.append((indent + "  ".join(cells)).rstrip())
    return lines
