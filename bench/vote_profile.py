"""One vote through the API, measured: SQL statements and CPU per vote (whole request), and a cProfile of it.

Seeds a coalition, then casts and changes votes through the real ASGI app (httpx's ASGI transport, no network, the
sync routes run inline in this thread instead of a worker thread) and reports per vote the statements sent to the
database and this process's CPU time: the app, its database driver and the in-process httpx client that sends the
request (about a millisecond); the database server's own CPU is not in it.
``--profile N`` then runs N more votes under cProfile.

Run: .venv/bin/python bench/vote_profile.py [--url postgresql+psycopg://...] [--votes 300] [--profile 20]
"""

import argparse
import asyncio
import cProfile
import pstats
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import anyio.to_thread  # noqa: E402
import httpx  # noqa: E402
from sqlalchemy import event  # noqa: E402

from app.db import make_engine  # noqa: E402
from app.main import create_app  # noqa: E402
from app.settings import Settings  # noqa: E402
from tests.reliability import servers  # noqa: E402
from tests.reliability.scenario import random_vote, seed  # noqa: E402

__all__ = ["main"]


def _count_statements(engine) -> list[str]:  # noqa: ANN001
    seen: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def record(_conn, _cursor, statement, _params, _context, _many) -> None:  # type: ignore[no-untyped-def]
        seen.append(statement)

    return seen


async def _inline(func, *args, **_options):  # noqa: ANN001, ANN002, ANN003, ANN202
    return func(*args)


async def _casts(app, scenario, plan, rng) -> None:  # noqa: ANN001
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://concord.test") as client:
        for (number, kind), member in plan:
            response = await client.put(scenario.vote_path(number, member), json=random_vote(kind, rng),
                                        headers=scenario.headers(member))
            assert response.status_code == 200, response.text


def measure(url: str, folder: Path, votes: int, profile: int, show_sql: bool) -> dict:
    """Statements and CPU per vote over ``votes`` casts; the cProfile of ``profile`` more, if asked."""
    keys = folder / "keys"
    scenario = seed(url, keys, slug=f"profile-{uuid.uuid4().hex[:8]}", members_count=40, decisions=6, choices=2)
    engine = make_engine(url)
    settings = Settings(database_url=url, key_dir=keys, log_host="concord.test", secret_key="x" * 40)
    app = create_app(engine, settings=settings)
    rng = random.Random(1)
    plan = [(rng.choice(list(scenario.ballots.items())), rng.choice(list(scenario.reps))) for _ in range(votes + 20)]
    threaded, anyio.to_thread.run_sync = anyio.to_thread.run_sync, _inline
    try:
        asyncio.run(_casts(app, scenario, plan[:20], rng))  # warm up: imports, caches, first connections
        statements = _count_statements(engine)
        cpu, wall = time.process_time(), time.perf_counter()
        asyncio.run(_casts(app, scenario, plan[20:], rng))
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        sent = len(statements)
        if show_sql:
            print("\n".join(s.replace("\n", " ")[:200] for s in statements[-(len(statements) // votes):]))
        if profile:
            profiler = cProfile.Profile(time.process_time)  # CPU, not waits on the database
            profiler.enable()
            asyncio.run(_casts(app, scenario, plan[:profile], rng))
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(70)
            pstats.Stats(profiler).sort_stats("tottime").print_stats(40)
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(f"{ROOT}/(app|governance)/", 40)
    finally:
        anyio.to_thread.run_sync = threaded
    engine.dispose()
    return {"votes": votes, "statements_per_vote": round(sent / votes, 2),
            "cpu_ms_per_vote": round(cpu * 1000 / votes, 2), "wall_ms_per_vote": round(wall * 1000 / votes, 2)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="", help="a database URL (default: a fresh SQLite file and a fresh "
                                                  "PostgreSQL database of its own)")
    parser.add_argument("--votes", type=int, default=300)
    parser.add_argument("--profile", type=int, default=0, help="profile this many more votes with cProfile")
    parser.add_argument("--sql", action="store_true", help="print the statements of the last vote")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="concord-vote-") as tmp:
        folder = Path(tmp)
        if args.url:
            print(args.url.split("://")[0], measure(args.url, folder, args.votes, args.profile, args.sql))
            return 0
        print("sqlite", measure(servers.sqlite_url(folder), folder, args.votes, args.profile, args.sql))
        with servers.postgres_database("concord_voteprof") as url:
            print("postgresql", measure(url, folder, args.votes, args.profile, args.sql))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
