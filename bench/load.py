"""Load: Concord under uvicorn workers on PostgreSQL and one process on SQLite, against a bare one-INSERT endpoint.

A separate driver process runs N concurrent async httpx clients (loopback only, bounded in time) that cast and change
votes across many ballots and members while observers read; it reports throughput, p50/p95/p99 latency and errors,
then does the same against bench/bare_app.py on the same database, and prints the ratio.

Run: .venv/bin/python bench/load.py [--clients 50] [--seconds 30] [--workers 4] [--coalitions 4] [--backend both]
"""

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from tests.reliability import servers  # noqa: E402
from tests.reliability.driver import Stats, _ms, drive  # noqa: E402
from tests.reliability.scenario import Scenario, seed  # noqa: E402

__all__ = ["main"]


async def _bare(url: str, clients: int, seconds: float) -> dict:
    stats = Stats()
    deadline = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def client_loop(client: httpx.AsyncClient, n: int) -> None:
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                response = await client.post("/insert", json={"member": f"org-{n}", "choice": "yes"})
            except httpx.HTTPError as error:
                stats.failures[type(error).__name__] += 1
                continue
            stats.vote_latencies.append(time.perf_counter() - started)
            stats.statuses[("insert", response.status_code)] += 1

    started = time.monotonic()
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as client:
        await asyncio.gather(*(client_loop(client, n) for n in range(clients)))
    elapsed = time.monotonic() - started
    done = stats.statuses[("insert", 200)]
    return {"inserts": done, "seconds": round(elapsed, 2), "per_s": round(done / elapsed, 1),
            "ms": _ms(stats.vote_latencies), "errors": stats.errors()}


def _driver(args: argparse.Namespace) -> int:
    """The driver process: print one JSON line of figures."""
    if args.bare:
        print(json.dumps(asyncio.run(_bare(args.url, args.clients, args.seconds))))
        return 0
    scenarios = [Scenario(**s) for s in json.loads(Path(args.scenarios).read_text())]
    for s in scenarios:
        s.ballots = {int(k): v for k, v in s.ballots.items()}
    stats = asyncio.run(drive(args.url, scenarios, clients=args.clients, observers=args.observers,
                              seconds=args.seconds, extra_paths=("/api/v1/coalitions/{slug}/proposals",)))
    summary = stats.summary()
    summary.pop("samples") if not summary["errors"] else None
    print(json.dumps(summary))
    return 0


def _run_driver(url: str, args: argparse.Namespace, scenarios: Path | None) -> dict:
    command = [sys.executable, __file__, "drive", "--url", url, "--clients", str(args.clients),
               "--observers", str(args.observers), "--seconds", str(args.seconds)]
    command += ["--scenarios", str(scenarios)] if scenarios else ["--bare"]
    out = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=args.seconds + 300, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _one_backend(name: str, url: str, workers: int, args: argparse.Namespace, folder: Path) -> dict:
    keys = folder / "keys"
    scenarios = [seed(url, keys, slug=f"load-{n}", members_count=args.members, decisions=args.ballots, choices=2)
                 for n in range(args.coalitions)]
    scenario_file = folder / "scenarios.json"
    scenario_file.write_text(json.dumps([s.__dict__ for s in scenarios]))
    with servers.Server(url, keys, workers=workers, log_path=folder / f"{name}-concord.log") as server:
        concord = _run_driver(server.url, args, scenario_file)
    bare_server = servers.Server(url, keys, workers=workers, app="bench.bare_app:app", ready_path="/health",
                                 log_path=folder / f"{name}-bare.log")
    with bare_server:
        bare = _run_driver(bare_server.url, args, None)
    return {"backend": name, "workers": workers, "concord": concord, "bare": bare}


def _print(result: dict) -> None:
    c, b = result["concord"], result["bare"]
    print(f"\n== {result['backend']} ({result['workers']} worker(s)) ==")
    print(f"Concord votes : {c['votes_per_s']:8.1f}/s  p50 {c['vote_ms']['p50']:7.1f} ms  p95 {c['vote_ms']['p95']:7.1f}"
          f" ms  p99 {c['vote_ms']['p99']:7.1f} ms  errors {c['errors']}  ({c['votes']} votes, {c['reads']} reads, "
          f"reads p99 {c['read_ms']['p99']} ms)")
    print(f"bare INSERT   : {b['per_s']:8.1f}/s  p50 {b['ms']['p50']:7.1f} ms  p95 {b['ms']['p95']:7.1f}"
          f" ms  p99 {b['ms']['p99']:7.1f} ms  errors {b['errors']}")
    ratio = c["votes_per_s"] / b["per_s"] if b["per_s"] else 0
    print(f"ratio Concord/bare throughput: {ratio:.2f}")
    print("target (PostgreSQL, 50 clients): >= 500 votes/s, p99 < 100 ms, 0 errors -> "
          + ("met" if c["votes_per_s"] >= 500 and c["vote_ms"]["p99"] < 100 and not c["errors"] else "NOT met"))
    if c["errors"]:
        print("statuses:", c["statuses"], "failures:", c["failures"], "samples:", c.get("samples"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", nargs="?", default="bench", choices=["bench", "drive"])
    parser.add_argument("--backend", default="both", choices=["both", "postgresql", "sqlite"])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--observers", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--coalitions", type=int, default=4)
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--ballots", type=int, default=8)
    parser.add_argument("--url", default="")
    parser.add_argument("--scenarios", default="")
    parser.add_argument("--bare", action="store_true")
    args = parser.parse_args(argv)
    if args.clients > 500 or args.seconds > 600:
        parser.error("keep the load bounded: at most 500 clients and 600 seconds")
    if args.mode == "drive":
        return _driver(args)
    with tempfile.TemporaryDirectory(prefix="concord-load-") as tmp:
        folder = Path(tmp)
        if args.backend in ("both", "postgresql"):
            with servers.postgres_database("concord_load") as url:
                _print(_one_backend("postgresql", url, args.workers, args, folder))
        if args.backend in ("both", "sqlite"):
            _print(_one_backend("sqlite", servers.sqlite_url(folder), 1, args, folder))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
