"""Concurrency: 10,000 concurrent casts for the same members across 4+ workers on PostgreSQL, then a storm across a
real-clock deadline; checks one current vote per member per ballot, casts logged in order, exactly one closing.

Run: .venv/bin/python bench/concurrency.py [--casts 10000] [--clients 50] [--workers 4]
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.db import make_engine  # noqa: E402
from tests.reliability import servers  # noqa: E402
from tests.reliability.concurrent import cast_storm  # noqa: E402
from tests.reliability.integrity import check_coalition  # noqa: E402
from tests.reliability.scenario import seed  # noqa: E402
from tests.reliability.test_concurrency import open_ballot_closing_soon  # noqa: E402

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--casts", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--members", type=int, default=20)
    parser.add_argument("--deadline-in", type=float, default=15.0, help="seconds from opening to the closing")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="concord-race-") as tmp, \
            servers.postgres_database("concord_race") as url:
        keys = Path(tmp) / "keys"
        scenario = seed(url, keys, slug="race", members_count=args.members, decisions=2)
        with servers.Server(url, keys, workers=args.workers, log_path=Path(tmp) / "server.log") as server:
            started = time.monotonic()
            storm = cast_storm(server.url, scenario, total=args.casts, clients=args.clients)
            elapsed = time.monotonic() - started
            closing, deadline = open_ballot_closing_soon(server, scenario, seconds=args.deadline_in)
            at_deadline = cast_storm(server.url, closing, total=args.casts // 10, clients=args.clients,
                                     start_at=deadline - 0.5)
        engine = make_engine(url)
        report = check_coalition(engine, "race", storm.acks + at_deadline.acks)
        engine.dispose()
    in_order = all(seen == sorted(seen) for seen in storm.per_client + at_deadline.per_client)
    indexes = [a.log_index for a in storm.acks + at_deadline.acks]
    print(f"{args.casts} casts by {args.clients} clients on {args.workers} workers in {elapsed:.1f} s "
          f"({args.casts / elapsed:.1f}/s): statuses {dict(storm.statuses)}, failures {dict(storm.failures)}")
    print(f"at the deadline: statuses {dict(at_deadline.statuses)} (409 = arrived after the closing)")
    print(f"integrity: {'OK' if report else 'VIOLATED'} {dict(report.figures)}; each client's casts logged in order: "
          f"{in_order}; distinct log entries per acknowledged cast: {len(indexes) == len(set(indexes))}")
    for line in report.violations:
        print("  ", line)
    return 0 if report and in_order and len(indexes) == len(set(indexes)) else 1


if __name__ == "__main__":
    raise SystemExit(main())
