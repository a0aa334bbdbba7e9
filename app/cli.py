"""The ``concord`` command: serve, worker, demo, db upgrade, close-due, create-admin, tally, power, verify, export."""

import argparse
import os
import sys
from collections.abc import Sequence

from app.settings import get_settings


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from app import migrate

    migrate.upgrade(get_settings().database_url)
    uvicorn.run("app.asgi:app", host=args.host, port=args.port, workers=args.workers, proxy_headers=True)
    return 0


def _db(args: argparse.Namespace) -> int:
    from app import migrate

    url = get_settings().database_url
    if args.action == "upgrade":
        migrate.upgrade(url, args.revision)
    else:
        migrate.downgrade(url, args.revision)
    print(f"database {args.action}d to {args.revision}")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from app import demo

    print(demo.run(get_settings(), reset=not args.keep))
    return 0


def _close_due(args: argparse.Namespace) -> int:
    from app.tasks import close_due_everywhere

    closed = close_due_everywhere(get_settings())
    for slug, numbers in closed.items():
        print(f"{slug}: closed " + ", ".join(f"#{n}" for n in numbers))
    print(f"{sum(len(n) for n in closed.values())} ballot(s) closed")
    return 0


def _worker(args: argparse.Namespace) -> int:
    import signal

    from app import migrate
    from app.db import make_engine
    from app.outbox.worker import Worker

    settings = get_settings()
    migrate.upgrade(settings.database_url)
    worker = Worker(make_engine(settings.database_url, **settings.pool_options()), settings)
    signal.signal(signal.SIGTERM, lambda *_: worker.stopping.set())
    print("concord worker: closing due ballots and delivering notifications (Ctrl-C stops)", flush=True)
    try:
        worker.run()
    except KeyboardInterrupt:
        worker.leadership.release()
    return 0


def _create_admin(args: argparse.Namespace) -> int:
    from app.tasks import create_admin

    print(create_admin(get_settings(), slug=args.coalition, name=args.name, username=args.username,
                       password=args.password))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="concord", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="upgrade the database, then serve the app")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.set_defaults(run=_serve)
    db = commands.add_parser("db", help="schema migrations")
    db.add_argument("action", choices=["upgrade", "downgrade"])
    db.add_argument("revision", nargs="?", default=None)
    db.set_defaults(run=_db)
    demo = commands.add_parser("demo", help="create (or reset) the demo coalition")
    demo.add_argument("--keep", action="store_true", help="keep an existing demo coalition instead of resetting it")
    demo.set_defaults(run=_demo)
    close = commands.add_parser("close-due", help="close every ballot whose closing time has passed")
    close.set_defaults(run=_close_due)
    worker = commands.add_parser("worker", help="only the worker: close due ballots, deliver notifications")
    worker.set_defaults(run=_worker)
    admin = commands.add_parser("create-admin", help="create a coalition and its first admin")
    admin.add_argument("coalition", help="the coalition's slug")
    admin.add_argument("--name", required=True, help="the coalition's name")
    admin.add_argument("--username", required=True)
    admin.add_argument("--password", required=True)
    admin.set_defaults(run=_create_admin)
    for name, help_text in (("tally", "count a ballot file"), ("power", "power indices of a weighted game"),
                            ("verify", "verify an exported log offline"), ("verify-receipt", "check a vote receipt"),
                            ("export", "export a coalition's log")):
        delegated = commands.add_parser(name, help=help_text, add_help=False)
        delegated.add_argument("rest", nargs=argparse.REMAINDER)
    return parser


DELEGATED = {"tally": "voting.tally_cli", "power": "voting.power_cli", "verify": "governance.log.verify_cli",
             "verify-receipt": "governance.log.receipt_cli", "export": "app.export_cli"}


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; a reader that stops early (``concord power ... | head``) ends it quietly, as in other tools."""
    try:
        return _run(list(sys.argv[1:] if argv is None else argv))
    except BrokenPipeError:
        # Python would report the broken pipe again when it flushes stdout at exit: point stdout at /dev/null first.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def _run(argv: list[str]) -> int:
    if argv and argv[0] in DELEGATED:
        import importlib

        return importlib.import_module(DELEGATED[argv[0]]).main(argv[1:])
    args = build_parser().parse_args(argv)
    if args.command == "db" and args.revision is None:
        args.revision = "head" if args.action == "upgrade" else "-1"
    return args.run(args)


if __name__ == "__main__":
    raise SystemExit(main())
