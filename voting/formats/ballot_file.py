"""What every ballot-file reader returns, and the error it raises naming the line at fault."""

import bisect
from dataclasses import dataclass

from voting.types import Ballot

__all__ = ["BallotFile", "BallotFileError", "LineIndex"]


class BallotFileError(ValueError):
    """A ballot file that cannot be read; ``line`` is the 1-based line at fault (None: the whole file).

    >>> str(BallotFileError("weight -1 is negative", line=7))
    'line 7: weight -1 is negative'
    """

    def __init__(self, message: str, *, line: int | None = None) -> None:
        self.line = line
        self.reason = message
        super().__init__(f"line {line}: {message}" if line is not None else message)


@dataclass(frozen=True)
class BallotFile:
    """The contents of a ballot file: candidates in file order, weighted ballots and the count's settings.

    ``method`` and ``seed`` are None where the file names none; ``lines[i]`` is the line on which
    ballot ``i`` starts (0 where the format has no lines to name).
    """

    candidates: tuple[str, ...]
    ballots: tuple[Ballot, ...]
    method: str | None = None
    seats: int = 1
    title: str = ""
    lines: tuple[int, ...] = ()
    seed: str | None = None
    format: str = ""

    def line_of(self, index: int) -> int | None:
        """The line on which ballot ``index`` starts, or None where it is not known.

        >>> BallotFile(("A",), (), lines=(3, 4)).line_of(1), BallotFile(("A",), ()).line_of(0)
        (4, None)
        """
        if index < len(self.lines) and self.lines[index] > 0:
            return self.lines[index]
        return None


class LineIndex:
    """Maps a character offset in a text to its 1-based line number.

    >>> LineIndex("a\\nbc\\nd").line(3)
    2
    """

    def __init__(self, text: str) -> None:
        self._starts = [0] + [i + 1 for i, char in enumerate(text) if char == "\n"]

    def line(self, offset: int) -> int:
        """The 1-based line holding character ``offset``."""
        return bisect.bisect_right(self._starts, offset)
