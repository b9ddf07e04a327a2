"""Managing employees from the command line, against the gateway's own database (DATABASE_URL).

    python -m services.gateway users add NAME --role recruiter|privacy_officer|admin
    python -m services.gateway users reset-password NAME
    python -m services.gateway users set-role NAME --role recruiter|privacy_officer|admin
    python -m services.gateway users disable NAME | enable NAME
    python -m services.gateway users list
    python -m services.gateway ensure-admin

Passwords are read from standard input (never an argument, so they stay out of shell history
and process lists): typed twice at a terminal, or the first line of piped input.
"""

import argparse
import asyncio
import getpass
import sys
from pathlib import Path

from services.common import db

from . import domain, security, store
from .bootstrap import GatewaySettings

MIGRATIONS = Path(__file__).parent / "migrations"


def read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password again: "):
            raise security.UserError("the passwords differ", "passwords_differ")
        return first
    return sys.stdin.readline().rstrip("\r\n")


async def run(args: argparse.Namespace) -> int:
    settings = GatewaySettings()
    pool = await db.create_pool(settings.database_url, max_size=2)
    try:
        await db.migrate(pool, MIGRATIONS)
        async with pool.acquire() as conn:
            if args.command == "ensure-admin":
                password = await security.ensure_admin(
                    conn, settings.gateway_admin_password or None
                )
                if password is None:
                    return 0
                if settings.gateway_admin_password:
                    print("gateway: created user 'admin' with the password from the environment")
                else:
                    print(f"gateway: created user 'admin' with password: {password}")
                    print("gateway: this password is shown once; store it now.")
                return 0
            if args.action == "add":
                await security.create_user(
                    conn, args.name, args.role, read_password(), security.OPERATOR
                )
                print(f"gateway: created user {args.name.strip().lower()!r} ({args.role})")
            elif args.action == "reset-password":
                await security.reset_password(conn, args.name, read_password(), security.OPERATOR)
                print(f"gateway: password of {args.name.strip().lower()!r} reset")
            elif args.action == "set-role":
                await security.change_role(conn, args.name, args.role, security.OPERATOR)
                print(f"gateway: {args.name.strip().lower()!r} is now {args.role}")
            elif args.action in ("disable", "enable"):
                disabled = args.action == "disable"
                await security.set_disabled(conn, args.name, disabled, security.OPERATOR)
                print(f"gateway: {args.name.strip().lower()!r} {args.action}d")
            elif args.action == "list":
                for row in await store.list_users(conn):
                    state = " (disabled)" if row["disabled"] else ""
                    print(f"{row['username']}\t{row['role']}{state}")
        return 0
    finally:
        await pool.close()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m services.gateway")
    sub = parser.add_subparsers(dest="command", required=True)
    users = sub.add_parser("users", help="add users, reset passwords")
    actions = users.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="create a user; password on standard input")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=domain.ROLES)
    reset = actions.add_parser("reset-password", help="new password on standard input")
    reset.add_argument("name")
    role = actions.add_parser("set-role", help="another role; the user's sessions end")
    role.add_argument("name")
    role.add_argument("--role", required=True, choices=domain.ROLES)
    for verb, what in (("disable", "no sign-in, open sessions end"), ("enable", "sign-in again")):
        actions.add_parser(verb, help=what).add_argument("name")
    actions.add_parser("list", help="every user with their role")
    sub.add_parser("ensure-admin", help="create 'admin' if there are no users; print its password")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return asyncio.run(run(args))
    except security.UserError as exc:
        print(f"gateway: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
