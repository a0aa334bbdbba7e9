"""Counting methods by their public name; each loads on first use."""

import importlib
from collections.abc import Callable

__all__ = ["METHODS", "MethodNotFound", "get_method"]

METHODS: dict[str, str] = {
    "plurality": "voting.scored:plurality",
    "approval": "voting.scored:approval",
    "score": "voting.scored:score",
    "star": "voting.scored:star",
    "irv": "voting.irv:irv",
    "schulze": "voting.condorcet:schulze",
    "ranked_pairs": "voting.condorcet:ranked_pairs",
    "copeland": "voting.condorcet:copeland",
    "borda": "voting.borda:borda",
    "stv_scottish": "voting.stv:scottish_stv",
    "stv_meek": "voting.meek:meek_stv",
}


class MethodNotFound(KeyError):
    """An unknown method name."""


def get_method(name: str) -> Callable[..., object]:
    """The counting function registered under ``name``.

    >>> get_method("nope")
    Traceback (most recent call last):
    ...
    voting.registry.MethodNotFound: "unknown method 'nope'; choose one of: plurality, approval, score, star, irv, schulze, ranked_pairs, copeland, borda, stv_scottish, stv_meek"
    """
    try:
        target = METHODS[name]
    except KeyError:
        raise MethodNotFound(f"unknown method {name!r}; choose one of: {', '.join(METHODS)}") from None
    module, _, attribute = target.partition(":")
    return getattr(importlib.import_module(module), attribute)
