"""Which entry was changed: when a log's root is not the signed one, bisect on the earlier signed checkpoints.

Every prefix of an honest log has the root its checkpoint signed (RFC 9162 2.1.1: the tree of the first ``s``
leaves); once an entry ``e`` is changed, every prefix longer than ``e`` has another root (SHA-256 being collision
resistant) and every prefix up to ``e`` keeps its root. "The prefix of size s has its signed root" is true and then
false as ``s`` grows, so a binary search over the signed sizes finds the first entry that differs from what was
committed to, with O(log n) roots, each O(log n) from the perfect subtrees hashed once. Standard library and the
pure ``governance.log`` modules only, like the verifier.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from governance.log.notes import Checkpoint, NoteError, verify_checkpoint
from governance.log.tree import MemoryNodeStore, root_from_store

__all__ = ["Blame", "first_changed_entry"]


@dataclass(frozen=True)
class Blame:
    """Entries ``first`` to ``last`` (inclusive) hold the first change: the prefix of ``first`` entries has its
    signed root, the prefix of ``last + 1`` does not. One entry when ``first == last``."""

    first: int
    last: int
    good_size: int
    bad_size: int


def _signed(notes: Sequence[str], key: str, origin: str, size: int) -> dict[int, tuple[str, Checkpoint | None]]:
    """The notes by the size they claim (unverified yet), those of this log up to ``size`` only."""
    by_size: dict[int, tuple[str, Checkpoint | None]] = {}
    for note in notes:
        lines = note.split("\n")
        if len(lines) > 2 and lines[0] == origin and lines[1].isdigit() and 0 < int(lines[1]) <= size:
            by_size[int(lines[1])] = (note, None)
    return by_size


def first_changed_entry(leaf_hashes: Sequence[bytes], notes: Sequence[str], key: str, *,
                        latest: Checkpoint) -> Blame:
    """Where the first entry whose content differs from what the signed checkpoints committed to is: one entry when
    a checkpoint was signed right before it and one right after (Concord signs one after every append).

    ``notes`` are signed notes (those that do not verify with ``key`` or are of another log are skipped);
    ``latest`` is the verified checkpoint whose root the leaves fail: the search ends there.
    """
    candidates = _signed(notes, key, latest.origin, len(leaf_hashes))
    candidates[latest.size] = ("", latest)
    sizes = sorted(candidates)
    store = MemoryNodeStore.from_leaf_hashes(leaf_hashes)
    low, high = -1, len(sizes) - 1  # sizes[high] fails (the latest); sizes[low] holds (or none: the empty prefix)
    while high - low > 1:
        middle = (low + high) // 2
        checkpoint = _verified(candidates, sizes[middle], key, latest.origin)
        if checkpoint is None:
            del sizes[middle]
            high -= 1
            continue
        if root_from_store(checkpoint.size, store) == checkpoint.root:
            low = middle
        else:
            high = middle
    good = sizes[low] if low >= 0 else 0
    return Blame(good, sizes[high] - 1, good, sizes[high])


def _verified(candidates: dict[int, tuple[str, Checkpoint | None]], size: int, key: str,
              origin: str) -> Checkpoint | None:
    note, checkpoint = candidates[size]
    if checkpoint is None:
        try:
            checkpoint = verify_checkpoint(note, [key], origin=origin)
        except NoteError:
            return None
        if checkpoint.size != size:
            return None
        candidates[size] = (note, checkpoint)
    return checkpoint
