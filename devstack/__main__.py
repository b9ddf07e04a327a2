"""`python -m devstack <command>`: local infrastructure (and, later, the services)."""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import FrameType

from devstack.infra import LocalStack, Ports, StackError, free_ports
from devstack.services import Platform


def _wait_for_signal(stack: LocalStack, platform: Platform | None = None) -> None:
    """Block until SIGINT/SIGTERM; warn once on stderr if a component dies meanwhile."""
    stop = threading.Event()

    def handler(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)

    def running() -> set[str]:
        names = set(stack.pids())
        if platform is not None:
            names |= {n for n, p in platform.procs.items() if p.poll() is None}
        return names

    expected = running()
    while not stop.wait(1.0):
        gone = expected - running()
        for name in sorted(gone):
            print(
                f"devstack: {name} exited; see {stack.log_dir / (name + '.log')}",
                file=sys.stderr,
                flush=True,
            )
        expected -= gone


def cmd_infra(args: argparse.Namespace) -> int:
    ports = free_ports() if args.free_ports else Ports()
    stack = LocalStack(args.root, ports)
    try:
        endpoints = stack.start()
        print(json.dumps(endpoints.as_json()), flush=True)
        _wait_for_signal(stack)
    finally:
        stack.stop()
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    """The whole platform: infrastructure, then every service; Ctrl-C or `make stop` ends it."""
    root: Path = args.root
    root.mkdir(parents=True, exist_ok=True)
    pidfile = root / "run.pid"
    if pidfile.exists() and _alive(int(pidfile.read_text())):
        print(
            f"devstack: already running (pid {pidfile.read_text()}); `make stop` first",
            file=sys.stderr,
        )
        return 1
    pidfile.write_text(str(os.getpid()))
    started = time.monotonic()
    stack = LocalStack(root, Ports())
    platform: Platform | None = None
    try:
        endpoints = stack.start()
        print("devstack: infrastructure up", flush=True)
        platform = Platform(root=root, endpoints=endpoints)
        platform.start()
        _first_admin(platform)
        print(f"devstack: platform ready in {time.monotonic() - started:.1f}s", flush=True)
        for name in platform.ports:
            print(f"  {name:<11} {platform.url(name)}", flush=True)
        print(f"  mail        {endpoints.mail_dir}", flush=True)
        print(f"  logs        {root / 'logs'}", flush=True)
        print("Stop with Ctrl-C or `make stop`.", flush=True)
        _wait_for_signal(stack, platform)
    finally:
        if platform is not None:
            platform.stop()
        stack.stop()
        pidfile.unlink(missing_ok=True)
    return 0


def _first_admin(platform: Platform) -> None:
    """No default passwords: create the first admin with a generated one, shown once."""
    result = subprocess.run(
        [sys.executable, "-m", "services.gateway", "ensure-admin"],
        env=platform.service_env("gateway"),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.stdout.strip():
        print(result.stdout.strip(), flush=True)
    if result.returncode != 0:
        print(
            "devstack: could not ensure a first admin user; see `python -m services.gateway`",
            file=sys.stderr,
            flush=True,
        )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def cmd_stop(args: argparse.Namespace) -> int:
    pidfile = args.root / "run.pid"
    if not pidfile.exists():
        print("devstack: not running")
        return 0
    pid = int(pidfile.read_text())
    if _alive(pid):
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 60
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.2)
    pidfile.unlink(missing_ok=True)
    print("devstack: stopped")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m devstack")
    sub = parser.add_subparsers(dest="command", required=True)

    infra = sub.add_parser("infra", help="start PostgreSQL, S3, Kafka and SMTP; print endpoints")
    infra.add_argument(
        "--root", type=Path, default=Path(".local"), help="data directory (default: .local)"
    )
    infra.add_argument(
        "--free-ports",
        action="store_true",
        help="use free random ports instead of the fixed defaults",
    )
    infra.set_defaults(func=cmd_infra)

    run = sub.add_parser("run", help="start the infrastructure and every service")
    run.add_argument("--root", type=Path, default=Path(".local"), help="data directory")
    run.set_defaults(func=cmd_run)

    stop = sub.add_parser("stop", help="stop a running `run`")
    stop.add_argument("--root", type=Path, default=Path(".local"), help="data directory")
    stop.set_defaults(func=cmd_stop)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except StackError as exc:  # one clear line (what is missing, where the log is), no trace
        print(f"devstack: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
