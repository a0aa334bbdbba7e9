"""``concord verify-receipt FILE [--key KEY] [--log EXPORT_OR_URL] [--witnesses N]``: check a vote receipt, whether
it counted, and who witnessed its checkpoint."""

import argparse
import base64
import binascii
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from governance.log.cosign import CosignatureError, WitnessKey, cosignature_lines, valid_cosigners
from governance.log.merkle import root_hash
from governance.log.notes import Checkpoint
from governance.log.proofs import (
    ReceiptError,
    VerifiedReceipt,
    parse_receipt,
    verify_receipt,
)
from governance.log.sources import SourceError, load_source, progress_bar
from governance.log.verify import VerifyError, VerifyReport, decode_event, verify_log
from governance.log.verify_cli import SAME_SOURCE_WARNING, read_key

__all__ = ["main", "read_receipt_file", "receipt_witnesses", "vote_standing"]


def read_receipt_file(text: str) -> tuple[str, bytes | None]:
    """The tlog-proof and the entry bytes from a receipt file: a tlog-proof (the entry as its extra data) or the
    JSON a vote or ``/log/receipt`` answer returns (``receipt`` and base64 ``entry``)."""
    if text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
            return data["receipt"], base64.b64decode(data["entry"], validate=True)
        except (ValueError, KeyError, TypeError, binascii.Error) as error:
            raise ReceiptError(f"the JSON receipt needs 'receipt' and base64 'entry' fields ({error})") from None
    return text, parse_receipt(text).extra


def vote_standing(report: VerifyReport, index: int) -> str:
    """Whether entry ``index``, a vote, is the member's vote that counted, was superseded, or still counts."""
    event = decode_event(report.entries[index])
    if event["type"] != "vote.cast":
        return f"entry {index} is a {event['type']} event, not a vote"
    number, member = event["body"]["number"], event["body"]["member"]
    ballot = report.state.ballots[number]
    last = ballot.votes[member]
    if last.idx != index:
        return (f"SUPERSEDED: {member}'s vote on #{number} at entry {index} was replaced by its later vote at "
                f"entry {last.idx}; that one " + ("counted" if ballot.status == "closed" else "counts for now"))
    if ballot.status == "closed":
        return (f"COUNTED: entry {index} is {member}'s last vote on #{number}; the recount of the ballot closed at "
                f"entry {ballot.closed_idx} used it ({ballot.result['outcome']})")
    return f"COUNTS FOR NOW: entry {index} is {member}'s latest vote on #{number}; the ballot is still open"


def _check_against_log(receipt: VerifiedReceipt, leaf: bytes, report: VerifyReport) -> str:
    size = report.checkpoint.size
    if receipt.size > size:
        raise ReceiptError(f"the receipt's checkpoint (size {receipt.size}) is newer than the log given ({size})")
    if root_hash(report.leaf_hashes[: receipt.size]) != receipt.root:
        raise ReceiptError(f"the log given does not extend the receipt's checkpoint of size {receipt.size}: forked")
    if report.entries[receipt.index] != leaf:
        raise ReceiptError(f"entry {receipt.index} of the log differs from the receipt's entry")
    return vote_standing(report, receipt.index)


def receipt_witnesses(text: str, receipt: VerifiedReceipt, report: VerifyReport, needed: int) -> str:
    """The members whose witness keys (active at the receipt's size) validly cosigned the receipt's checkpoint, on its
    note or in the log; ReceiptError unless there are ``needed`` of them."""
    checkpoint = Checkpoint(receipt.origin, receipt.size, receipt.root)
    keys = {key.key_id: WitnessKey(key.member, key.key_id, key.public_key) for key in report.state.keys.values()
            if key.purpose == "witness" and key.active_at(receipt.size)}
    try:
        found = set(valid_cosigners(checkpoint, cosignature_lines(parse_receipt(text).signed_checkpoint), keys))
    except CosignatureError as error:
        raise ReceiptError(f"a cosignature on the receipt's checkpoint does not verify: {error}") from None
    found |= set(report.state.cosignatures.get(receipt.size, {}))
    if len(found) < needed:
        raise ReceiptError(f"the receipt's checkpoint (size {receipt.size}) carries {len(found)} valid member "
                           f"cosignature(s); {needed} are required (ask the server for a receipt at the size "
                           "witnesses cosigned: /log/receipt/INDEX?size=N, N from /log/witnesses)")
    return f"WITNESSED size {receipt.size} cosigned by {len(found)} member(s): {', '.join(sorted(found))}"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="concord verify-receipt", description=__doc__)
    parser.add_argument("file", help="the receipt: a c2sp.org/tlog-proof@v1 text, or the JSON of a vote's answer")
    parser.add_argument("--key", help="the log's verifier key, or a file holding it (default: the --log source's)")
    parser.add_argument("--log", help="the log to check the vote against: an export, its folder, or a coalition URL")
    parser.add_argument("--witnesses", type=int, metavar="N", default=None,
                        help="fail unless the receipt's checkpoint carries N valid cosignatures by members' witness "
                             "keys (needs --log, whose key registry says which keys those are)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Exit 0 when the receipt verifies (saying whether the vote counted, with --log), 1 when not, 2 on bad input."""
    args = build_parser().parse_args(argv)
    try:
        text, leaf = read_receipt_file(Path(args.file).read_text(encoding="utf-8"))
        source = load_source(args.log, progress=progress_bar(sys.stderr) if sys.stderr.isatty() else None) if args.log else None
        if args.key is None and (source is None or not source.key):
            raise SourceError("give the log's verifier key with --key (or a log with --log that ships one)")
        key = read_key(args.key) if args.key else source.key  # type: ignore[union-attr]
        if args.witnesses is not None and source is None:
            raise SourceError("--witnesses needs --log: the log's key registry says which witness keys count")
    except (SourceError, OSError, ReceiptError, VerifyError) as error:
        print(f"concord verify-receipt: {error}", file=sys.stderr)
        return 2
    if args.key is None:
        print(SAME_SOURCE_WARNING, file=sys.stderr)
    try:
        report = verify_log(source.entries, source.checkpoint, key) if source else None
        if leaf is None:
            if report is None:
                raise ReceiptError("the receipt does not carry its entry; give the log with --log")
            leaf = report.entries[parse_receipt(text).index]
        verified = verify_receipt(text, leaf, [key])
        print(f"OK entry {verified.index} is in {verified.origin} at size {verified.size} "
              f"(root {verified.root.hex()[:16]}...)")
        if report is not None:
            print(_check_against_log(verified, leaf, report))
        if args.witnesses is not None:
            print(receipt_witnesses(text, verified, report, args.witnesses))  # type: ignore[arg-type]
    except (ReceiptError, VerifyError, IndexError) as error:
        print(f"FAILED {error}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
