"""Members from a file: CSV with a header ``name,size`` (or ``name,share``), or the same as JSON."""

import csv
import io
import json
from dataclasses import dataclass

from voting.design.errors import DesignError

__all__ = ["Members", "members_from_json", "members_from_text"]

COLUMNS = ("size", "share")


@dataclass(frozen=True)
class Members:
    """Names in file order and each member's value, as text, from the ``column`` given (size or share);
    ``weights``: the optional ``weight`` column (for the optimal quota of given weights)."""

    names: tuple[str, ...]
    values: tuple[str, ...]
    column: str
    weights: tuple[str, ...] | None = None


def _members(rows: list[dict[str, object]], where: str) -> Members:
    if not rows:
        raise DesignError(f"{where}: no members")
    keys = set(rows[0])
    column = next((c for c in COLUMNS if c in keys), None)
    if "name" not in keys or column is None:
        raise DesignError(f"{where}: each member needs a name and a size (or a share)")
    names, values = [], []
    for number, row in enumerate(rows, 1):
        name, value = str(row.get("name") or "").strip(), row.get(column)
        if not name or value is None or str(value).strip() == "":
            raise DesignError(f"{where}: member {number} needs a name and a {column}")
        if isinstance(value, float):
            raise DesignError(f"{where}: member {number}: write decimals as strings (\"2.5\") so they stay exact")
        names.append(name)
        values.append(str(value).strip())
    if len(set(names)) != len(names):
        raise DesignError(f"{where}: member names must be distinct")
    weights = None
    if "weight" in keys:
        weights = tuple(str(row.get("weight") or "").strip() for row in rows)
    return Members(tuple(names), tuple(values), column, weights)


def members_from_json(data: object, where: str = "the file") -> Members:
    """From ``[{"name": ..., "size": ...}, ...]``, ``{"members": [...]}`` or ``{"name": size, ...}``.

    >>> members_from_json({"Ferry": 40, "Dock": "12.5"}).values
    ('40', '12.5')
    """
    if isinstance(data, dict) and isinstance(data.get("members"), list):
        data = data["members"]
    if isinstance(data, dict):
        data = [{"name": name, "size": value} for name, value in data.items()]
    if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
        raise DesignError(f'{where}: expected a list of {{"name": ..., "size": ...}}')
    return _members(data, where)


def members_from_text(text: str, where: str = "the file") -> Members:
    """From CSV (a header row ``name,size`` or ``name,share``) or JSON, whichever the text is.

    >>> members_from_text("name,share\\nA,1/2\\nB,1/2\\n").column
    'share'
    """
    stripped = text.lstrip("\ufeff").strip()
    if stripped.startswith(("[", "{")):
        try:
            return members_from_json(json.loads(stripped), where)
        except json.JSONDecodeError as error:
            raise DesignError(f"{where}: not valid JSON ({error.msg}, line {error.lineno})") from None
    reader = csv.DictReader(io.StringIO(stripped))
    reader.fieldnames = [field.strip().lower() for field in reader.fieldnames or []]
    return _members([dict(row) for row in reader], where)
