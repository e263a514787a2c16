"""Where a request's time goes: the product's app in this process, under pyinstrument.

    python -m tests.bench.profile [--query me|list|cheap|login] [--requests N] [--engine sqlite|postgres]

Seeds a small fresh database, signs a member in, then sends N requests of one kind straight
to the ASGI app (no sockets: the HTTP client's own frames are in the tree, under `client`)
and prints pyinstrument's tree and the mean time per request. `--raw` profiles the in-app
raw routes instead, `--independent` the independent raw app (tests/bench/independent.py),
`--independent --floor` that app's floor (bare Strawberry over dicts, graphql-core's execute).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import math
import pstats
import secrets
import time

import httpx
from pyinstrument import Profiler

from tests.bench import baseline, seed
from tests.bench.databases import Databases, orm, seed_database
from tests.bench.launcher import settings_for
from tests.support import LOGIN


async def main_async(args: argparse.Namespace) -> None:
    from schema.http.app import create_app

    databases = Databases(keep=False)
    try:
        url = databases.sqlite() if args.engine == "sqlite" else \
            await databases.create_postgres("profile")
        secret = secrets.token_urlsafe(48)
        settings = settings_for(database_url=url, port=1, secret_key=secret,
                                app_env="production", smtp_port=9, sms_port=9)
        seeded = await seed_database(settings, seed.Plan(
            members=50, requests=250, questions=10, special=(24,), chunk=1_000))
        async with orm(settings):
            app = create_app(settings, manage_database=False)
            app.router.routes.extend(baseline.routes(app.state.runtime))
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
                answer = (await client.post("/graphql", json={"query": LOGIN, "variables": {
                    "input": {"nationalId": seeded.special[0].national_id,
                              "password": seed.PASSWORD}}})).json()
                token = answer["data"]["login"]["session"]["accessToken"]
                headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
                if args.independent:
                    from tests.bench.independent import build_app
                    raw_app = build_app(database_url=url, secret_key=secret)
                    async with raw_app.router.lifespan_context(raw_app):
                        raw = httpx.AsyncClient(transport=httpx.ASGITransport(app=raw_app),
                                                base_url="http://bench")
                        await profiled(args, raw, headers,
                                       prefix=None if args.floor else "/raw",
                                       graphql_path="/floor/graphql")
                else:
                    login = {"input": {"nationalId": seeded.special[0].national_id,
                                       "password": seed.PASSWORD}}
                    await profiled(args, client, headers, prefix="/bench/raw" if args.raw else None,
                                   login=login)
    finally:
        await databases.close()


async def profiled(
    args: argparse.Namespace, client: httpx.AsyncClient, headers: dict[str, str],
    prefix: str | None, login: dict | None = None, graphql_path: str = "/graphql",
) -> None:
    if prefix is not None:
        path = {"me": "/me", "list": "/requests?first=20"}[args.query]

        def send() -> object:
            return client.get(prefix + path, headers=headers)
    else:
        query, variables = {
            "me": (baseline.ME_QUERY, None),
            "list": (baseline.REQUESTS_QUERY, {"first": 20}),
            "cheap": ("query Services { services { type } }", None),
            "login": (LOGIN, login),
        }[args.query]

        def send() -> object:
            return client.post(graphql_path, headers=headers,
                               json={"query": query, "variables": variables})

    for _ in range(50):
        response = await send()  # type: ignore[misc]
        assert response.status_code == 200, response.text
        assert "errors" not in response.json(), response.text
    # The least of five batches: other processes on the machine only ever add to it.
    plain, plain_cpu = math.inf, math.inf
    for _ in range(5):
        started, cpu = time.perf_counter(), time.process_time()
        for _ in range(args.requests // 5):
            await send()  # type: ignore[misc]
        plain = min(plain, (time.perf_counter() - started) / (args.requests // 5))
        plain_cpu = min(plain_cpu, (time.process_time() - cpu) / (args.requests // 5))
    if args.cprofile:
        profile = cProfile.Profile()
        started = time.perf_counter()
        profile.enable()
        for _ in range(args.requests):
            await send()  # type: ignore[misc]
        profile.disable()
        elapsed = time.perf_counter() - started
        stats = pstats.Stats(profile).sort_stats(args.cprofile)
        stats.print_stats(args.lines)
        if args.callers:
            stats.print_callers(args.callers)
    else:
        profiler = Profiler(interval=args.interval / 1000, async_mode="disabled")
        started = time.perf_counter()
        with profiler:
            for _ in range(args.requests):
                await send()  # type: ignore[misc]
        elapsed = time.perf_counter() - started
        print(profiler.output_text(unicode=True, color=False, show_all=args.all,
                                   short_mode=False, flat=args.flat))
    print(f"{args.requests} requests: least of 5 batches {plain * 1000:.3f} ms each, CPU "
          f"{plain_cpu * 1000:.3f} ms; "
          f"{elapsed / args.requests * 1000:.3f} ms profiled (client included)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--query", choices=("me", "list", "cheap", "login"), default="me")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--engine", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--raw", action="store_true", help="the in-app raw routes")
    parser.add_argument("--all", action="store_true", help="show every frame")
    parser.add_argument("--interval", type=float, default=1, help="sampling, ms (1)")
    parser.add_argument("--cprofile", choices=("tottime", "cumulative"), default=None,
                        help="cProfile instead of pyinstrument, sorted so")
    parser.add_argument("--lines", type=int, default=40, help="cProfile lines printed (40)")
    parser.add_argument("--callers", default=None, help="cProfile: who calls the functions matching this")
    parser.add_argument("--flat", action="store_true", help="self time per function")
    parser.add_argument("--independent", action="store_true", help="the independent raw app")
    parser.add_argument("--floor", action="store_true",
                        help="with --independent: its floor (bare Strawberry, graphql-core)")
    args = parser.parse_args()
    try:
        from uvloop import run
    except ImportError:
        run = asyncio.run  # type: ignore[assignment]
    run(main_async(args))


if __name__ == "__main__":
    main()
