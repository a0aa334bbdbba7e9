"""Database gone: stop this machine's PostgreSQL under load for a few seconds (always started again), and report what
Concord answered meanwhile (503 with a clear JSON message, never a hang or a 500) and how soon it recovered.

Disturbs every other user of this PostgreSQL while it runs. Run: .venv/bin/python bench/dbgone.py [--down 8]
"""

import argparse
import asyncio
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.reliability import servers  # noqa: E402
from tests.reliability.driver import Stats, drive  # noqa: E402
from tests.reliability.outage import probe_through_outage  # noqa: E402
from tests.reliability.scenario import seed  # noqa: E402

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--down", type=float, default=8.0, help="seconds without PostgreSQL (at most 10)")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    down = min(args.down, 10.0)
    with tempfile.TemporaryDirectory(prefix="concord-dbgone-") as tmp, \
            servers.postgres_database("concord_dbgone") as url:
        keys = Path(tmp) / "keys"
        scenario = seed(url, keys, slug="outage", members_count=10, decisions=3)
        background, stop = Stats(), threading.Event()
        with servers.Server(url, keys, workers=args.workers, log_path=Path(tmp) / "server.log") as server:
            load = threading.Thread(target=lambda: asyncio.run(drive(
                server.url, [scenario], clients=8, observers=2, seconds=120, timeout=30, stats=background,
                stop=stop)))
            load.start()
            try:
                outage = probe_through_outage(server, scenario, down_for=down)
            finally:
                stop.set()
                load.join(timeout=60)
            log = server.log_tail(1000)
            traceback_in_log = "Traceback" in log
            if traceback_in_log:
                start = log.index("Traceback")
                print("first traceback in the server log:\n" + log[max(0, start - 300):start + 3000])
    print(f"PostgreSQL down for {outage.down_seconds:.1f} s; probe answers {dict(outage.statuses)}; slowest answer "
          f"{outage.slowest:.2f} s; hangs {outage.hangs}; recovered {outage.recovered_after:.2f} s after restart"
          if outage.recovered_after is not None else "NOT recovered")
    print(f"background load answers: {dict(background.statuses)} failures {dict(background.failures)}")
    print(f"a 503 said: {outage.bodies[:1]}")
    print(f"tracebacks in the server log: {traceback_in_log}")
    bad = [k for k in background.statuses if k[1] not in (200, 503)] + [k for k in outage.statuses if k not in (200, 503)]
    return 0 if outage.recovered_after is not None and not bad and not outage.hangs and not traceback_in_log else 1


if __name__ == "__main__":
    raise SystemExit(main())
