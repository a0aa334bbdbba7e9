"""Canonical JSON for log events: sorted keys, no spaces, UTF-8, integers and strings only."""

import json
from collections.abc import Callable, Mapping

__all__ = ["CanonicalError", "canonical_bytes", "canonical_text", "is_canonical", "is_plain", "parse_event"]

EVENT_KEYS = frozenset({"v", "log", "idx", "ts", "type", "body"})


class CanonicalError(ValueError):
    """A value that canonical JSON cannot hold (a float, a non-string key) or bytes that are not canonical."""


def _check(value: object, path: str) -> None:
    if value is None or isinstance(value, (bool, int, str)):
        return
    if isinstance(value, float):
        raise CanonicalError(f"{path} is a float ({value!r}); write exact numbers as strings")
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise CanonicalError(f"{path} has a non-string key {key!r}")
            _check(item, f"{path}.{key}")
        return
    if isinstance(value, (list, tuple)):
        for position, item in enumerate(value):
            _check(item, f"{path}[{position}]")
        return
    raise CanonicalError(f"{path} is a {type(value).__name__}, which canonical JSON cannot hold")


_SCALARS = frozenset({str, int, bool, type(None)})


def is_plain(value: object) -> bool:
    """True when ``value`` is built of str, int, bool, None, dict with str keys, list and tuple only: the usual case,
    checked without building ``_check``'s paths; anything else goes through ``_check`` for its verdict."""
    kind = type(value)
    if kind in _SCALARS:
        return True
    if kind is dict:
        for key, item in value.items():
            if type(key) is not str or (type(item) not in _SCALARS and not is_plain(item)):
                return False
        return True
    if kind is list or kind is tuple:
        for item in value:
            if type(item) not in _SCALARS and not is_plain(item):
                return False
        return True
    return False


def _make_encode() -> Callable[[object], str]:
    """``json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`` with the C encoder made once,
    not per call; without a cycle check, as a value has passed ``is_plain`` or ``_check`` (which refuse cycles) first."""
    encoder = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return encoder.encode
    chunks = make(None, encoder.default, json.encoder.encode_basestring, None, encoder.key_separator,
                  encoder.item_separator, True, False, True)
    return lambda value: "".join(chunks(value, 0))


canonical_text = _make_encode()


def canonical_bytes(value: object) -> bytes:
    """The one byte string for ``value``: sorted keys, no spaces, UTF-8, no floats.

    >>> canonical_bytes({"b": [1, "é"], "a": None})
    b'{"a":null,"b":[1,"\\xc3\\xa9"]}'
    """
    if not is_plain(value):
        _check(value, "event")
    return canonical_text(value).encode("utf-8")


def _refuse_float(text: str) -> None:
    raise CanonicalError(f"number {text} is not an integer")


def parse_event(data: bytes) -> dict:
    """Decode one stored event, refusing floats, duplicate keys and missing fields."""

    def pairs(items: list[tuple[str, object]]) -> dict:
        keys = [key for key, _ in items]
        if len(set(keys)) != len(keys):
            raise CanonicalError("an object has a duplicate key")
        return dict(items)

    try:
        event = json.loads(data.decode("utf-8"), parse_float=_refuse_float, object_pairs_hook=pairs,
                           parse_constant=_refuse_float)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CanonicalError(f"not UTF-8 JSON: {error}") from None
    if not isinstance(event, dict) or set(event) != EVENT_KEYS:
        raise CanonicalError(f"an event has exactly the keys {sorted(EVENT_KEYS)}")
    return event


def is_canonical(data: bytes) -> bool:
    """True when ``data`` re-encodes to itself."""
    try:
        return canonical_bytes(parse_event(data)) == data
    except CanonicalError:
        return False
