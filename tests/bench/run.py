"""`make bench`: the API's throughput, latency and SQL counts against raw baselines.

    python -m tests.bench.run [--postgres] [--seconds N] [--rounds N] [--connections N] [--keep]

Starts the server (tests.bench.launcher: create_app plus the in-app raw routes) and the
independent raw app (tests.bench.independent: its own process, no product code) on
127.0.0.1 in subprocesses, seeds realistic data into a fresh database, checks both raw sides
answer exactly what GraphQL answers, and measures with wrk (or a Python client) in another
process:

1. throughput and p50/p99 of `me { profile }` and `me { requests(first: 20) }`: GraphQL
   against the independent raw app (the targets) and against the in-app raw routes
   (tests.bench.baseline: the GraphQL layer alone), in alternating rounds;
2. SQL statements per request for first: 1, 20 and 100, counted on the "tortoise.db_client"
   logger during one in-process request, and checked against what the engine executed;
3. login throughput against the raw argon2 verify rate at the server's hashing
   concurrency, and the p99 of a cheap query and of `me` during a login storm against
   their idle p99;
4. with --postgres (which also runs 1-3 on PostgreSQL): a member's first page and a staff
   queue page deep in the list with 1,000,000 requests against 1,000, as latency ratios;
5. a 5 MiB PDF upload's throughput against writing the same bytes to disk (tests.bench.uploads).
6. live events (tests.bench.live, on PostgreSQL whichever engine 1-3 use): delivery latency
   p50/p99 of an event from one server process to 1,000 sockets open on another, and the
   memory those sockets cost.
7. a staff page of 20 with applicants, with the access log off and on, as a ratio.
8. a decision letter rendered and signed against rendered alone, as a ratio
   (tests.bench.letters).

Every load is bounded in time; the server, wrk and the databases are cleaned up at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import math
import os
import platform
import secrets
import statistics
import sys
import time
from collections.abc import Awaitable, Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib.metadata import version
from typing import Any, TypeVar

import httpx
import orjson
from argon2.exceptions import VerifyMismatchError

from models import ServiceRequest
from resolvers import staff
from resolvers.platform.pagination import encode_cursor
from resolvers.platform.runtime import Runtime
from resolvers.platform.settings import Settings
from schema.http.app import create_app
from tests.bench import baseline, letters, live, seed, staff_desk, statements, uploads
from tests.bench.databases import (
    Databases,
    orm,
    password_hasher,
    postgres_started,
    postgres_version,
    seed_database,
)
from tests.bench.load import Load, Result, Shape
from tests.bench.process import CpuMeter, Server, load_average
from tests.support import LOGIN, with_check_digit

TARGET_ME = 0.6
TARGET_LIST = 0.5
TARGET_ME_ORM = 0.9  # against the ORM reference (tests/bench/orm_reference.py)
TARGET_LIST_ORM = 0.8
TARGET_ME_P99_ORM = 2.0  # product p99 / the ORM reference's p99, at most
TARGET_PAST_FLOOR = 1.0  # product / floor (bare Strawberry, graphql-core's execute), above
TARGET_LOGIN = 0.9
TARGET_P99 = 3.0
TARGET_SCALE = 1.5

LOAD_MEMBERS = 64
LIST_MEMBER_REQUESTS = 24
COUNT_MEMBER_REQUESTS = 120
PROBE_MEMBER_REQUESTS = 30
DEEP = 0.9  # the staff queue page starts after this fraction of all requests

PAGE_SIZES = (1, 20, 100)
T = TypeVar("T")

CHEAP_QUERY = "query Services { services { type } }"
STAFF_QUEUE_QUERY = """query Queue($after: String) { requests(first: 20, after: $after) {
  edges { node { referenceNumber status service { name } history { status at } } } } }"""


def say(message: str) -> None:
    print(f"  .. {message}", file=sys.stderr, flush=True)


def graphql_body(query: str, variables: dict[str, Any] | None = None) -> str:
    return orjson.dumps({"query": query, "variables": variables or {}}).decode()


@dataclass
class Measured:
    result: Result
    cpu: dict[str, float]
    postgres: bool = False

    @property
    def server_cpu(self) -> float:
        return self.cpu["server"]

    @property
    def cpu_ms_per_request(self) -> float:
        return ratio(self.cpu["server"] * self.result.seconds * 1000, self.result.requests)


ATTEMPTS = 3  # per measurement, when other processes disturbed it or restarted PostgreSQL
# (--attempts sets it)
BUSY_ELSEWHERE = 0.15  # cores used by unrelated processes that make a measurement suspect
suspect: list[str] = []  # measurements that stayed disturbed, for the end of the report


def note_cpu(name: str, cpu: dict[str, float]) -> None:
    if cpu["other"] > BUSY_ELSEWHERE:
        suspect.append(f"{name}: other processes used {cpu['other']:.2f} cores")


async def quiet(server: Server, patience: float) -> None:
    """Waits (bounded) until unrelated processes leave the machine's 2 cores alone."""
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline:
        meter = CpuMeter(server)
        await asyncio.sleep(1)
        if meter.shares()["other"] < BUSY_ELSEWHERE:
            return
    if patience > 0:
        say(f"unrelated processes still busy after {patience:g} s; measuring anyway")


async def attempts(
    server: Server, name: str, patience: float,
    once: Callable[[], Awaitable[tuple[T, dict[str, float], int, str]]],
) -> tuple[T, dict[str, float]]:
    """Runs a measurement until unrelated processes leave it alone (a few tries, keeping the
    cleanest) and again when PostgreSQL was restarted under it (tests/test_faults.py does).
    `once` returns (what it measured, CPU shares, failed responses, what failed)."""
    postgres = server.database_url.startswith("postgres")
    best: tuple[T, dict[str, float]] | None = None
    for attempt in range(1, ATTEMPTS + 1):
        await quiet(server, patience)
        started = await postgres_started() if postgres else None
        value, cpu, failed, problem = await once()
        if failed:
            if postgres and attempt < ATTEMPTS and await postgres_started() != started:
                say(f"{name}: PostgreSQL was restarted meanwhile (by another process); again")
                continue
            raise RuntimeError(f"{name}: {problem}\n{server.log_tail()}")
        if best is None or cpu["other"] < best[1]["other"]:
            best = (value, cpu)
        if cpu["other"] <= BUSY_ELSEWHERE:
            break
        if attempt < ATTEMPTS:
            say(f"{name}: unrelated processes used {cpu['other']:.2f} cores; measuring again")
    if best is None:
        raise RuntimeError(f"{name}: no clean measurement in {ATTEMPTS} attempts")
    note_cpu(name, best[1])
    return best


async def measure(
    load: Load, server: Server, shape: Shape, *, connections: int, seconds: float,
    warmup: float, name: str, patience: float = 0,
) -> Measured:
    async def once() -> tuple[Result, dict[str, float], int, str]:
        if warmup > 0:
            await load.run(shape, connections=connections, seconds=warmup)
        meter = CpuMeter(server)
        result = await load.run(shape, connections=connections, seconds=seconds)
        return result, meter.shares(), result.failed, (
            f"{result.failed} of {result.requests} responses to {shape.path} failed (errors "
            f"{result.errors}, non-2xx {result.non2xx}, unexpected {result.unexpected})"
        )

    result, cpu = await attempts(server, name, patience, once)
    return Measured(result, cpu, postgres=server.database_url.startswith("postgres"))


async def sign_in(client: httpx.AsyncClient, national_ids: list[str]) -> list[str]:
    slots = asyncio.Semaphore(8)

    async def one(national_id: str) -> str:
        async with slots:
            response = await client.post("/graphql", json={
                "query": LOGIN,
                "variables": {"input": {"nationalId": national_id, "password": seed.PASSWORD}},
            })
        login = response.json()["data"]["login"]
        if login["errors"]:
            raise RuntimeError(f"login of {national_id} failed: {login['errors']}")
        return login["session"]["accessToken"]

    return list(await asyncio.gather(*(one(national_id) for national_id in national_ids)))


async def graphql(
    client: httpx.AsyncClient, query: str, variables: dict | None = None, token: str | None = None
) -> dict:
    headers = {"Accept-Language": "en"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    response = await client.post(
        "/graphql", content=graphql_body(query, variables),
        headers={**headers, "Content-Type": "application/json"},
    )
    response.raise_for_status()
    answer = response.json()
    if answer.get("errors"):
        raise RuntimeError(f"GraphQL errors: {answer['errors']}")
    return answer


# ---------------------------------------------------------------- the report


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)
    targets: list[tuple[str, str, str, bool]] = field(default_factory=list)

    def add(self, line: str = "") -> None:
        self.lines.append(line)

    def extend(self, lines: Iterable[str]) -> None:
        self.lines.extend(lines)

    def target(self, name: str, figure: str, goal: str, met: bool) -> str:
        self.targets.append((name, figure, goal, met))
        return "PASS" if met else "MISS"

    def print(self) -> None:
        print("\n".join(self.lines))
        print()
        print("== Targets")
        width = max(len(name) for name, *_ in self.targets) if self.targets else 10
        for name, figure, goal, met in self.targets:
            print(f"{name:<{width}}  {figure:>10}  {goal:<8}  {'PASS' if met else 'MISS'}")


def ms(value: float) -> str:
    return f"{value:.2f}" if value < 100 else f"{value:.0f}"


def ratio(top: float, bottom: float) -> float:
    return top / bottom if bottom else math.nan


# ------------------------------------------------------------- 1. throughput


async def throughput(
    report: Report, sides: dict[str, tuple[Load, Server]], tokens: list[str],
    args: argparse.Namespace,
) -> None:
    """Each query from the product, from the independent raw app and from the in-app raw
    routes, in alternating rounds: background load hits every side of a ratio alike."""
    first = 20
    auth = {"auth": "Bearer @ITEM@", "items": tuple(tokens)}
    me_body = graphql_body(baseline.ME_QUERY)
    list_body = graphql_body(baseline.REQUESTS_QUERY, {"first": first})
    cases = [
        ("me { profile }", (TARGET_ME, TARGET_ME_ORM), '"nationalId"', {
            "GraphQL": Shape("POST", "/graphql", body=me_body, **auth),
            "independent": Shape("GET", "/raw/me", **auth),
            "ORM ref": Shape("GET", "/ref/me", **auth),
            "floor": Shape("POST", "/floor/graphql", body=me_body, **auth),
            "graphql-core": Shape("POST", "/core/graphql", body=me_body, **auth),
            "in-app": Shape("GET", "/bench/raw/me", **auth),
        }),
        (f"me {{ requests(first: {first}) }}", (TARGET_LIST, TARGET_LIST_ORM), '"referenceNumber"', {
            "GraphQL": Shape("POST", "/graphql", body=list_body, **auth),
            "independent": Shape("GET", f"/raw/requests?first={first}", **auth),
            "ORM ref": Shape("GET", f"/ref/requests?first={first}", **auth),
            "floor": Shape("POST", "/floor/graphql", body=list_body, **auth),
            "graphql-core": Shape("POST", "/core/graphql", body=list_body, **auth),
            "in-app": Shape("GET", f"/bench/raw/requests?first={first}", **auth),
        }),
    ]
    served_by = {"independent": "independent", "floor": "independent", "ORM ref": "ORM ref"}
    report.add(f"== 1. Throughput: {args.connections} connections, {args.rounds} alternating "
               f"rounds of {args.seconds:g} s per side after {args.warmup:g} s of warm-up; "
               f"{len(tokens)} members' tokens round-robin")
    report.add("GraphQL: the product (compiled plans); independent: tests/bench/independent.py, "
               "its own process sharing no code with the product (hand-written SQL); ORM ref: "
               "tests/bench/orm_reference.py, its own process, Starlette and Tortoise models of "
               "its own (a REST endpoint on this stack); graphql-core: the product with every "
               "document through graphql-core's executor instead of its plan; floor: the "
               "independent app's statements and JSON through a bare Strawberry schema and "
               "graphql-core's execute (the least GraphQL costs on this stack); in-app: raw "
               "routes inside the product's app "
               "(its middleware and sessions.authenticate), the GraphQL layer's cost alone")
    columns = f"{'req/s':>7}{'p50':>7}{'p99':>7}{'srv':>6}{'db':>5}{'CPU':>7}"
    report.add(f"{'query':<28}{'side':<13}{columns}  {'GraphQL/side':>12}  rounds")
    cpu_ratios: list[str] = []
    for name, goal, expect, shapes in cases:
        runs: dict[str, list[Measured]] = {kind: [] for kind in shapes}
        for round_number in range(1, args.rounds + 1):
            for kind, shape in shapes.items():
                say(f"throughput: {name}, {kind}, round {round_number}/{args.rounds}")
                load, server = sides[served_by.get(kind, "product")]
                runs[kind].append(await measure(
                    load, server, dataclasses.replace(shape, expect=expect),
                    connections=args.connections, seconds=args.seconds,
                    warmup=args.warmup if round_number == 1 else min(args.warmup, 1),
                    name=f"{name} {kind} round {round_number}", patience=args.quiet_wait,
                ))
        product = runs["GraphQL"]
        report.add(f"{name:<28}{'GraphQL':<13}{_figures(product)}")
        for kind in ("independent", "ORM ref", "floor", "graphql-core", "in-app"):
            each = [ratio(g.result.rps, r.result.rps) for g, r in zip(product, runs[kind],
                                                                      strict=True)]
            value = statistics.median(each)
            line = (f"{'':<28}{kind:<13}{_figures(runs[kind])}  {value:>12.3f}  "
                    + " ".join(f"{one:.3f}" for one in each))
            if kind == "floor":
                # Past the floor: more answers than the leanest GraphQL over the same reads.
                verdict = report.target(f"{name} GraphQL/floor", f"{value:.3f}",
                                        f"> {TARGET_PAST_FLOOR}", value > TARGET_PAST_FLOOR)
                line += f"  target > {TARGET_PAST_FLOOR} {verdict}"
            if kind in ("independent", "ORM ref"):
                wanted = goal[0] if kind == "independent" else goal[1]
                verdict = report.target(f"{name} GraphQL/{kind}", f"{value:.3f}",
                                        f">= {wanted}", value >= wanted)
                line += f"  target >= {wanted} {verdict}"
            report.add(line)
            if kind == "ORM ref" and name.startswith("me "):
                tail = ratio(statistics.median(g.result.p99_ms for g in product),
                             statistics.median(r.result.p99_ms for r in runs[kind]))
                verdict = report.target(f"{name} p99 GraphQL/ORM ref", f"{tail:.2f}",
                                        f"<= {TARGET_ME_P99_ORM}", tail <= TARGET_ME_P99_ORM)
                report.add(f"{'':<28}{'p99 GraphQL/ORM ref':<53}  {tail:>12.2f}  "
                           f"target <= {TARGET_ME_P99_ORM} {verdict}")
            if kind == "floor":
                ceiling = [ratio(f.result.rps, r.result.rps)
                           for f, r in zip(runs["floor"], runs["independent"], strict=True)]
                report.add(f"{'':<28}{'floor/independent (the ceiling of GraphQL/independent)':<53}"
                           f"  {statistics.median(ceiling):>12.3f}  "
                           + " ".join(f"{one:.3f}" for one in ceiling))
            cpu_ratios.append(f"{name} vs {kind} {ratio(_cpu_ms(runs[kind]), _cpu_ms(product)):.3f}")
        engines = {kind: ratio(sum(one.result.requests for one in runs[kind]),
                               sum(one.result.requests for one in runs["independent"]))
                   for kind in ("floor", "GraphQL", "graphql-core")}
        report.add(f"{'':<28}{'/independent: floor, compiled plans, graphql-core executor':<53}  "
                   + "  ".join(f"{value:.3f}" for value in engines.values()))
    report.add("(req/s over all rounds; p50, p99: latency in ms, median of the rounds; srv, db: "
               "CPU of the serving process and of PostgreSQL, 100% = one core of 2 (SQLite runs "
               "inside the server); CPU: server CPU ms per request; GraphQL/side: the median of "
               "the rounds' throughput ratios, each round's after it)")
    report.add("cross-check, side/GraphQL server CPU per request (what the throughput ratio "
               "would be with the server's core to itself): " + ", ".join(cpu_ratios))


def _cpu_ms(runs: list[Measured]) -> float:
    return ratio(sum(one.server_cpu * one.result.seconds * 1000 for one in runs),
                 sum(one.result.requests for one in runs))


def _figures(runs: list[Measured]) -> str:
    requests = sum(one.result.requests for one in runs)
    seconds = sum(one.result.seconds for one in runs)
    p50 = statistics.median(one.result.p50_ms for one in runs)
    p99 = statistics.median(one.result.p99_ms for one in runs)
    server = statistics.mean(one.cpu["server"] for one in runs)
    database = statistics.mean(one.cpu["database"] for one in runs)
    return (f"{ratio(requests, seconds):>7.0f}{ms(p50):>7}{ms(p99):>7}{server:>6.0%}"
            + (f"{database:>5.0%}" if runs[0].postgres else f"{'-':>5}")
            + f"{_cpu_ms(runs):>7.2f}")


# ---------------------------------------------------------- 2. SQL statements


async def statement_counts(report: Report, settings: Settings, token: str) -> None:
    app = create_app(settings, manage_database=False)
    app.router.routes.extend(baseline.routes(app.state.runtime))
    transport = httpx.ASGITransport(app=app)
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:

        def page(first: int) -> Callable[[], Awaitable[httpx.Response]]:
            return lambda: client.post("/graphql", headers=headers, json={
                "query": baseline.REQUESTS_QUERY, "variables": {"first": first}})

        def profile() -> Awaitable[httpx.Response]:
            return client.post("/graphql", headers=headers, json={"query": baseline.ME_QUERY})

        def raw_page() -> Awaitable[httpx.Response]:
            return client.get("/bench/raw/requests?first=20", headers=headers)

        await page(100)()  # connections opened, caches warm
        counted = await statements.count([
            ("me { profile }", profile),
            *((f"me {{ requests(first: {n}) }}", page(n)) for n in PAGE_SIZES),
            ("raw /bench/raw/requests?first=20", raw_page),
        ])
    for one, first in zip(counted, (None, *PAGE_SIZES, 20), strict=True):
        answer = one.response.json()
        if answer.get("errors"):
            raise RuntimeError(f"{one.name}: {answer['errors']}")
        if first is not None and len(answer["data"]["me"]["requests"]["edges"]) != first:
            raise RuntimeError(f"{one.name} did not return {first} items")

    engine = "sqlite3 trace" if settings.database_url.startswith("sqlite") else \
        "asyncpg query loggers"
    report.add()
    report.add("== 2. SQL statements per request: one request in-process (httpx.ASGITransport), "
               "counted on the \"tortoise.db_client\" logger at DEBUG")
    report.add(f"{'request':<36}{'logged':>7}{'executed':>10}  each logged exactly once "
               f"(checked against the {engine})")
    for one in counted:
        executed = len(one.executed) if one.checked else "?"
        report.add(f"{one.name:<36}{len(one.logged):>7}{executed:>10}"
                   f"  {'yes' if one.logged_once else 'NO'}")
    resets = sum(one.resets for one in counted)
    if resets:
        report.add(f"(asyncpg also reset the pooled connection after each of them: {resets} "
                   f"resets for {sum(len(one.executed) for one in counted)} statements, each "
                   "an extra round trip that Tortoise does not log)")
    pages = [len(one.logged) for one in counted[1 : 1 + len(PAGE_SIZES)]]
    all_once = all(one.logged_once for one in counted)
    same = len(set(pages)) == 1 and all_once
    verdict = report.target("SQL statements per page, first 1/20/100",
                            "/".join(map(str, pages)), "same", same)
    report.add("statements per page for first " + ", ".join(
        f"{n}: {count}" for n, count in zip(PAGE_SIZES, pages, strict=True))
        + f"; each logged once: {'yes' if all_once else 'no'}  "
        f"target: the same for 1, 20, 100  {verdict}")
    for statement in counted[2].logged:
        report.add(f"    {' '.join(statement.split())[:150]}")


# ------------------------------------------------------------------ 3. login


def argon2_rate(settings: Settings, seconds: float) -> float:
    """Verifies per second of the server's argon2 parameters, as many at once as the
    server's hashing semaphore allows, each in a worker thread like asyncio.to_thread."""
    hasher = password_hasher(settings)
    stored = hasher.hash(seed.PASSWORD)
    deadline = time.monotonic() + seconds

    def work() -> int:
        done = 0
        while time.monotonic() < deadline:
            try:
                hasher.verify(stored, seed.PASSWORD)
            except VerifyMismatchError as error:  # pragma: no cover - would be a bug
                raise AssertionError("argon2 verify failed") from error
            done += 1
        return done

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=settings.hashing_concurrency) as pool:
        total = sum(pool.map(lambda _: work(), range(settings.hashing_concurrency)))
    return total / (time.monotonic() - started)


async def login_storm(
    report: Report, load: Load, server: Server, national_ids: list[str], tokens: list[str],
    args: argparse.Namespace,
) -> None:
    settings = server.settings()
    login = Shape(
        "POST", "/graphql",
        body=graphql_body(LOGIN, {"input": {"nationalId": "@ITEM@", "password": seed.PASSWORD}}),
        items=tuple(national_ids), expect='"accessToken"',
    )
    probes = {
        f"cheap query `{CHEAP_QUERY}`": Shape(
            "POST", "/graphql", body=graphql_body(CHEAP_QUERY), expect='"services"',
            delay_ms=args.probe_delay_ms),
        "`me { profile }`": Shape(
            "POST", "/graphql", body=graphql_body(baseline.ME_QUERY), auth="Bearer @ITEM@",
            items=tuple(tokens), expect='"nationalId"', delay_ms=args.probe_delay_ms),
    }

    say("login: raw argon2 verify rate")

    async def verify_rate() -> tuple[float, dict[str, float], int, str]:
        meter = CpuMeter(server)
        rate = await asyncio.to_thread(argon2_rate, settings, min(args.seconds, 10))
        return rate, meter.shares(), 0, ""

    raw, _ = await attempts(server, "raw argon2", args.quiet_wait, verify_rate)
    say("login: storm alone")
    storm = await measure(load, server, login, connections=args.login_connections,
                          seconds=args.seconds, warmup=args.warmup, name="login storm",
                          patience=args.quiet_wait)

    def probing(with_storm: bool) -> Callable[
        [], Awaitable[tuple[list[Result], dict[str, float], int, str]]
    ]:
        """The paced probes side by side (with the storm first, when asked); each probe on
        its own connections."""
        async def once() -> tuple[list[Result], dict[str, float], int, str]:
            shapes = [login] * with_storm + list(probes.values())
            await asyncio.gather(*(load.run(shape, connections=_connections(shape, args),
                                            seconds=args.warmup) for shape in shapes))
            meter = CpuMeter(server)
            results = list(await asyncio.gather(*(
                load.run(shape, connections=_connections(shape, args), seconds=args.seconds)
                for shape in shapes)))
            failed = sum(result.failed for result in results)
            return results, meter.shares(), failed, f"{failed} failed responses"
        return once

    say("login: probes, idle")
    idle, _ = await attempts(server, "probes idle", args.quiet_wait, probing(False))
    say("login: probes during a login storm")
    (during_storm, *probed), storm_cpu = await attempts(
        server, "probes during the login storm", args.quiet_wait, probing(True)
    )

    login_ratio = ratio(storm.result.rps, raw)
    report.add()
    report.add(f"== 3. Login: argon2id m={settings.argon2_memory_kib} KiB "
               f"t={settings.argon2_time_cost} p={settings.argon2_parallelism}, hashing "
               f"concurrency {settings.hashing_concurrency} (Settings.hashing_concurrency)")
    report.add(f"{'raw argon2 verify, ' + str(settings.hashing_concurrency) + ' threads':<40}"
               f"{raw:>7.1f} /s  (PasswordHasher.verify in a thread pool of "
               f"{settings.hashing_concurrency}, nothing else running)")
    verdict = report.target("login / raw argon2 verify", f"{login_ratio:.3f}",
                            f">= {TARGET_LOGIN}", login_ratio >= TARGET_LOGIN)
    report.add(f"{'login mutation, ' + str(args.login_connections) + ' connections':<40}"
               f"{storm.result.rps:>7.1f} /s  p50 {ms(storm.result.p50_ms)} ms  p99 "
               f"{ms(storm.result.p99_ms)} ms  server CPU {storm.server_cpu:.0%}"
               + (f", db {storm.cpu['database']:.0%}" if storm.postgres else ""))
    report.add(f"    login / raw argon2 verify  {login_ratio:.3f}  >= {TARGET_LOGIN}  {verdict}")
    report.add(f"paced probes, {args.probe_connections} connections each, "
               f"{args.probe_delay_ms} ms apart, side by side (logins meanwhile: "
               f"{during_storm.rps:.1f} /s, {args.login_connections} connections; server CPU "
               f"{storm_cpu['server']:.0%}):")
    for (name, _), quiet_one, stormy in zip(probes.items(), idle, probed, strict=True):
        p99_ratio = ratio(stormy.p99_ms, quiet_one.p99_ms)
        label = "me" if name.startswith("`me") else "cheap query"
        verdict = report.target(f"{label} p99, login storm / idle", f"{p99_ratio:.3f}",
                                f"<= {TARGET_P99:g}", p99_ratio <= TARGET_P99)
        report.add(f"  {name}")
        report.add(f"    idle            {quiet_one.rps:>6.0f} req/s  p50 "
                   f"{ms(quiet_one.p50_ms)} ms  p99 {ms(quiet_one.p99_ms)} ms")
        report.add(f"    login storm     {stormy.rps:>6.0f} req/s  p50 {ms(stormy.p50_ms)} ms"
                   f"  p99 {ms(stormy.p99_ms)} ms")
        report.add(f"    p99 storm/idle  {p99_ratio:.3f}  <= {TARGET_P99:g}  {verdict}")


def _connections(shape: Shape, args: argparse.Namespace) -> int:
    return args.probe_connections if shape.delay_ms else args.login_connections


# --------------------------------------------------------------- 4. at scale


@dataclass
class ScaleRun:
    label: str
    requests: int
    members: int
    member_page: Measured | None = None
    staff_page: Measured | None = None
    deep_row: int = 0
    seeded_in: float = 0.0
    searches: dict[str, Measured] = field(default_factory=dict)


async def scale_run(
    databases: Databases, run: ScaleRun, args: argparse.Namespace, secret: str
) -> None:
    url = await databases.create_postgres(run.label.lower())
    server = Server(database_url=url, secret_key=secret, app_env=args.app_env,
                    log_path=databases.workdir / f"server-{run.label}.log",
                    launcher=args.launcher, hashing_concurrency=args.hashing_concurrency)
    settings = server.settings()
    say(f"scale {run.label}: seeding {run.requests:,} requests across {run.members:,} members")
    started = time.monotonic()
    seeded = await seed_database(settings, seed.Plan(
        members=run.members, requests=run.requests, questions=max(50, run.members // 4),
        special=(PROBE_MEMBER_REQUESTS,), chunk=20_000,
    ))
    run.seeded_in = time.monotonic() - started
    say(f"scale {run.label}: seeded in {run.seeded_in:.0f} s: {dict(seeded.counts)}")
    staff_id = with_check_digit("199999990")
    async with orm(settings):
        await staff.create_staff(
            runtime=Runtime.from_settings(settings), national_id=staff_id,
            full_name="Bench Queue Reviewer", password=seed.PASSWORD,
        )
        total = await ServiceRequest.all().count()
        run.deep_row = int(total * DEEP)
        deep = await ServiceRequest.all().order_by("submitted_at", "id").offset(
            run.deep_row).first()
        assert deep is not None
        cursor = encode_cursor(deep.submitted_at, deep.id)
        desk_staff_id, found = await staff_desk.searches(seeded.special[0].national_id)
    load = Load(server.url, tool=args.client)
    try:
        await server.start()
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
            member_token, staff_token, desk_token = await sign_in(
                client, [seeded.special[0].national_id, staff_id, desk_staff_id]
            )
            member_page = await graphql(client, baseline.REQUESTS_QUERY, {"first": 20},
                                        member_token)
            staff_page = await graphql(client, STAFF_QUEUE_QUERY, {"after": cursor}, staff_token)
        for answer, path in ((member_page, ("me", "requests")), (staff_page, ("requests",))):
            node = answer["data"]
            for key in path:
                node = node[key]
            if len(node["edges"]) != 20:
                raise RuntimeError(f"{run.label}: a page of {len(node['edges'])}, not 20")
        shapes = {
            "member": Shape("POST", "/graphql",
                            body=graphql_body(baseline.REQUESTS_QUERY, {"first": 20}),
                            auth="Bearer @ITEM@", items=(member_token,),
                            expect='"referenceNumber"'),
            "staff": Shape("POST", "/graphql",
                           body=graphql_body(STAFF_QUEUE_QUERY, {"after": cursor}),
                           auth="Bearer @ITEM@", items=(staff_token,),
                           expect='"referenceNumber"'),
        }
        say(f"scale {run.label}: member first page")
        run.member_page = await measure(load, server, shapes["member"], connections=1,
                                        seconds=args.seconds, warmup=args.warmup,
                                        name=f"{run.label} member page",
                                        patience=args.quiet_wait)
        say(f"scale {run.label}: staff queue page at row {run.deep_row:,}")
        run.staff_page = await measure(load, server, shapes["staff"], connections=1,
                                       seconds=args.seconds, warmup=args.warmup,
                                       name=f"{run.label} staff page",
                                       patience=args.quiet_wait)
        say(f"scale {run.label}: staff searches")
        run.searches = await staff_desk.measure_searches(
            load, server, desk_token, found, args, run.label, measure
        )
    finally:
        server.stop()
        load.close()


def report_scale(report: Report, small: ScaleRun, large: ScaleRun) -> None:
    report.add()
    report.add(f"== 4. PostgreSQL at scale: {large.requests:,} requests / {large.members:,} "
               f"members (seeded by COPY in {large.seeded_in:.0f} s) against {small.requests:,}"
               f" / {small.members:,}; one connection, requests back to back")
    report.add(f"{'query':<44}{'1k p50':>8}{'1k p99':>8}{'1M p50':>8}{'1M p99':>8}"
               f"{'1M/1k p50':>11}{'(p99)':>8}  target")
    for name, pick in (
        ("me { requests(first: 20) } (30 requests)", lambda run: run.member_page),
        (f"staff requests(first: 20, after: row {DEEP:.0%})", lambda run: run.staff_page),
    ):
        a, b = pick(small).result, pick(large).result
        value = ratio(b.p50_ms, a.p50_ms)
        verdict = report.target(f"{name.split(' (')[0]} 1M/1k latency", f"{value:.3f}",
                                f"<= {TARGET_SCALE}", value <= TARGET_SCALE)
        report.add(f"{name:<44}{ms(a.p50_ms):>8}{ms(a.p99_ms):>8}{ms(b.p50_ms):>8}"
                   f"{ms(b.p99_ms):>8}{value:>11.3f}{ratio(b.p99_ms, a.p99_ms):>8.2f}  "
                   f"<= {TARGET_SCALE}  {verdict}")
    staff_desk.report_searches(report, small.searches, large.searches, TARGET_SCALE, ratio, ms)
    report.add("(latencies in ms; the ratio is judged on p50)")


# ------------------------------------------------------------------ the run


async def main_async(args: argparse.Namespace) -> int:
    databases = Databases(keep=args.keep)
    load: Load | None = None
    server: Server | None = None
    independent: Server | None = None
    reference: Server | None = None
    report = Report()
    secret = secrets.token_urlsafe(48)
    load_before = load_average()
    try:
        engine = "postgres" if args.postgres else "sqlite"
        if engine == "postgres":
            url = await databases.create_postgres("main")
            engine_text = f"PostgreSQL {await postgres_version()} (fresh database " \
                          f"{databases.postgres[-1]})"
        else:
            url = databases.sqlite()
            engine_text = "SQLite (a fresh file; --postgres for PostgreSQL and part 4)"
        server = Server(database_url=url, secret_key=secret, app_env=args.app_env,
                        log_path=databases.workdir / "server.log", launcher=args.launcher,
                        hashing_concurrency=args.hashing_concurrency)
        settings = server.settings()
        independent = Server(database_url=url, secret_key=secret, app_env=args.app_env,
                             log_path=databases.workdir / "independent.log",
                             launcher="tests.bench.independent")
        reference = Server(database_url=url, secret_key=secret, app_env=args.app_env,
                           log_path=databases.workdir / "orm_reference.log",
                           launcher="tests.bench.orm_reference")
        load = Load(server.url, tool=args.client)

        say(f"seeding {engine}")
        started = time.monotonic()
        plan = seed.Plan(
            members=args.members, requests=args.members * 5, questions=args.members // 2,
            special=(LIST_MEMBER_REQUESTS,) * LOAD_MEMBERS + (COUNT_MEMBER_REQUESTS,),
            chunk=2_000,
        )
        seeded = await seed_database(settings, plan)
        seeded_in = time.monotonic() - started
        load_members = seeded.special[:LOAD_MEMBERS]
        count_member = seeded.special[LOAD_MEMBERS]

        say("starting the server, the independent raw app and the ORM reference")
        await asyncio.gather(server.start(), independent.start(), reference.start())
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as client, \
                httpx.AsyncClient(base_url=independent.url, timeout=30) as raw_client, \
                httpx.AsyncClient(base_url=reference.url, timeout=30) as reference_client:
            tokens = await sign_in(client, [m.national_id for m in load_members])
            (count_token,) = await sign_in(client, [count_member.national_id])
            identical = {}
            for name, query, variables, path in (
                ("me", baseline.ME_QUERY, None, "me"),
                ("requests(first: 20)", baseline.REQUESTS_QUERY, {"first": 20},
                 "requests?first=20"),
            ):
                for token in (tokens[0], tokens[-1]):
                    answer = await graphql(client, query, variables, token)
                    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
                    for side, answered in (
                        ("in-app", await client.get(f"/bench/raw/{path}", headers=headers)),
                        ("independent", await raw_client.get(f"/raw/{path}", headers=headers)),
                        ("floor", await raw_client.post("/floor/graphql", headers=headers, json={
                            "query": query, "variables": variables})),
                        ("ORM ref", await reference_client.get(f"/ref/{path}", headers=headers)),
                        ("graphql-core", await client.post("/core/graphql", headers=headers, json={
                            "query": query, "variables": variables})),
                    ):
                        same = answer == answered.json()
                        identical[f"{name} {side}"] = identical.get(f"{name} {side}", True) and same
                        if not same:
                            print(f"GraphQL: {answer}\n{side}: {answered.json()}", file=sys.stderr)
            if not all(identical.values()):
                raise RuntimeError("the raw apps do not answer what GraphQL answers: " + ", ".join(
                    name for name, same in identical.items() if not same))

        report.add("GOSI self-service API benchmark")
        report.add(f"machine: {os.cpu_count()} cores, {platform.python_implementation()} "
                   f"{platform.python_version()}; strawberry-graphql "
                   f"{version('strawberry-graphql')}, graphql-core {version('graphql-core')}, "
                   f"starlette {version('starlette')}, uvicorn {version('uvicorn')} "
                   f"(httptools, uvloop, 1 worker, no access log), tortoise-orm "
                   f"{version('tortoise-orm')}, APP_ENV={args.app_env}")
        report.add(f"database: {engine_text}")
        report.add(f"load generator: {load.describe()}, a separate process, to 127.0.0.1 only")
        report.add("seeded in {:.0f} s: {}".format(seeded_in, ", ".join(
            f"{count:,} {name}" for name, count in seeded.counts.items())))
        report.add("baseline output identical: " + ("yes" if all(identical.values()) else "no")
                   + "  (" + ", ".join(f"{name}: {'yes' if same else 'no'}"
                                       for name, same in identical.items()) + ")")
        report.add()

        if 1 in args.parts:
            raw_load = Load(independent.url, tool=args.client)
            reference_load = Load(reference.url, tool=args.client)
            try:
                await throughput(report, {"product": (load, server),
                                          "independent": (raw_load, independent),
                                          "ORM ref": (reference_load, reference)}, tokens, args)
            finally:
                raw_load.close()
                reference_load.close()
        independent.stop()
        reference.stop()
        if 2 in args.parts:
            say("SQL statements per request")
            async with orm(settings):
                await statement_counts(report, settings, count_token)
        if 3 in args.parts:
            await login_storm(report, load, server, [m.national_id for m in load_members],
                              tokens, args)
        if 7 in args.parts:
            say("access log: staff page with applicants, log off and on")
            async with orm(settings):
                desk_token, cursors = await staff_desk.staff_token_and_cursors(
                    server, settings, seed.PASSWORD, with_check_digit("199999980"), LOGIN
                )
            await staff_desk.access_log_part(report, load, server, desk_token, cursors, args,
                                             measure, ratio, ms)
        server.stop()
        if 5 in args.parts:
            say("uploads")
            async with orm(settings):
                await uploads.upload_throughput(report, settings, databases.workdir, args.seconds)

        if 8 in args.parts:
            say("letters: render, and render and sign")
            await asyncio.to_thread(letters.letter_signing, report, args.seconds)

        if args.postgres and 4 in args.parts:
            small = ScaleRun("1k", requests=1_000, members=200)
            large = ScaleRun("1M", requests=args.scale_requests,
                             members=args.scale_requests // 5)
            for run in (small, large):
                await scale_run(databases, run, args, secret)
            report_scale(report, small, large)
        if 6 in args.parts:
            report.add()
            await live.live_fanout(report, databases, args, secret)
        report.add()
        report.add(f"machine load average (1 min): {load_before:.2f} before the run, "
                   f"{load_average():.2f} after")
        if suspect:
            report.add("WARNING: unrelated processes were busy during some measurements; "
                       "their figures are suspect:")
            report.extend(f"    {line}" for line in suspect)
        else:
            report.add(f"no unrelated process used more than {BUSY_ELSEWHERE} cores "
                       "during any measurement")
        report.print()
        return 0
    finally:
        for process in (server, independent, reference):
            if process is not None:
                process.stop()
        if load is not None:
            load.close()
        await databases.close()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench.run", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--postgres", action="store_true",
                        help="run on PostgreSQL (127.0.0.1:5432) and add the 1M-row part")
    parser.add_argument("--seconds", type=float, default=10, help="per measurement (10)")
    parser.add_argument("--warmup", type=float, default=2, help="before each measurement (2)")
    parser.add_argument("--connections", type=int, default=32,
                        help="for the throughput runs (32)")
    parser.add_argument("--login-connections", type=int, default=16,
                        help="for the login storm (16)")
    parser.add_argument("--probe-connections", type=int, default=2,
                        help="for the paced cheap-query probe (2)")
    parser.add_argument("--probe-delay-ms", type=int, default=10,
                        help="pause between two probe requests on one connection (10)")
    parser.add_argument("--members", type=int, default=2_000,
                        help="ordinary members seeded for parts 1-3 (2,000; 5 requests each)")
    parser.add_argument("--scale-requests", type=int, default=1_000_000,
                        help="requests in the large database of part 4 (1,000,000)")
    parser.add_argument("--client", choices=("auto", "wrk", "python"), default="auto",
                        help="load generator (auto: wrk when installed)")
    parser.add_argument("--app-env", choices=("production", "development"),
                        default="production")
    parser.add_argument("--keep", action="store_true",
                        help="keep the databases and the server logs")
    parser.add_argument("--parts", default="1,2,3,4,5,6,7,8",
                        help="which parts to run (1-8; 4 needs --postgres; 5 uploads, 6 live events, "
                             "7 access log, 8 letters)")
    parser.add_argument("--quiet-wait", type=float, default=20,
                        help="before each measurement, wait up to this many seconds for "
                             "unrelated processes to go quiet (20)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="alternating rounds of each throughput comparison (3)")
    parser.add_argument("--attempts", type=int, default=ATTEMPTS,
                        help="tries per measurement while other processes disturb it (3)")
    parser.add_argument("--hashing-concurrency", type=int, default=None,
                        help="the server's HASHING_CONCURRENCY (default: Settings' default)")
    parser.add_argument("--launcher", default="tests.bench.launcher",
                        help="module that serves the app (to measure a variant of it)")
    args = parser.parse_args(argv)
    args.parts = {int(part) for part in args.parts.split(",") if part.strip()}
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    global ATTEMPTS
    ATTEMPTS = max(1, args.attempts)
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
