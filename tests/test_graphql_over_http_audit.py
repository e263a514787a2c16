"""GraphQL-over-HTTP conformance: graphql-http's audit suite against the real server process."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
AUDIT_DIR = ROOT / "tests" / "audit"
STARTUP_TIMEOUT = 60.0


def _require_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        reason = f"`{name}` not on PATH: the graphql-http audit needs Node.js and npm"
        # CI must run the audit, so a missing toolchain there is a failure, not a skip.
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (CI=true: failing instead of skipping)")
        pytest.skip(reason)
    return path


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _tail(path: Path, limit: int = 8000) -> str:
    text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
    return text[-limit:]


def _ensure_audit_deps(npm: str) -> None:
    if (AUDIT_DIR / "node_modules" / "graphql-http" / "package.json").exists():
        return
    done = subprocess.run(
        [npm, "ci", "--silent", "--no-audit", "--no-fund"],
        cwd=AUDIT_DIR,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, f"npm ci failed in {AUDIT_DIR}:\n{done.stdout}\n{done.stderr}"


def _wait_healthy(proc: subprocess.Popen[bytes], base_url: str, log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    last_error = "no answer yet"
    # trust_env=False: a proxy from the environment must never see loopback traffic.
    with httpx.Client(trust_env=False, timeout=2.0) as client:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(
                    f"server exited with {proc.returncode} before /healthz answered:\n"
                    f"{_tail(log_path)}"
                )
            try:
                response = client.get(f"{base_url}/healthz")
            except httpx.TransportError as exc:
                last_error = repr(exc)
            else:
                if response.status_code == 200:
                    return
                last_error = f"HTTP {response.status_code}: {response.text[:200]}"
            time.sleep(0.25)
    pytest.fail(
        f"/healthz did not answer 200 within {STARTUP_TIMEOUT:.0f}s ({last_error}):\n"
        f"{_tail(log_path)}"
    )


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
    proc.wait()


def test_server_passes_graphql_over_http_audit(tmp_path: Path) -> None:
    node = _require_tool("node")
    npm = _require_tool("npm")
    _ensure_audit_deps(npm)

    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "APP_ENV": "development",
        "DATABASE_URL": f"sqlite://{tmp_path}/audit.sqlite3",
        "PYTHONUNBUFFERED": "1",
    }
    log_path = tmp_path / "server.log"

    # The server's output goes to a file, not a pipe: nobody drains a pipe while
    # the audit runs, and a full pipe would stall the server.
    with log_path.open("wb") as log_file:
        proc = subprocess.Popen(
            [sys.executable, "server.py"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_healthy(proc, base_url, log_path)
            audit = subprocess.run(
                [node, str(AUDIT_DIR / "audit.mjs"), f"{base_url}/graphql"],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=180,
                check=False,
            )
        finally:
            _stop(proc)

    assert audit.returncode == 0, (
        f"graphql-http audit failed (exit {audit.returncode}):\n"
        f"{audit.stdout}\n{audit.stderr}\n--- server log (tail) ---\n{_tail(log_path)}"
    )
