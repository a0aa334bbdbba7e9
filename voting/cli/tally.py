"""``concord tally FILE``: count a ballot file with a named method and print the result.

A person at a terminal sees the ballots read and the rounds counted on standard error (never with ``--format json``).
"""

import argparse
import sys
from collections.abc import Sequence

from voting.formats.load import load_ballot_file
from voting.progress import reporting, terminal_bar
from voting.registry import METHODS, get_method
from voting.report import result_to_json, result_to_text
from voting.types import Result

__all__ = ["EXIT_BAD_INPUT", "EXIT_OK", "build_parser", "main"]

EXIT_OK = 0
EXIT_BAD_INPUT = 2


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``concord tally``.

    >>> build_parser().parse_args(["votes.json", "--method", "irv"]).method
    'irv'
    """
    parser = argparse.ArgumentParser(
        prog="concord tally",
        description="Count a ballot file (Concord JSON, BLT, PrefLib .soc/.soi/.toc/.toi, or CSV) and print the result.",
    )
    parser.add_argument("file", help="the ballot file, or - to read standard input")
    parser.add_argument("--method", choices=list(METHODS), help="the counting method (overrides the file's own)")
    parser.add_argument("--seats", type=_seats, help="how many to elect (overrides the file's own; default 1)")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    parser.add_argument("--seed", help="seed for any tie broken by lot (overrides the file's own)")
    return parser


def _seats(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of seats of at least 1")
    return int(text)


def main(argv: Sequence[str]) -> int:
    """Run ``concord tally`` with ``argv`` (the arguments after ``tally``); 0 when counted, 2 on bad input.

    Errors go to standard error as one line naming the file and, where known, the line at fault.

    >>> main(["no-such-file.json", "--method", "irv"])
    2
    """
    try:
        args = build_parser().parse_args(list(argv))
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else EXIT_BAD_INPUT
    try:
        with reporting(None if args.format == "json" else terminal_bar(unit="ballots")):
            result = _count(args)
    except ValueError as error:
        print(f"concord tally: {_where(args.file, str(error))}{error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(result_to_json(result) if args.format == "json" else result_to_text(result))
    return EXIT_OK


def _count(args: argparse.Namespace) -> Result:
    """Read the file and count it; ValueError on bad input."""
    ballot_file = load_ballot_file(args.file, method=args.method)
    if ballot_file.method is None:
        raise ValueError(f"the file names no counting method; pass --method (one of: {', '.join(METHODS)})")
    count = get_method(ballot_file.method)
    return count(
        ballot_file.ballots,
        candidates=ballot_file.candidates,
        seats=args.seats or ballot_file.seats,
        seed=args.seed if args.seed is not None else ballot_file.seed,
    )


def _where(path: str, message: str) -> str:
    if path == "-":
        return "standard input: "
    return "" if path in message else f"{path}: "
