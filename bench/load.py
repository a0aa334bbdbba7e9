"""Load: Concord under uvicorn workers on PostgreSQL and one process on SQLite, against a bare one-INSERT endpoint.

A separate driver process runs N concurrent clients (loopback only, bounded in time and count) that cast and change
votes across many ballots, members and coalitions while observers read pages and the log; it reports throughput,
p50/p95/p99 latency and errors, then does the same against bench/bare_app.py on the same database, and prints the
ratio. The CPU seconds of the driver, the server processes and the database's backends are measured over each run,
so a driver that starves the server shows.

Each client holds one keep-alive connection of the small raw HTTP/1.1 client (tests/reliability/rawhttp.py) under
uvloop; ``--httpx`` drives through one shared httpx client instead, which costs the driver several times more CPU.
The servers run uvicorn as tests/reliability/servers.py starts them: its default loop and HTTP parser ("auto")
are uvloop and httptools whenever they are installed, as uvicorn[standard] installs them.

Each backend runs twice: a closed loop (each client sends its next vote when the last is answered: the most the
server takes, where latency is only the queue that ``clients`` waiting requests make), then ``--rate`` votes a
second on a fixed schedule shared by the same clients, timed from the scheduled moment (as wrk2 does): what a
sustained load of that rate waits. The issue's target is the second at 500 votes/s. Then (unless ``--no-signed``) the
same fixed rate again with every vote signed by its member's registered Ed25519 key (the driver signs each
``concord-vote/v1`` statement as a member's client would; the server checks each signature before the group's
transaction), printed beside the unsigned run.

With ``--notifications`` every representative is subscribed by e-mail before the ballots open, so each opening
stages one notification per member (coalitions x ballots x members, 3,200 by default) and the worker in the servers
delivers them into a mail folder (``CONCORD_MAIL_DIR``) while the votes run; the figures say how many it delivered
during each run. ``--separate-worker`` runs the worker as ``concord worker`` in a process of its own instead (the
servers then run none), as a deployment under load would; its CPU is reported beside the servers'.

Run: .venv/bin/python bench/load.py [--clients 50] [--seconds 30] [--rate 500] [--workers 2] [--coalitions 8]
     [--observers 20] [--observer-pause 1] [--backend both] [--notifications] [--separate-worker] [--paced-only]
"""

import argparse
import asyncio
import gc
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402

from app.db import make_engine  # noqa: E402
from tests.reliability import servers  # noqa: E402
from tests.reliability.driver import Senders, Stats, _ms, drive  # noqa: E402
from tests.reliability.scenario import Scenario, Signer, seed  # noqa: E402

__all__ = ["main"]

TICKS = os.sysconf("SC_CLK_TCK")
OBSERVED_PAGES = ("/api/v1/coalitions/{slug}/proposals", "/c/{slug}/proposals/{number}", "/c/{slug}/log")
"""What observers read besides the driver's own API reads (ballot, its votes, log entries, coalition, members)."""
BARE_TABLE = "CREATE TABLE bench_insert (member VARCHAR(80) NOT NULL, choice VARCHAR(16) NOT NULL)"


def create_bare_table(url: str) -> None:
    """The one table of bench/bare_app.py, created before its workers start."""
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql(BARE_TABLE)
    engine.dispose()


def _cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User plus system CPU seconds of each live process (``/proc/<pid>/stat`` fields 14 and 15)."""
    seconds = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seconds[pid] = (int(fields[11]) + int(fields[12])) / TICKS
    return seconds


def _process_tree(pid: int) -> list[int]:
    """``pid`` and every process under it (the uvicorn supervisor and its workers)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                todo += [int(child) for child in task.read_text().split()]
            except OSError:
                pass
    return found


def _backends(database: str | None) -> list[int]:
    """The PostgreSQL server processes serving ``database`` now (none on SQLite)."""
    if database is None:
        return []
    with psycopg.connect(servers.PG_ADMIN_DSN, autocommit=True) as connection:
        rows = connection.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", (database,)).fetchall()
    return [pid for (pid,) in rows]


class CpuMeter:
    """CPU seconds spent by the server's processes, the database's backends and (when it runs apart) the worker
    process between ``start`` and ``stop``."""

    def __init__(self, server_pid: int, database: str | None, worker_pid: int | None = None) -> None:
        self.server_pid, self.database, self.worker_pid = server_pid, database, worker_pid

    def _sample(self) -> tuple[dict[int, float], ...]:
        worker = _cpu_seconds([self.worker_pid]) if self.worker_pid else {}
        return _cpu_seconds(_process_tree(self.server_pid)), _cpu_seconds(_backends(self.database)), worker

    def start(self) -> None:
        self.before = self._sample()

    def stop(self) -> dict:
        after = self._sample()
        server, database, worker = (sum(now - before.get(pid, 0.0) for pid, now in a.items())
                                    for a, before in zip(after, self.before))
        return {"server_cpu_s": round(server, 2), "db_cpu_s": round(database, 2),
                **({"worker_cpu_s": round(worker, 2)} if self.worker_pid else {})}


async def _bare(url: str, clients: int, seconds: float, max_requests: int, raw: bool) -> Stats:
    stats = Stats()
    deadline = time.monotonic() + seconds
    budget = [max_requests]

    async def client_loop(send, n: int) -> None:  # noqa: ANN001
        while time.monotonic() < deadline and budget[0] > 0:
            budget[0] -= 1
            started = time.perf_counter()
            try:
                response = await send("POST", "/insert", {"member": f"org-{n}", "choice": "yes"}, None)
            except Exception as error:  # noqa: BLE001 - transport failures are counted, whatever the client
                stats.failures[type(error.__cause__ or error).__name__] += 1
                continue
            stats.vote_latencies.append(time.perf_counter() - started)
            stats.statuses[("insert", response.status_code)] += 1

    started = time.monotonic()
    async with Senders(url, clients, raw=raw) as sends:
        await asyncio.gather(*(client_loop(sends[n], n) for n in range(clients)))
    stats.elapsed = time.monotonic() - started
    return stats


def _driver(args: argparse.Namespace) -> int:
    """The driver process: print one JSON line of figures. Its garbage collector is off for the bounded run (it keeps
    every latency and acknowledgement; a collection pass over them would stall all its clients at once and show up
    as server latency)."""
    gc.disable()
    runner = asyncio.run
    if not args.httpx:
        import uvloop

        runner = uvloop.run
    cpu = time.process_time()
    if args.bare:
        stats = runner(_bare(args.url, args.clients, args.seconds, args.max_votes, not args.httpx))
        done = stats.statuses[("insert", 200)]
        summary = {"votes": done, "seconds": round(stats.elapsed, 2), "votes_per_s": round(done / stats.elapsed, 1),
                   "vote_ms": _ms(stats.vote_latencies), "errors": stats.errors(),
                   "statuses": {f"{k} {s}": n for (k, s), n in stats.statuses.items()},
                   "failures": dict(stats.failures)}
    else:
        scenarios = [Scenario(**s) for s in json.loads(Path(args.scenarios).read_text())]
        for s in scenarios:
            s.ballots = {int(k): v for k, v in s.ballots.items()}
            s.opened = {int(k): v for k, v in s.opened.items()}
        stats = runner(drive(args.url, scenarios, clients=args.clients, observers=args.observers,
                             seconds=args.seconds, max_votes=args.max_votes, raw=not args.httpx,
                             extra_paths=OBSERVED_PAGES, rate=args.rate or None,
                             observer_pause=args.observer_pause, sign=Signer() if args.sign else None))
        summary = stats.summary()
        summary.pop("samples") if not summary["errors"] else None
    summary["driver_cpu_s"] = round(time.process_time() - cpu, 2)
    print(json.dumps(summary))
    return 0


def _run_driver(server: servers.Server, database: str | None, args: argparse.Namespace,
                scenarios: Path | None, rate: float = 0, sign: bool = False,
                worker: subprocess.Popen | None = None) -> dict:
    command = [sys.executable, __file__, "drive", "--url", server.url, "--clients", str(args.clients),
               "--observers", str(args.observers), "--seconds", str(args.seconds), "--max-votes", str(args.max_votes),
               "--rate", str(rate), "--observer-pause", str(args.observer_pause)]
    command += ["--scenarios", str(scenarios)] if scenarios else ["--bare"]
    command += ["--httpx"] if args.httpx else []
    command += ["--sign"] if sign else []
    meter = CpuMeter(server.process.pid, database, worker.pid if worker is not None else None)
    mail = Path(server.extra_env.get("CONCORD_MAIL_DIR", "")) if server.extra_env.get("CONCORD_MAIL_DIR") else None
    mailed = _count_mail(mail)
    meter.start()
    out = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=args.seconds + 300, check=True)
    return {**json.loads(out.stdout.strip().splitlines()[-1]), **meter.stop(),
            **({"mailed": _count_mail(mail) - mailed} if mail else {})}


@contextmanager
def _worker_apart(url: str, keys: Path, mail: dict[str, str], log: Path, wanted: bool) -> Iterator[
        subprocess.Popen | None]:
    """``concord worker`` in a process of its own beside the servers (which then run none), when ``wanted``."""
    if not wanted:
        yield None
        return
    env = {**os.environ, "CONCORD_DATABASE_URL": url, "CONCORD_KEY_DIR": str(keys), "CONCORD_LOG_HOST": "concord.test",
           **mail}
    with open(log, "ab") as out:
        process = subprocess.Popen([sys.executable, "-m", "app.cli", "worker"], cwd=ROOT, env=env, stdout=out,
                                   stderr=subprocess.STDOUT)
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _count_mail(folder: Path | None) -> int:
    """The messages the worker has written to the mail folder so far."""
    return sum(1 for _ in folder.glob("*.eml")) if folder and folder.is_dir() else 0


def _one_backend(name: str, url: str, workers: int, args: argparse.Namespace, folder: Path) -> dict:
    keys = folder / "keys"
    scenarios = [seed(url, keys, slug=f"load-{n}", members_count=args.members, decisions=args.ballots, choices=2,
                      member_keys=args.signed, subscribed=args.notifications) for n in range(args.coalitions)]
    scenario_file = folder / "scenarios.json"
    scenario_file.write_text(json.dumps([s.__dict__ for s in scenarios]))
    database = url.rsplit("/", 1)[1] if name == "postgresql" else None
    mail = {"CONCORD_MAIL_DIR": str(folder / f"{name}-mail")} if args.notifications else {}
    apart = {"CONCORD_WORKER_IN_SERVER": "false"} if args.separate_worker else {}
    with servers.Server(url, keys, workers=workers, log_path=folder / f"{name}-concord.log",
                        extra_env={**mail, **apart}) as server, \
            _worker_apart(url, keys, mail, folder / f"{name}-worker.log", args.separate_worker) as worker:
        concord = None if args.paced_only else _run_driver(server, database, args, scenario_file, worker=worker)
        paced = _run_driver(server, database, args, scenario_file, rate=args.rate, worker=worker) if args.rate else None
        signed = (_run_driver(server, database, args, scenario_file, rate=args.rate, sign=True, worker=worker)
                  if args.rate and args.signed else None)
    if args.paced_only:
        return {"backend": name, "workers": workers, "concord": None, "paced": paced, "signed": signed, "bare": None}
    create_bare_table(url)
    bare_server = servers.Server(url, keys, workers=workers, app="bench.bare_app:app", ready_path="/health",
                                 log_path=folder / f"{name}-bare.log")
    with bare_server:
        bare = _run_driver(bare_server, database, args, None)
    return {"backend": name, "workers": workers, "concord": concord, "paced": paced, "signed": signed, "bare": bare}


def _line(label: str, figures: dict) -> str:
    ms, n = figures["vote_ms"], max(figures["votes"], 1)
    cpu = (f"CPU s: server {figures['server_cpu_s']}, database {figures['db_cpu_s']}, driver {figures['driver_cpu_s']}"
           + (f", worker apart {figures['worker_cpu_s']}" if "worker_cpu_s" in figures else "")
           + f"; server ms per vote {figures['server_cpu_s'] * 1000 / n:.2f}")
    return (f"{label}: {figures['votes_per_s']:7.1f}/s  p50 {ms['p50']:6.1f} ms  p95 {ms['p95']:6.1f} ms  p99 "
            f"{ms['p99']:6.1f} ms  errors {figures['errors']}  ({figures['votes']} in {figures['seconds']} s; {cpu})")


def _uvicorn_stack() -> str:
    """What uvicorn's default ("auto") event loop and HTTP parser are here: uvloop and httptools when importable."""
    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    return f"{loop} + {'httptools' if importlib.util.find_spec('httptools') else 'h11'}"


def _print(result: dict, args: argparse.Namespace) -> None:
    c, b = result["concord"], result["bare"]
    print(f"\n== {result['backend']} ({result['workers']} worker(s) on {_uvicorn_stack()}, {args.clients} clients, "
          f"{args.observers} observers pausing {args.observer_pause:g} s, {args.coalitions} coalitions, driver "
          f"{'httpx' if args.httpx else 'raw HTTP/1.1 on uvloop'}) ==")
    if c is not None:
        print(_line("Concord votes", c) + f" (observers' reads included: {c['reads']}, p99 {c['read_ms']['p99']} ms)"
              + (f"; notifications delivered meanwhile: {c['mailed']}" if "mailed" in c else ""))
        print(_line("bare INSERT  ", b))
        ratio = c["votes_per_s"] / b["votes_per_s"] if b["votes_per_s"] else 0
        print(f"ratio Concord/bare throughput: {ratio:.2f}")
    p = result["paced"]
    if p is not None:
        print(_line(f"Concord at {args.rate:g}/s", p)
              + f" (sent on a fixed schedule, latency from the scheduled time; observers' reads: {p['reads']}, "
                f"p99 {p['read_ms']['p99']} ms)" + (f"; notifications delivered meanwhile: {p['mailed']}"
                                                    if "mailed" in p else ""))
    s = result["signed"]
    if s is not None:
        print(_line(f"signed at {args.rate:g}/s", s)
              + f" (every vote signed by its member's key, checked by the server; observers' reads: {s['reads']}, "
                f"p99 {s['read_ms']['p99']} ms)")
    for label, run in (("", p), ("signed votes, ", s)):
        if result["backend"] == "postgresql" and run is not None:
            met = (args.rate >= 500 and run["votes_per_s"] >= 0.99 * args.rate and run["vote_ms"]["p99"] < 100
                   and not run["errors"] and not (c or {}).get("errors"))
            print(f"target ({label}PostgreSQL, {args.clients} clients): >= 500 votes/s sustained, p99 < 100 ms, "
                  "0 errors -> " + ("met" if met else "NOT met"))
    print("votes of one coalition append one after another under its log's head lock (one log per coalition); "
          f"the load is spread over {args.coalitions} coalitions")
    for figures in (c or {"errors": 0}, b or {"errors": 0}, p or {"errors": 0}, s or {"errors": 0}):
        if figures["errors"]:
            print("statuses:", figures["statuses"], "failures:", figures["failures"],
                  "samples:", figures.get("samples"))


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", nargs="?", default="bench", choices=["bench", "drive"])
    parser.add_argument("--backend", default="both", choices=["both", "postgresql", "sqlite"])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--observers", type=int, default=20)
    parser.add_argument("--observer-pause", type=float, default=1.0,
                        help="seconds each observer waits after an answer before its next read (people reading "
                             "pages; --observers 5 --observer-pause 0.02 is the old read-as-fast-as-you-can load)")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--max-votes", type=int, default=200_000, help="stop a run after this many votes (inserts)")
    parser.add_argument("--rate", type=float, default=500,
                        help="then send votes at this fixed rate (all clients together; 0: skip that run)")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn workers on PostgreSQL (one per core)")
    parser.add_argument("--coalitions", type=int, default=8)
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--ballots", type=int, default=8)
    parser.add_argument("--httpx", action="store_true", help="drive through httpx instead of the raw client")
    parser.add_argument("--url", default="")
    parser.add_argument("--scenarios", default="")
    parser.add_argument("--bare", action="store_true")
    parser.add_argument("--paced-only", action="store_true",
                        help="only the runs at --rate (no closed loop, no bare app): quicker A/B runs of one change")
    parser.add_argument("--no-signed", dest="signed", action="store_false",
                        help="skip the run of signed votes at --rate")
    parser.add_argument("--sign", action="store_true", help=argparse.SUPPRESS)  # the driver: sign every vote
    parser.add_argument("--separate-worker", action="store_true",
                        help="run the worker (closings, notifications) as `concord worker` in a process of its own, "
                             "not in the servers (CONCORD_WORKER_IN_SERVER=false)")
    parser.add_argument("--notifications", action="store_true",
                        help="subscribe every representative by e-mail; the servers' worker delivers the openings' "
                             "notifications into a mail folder during the runs")
    args = parser.parse_args(argv)
    if args.clients > 500 or args.seconds > 600:
        parser.error("keep the load bounded: at most 500 clients and 600 seconds")
    return args


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    if args.mode == "drive":
        return _driver(args)
    with tempfile.TemporaryDirectory(prefix="concord-load-") as tmp:
        folder = Path(tmp)
        if args.backend in ("both", "postgresql"):
            with servers.postgres_database("concord_load") as url:
                _print(_one_backend("postgresql", url, args.workers, args, folder), args)
        if args.backend in ("both", "sqlite"):
            _print(_one_backend("sqlite", servers.sqlite_url(folder), 1, args, folder), args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
