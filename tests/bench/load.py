"""Load generation in a process of its own: wrk when installed, else a small Python client.

A `Shape` says what to send; `Load.run` sends it for a bounded time to 127.0.0.1 and
returns what came back. The Python client (`python -m tests.bench.load SPEC.json`) speaks
plain HTTP/1.1 with keep-alive on raw sockets, so that it costs little CPU next to the
server on a 2-core machine, and prints the same BENCH_RESULT line as request.lua.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

LUA_SCRIPT = Path(__file__).with_name("request.lua")
RESULT_MARK = "BENCH_RESULT "
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@dataclass(frozen=True)
class Shape:
    method: str
    path: str
    body: str | None = None
    """May contain @ITEM@, replaced by an item."""
    auth: str | None = None
    """Authorization header value; may contain @ITEM@."""
    items: tuple[str, ...] = ()
    """Used round-robin: tokens or national IDs."""
    expect: str | None = None
    """Text every response must contain (and be 200), else it counts as unexpected."""
    delay_ms: int = 0
    """Pause before each request: a paced probe rather than a flood."""


@dataclass(frozen=True)
class Result:
    requests: int
    seconds: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    errors: int
    """Socket errors and timeouts."""
    non2xx: int
    unexpected: int
    """Responses that were not 200 or lacked the expected text (when one was given)."""

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def failed(self) -> int:
        return self.errors + self.non2xx + self.unexpected

    @classmethod
    def parse(cls, line: str) -> Result:
        raw = json.loads(line)
        return cls(
            requests=raw["requests"],
            seconds=raw["duration_us"] / 1e6,
            p50_ms=raw["p50_us"] / 1000,
            p90_ms=raw["p90_us"] / 1000,
            p99_ms=raw["p99_us"] / 1000,
            max_ms=raw["max_us"] / 1000,
            errors=raw["errors"],
            non2xx=raw["non2xx"],
            unexpected=raw["unexpected"],
        )


def wrk_path() -> str | None:
    return shutil.which("wrk")


class Load:
    def __init__(self, base_url: str, *, tool: str = "auto") -> None:
        host = urlsplit(base_url).hostname
        if host not in LOOPBACK:
            raise ValueError(f"load goes to loopback only, not {host!r}")
        self.base_url = base_url.rstrip("/")
        if tool == "auto":
            tool = "wrk" if wrk_path() else "python"
        if tool == "wrk" and not wrk_path():
            raise RuntimeError("wrk is not installed (apt-get install -y wrk)")
        self.tool = tool
        self._workdir = Path(tempfile.mkdtemp(prefix="gosi-bench-load-"))

    def describe(self) -> str:
        if self.tool == "wrk":
            version = subprocess.run(
                [wrk_path() or "wrk", "-v"], capture_output=True, text=True, check=False
            ).stdout.split("[")[0].strip()
            return f"{version} (1 thread, Lua script, --latency)"
        return "Python raw-socket HTTP/1.1 client in its own process (wrk not installed)"

    def close(self) -> None:
        shutil.rmtree(self._workdir, ignore_errors=True)

    async def run(self, shape: Shape, *, connections: int, seconds: float) -> Result:
        if self.tool == "wrk":
            return await self._wrk(shape, connections=connections, seconds=seconds)
        return await self._python(shape, connections=connections, seconds=seconds)

    def _items_file(self, shape: Shape) -> str:
        if not shape.items:
            return ""
        handle, name = tempfile.mkstemp(dir=self._workdir, suffix=".txt")
        with os.fdopen(handle, "w") as items:
            items.write("\n".join(shape.items) + "\n")
        return name

    async def _wrk(self, shape: Shape, *, connections: int, seconds: float) -> Result:
        env = {
            **os.environ,
            "BENCH_METHOD": shape.method,
            "BENCH_PATH": shape.path,
            "BENCH_BODY": shape.body or "",
            "BENCH_AUTH": shape.auth or "",
            "BENCH_ITEMS": self._items_file(shape),
            "BENCH_DELAY_MS": str(shape.delay_ms),
            "BENCH_EXPECT": shape.expect or "",
        }
        command = [
            wrk_path() or "wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s",
            "--timeout", "10s", "--latency", "-s", str(LUA_SCRIPT), self.base_url + shape.path,
        ]
        output = await _bounded(command, env=env, limit=seconds + 30)
        return _result_of(output, latency_text=True)

    async def _python(self, shape: Shape, *, connections: int, seconds: float) -> Result:
        spec = self._workdir / f"spec-{time.monotonic_ns()}.json"
        spec.write_text(json.dumps({
            "base_url": self.base_url,
            "shape": asdict(shape),
            "connections": connections,
            "seconds": seconds,
        }))
        command = [sys.executable, "-m", "tests.bench.load", str(spec)]
        output = await _bounded(command, env=dict(os.environ), limit=seconds + 30)
        return _result_of(output, latency_text=False)


async def _bounded(command: list[str], *, env: dict[str, str], limit: float) -> str:
    process = await asyncio.create_subprocess_exec(
        *command, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    try:
        output, _ = await asyncio.wait_for(process.communicate(), timeout=limit)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    text = output.decode(errors="replace")
    if process.returncode != 0:
        raise RuntimeError(f"{command[0]} exited with {process.returncode}:\n{text}")
    return text


def _result_of(output: str, *, latency_text: bool) -> Result:
    for line in output.splitlines():
        if line.startswith(RESULT_MARK):
            return Result.parse(line[len(RESULT_MARK):])
    if latency_text:
        return _parse_wrk_text(output)
    raise RuntimeError(f"no result in the load generator's output:\n{output}")


def _parse_wrk_text(output: str) -> Result:
    """wrk's own --latency report, when the Lua done() line is missing."""
    percentiles: dict[str, float] = {}
    requests, seconds, non2xx, errors = 0, 0.0, 0, 0
    for line in output.splitlines():
        words = line.split()
        if len(words) == 2 and words[0].endswith("%"):
            percentiles[words[0]] = _milliseconds(words[1])
        elif "requests in" in line:
            requests = int(words[0])
            seconds = _milliseconds(words[3].rstrip(",")) / 1000
        elif line.strip().startswith("Non-2xx"):
            non2xx = int(words[-1])
        elif line.strip().startswith("Socket errors"):
            errors = sum(int(part.split()[-1]) for part in line.split(":", 1)[1].split(","))
    if not requests:
        raise RuntimeError(f"could not read wrk's output:\n{output}")
    return Result(
        requests=requests, seconds=seconds, p50_ms=percentiles.get("50%", math.nan),
        p90_ms=percentiles.get("90%", math.nan), p99_ms=percentiles.get("99%", math.nan),
        max_ms=math.nan, errors=errors, non2xx=non2xx, unexpected=0,
    )


def _milliseconds(text: str) -> float:
    for unit, factor in (("us", 0.001), ("ms", 1.0), ("s", 1000.0), ("m", 60_000.0)):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * factor
    return float(text)


# ------------------------------------------------------------ the Python client


def _prepared(base_url: str, shape: Shape) -> list[bytes]:
    parts = urlsplit(base_url)
    host = f"{parts.hostname}:{parts.port}" if parts.port else str(parts.hostname)
    requests = []
    for item in shape.items or ("",):
        headers = [f"{shape.method} {shape.path} HTTP/1.1", f"Host: {host}",
                   "Accept-Language: en"]
        body = (shape.body or "").replace("@ITEM@", item).encode()
        if shape.auth:
            headers.append("Authorization: " + shape.auth.replace("@ITEM@", item))
        if shape.body:
            headers += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
        requests.append(("\r\n".join(headers) + "\r\n\r\n").encode() + body)
    return requests


async def _connection(
    base_url: str, requests: list[bytes], shape: Shape, offset: int, deadline: float,
    latencies: list[float], counts: dict[str, int],
) -> None:
    parts = urlsplit(base_url)
    try:
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port or 80)
    except OSError:
        counts["errors"] += 1
        return
    expect = (shape.expect or "").encode()
    index = offset
    try:
        while time.monotonic() < deadline:
            if shape.delay_ms:
                await asyncio.sleep(shape.delay_ms / 1000)
            index = (index + 1) % len(requests)
            started = time.perf_counter()
            writer.write(requests[index])
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            body = await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
            if not 200 <= status < 400:
                counts["non2xx"] += 1
            if expect and (status != 200 or expect not in body):
                counts["unexpected"] += 1
    except (OSError, asyncio.IncompleteReadError, ValueError):
        counts["errors"] += 1
    finally:
        writer.close()


async def _flood(spec: dict) -> dict:
    shape = Shape(**{**spec["shape"], "items": tuple(spec["shape"]["items"])})
    requests = _prepared(spec["base_url"], shape)
    latencies: list[float] = []
    counts = {"errors": 0, "non2xx": 0, "unexpected": 0}
    started = time.monotonic()
    deadline = started + spec["seconds"]
    await asyncio.gather(*(
        _connection(spec["base_url"], requests, shape, n, deadline, latencies, counts)
        for n in range(spec["connections"])
    ))
    elapsed = time.monotonic() - started
    latencies.sort()

    def percentile(p: float) -> int:
        if not latencies:
            return 0
        return round(latencies[min(len(latencies) - 1, int(len(latencies) * p / 100))] * 1e6)

    return {
        "requests": len(latencies), "duration_us": round(elapsed * 1e6),
        "p50_us": percentile(50), "p90_us": percentile(90), "p99_us": percentile(99),
        "max_us": round(latencies[-1] * 1e6) if latencies else 0,
        "mean_us": sum(latencies) / len(latencies) * 1e6 if latencies else 0.0,
        **counts,
    }


def main() -> None:
    spec = json.loads(Path(sys.argv[1]).read_text())
    if urlsplit(spec["base_url"]).hostname not in LOOPBACK:
        raise SystemExit("load goes to loopback only")
    try:
        from uvloop import run
    except ImportError:
        run = asyncio.run
    print(RESULT_MARK + json.dumps(run(_flood(spec))), flush=True)


if __name__ == "__main__":
    main()
