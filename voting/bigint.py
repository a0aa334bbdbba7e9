"""The integer type of the packed power tables: gmpy2's mpz when importable, else the built-in int.

gmpy2 (GMP) is an optional speed-up, never a requirement: the power modules build their packed rows
with ``big`` (or ``mutable``, updated in place) and read every count back as a Python int, so the exact
results, Fractions included, are identical with or without it; only the shifts, additions and masks of
megabyte integers get faster (two to three times for the power tables). ``CONCORD_NO_GMPY=1`` in the
environment, or ``use_gmpy(False)``, forces the standard-library path, for tests and benchmarks.

>>> with pure_integers():
...     backend(), type(big(5) << 2) is int
('int', True)
>>> int(big(5) << 2), int(big(7) & 3)
(20, 3)
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

try:
    import gmpy2
except ImportError:
    gmpy2 = None

__all__ = ["backend", "big", "from_bytes", "gmpy_available", "low_bits", "mutable", "ones", "pure_integers", "use_gmpy"]

_state = {"gmpy": gmpy2 is not None and os.environ.get("CONCORD_NO_GMPY", "").strip() in ("", "0")}


def gmpy_available() -> bool:
    """Whether gmpy2 can be imported at all."""
    return gmpy2 is not None


def use_gmpy(enabled: bool) -> None:
    """Build tables with mpz from now on (when gmpy2 is importable) or with the built-in int."""
    _state["gmpy"] = enabled and gmpy2 is not None


def backend() -> str:
    """The integer type tables are built with now: "gmpy2" or "int"."""
    return "gmpy2" if _state["gmpy"] else "int"


@contextmanager
def pure_integers() -> Iterator[None]:
    """Within the block, tables use the built-in int, as without gmpy2."""
    before = _state["gmpy"]
    _state["gmpy"] = False
    try:
        yield
    finally:
        _state["gmpy"] = before


def big(value: int) -> Any:
    """``value`` as the current table integer (mpz or int); mpz arithmetic with ints stays mpz."""
    return gmpy2.mpz(value) if _state["gmpy"] else int(value)


def mutable(value: int) -> Any:
    """``value`` as a table row updated in place: gmpy2's xmpz, whose ``<<=``, ``+=`` and ``&=`` reuse its
    memory (a fresh megabyte result costs more than the arithmetic), or a plain int without gmpy2.
    Every row needs its own object; results of ``&``, ``>>`` or ``+`` are immutable mpz again.

    >>> row = mutable(3)
    >>> row <<= 8
    >>> row += 1
    >>> int(row), int(row & 0xFF)
    (769, 1)
    """
    return gmpy2.xmpz(value) if _state["gmpy"] else int(value)


def ones(count: int) -> Any:
    """``count`` one bits, 2**count - 1, as the current table integer (a mask of the low ``count`` bits)."""
    return (big(1) << max(count, 0)) - 1


def low_bits(value: int, count: int) -> Any:
    """``value`` modulo 2**count (its low ``count`` bits), without building a mask for an mpz.

    >>> int(low_bits(big(0b110110), 3)), low_bits(0b110110, 3)
    (6, 6)
    """
    if gmpy2 is not None and not isinstance(value, int):
        return gmpy2.f_mod_2exp(value, max(count, 0))
    return value & ((1 << max(count, 0)) - 1)


def from_bytes(data: bytes | bytearray | memoryview) -> Any:
    """A little-endian unsigned integer from bytes, as the current table integer."""
    return gmpy2.mpz.from_bytes(data, "little") if _state["gmpy"] else int.from_bytes(data, "little")
