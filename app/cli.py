"""The ``concord`` command: serve, worker, demo, db upgrade|downgrade|roles, close-due, create-admin, tally, power,
design, verify, export, keys, witness."""

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from app.settings import Settings, get_settings


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from app import dbroles, migrate
    from app.server import uvicorn_options

    settings = get_settings()
    if _migrate(settings, migrate.upgrade_as_owner, "head"):
        return 1
    if problems := dbroles.application_problems(settings):
        print(dbroles.warn(problems), file=sys.stderr)
    uvicorn.run("app.asgi:app", host=args.host, port=args.port, workers=args.workers, **uvicorn_options(settings))
    return 0


def _db(args: argparse.Namespace) -> int:
    from app import dbroles, migrate

    settings = get_settings()
    if args.action == "roles":
        return _db_roles(settings, args)
    if args.admin_url:
        print("--admin-url belongs to `concord db roles`", file=sys.stderr)
        return 2
    step = migrate.upgrade_as_owner if args.action == "upgrade" else migrate.downgrade_as_owner
    if _migrate(settings, step, args.revision):
        return 1
    print(f"database {args.action}d to {args.revision}")
    if problems := dbroles.application_problems(settings):
        print(dbroles.warn(problems), file=sys.stderr)
    return 0


def _migrate(settings: Settings, step: Callable[[Settings, str], None], revision: str) -> bool:
    """Run a migration step; True (after saying why) when the role it runs as may not change the schema."""
    from sqlalchemy import make_url
    from sqlalchemy.exc import ProgrammingError

    try:
        step(settings, revision)
    except ProgrammingError as error:
        if getattr(error.orig, "sqlstate", None) != "42501":  # insufficient_privilege
            raise
        role = make_url(settings.migration_url()).username
        print(f"concord: the role {role} may not change the schema ({str(error.orig).splitlines()[0]}): migrations "
              "run as the tables' owner, so set CONCORD_MIGRATION_DATABASE_URL to its URL (`concord db roles`).",
              file=sys.stderr)
        return True
    return False


def _db_roles(settings: Settings, args: argparse.Namespace) -> int:
    from app import dbroles

    if not args.admin_url or args.revision is not None:
        print("usage: concord db roles --admin-url postgresql+psycopg://SUPERUSER@HOST/DB", file=sys.stderr)
        return 2
    try:
        print(dbroles.set_up(settings, args.admin_url))
    except dbroles.RoleError as refusal:
        print(f"concord db roles: {refusal}", file=sys.stderr)
        return 1
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
    if args.nice:
        os.nice(args.nice)  # beside servers on one machine, give way to them (the servers' own worker paces itself)
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
    db = commands.add_parser("db", help="schema migrations (as the owner role); `roles` sets the PostgreSQL roles up")
    db.add_argument("action", choices=["upgrade", "downgrade", "roles"])
    db.add_argument("revision", nargs="?", default=None)
    db.add_argument("--admin-url", help="roles: a superuser's URL for the database (its name defaults to the app's)")
    db.set_defaults(run=_db)
    demo = commands.add_parser("demo", help="create (or reset) the demo coalition")
    demo.add_argument("--keep", action="store_true", help="keep an existing demo coalition instead of resetting it")
    demo.set_defaults(run=_demo)
    close = commands.add_parser("close-due", help="close every ballot whose closing time has passed")
    close.set_defaults(run=_close_due)
    worker = commands.add_parser("worker", help="only the worker: close due ballots, deliver notifications")
    worker.add_argument("--nice", type=int, default=10, choices=range(0, 20), metavar="0-19",
                        help="lower this process's scheduling priority by so much (default 10: on a machine it shares "
                             "with servers it gives way to them; 0 keeps the priority it was started with)")
    worker.set_defaults(run=_worker)
    admin = commands.add_parser("create-admin", help="create a coalition and its first admin")
    admin.add_argument("coalition", help="the coalition's slug")
    admin.add_argument("--name", required=True, help="the coalition's name")
    admin.add_argument("--username", required=True)
    admin.add_argument("--password", required=True)
    admin.set_defaults(run=_create_admin)
    for name, help_text in (("tally", "count a ballot file"), ("power", "power indices of a weighted game"),
                            ("design", "weights and a quota that give each member the intended power"),
                            ("verify", "verify an exported log offline"), ("verify-receipt", "check a vote receipt"),
                            ("export", "export a coalition's log"),
                            ("keys", "make a member key (keys new --out FILE) and sign votes with it (keys sign-vote)"),
                            ("witness", "witness a coalition's log: check and cosign its checkpoints")):
        delegated = commands.add_parser(name, help=help_text, add_help=False)
        delegated.add_argument("rest", nargs=argparse.REMAINDER)
    return parser


DELEGATED = {"tally": "voting.cli.tally", "power": "voting.cli.power", "design": "voting.cli.design",
             "verify": "governance.log.verify_cli", "verify-receipt": "governance.log.receipt_cli", "export": "app.export_cli",
             "keys": "governance.log.keys_cli",
             "witness": "governance.log.witness_cli"}


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
    if args.command == "db" and args.revision is None and args.action != "roles":
        args.revision = "head" if args.action == "upgrade" else "-1"
    return args.run(args)


if __name__ == "__main__":
    raise SystemExit(main())
