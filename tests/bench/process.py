"""The server under test as a subprocess on 127.0.0.1, and where the machine's CPU goes."""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from resolvers.platform.settings import Settings
from tests.bench.launcher import settings_for
from tests.bench.sinks import Sinks

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def load_average() -> float:
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return math.nan


class Server:
    """The launcher in a subprocess on 127.0.0.1; always stopped by `stop()`."""

    def __init__(
        self, *, database_url: str, secret_key: str, app_env: str, log_path: Path,
        launcher: str = "tests.bench.launcher", hashing_concurrency: int | None = None,
        options: tuple[str, ...] = (),
    ) -> None:
        self.launcher = launcher
        self.options = options
        self.hashing_concurrency = hashing_concurrency
        self.database_url = database_url
        self.secret_key = secret_key
        self.app_env = app_env
        self.log_path = log_path
        self.port = free_port()
        # Where its mail and SMS go (tests/bench/sinks.py), from start() to stop().
        self.sinks: Sinks | None = None
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def settings(self) -> Settings:
        return settings_for(
            database_url=self.database_url, port=self.port, secret_key=self.secret_key,
            app_env=self.app_env,
            smtp_port=self.sinks.smtp_port if self.sinks else 9,
            sms_port=self.sinks.sms_port if self.sinks else 9,
            hashing_concurrency=self.hashing_concurrency,
        )

    async def start(self) -> None:
        self.sinks = self.sinks or Sinks()
        command = [
            sys.executable, "-m", self.launcher,
            # `=`: a urlsafe key may begin with "-", which argparse would read as an option.
            f"--database-url={self.database_url}", "--port", str(self.port),
            f"--secret-key={self.secret_key}", "--app-env", self.app_env,
            "--smtp-port", str(self.sinks.smtp_port), "--sms-port", str(self.sinks.sms_port),
        ]
        if self.hashing_concurrency is not None:
            command += ["--hashing-concurrency", str(self.hashing_concurrency)]
        command += self.options
        with self.log_path.open("ab") as output:
            self.process = subprocess.Popen(
                command, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 60
        async with httpx.AsyncClient(base_url=self.url, timeout=2) as client:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(f"the server exited:\n{self.log_tail()}")
                with contextlib.suppress(httpx.HTTPError):
                    if (await client.get("/readyz")).status_code == 200:
                        return
                await asyncio.sleep(0.2)
        raise RuntimeError(f"the server did not get ready in 60 s:\n{self.log_tail()}")

    def stop(self) -> None:
        try:
            self._stop_process()
        finally:
            if self.sinks is not None:
                self.sinks.stop()
                self.sinks = None

    def _stop_process(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def log_tail(self, lines: int = 6, width: int = 400) -> str:
        """The end of the server's log, for an error message; the whole file stays there."""
        with contextlib.suppress(OSError):
            text = self.log_path.read_text(errors="replace")
            tail = [line for line in text.splitlines() if line.strip()][-lines:]
            return "\n".join(line[:width] for line in tail) + f"\n(server log: {self.log_path})"
        return ""


def cpu_ticks() -> dict[int, tuple[str, int, int]]:
    """pid -> (command, parent pid, user + system clock ticks so far), for every process."""
    processes = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            text = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        command = text[text.index("(") + 1 : text.rindex(")")]
        fields = text[text.rindex(")") + 2 :].split()
        processes[int(entry.name)] = (command, int(fields[1]), int(fields[11]) + int(fields[12]))
    return processes


class CpuMeter:
    """Where the machine's CPU went during a measurement, in cores (1.0 = one core busy):
    the server, the database, the load generator, this process, and anything else."""

    def __init__(self, server: Server) -> None:
        self.server_pid = server.process.pid if server.process else -1
        self.before = cpu_ticks()
        self.started = time.monotonic()

    def shares(self) -> dict[str, float]:
        after, elapsed = cpu_ticks(), time.monotonic() - self.started
        shares = dict.fromkeys(("server", "database", "load", "bench", "other"), 0.0)
        for pid, (command, parent, ticks) in after.items():
            used = ticks - self.before.get(pid, (command, parent, 0))[2]
            if pid == self.server_pid:
                kind = "server"
            elif command.startswith("postgres"):
                kind = "database"
            elif command == "wrk" or parent == os.getpid():
                kind = "load"
            elif pid == os.getpid():
                kind = "bench"
            else:
                kind = "other"
            shares[kind] += used / os.sysconf("SC_CLK_TCK") / elapsed
        return shares
