"""Command line: python -m server serve | worker | migrate | seed-demo | create-user | reset-password | backup …"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys

from server.config import ROOT, load_settings
from server.web.logs import install_redaction

os.environ.setdefault("PICCOLO_CONF", "piccolo_conf")
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
# The imports inside the commands below are deliberate: PICCOLO_CONF and sys.path must be set (above) before any
# table or engine module is imported, and each command loads only what it uses (`check` and `backup` stay quick
# and work when the features cannot be imported, e.g. with a broken database URL).


async def migrate() -> None:
    # After PICCOLO_CONF is set (see the note at the top).
    from piccolo.apps.migrations.commands.forwards import run_forwards

    from server.attendance import served, stats
    from server.db import prepare_database, refresh_planner_statistics, transaction
    from server.reports import checks_kept

    await prepare_database()
    result = await run_forwards(app_name="all")
    if not result.success:
        raise SystemExit(f"Migrations failed: {result.message}")
    # A database from before the attendance figures were kept (or one restored without them) gets them now, once.
    if await stats.missing_figures():
        await stats.rebuild_all()
    elif await served.missing_groups():
        # An upgrade to kept breakdowns regroups the kept rows only (a rebuild of everything takes minutes at scale).
        async with transaction():
            await served.rebuild_groups()
    if await checks_kept.missing():
        await checks_kept.rebuild_all()
    await refresh_planner_statistics()


async def check() -> int:
    settings = load_settings()
    problems = settings.problems()
    for problem in problems:
        print(f"config: {problem}")
    for warning in legacy_warnings():
        print(f"config: {warning}")
    try:
        # After PICCOLO_CONF is set (see the note at the top).
        from server.db import engine

        await engine().run_ddl("SELECT 1")
        print(f"database: ok ({'PostgreSQL' if settings.is_postgres else 'SQLite'})")
    except Exception as error:
        print(f"database: unreachable ({type(error).__name__}: {error})")
        problems.append("database")
    return 1 if problems else 0


async def create_user(args: argparse.Namespace) -> None:
    # After PICCOLO_CONF is set (see the note at the top).
    from server.errors import DomainError
    from server.people.staff import create_staff

    password = args.password or os.environ.get("GOTONG_NEW_USER_PASSWORD") or getpass.getpass("Password: ")
    try:
        await create_staff(
            username=args.username,
            email=args.email,
            password=password,
            display_name=args.name or args.username,
            role=args.role,
        )
    except DomainError as error:
        raise SystemExit(f"Not created: {error.message}") from None
    print(f"Created {args.role} account '{args.username}'.")


async def reset_staff_password(username: str, password: str) -> int:
    """For an organisation without e-mail: a staff member's new password, set on the server. As with a password
    change, their sessions end and their calendar feed link stops. Returns the exit code."""
    # After PICCOLO_CONF is set (see the note at the top).
    from server.errors import DomainError, NotFound
    from server.people.staff import reset_password, staff_id_for_username

    try:
        await reset_password(await staff_id_for_username(username), password, actor=None)
    except NotFound:
        print(f"No staff account with the username '{username}'.", file=sys.stderr)
        return 1
    except DomainError as error:
        print(f"Not changed: {error.message}", file=sys.stderr)
        return 1
    print(f"Password of '{username}' changed; their sessions ended and their calendar feed link stopped working.")
    return 0


LEGACY_PROXY_WARNING = (
    "warning: FORWARDED_ALLOW_IPS is no longer read; name your reverse proxies in GOTONG_TRUSTED_PROXIES "
    "(until then X-Forwarded-For is ignored)."
)


def legacy_warnings() -> list[str]:
    return (
        [LEGACY_PROXY_WARNING]
        if os.environ.get("FORWARDED_ALLOW_IPS") and not os.environ.get("GOTONG_TRUSTED_PROXIES")
        else []
    )


def serve(args: argparse.Namespace) -> None:
    # Only the serve command needs the HTTP server (see the note at the top).
    import uvicorn

    settings = load_settings()
    problems = settings.problems()
    if problems:
        raise SystemExit("Refusing to start: " + " ".join(problems))
    for warning in legacy_warnings():
        print(warning, file=sys.stderr, flush=True)
    asyncio.run(migrate())
    print(f"Gotong is serving on http://{settings.host}:{settings.port}", flush=True)
    uvicorn.run(
        "server.app:serve_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=args.workers,
        log_level="warning" if args.quiet else "info",
        # X-Forwarded-For is believed only from GOTONG_TRUSTED_PROXIES, by the app (server/web/proxies.py);
        # uvicorn's own handling would believe any local process.
        proxy_headers=False,
    )


async def worker() -> None:
    # After PICCOLO_CONF is set (see the note at the top).
    from server import app  # noqa: F401 - importing the app imports every feature, which registers its periodic jobs
    from server.db import start_pool
    from server.messages import delivery, jobs

    settings = load_settings()
    if settings.db_pool:
        await start_pool(min_size=1, max_size=4)
    print("Gotong delivery worker started; jobs: " + (", ".join(jobs.registered()) or "none"))
    if not settings.smtp_url:
        print("No GOTONG_SMTP_URL: e-mail stays queued.")
    if not settings.sms_webhook_url:
        print("No GOTONG_SMS_WEBHOOK_URL: text messages stay queued.")
    await delivery.run()


def main(argv: list[str] | None = None) -> None:
    # Whatever this process (or a worker it starts) creates — database, WAL, backups — is the owner's alone.
    os.umask(0o077)
    install_redaction()
    parser = argparse.ArgumentParser(prog="gotong", description="Gotong community program manager")
    commands = parser.add_subparsers(dest="command", required=True)
    serve_cmd = commands.add_parser("serve", help="apply migrations and serve HTTP")
    serve_cmd.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "1")))
    serve_cmd.add_argument("--quiet", action="store_true")
    commands.add_parser("migrate", help="apply database migrations")
    commands.add_parser("worker", help="deliver queued messages and run periodic jobs until stopped")
    seed = commands.add_parser("seed-demo", help="load demo data (only into an empty database)")
    seed.add_argument("--print-logins", action="store_true")
    user = commands.add_parser("create-user", help="create a staff account")
    user.add_argument("username")
    user.add_argument("--email", required=True)
    user.add_argument("--role", choices=["admin", "organizer", "facilitator"], required=True)
    user.add_argument("--name")
    user.add_argument("--password", help="prefer GOTONG_NEW_USER_PASSWORD or the prompt")
    reset_cmd = commands.add_parser(
        "reset-password", help="set a staff member's password (GOTONG_NEW_USER_PASSWORD or the prompt)"
    )
    reset_cmd.add_argument("username")
    commands.add_parser("check", help="check configuration and database")
    commands.add_parser(
        "rebuild-stats", help="recompute the kept attendance figures and the data checks' counts from the raw rows"
    )
    backup_cmd = commands.add_parser("backup", help="write a consistent backup of the database")
    backup_cmd.add_argument(
        "target", nargs="?", help="file to write (default: data/backups/gotong-<time>.sqlite3 or .dump)"
    )
    restore_cmd = commands.add_parser(
        "restore", help="replace the database's contents with a backup (stop the server first)"
    )
    restore_cmd.add_argument("source")
    args = parser.parse_args(argv)

    if args.command == "serve":
        serve(args)
    elif args.command == "migrate":
        asyncio.run(migrate())
        print("Migrations applied.")
    elif args.command == "seed-demo":
        # Loads every feature's tables: after PICCOLO_CONF is set (see the note at the top).
        from server.demo import DEMO_LOGINS, demo_personal_links, seed_demo

        asyncio.run(migrate())
        created = asyncio.run(seed_demo())
        print("Demo data loaded." if created else "Demo data already present; nothing changed.")
        if args.print_logins:
            print("Demo sign-ins (username / password):")
            for username, password, role in DEMO_LOGINS:
                print(f"  {username:<10} {password:<14} {role}")
            print("Demo personal pages (new links; earlier ones stop working):")
            for name, token in asyncio.run(demo_personal_links()):
                print(f"  {name:<14} {load_settings().base_url}/my/{token}")
    elif args.command == "worker":
        problems = load_settings().problems()
        if problems:
            raise SystemExit("Refusing to start: " + " ".join(problems))
        asyncio.run(migrate())
        try:
            asyncio.run(worker())
        except KeyboardInterrupt:
            pass
    elif args.command == "create-user":
        asyncio.run(create_user(args))
    elif args.command == "reset-password":
        password = os.environ.get("GOTONG_NEW_USER_PASSWORD") or getpass.getpass("New password: ")
        raise SystemExit(asyncio.run(reset_staff_password(args.username, password)))
    elif args.command == "check":
        raise SystemExit(asyncio.run(check()))
    elif args.command == "rebuild-stats":
        # After PICCOLO_CONF is set (see the note at the top).
        from server.attendance.stats import rebuild_all
        from server.reports import checks_kept

        print(f"Attendance figures rebuilt for {asyncio.run(rebuild_all())} enrolments.")
        print(f"Data checks' counts rebuilt for {asyncio.run(checks_kept.rebuild_all())} people.")
    elif args.command == "backup":
        # Only what a backup needs (see the note at the top).
        from datetime import datetime
        from pathlib import Path

        # Without the features (see the note at the top): a backup works when they cannot be imported.
        from server.backup import backup

        settings = load_settings()
        suffix = "dump" if settings.is_postgres else "sqlite3"
        target = (
            Path(args.target)
            if args.target
            else ROOT / "data" / "backups" / f"gotong-{datetime.now():%Y%m%d-%H%M%S}.{suffix}"
        )
        print(f"Backup written to {backup(settings, target)}")
    elif args.command == "restore":
        # Only what a restore needs (see the note at the top).
        from pathlib import Path

        # Without the features (see the note at the top): a restore works when they cannot be imported.
        from server.backup import restore

        restore(load_settings(), Path(args.source))
        print("Database restored.")


if __name__ == "__main__":
    main()
