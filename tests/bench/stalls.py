"""What stalls the event loop under steady load: a latency histogram and a stall sampler.

    python -m tests.bench.stalls [--seconds 10] [--connections 16] [--query '{ __typename }']

Starts the product (production settings, a fresh SQLite file) in a subprocess with two
probes in it: a heartbeat on the event loop every millisecond (the loop's lag, as a
histogram) and a watchdog thread that, whenever the heartbeat is 15 ms late, records the
main thread's stack at that moment (what the loop was doing when it stalled). It loads the
server with wrk (or the Python client) for `--seconds`, and reads the server thread's
run-queue wait from /proc (schedstat: time runnable but not running, i.e. waiting for a
core). Then the same load against a bare Starlette app answering the same JSON, as the
yardstick for what the machine itself does to a tail.

The README's "No tail" section reads its output.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import gc
import json
import secrets
import sys
import threading
import time
import traceback
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import orjson

STALL_MS = 15.0
LAG_BUCKETS_MS = (0.5, 1, 2, 5, 10, 20, 50, 100, 250)


class Probe:
    """The heartbeat and the watchdog, inside the server's process."""

    def __init__(self) -> None:
        self.beat = time.perf_counter()
        self.lags: list[float] = []
        self.stalls: collections.Counter[str] = collections.Counter()
        self.main_thread = threading.get_ident()
        # The cyclic garbage collector's passes: (generation, ms), from gc.callbacks.
        self.collections: list[tuple[int, float]] = []
        self._collecting = 0.0
        gc.callbacks.append(self.on_collection)

    def on_collection(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._collecting = time.perf_counter()
        else:
            self.collections.append(
                (info["generation"], (time.perf_counter() - self._collecting) * 1000))

    async def heartbeat(self) -> None:
        while True:
            started = self.beat = time.perf_counter()
            await asyncio.sleep(0.001)
            self.lags.append((time.perf_counter() - started - 0.001) * 1000)

    def watchdog(self) -> None:
        seen = None
        while True:
            time.sleep(0.002)
            beat = self.beat
            if (time.perf_counter() - beat) * 1000 > STALL_MS and beat != seen:
                seen = beat
                frame = sys._current_frames().get(self.main_thread)
                stack = traceback.extract_stack(frame)[-8:] if frame else []
                self.stalls["\n".join(
                    f"    {one.filename.split('site-packages/')[-1]}:{one.lineno} {one.name}"
                    for one in stack)] += 1

    def report(self) -> dict[str, Any]:
        lags = sorted(self.lags)
        histogram = collections.Counter(
            next((f"<= {edge:g}" for edge in LAG_BUCKETS_MS if lag <= edge), "> 250")
            for lag in lags)
        return {
            "beats": len(lags),
            "p50": lags[len(lags) // 2] if lags else 0,
            "p99": lags[int(len(lags) * 0.99)] if lags else 0,
            "max": lags[-1] if lags else 0,
            "histogram": [[f"<= {edge:g}", histogram.get(f"<= {edge:g}", 0)]
                          for edge in LAG_BUCKETS_MS] + [["> 250", histogram.get("> 250", 0)]],
            "stalls": self.stalls.most_common(6),
            "collections": [
                [generation, len(times), max(times, default=0), sum(times)]
                for generation in (0, 1, 2)
                for times in [[ms for g, ms in self.collections if g == generation]]
            ],
            "objects": len(gc.get_objects()),
        }


def serve(argv: list[str]) -> None:
    """The launcher's command line (tests.bench.process.Server starts it), with the probes;
    --bare serves a Starlette app with no product code instead."""
    import uvicorn

    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--secret-key", required=True)
    parser.add_argument("--app-env", default="production")
    parser.add_argument("--smtp-port", type=int, default=9)
    parser.add_argument("--sms-port", type=int, default=9)
    args = parser.parse_args([a for a in argv if a != "--bare"])
    if "--bare" in argv:
        app = _bare_app()
    else:
        from server import configure_logging, create_app
        from tests.bench.launcher import settings_for

        settings = settings_for(database_url=args.database_url, port=args.port,
                                secret_key=args.secret_key, app_env=args.app_env,
                                smtp_port=args.smtp_port, sms_port=args.sms_port)
        configure_logging(production=True)
        app = create_app(settings)
    probe = Probe()
    served = app.router.lifespan_context

    @contextlib.asynccontextmanager
    async def lifespan(application: Any) -> AsyncIterator[Any]:
        async with served(application) as state:
            probe.collections.clear()  # start-up's own passes are not the load's
            beating = asyncio.create_task(probe.heartbeat())
            threading.Thread(target=probe.watchdog, daemon=True).start()
            yield state
            beating.cancel()
            Path(args.database_url.split("://", 1)[1] + ".stalls.json").write_bytes(
                orjson.dumps(probe.report()))

    app.router.lifespan_context = lifespan
    uvicorn.run(app, host="127.0.0.1", port=args.port, access_log=False, log_config=None,
                http="httptools", loop="uvloop", lifespan="on")


def _bare_app() -> Any:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    async def graphql(request: Request) -> Response:
        await request.body()
        return Response(b'{"data":{"__typename":"Query"}}', media_type="application/json")

    async def ready(request: Request) -> Response:
        return Response(b"{}", media_type="application/json")

    return Starlette(routes=[Route("/graphql", graphql, methods=["POST"]),
                             Route("/readyz", ready)])


def run_queue_ms(pid: int) -> tuple[float, float]:
    """(on CPU, waiting for a CPU) in ms so far, for the process's main thread."""
    running, waiting, _ = Path(f"/proc/{pid}/task/{pid}/schedstat").read_text().split()
    return int(running) / 1e6, int(waiting) / 1e6


async def measure(args: argparse.Namespace, *, bare: bool) -> dict[str, Any]:
    from tests.bench.databases import Databases
    from tests.bench.load import Load, Shape
    from tests.bench.process import Server

    databases = Databases(keep=False)
    url = databases.sqlite()
    server = Server(database_url=url, secret_key=secrets.token_urlsafe(48), app_env="production",
                    log_path=databases.workdir / "stalls.log", launcher="tests.bench.stalls",
                    options=("--bare",) if bare else ())
    load = Load(server.url, tool=args.client)
    try:
        await server.start()
        assert server.process is not None
        pid = server.process.pid
        body = orjson.dumps({"query": args.query}).decode()
        shape = Shape("POST", "/graphql", body=body, expect='"data"')
        await load.run(shape, connections=args.connections, seconds=1)
        before = run_queue_ms(pid)
        result = await load.run(shape, connections=args.connections, seconds=args.seconds)
        after = run_queue_ms(pid)
        server.stop()
        report = json.loads(Path(url.split("://", 1)[1] + ".stalls.json").read_text())
        return {"result": result, "on_cpu": after[0] - before[0],
                "waiting": after[1] - before[1], **report}
    finally:
        server.stop()
        load.close()
        await databases.close()


def print_side(name: str, side: dict[str, Any], seconds: float) -> None:
    result = side["result"]
    print(f"== {name}: {result.requests / result.seconds:.0f} req/s, latency p50 "
          f"{result.p50_ms:.2f} ms, p99 {result.p99_ms:.2f} ms, max {result.max_ms:.0f} ms")
    print(f"   main thread: {side['on_cpu'] / 1000:.2f} s on a core and {side['waiting'] / 1000:.2f}"
          f" s runnable but waiting for one, in {seconds:g} s")
    print(f"   event-loop lag over {side['beats']} beats: p50 {side['p50']:.2f} ms, p99 "
          f"{side['p99']:.2f} ms, max {side['max']:.0f} ms; histogram (ms): "
          + ", ".join(f"{edge} {count}" for edge, count in side["histogram"] if count))
    print(f"   {side['objects']:,} objects tracked by the collector; passes per generation "
          "(count, longest ms, total ms): " + "; ".join(
              f"gen {generation}: {count}, {longest:.1f}, {total:.0f}"
              for generation, count, longest, total in side["collections"]))
    for stack, count in side["stalls"]:
        print(f"   {count} stalls over {STALL_MS:g} ms began in:\n{stack}")


async def main_async(args: argparse.Namespace) -> None:
    product = await measure(args, bare=False)
    bare = await measure(args, bare=True)
    print_side("product", product, args.seconds)
    print_side("bare Starlette (no product code)", bare, args.seconds)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if any(arg.startswith("--database-url") for arg in argv):
        serve(argv)
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--query", default="{ __typename }")
    parser.add_argument("--client", default="auto", help="wrk, python or auto")
    asyncio.run(main_async(parser.parse_args(argv)))


if __name__ == "__main__":
    main()
