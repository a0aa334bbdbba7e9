"""Crashes: kill -9 every Concord process at random moments under load (default 20 times), restart each time, and
also during a ballot's closing; then check that no acknowledged vote is lost and nothing is half-written.

Run: .venv/bin/python bench/crash.py [--kills 20] [--backend both]
"""

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx  # noqa: E402

from app.db import make_engine  # noqa: E402
from tests.reliability import servers  # noqa: E402
from tests.reliability.integrity import check_coalition  # noqa: E402
from tests.reliability.scenario import seed  # noqa: E402
from tests.reliability.test_crashes import close_then_kill, crash_under_load  # noqa: E402

__all__ = ["main"]


def run(backend: str, url: str, kills: int, folder: Path, rng: random.Random) -> bool:
    keys = folder / "keys"
    scenario = seed(url, keys, slug="crash", members_count=30, decisions=6, choices=2)
    server = servers.Server(url, keys, workers=2 if backend == "postgresql" else 1, log_path=folder / "server.log")
    started = time.monotonic()
    try:
        server.start()
        runs = crash_under_load(server, scenario, kills=kills, rng=rng, clients=16)
        closings = [close_then_kill(server, scenario, number, rng.uniform(0.0, 0.2)) for number in range(1, 6)]
        for number in range(1, 7):
            httpx.post(f"{server.url}/api/v1/coalitions/crash/proposals/{number}/ballot/close",
                       headers=scenario.headers(), timeout=60)
    finally:
        server.stop()
    engine = make_engine(url)
    acks = [ack for r in runs for ack in r.acks]
    report = check_coalition(engine, "crash", acks)
    engine.dispose()
    fives = sum(n for r in runs for key, n in r.statuses.items() if key[1] >= 500)
    print(f"\n== {backend}: {kills} kills under load + 5 kills during a closing, {time.monotonic() - started:.0f} s ==")
    print(f"acknowledged votes {len(acks)}; transport failures at the kills {sum(sum(r.failures.values()) for r in runs)};"
          f" 5xx answers {fives}; closings answered before the kill: {closings}")
    print(f"integrity: {'OK' if report else 'VIOLATED'} {dict(report.figures)}")
    for line in report.violations:
        print("  ", line)
    return bool(report) and not fives


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--backend", default="both", choices=["both", "postgresql", "sqlite"])
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    ok = True
    with tempfile.TemporaryDirectory(prefix="concord-crash-") as tmp:
        if args.backend in ("both", "postgresql"):
            with servers.postgres_database("concord_crash") as url:
                ok &= run("postgresql", url, args.kills, Path(tmp) / "pg", rng)
        if args.backend in ("both", "sqlite"):
            (Path(tmp) / "sqlite").mkdir()
            ok &= run("sqlite", servers.sqlite_url(Path(tmp) / "sqlite"), args.kills, Path(tmp) / "sqlite", rng)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
