"""Which entry was changed: when a log's root is not the signed one, bisect on the earlier signed checkpoints.

Every prefix of an honest log has the root its checkpoint signed (RFC 9162 2.1.1: the tree of the first ``s``
leaves); once an entry ``e`` is changed, every prefix longer than ``e`` has another root (SHA-256 being collision
resistant) and every prefix up to ``e`` keeps its root. "The prefix of size s has its signed root" is true and then
false as ``s`` grows, so a binary search over the signed sizes finds the first entry that differs from what was
committed to, with O(log n) roots, each O(log n) from the perfect subtrees hashed once. Standard library and the
pure ``governance.log`` modules only, like the verifier.
"""

from collections.abc import Callable, Sequence
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


def _claimed_sizes(notes: Sequence[str], origin: str, size: int) -> dict[int, str]:
    """The notes by the size they claim (verified only when the search reads them), of this log, below ``size``."""
    by_size: dict[int, str] = {}
    for note in notes:
        lines = note.split("\n")
        if len(lines) > 2 and lines[0] == origin and lines[1].isdigit() and 0 < int(lines[1]) < size:
            by_size[int(lines[1])] = note
    return by_size


def first_changed_entry(leaf_hashes: Sequence[bytes], notes: Sequence[str], key: str, *, latest: Checkpoint,
                        fetch: Callable[[int], str | None] | None = None) -> Blame:
    """Where the first entry whose content differs from what the signed checkpoints committed to is: one entry when
    a checkpoint was signed right before it and one right after (Concord signs one after every append).

    ``notes`` are signed notes (those that do not verify with ``key`` or are of another log are skipped); with
    ``fetch`` (a log's server: the signed note of a size, or None when none was signed) every size is a candidate
    and only the O(log n) the search reads are fetched. ``latest`` is the verified checkpoint whose root the leaves
    fail: the search ends there.
    """
    if fetch is None:
        claimed = _claimed_sizes(notes, latest.origin, latest.size)
        sizes, note_of = sorted(claimed), claimed.get
    else:
        sizes, note_of = list(range(1, latest.size)), fetch
    sizes.append(latest.size)
    store = MemoryNodeStore.from_leaf_hashes(leaf_hashes)
    low, high = -1, len(sizes) - 1  # sizes[high] fails (the latest); sizes[low] holds (or none: the empty prefix)
    while high - low > 1:
        middle = (low + high) // 2
        checkpoint = _verified(note_of(sizes[middle]), sizes[middle], key, latest.origin)
        if checkpoint is None:  # no checkpoint of this size, or a forged one: it tells nothing
            del sizes[middle]
            high -= 1
        elif root_from_store(checkpoint.size, store) == checkpoint.root:
            low = middle
        else:
            high = middle
    good = sizes[low] if low >= 0 else 0
    return Blame(good, sizes[high] - 1, good, sizes[high])


def _verified(note: str | None, size: int, key: str, origin: str) -> Checkpoint | None:
    if note is None:
        return None
    try:
        checkpoint = verify_checkpoint(note, [key], origin=origin)
    except NoteError:
        return None
    return checkpoint if checkpoint.size == size else None
