"""``concord verify SOURCE [--since CHECKPOINT_FILE] [--key KEY] [--witnesses N]``: verify a coalition's log offline
and recount it."""

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from governance.log.sources import LogSource, SourceError, load_source, progress_bar
from governance.log.verify import COUNTING_RULES_VERSION, VerifyError, verify_log

__all__ = ["main", "read_key"]

SAME_SOURCE_WARNING = ("warning: the key comes from the same source as the log, so a match proves nothing unless "
                       "you compare it with the key published elsewhere (the coalition's site, a member, a witness)")


def read_key(value: str) -> str:
    """A verifier key given as text (``name+hash+base64``) or as the path of a file holding it."""
    path = Path(value)
    if "+" not in value or path.is_file():
        try:
            return path.read_text(encoding="utf-8").strip()
        except OSError as error:
            raise SourceError(f"cannot read the key file {value}: {error}") from None
    return value.strip()


def choose_key(given: str | None, source: LogSource) -> tuple[str, list[str]]:
    """The key to verify with, and the warnings a person should read about where it came from."""
    if given is not None:
        return read_key(given), []
    if not source.key:
        raise SourceError(f"{source.where} ships no key; give the log's verifier key with --key")
    return source.key, [SAME_SOURCE_WARNING, f"key used: {source.key}"]


def _rules_warning(source: LogSource) -> list[str]:
    if source.rules is None:
        return []
    found = re.search(r"Counting rules version: (\S+)", source.rules)
    if found and found.group(1) == COUNTING_RULES_VERSION:
        return []
    stated = found.group(1) if found else "none"
    return [f"warning: RULES.md states counting rules version {stated}; this verifier recounts with "
            + COUNTING_RULES_VERSION]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="concord verify", description=__doc__)
    parser.add_argument("source", help="an export archive (tar.gz or zip), its unpacked folder, or a coalition URL "
                                       "such as http://127.0.0.1:8000/api/v1/coalitions/wpn")
    parser.add_argument("--key", help="the log's verifier key, or a file holding it (default: the source's key)")
    parser.add_argument("--since", metavar="CHECKPOINT_FILE",
                        help="a signed checkpoint seen earlier: prove this log extends it")
    parser.add_argument("--witnesses", type=int, metavar="N", default=None,
                        help="fail unless N members' registered witness keys cosigned the log's last checkpoint with "
                             "a governance event (the charter's witness quorum is the usual N)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the verifier: exit 0 with a summary, 1 naming the first failure, 2 when the input cannot be read."""
    args = build_parser().parse_args(argv)
    progress = progress_bar(sys.stderr) if sys.stderr.isatty() else None  # a bar only for a person watching
    try:
        source = load_source(args.source, progress=progress)
        key, warnings = choose_key(args.key, source)
        since = Path(args.since).read_text(encoding="utf-8") if args.since else None
    except (SourceError, OSError) as error:
        print(f"concord verify: {error}", file=sys.stderr)
        return 2
    except VerifyError as error:
        return _failed(error)
    for warning in warnings + _rules_warning(source):
        print(warning, file=sys.stderr)
    try:
        report = verify_log(source.entries, source.checkpoint, key, since=since, texts=source.texts,
                            earlier_checkpoints=source.earlier_checkpoints, fetch_checkpoint=source.fetch_checkpoint,
                            progress=progress, witnesses=args.witnesses)
    except VerifyError as error:
        return _failed(error)
    except SourceError as error:  # a checkpoint the search for a changed entry needed could not be downloaded
        print(f"concord verify: {error}", file=sys.stderr)
        return 2
    for index, member in report.state.forks:
        print(f"warning: entry {index}: the witness of {member} reported a fork (two checkpoints signed with the "
              "log's key that do not fit one history); read that entry", file=sys.stderr)
    print(f"OK {report.summary()}")
    if since is not None:
        print(f"consistent with the earlier checkpoint in {args.since}")
    return 0


def _failed(error: VerifyError) -> int:
    print(f"FAILED ({error.kind}) {error}")
    for number, note in enumerate(error.evidence, start=1):
        print(f"--- signed checkpoint {number} of {len(error.evidence)} ---\n{note}", end="" if note.endswith("\n") else "\n")
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
