"""``concord export SLUG [-o FILE] [--format tar.gz|zip]``: write a coalition's log export from the configured database."""

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from app.db import make_engine, read_session
from app.logkeys import LogKeys
from app.settings import get_settings
from governance import coalitions
from governance.errors import DomainError
from governance.log import export

__all__ = ["main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="concord export", description=__doc__)
    parser.add_argument("slug", help="the coalition's slug")
    parser.add_argument("-o", "--output", help="the file to write (default: <slug>-log-<size>.<format> here)")
    parser.add_argument("--format", choices=sorted(export.FORMATS), default="tar.gz")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Export the log up to its latest signed checkpoint; exit 1 with the reason when there is nothing to export."""
    args = build_parser().parse_args(argv)
    settings = get_settings()
    engine = make_engine(settings.database_url)
    keys = LogKeys(settings.key_dir, settings.log_host)
    try:
        with read_session(engine) as session:
            coalition = coalitions.get_coalition(session, args.slug)
            archive = export.build_export(session, coalition=coalition, fmt=args.format,
                                          verifier_key=keys.verifier_key(coalition.slug))
    except DomainError as error:
        print(f"concord export: {error.message}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    path = Path(args.output or archive.filename)
    path.write_bytes(archive.content)
    print(f"wrote {path}: {archive.size} entries up to the latest signed checkpoint")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
