"""The staff desk's figures: searches at scale (part 4) and what the access log costs (part 5).

Part 4 adds, on the 1,000 and 1,000,000-request databases, a first page of 20 for each of
the staff searches, signed in as a seeded staff member (who handles about a third of the
requests). Part 5 measures a staff queue page of 20 with each applicant's name and national
ID (20 REQUEST_REVIEW events a page) with the access log switched off and on in the server
(a benchmark-only route swaps the recorder for a no-op), round-robin over every page of the
queue so that most pages are new to the log when it is on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import httpx
import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from models import Member, RequestStatus, Role, ServiceRequest
from resolvers import staff as resolvers_staff
from resolvers.platform.pagination import encode_cursor
from resolvers.platform.runtime import Runtime
from tests.bench.load import Load, Shape

if TYPE_CHECKING:
    import argparse

    from tests.bench.process import Server
    from tests.bench.run import Measured, Report

TARGET_LOG = 0.9
STAFF_PAGE_QUERY = """query StaffPage($after: String) { requests(first: 20, after: $after) {
  edges { node { referenceNumber status applicant { fullName nationalId } } } } }"""
SEARCH_QUERY = """query Search($filter: RequestFilter) { requests(first: 20, filter: $filter) {
  edges { node { referenceNumber status submittedAt } } } }"""
COUNTED_SEARCH_QUERY = """query Search($filter: RequestFilter) {
  requests(first: 20, filter: $filter) { totalCount
  edges { node { referenceNumber status submittedAt } } } }"""


def routes(runtime: Runtime) -> list[Route]:
    """POST /bench/access-log/off and /on: the recorder swapped for a no-op and back."""
    recorder = runtime.access_log
    original = recorder.add

    async def switch(request: Request) -> Response:
        on = request.path_params["state"] == "on"
        recorder.add = original if on else (lambda access: None)  # type: ignore[method-assign]
        recorder.recent.clear()
        return JSONResponse({"accessLog": on})

    return [Route("/bench/access-log/{state}", switch, methods=["POST"])]


def body(query: str, variables: dict[str, Any]) -> str:
    return orjson.dumps({"query": query, "variables": variables}).decode()


# ---------------------------------------------------------------- part 4


async def searches(national_id: str) -> tuple[str, dict[str, tuple[str, dict[str, Any]]]]:
    """(a seeded staff member's national ID, {name: (query, filter)}), from the database."""
    staff = await Member.filter(role=Role.STAFF).order_by("national_id").first()
    assert staff is not None
    total = await ServiceRequest.all().count()
    deep = await ServiceRequest.all().order_by("submitted_at", "id").offset(
        int(total * 0.9)).first()
    assert deep is not None
    newest = await ServiceRequest.all().order_by("-submitted_at").first()
    assert newest is not None
    window_end = (newest.submitted_at - dt.timedelta(days=30)).date()
    window = {"submittedFrom": (window_end - dt.timedelta(days=7)).isoformat(),
              "submittedTo": window_end.isoformat()}
    return staff.national_id, {
        "referenceNumber (row 90%) + totalCount":
            (COUNTED_SEARCH_QUERY, {"referenceNumber": deep.reference_number}),
        "nationalId (30 requests) + totalCount":
            (COUNTED_SEARCH_QUERY, {"nationalId": national_id}),
        "assignedToMe": (SEARCH_QUERY, {"assignedToMe": True}),
        "assignedToMe, status UNDER_REVIEW":
            (SEARCH_QUERY, {"assignedToMe": True, "status": RequestStatus.UNDER_REVIEW.value}),
        "unassigned, status SUBMITTED":
            (SEARCH_QUERY, {"unassigned": True, "status": RequestStatus.SUBMITTED.value}),
        "overdue": (SEARCH_QUERY, {"overdue": True}),
        "submittedFrom/To, one week": (SEARCH_QUERY, window),
    }


async def measure_searches(
    load: Load, server: Server, token: str, found: dict[str, tuple[str, dict[str, Any]]],
    args: argparse.Namespace, label: str,
    measure: Callable[..., Awaitable[Measured]],
) -> dict[str, Measured]:
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        for name, (query, filter) in found.items():
            answer = (await client.post("/graphql", json={"query": query, "variables": {
                "filter": filter}}, headers={"Authorization": f"Bearer {token}"})).json()
            if answer.get("errors") or not answer["data"]["requests"]["edges"]:
                raise RuntimeError(f"{label} search {name}: {answer}")
    measured = {}
    for name, (query, filter) in found.items():
        shape = Shape("POST", "/graphql", body=body(query, {"filter": filter}),
                      auth=f"Bearer {token}", expect='"referenceNumber"')
        measured[name] = await measure(load, server, shape, connections=1, seconds=args.seconds,
                                       warmup=args.warmup, name=f"{label} search {name}",
                                       patience=args.quiet_wait)
    return measured


def report_searches(report: Report, small: dict[str, Measured], large: dict[str, Measured],
                    target: float, ratio: Callable[[float, float], float],
                    ms: Callable[[float], str]) -> None:
    report.add("staff searches, requests(first: 20, filter: ...), first page:")
    for name, a in small.items():
        b = large[name]
        value = ratio(b.result.p50_ms, a.result.p50_ms)
        verdict = report.target(f"search {name.split(' (')[0].split(' +')[0]} 1M/1k latency",
                                f"{value:.3f}", f"<= {target}", value <= target)
        report.add(f"  {name:<42}{ms(a.result.p50_ms):>8}{ms(a.result.p99_ms):>8}"
                   f"{ms(b.result.p50_ms):>8}{ms(b.result.p99_ms):>8}{value:>11.3f}"
                   f"{ratio(b.result.p99_ms, a.result.p99_ms):>8.2f}  <= {target}  {verdict}")


# ---------------------------------------------------------------- part 5


async def staff_token_and_cursors(
    server: Server, settings: Any, password: str, national_id: str, login: str
) -> tuple[str, list[str]]:
    await resolvers_staff.create_staff(runtime=Runtime.from_settings(settings), national_id=national_id,
                                full_name="Bench Desk Reviewer", password=password)
    rows = await ServiceRequest.all().order_by("submitted_at", "id").values_list(
        "submitted_at", "id")
    cursors = [encode_cursor(at, key) for at, key in rows[19::20]][:-1]
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        answer = (await client.post("/graphql", json={"query": login, "variables": {"input": {
            "nationalId": national_id, "password": password}}})).json()
    return answer["data"]["login"]["session"]["accessToken"], cursors


async def access_log_part(
    report: Report, load: Load, server: Server, token: str, cursors: list[str],
    args: argparse.Namespace, measure: Callable[..., Awaitable[Measured]],
    ratio: Callable[[float, float], float], ms: Callable[[float], str],
) -> None:
    shape = Shape("POST", "/graphql", body=body(STAFF_PAGE_QUERY, {"after": "@ITEM@"}),
                  auth=f"Bearer {token}", items=tuple(cursors), expect='"nationalId"')
    connections = min(args.connections, 8)
    measured: dict[str, Measured] = {}
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        for state in ("off", "on"):
            (await client.post(f"/bench/access-log/{state}")).raise_for_status()
            measured[state] = await measure(
                load, server, shape, connections=connections, seconds=args.seconds,
                warmup=args.warmup, name=f"staff page, access log {state}",
                patience=args.quiet_wait)
    off, on = measured["off"].result, measured["on"].result
    value = ratio(on.rps, off.rps)
    report.add()
    report.add(f"== 7. Access log: a staff page of 20 with applicants (20 REQUEST_REVIEW "
               f"events), {connections} connections, {len(cursors)} pages round-robin")
    report.add(f"{'':<24}{'req/s':>8}{'p50':>8}{'p99':>8}")
    for name, result in (("access log off", off), ("access log on", on)):
        report.add(f"{name:<24}{result.rps:>8.0f}{ms(result.p50_ms):>8}{ms(result.p99_ms):>8}")
    verdict = report.target("staff page, with/without access log", f"{value:.3f}",
                            f">= {TARGET_LOG}", value >= TARGET_LOG)
    report.add(f"with/without throughput  {value:.3f}  >= {TARGET_LOG}  {verdict}")
