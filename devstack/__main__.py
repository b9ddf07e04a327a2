"""`python -m devstack <command>`: local infrastructure (and, later, the services)."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path
from types import FrameType

from devstack.infra import LocalStack, Ports, free_ports


def _wait_for_signal(stack: LocalStack) -> None:
    """Block until SIGINT/SIGTERM; warn once on stderr if a component dies meanwhile."""
    stop = threading.Event()

    def handler(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)
    expected = set(stack.pids())
    while not stop.wait(1.0):
        gone = expected - set(stack.pids())
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
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
