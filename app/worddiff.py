"""Word-level differences between two texts, for amendments and versions side by side."""

import difflib
import re

__all__ = ["word_diff"]

_TOKENS = re.compile(r"\s+|\S+")


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """``(op, text)`` pieces, op one of "same", "removed", "added": the same and removed pieces spell ``old``, the
    same and added ones ``new`` (words and the spaces between them are the units).

    >>> word_diff("peace now", "lasting peace now")
    [('added', 'lasting '), ('same', 'peace now')]
    """
    before, after = _TOKENS.findall(old), _TOKENS.findall(new)
    parts: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(("same", "".join(before[i1:i2])))
            continue
        if i2 > i1:
            parts.append(("removed", "".join(before[i1:i2])))
        if j2 > j1:
            parts.append(("added", "".join(after[j1:j2])))
    return parts
