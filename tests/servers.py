"""Real server processes for the tests that need them: several instances, load, fuzzing."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from resolvers.platform.settings import Settings
from tests.conftest import POSTGRES_REQUIRED, ROOT, free_port

REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
# One database per concurrent run of the suite (TEST_REDIS_DB), and one per pytest-xdist
# worker of it (gw0 13, gw1 12, ...): the tests flush it.
REDIS_DB = (int(os.environ.get("TEST_REDIS_DB", "13"))
            - int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))) % 16
REDIS_URL = f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}"


def redis_flush() -> bool:
    """Empties the tests' Redis database; False when no Redis answers."""
    try:
        with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=2) as connection:
            connection.sendall(f"*2\r\n$6\r\nSELECT\r\n${len(str(REDIS_DB))}\r\n{REDIS_DB}\r\n"
                               "*1\r\n$7\r\nFLUSHDB\r\n".encode())
            time.sleep(0.05)
            return b"+OK" in connection.recv(100)
    except OSError:
        return False


def fresh_redis_or_skip(purpose: str) -> str:
    """The URL of an emptied Redis database; skips (fails in CI) when there is none."""
    if not redis_flush():
        if POSTGRES_REQUIRED:
            pytest.fail(f"CI needs Redis at {REDIS_HOST}:{REDIS_PORT} for {purpose}")
        pytest.skip(f"Redis is not reachable at {REDIS_HOST}:{REDIS_PORT}")
    return REDIS_URL



def server_environment(settings: Settings, *, redis_url: str | None = None) -> dict[str, str]:
    """What `python server.py` needs to serve the session's database and reach the test inboxes."""
    env = {
        **os.environ,
        "APP_ENV": "test",
        "DATABASE_URL": settings.database_url,
        "SMTP_HOST": settings.smtp_host or "127.0.0.1",
        "SMTP_PORT": str(settings.smtp_port),
        "SMS_WEBHOOK_URL": settings.sms_webhook_url or "",
        "ARGON2_MEMORY_KIB": str(settings.argon2_memory_kib),
        "ARGON2_TIME_COST": str(settings.argon2_time_cost),
    }
    env.pop("REDIS_URL", None)
    if settings.signing_key_file and settings.signing_cert_file:
        env.update(SIGNING_KEY_FILE=settings.signing_key_file, SIGNING_CERT_FILE=settings.signing_cert_file)
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


@contextlib.contextmanager
def running_servers(count: int, env: dict[str, str], logs: Path) -> Iterator[list[str]]:
    """`count` server processes on free loopback ports; their base URLs once all are ready."""
    started = start_servers(count, env, logs)
    try:
        yield [url for _, url in started]
    finally:
        for process, _ in started:
            stop_server(process)


def start_servers(
    count: int, env: dict[str, str], logs: Path, command: list[str] | None = None
) -> list[tuple[subprocess.Popen, str]]:
    """`count` server processes, started together, once all are ready; the caller ends them
    (stop_server). Server i logs to logs/server-i.log. `command` replaces `server.py`;
    "{port}" in it is the port to listen on."""
    started: list[tuple[subprocess.Popen, str]] = []
    for index in range(count):
        port = free_port()
        with open(logs / f"server-{index}.log", "w") as log:
            process = subprocess.Popen(
                [sys.executable, *(part.format(port=port) for part in command or ["server.py"])],
                cwd=ROOT,
                env={**env, "PORT": str(port)}, stdout=log, stderr=subprocess.STDOUT,
            )
        started.append((process, f"http://127.0.0.1:{port}"))
    deadline = time.monotonic() + 60
    for index, (process, url) in enumerate(started):
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                for other, _ in started:
                    other.kill()
                    other.wait()
                raise AssertionError(server_log(logs, index))
            time.sleep(0.1)
    return started


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def server_log(logs: Path, index: int, tail: int = 40) -> str:
    lines = (logs / f"server-{index}.log").read_text(errors="replace").splitlines()
    return "\n".join(lines[-tail:])


def logged_tracebacks(logs: Path) -> list[str]:
    """The server's log lines that carry a traceback: each masked error is logged with one."""
    return [
        line
        for path in sorted(logs.glob("server-*.log"))
        for line in path.read_text(errors="replace").splitlines()
        if '"exception"' in line
    ]



class PrivateRedis:
    """A redis-server of the test's own on a free loopback port, to stop and start at will."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            if POSTGRES_REQUIRED:
                pytest.fail("CI needs redis-server on the PATH")
            pytest.skip("redis-server is not installed")
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(
                ("127.0.0.1", self.port), timeout=1
            ) as connection:
                connection.sendall(b"*1\r\n$4\r\nPING\r\n")
                if connection.recv(20).startswith(b"+PONG"):
                    return
            time.sleep(0.05)
        raise AssertionError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


class PrivatePostgres:
    """A PostgreSQL cluster of the test's own: initdb into a temporary folder, its own free
    port, trust authentication; run as the `postgres` OS user when the tests run as root
    (PostgreSQL refuses to run as root). Stopped and restarted at will, never the machine's."""

    def __init__(self) -> None:
        self.port = free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="gosi-postgres-"))
        self.data = self.directory / "data"
        self._as_owner: list[str] = []

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        """Creates the cluster on first call, then starts it and waits until it answers."""
        if not self.data.exists():
            self._create()
        self._pg_ctl("start", "-l", str(self.directory / "server.log"), "-o",
                     f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off")

    def restart(self) -> None:
        self._pg_ctl("restart", "-m", "fast", "-l", str(self.directory / "server.log"))

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._pg_ctl("stop", "-m", "fast")

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)

    def _create(self) -> None:
        initdb = _postgres_binary("initdb")
        if os.geteuid() == 0:
            shutil.chown(self.directory, user="postgres", group="postgres")
            self._as_owner = ["runuser", "-u", "postgres", "--"]
        self._run(initdb, "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                  "--no-sync", "--no-instructions")

    def _pg_ctl(self, action: str, *options: str) -> None:
        self._run(_postgres_binary("pg_ctl"), action, "-D", str(self.data), "-w", "-t", "60", *options)

    def _run(self, *command: str) -> None:
        done = subprocess.run([*self._as_owner, *command], capture_output=True, text=True, timeout=90)
        if done.returncode != 0:
            log = self.directory / "server.log"
            raise AssertionError(f"{' '.join(command[:2])} failed: {done.stdout}{done.stderr}"
                                 + (log.read_text(errors="replace") if log.exists() else ""))


def _postgres_binary(name: str) -> str:
    """The newest installed PostgreSQL's `name` (Debian keeps them outside the PATH); skips
    (fails in CI) without one."""
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
                   key=lambda path: int(path.parts[-3]) if path.parts[-3].isdigit() else 0)
    if found:
        return str(found[-1])
    on_path = shutil.which(name)
    if on_path:
        return on_path
    if POSTGRES_REQUIRED:
        pytest.fail(f"CI needs PostgreSQL's {name} (/usr/lib/postgresql/*/bin)")
    pytest.skip(f"PostgreSQL's {name} is not installed")
