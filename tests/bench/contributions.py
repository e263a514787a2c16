"""`make bench-postgres`, the insurance record's part: figures printed, nothing asserted.

    python -m tests.bench.contributions [--lines N] [--record-large N] [--record-small N] [--keep]

1. `server.py import-contributions` of a file of N engagements (1,000,000 by default) into a
   fresh PostgreSQL database, against a plain COPY of the same rows into a bare table (no
   index, no constraint) in the same run, as a ratio; then the same file again (every line
   unchanged) against the same COPY.
2. The record page (`me { insuranceRecord { ... periods(first: 20) { ... wageHistory } } }`)
   of a member with 20 engagements, with 10,000,000 engagements of other people in the table
   against 1,000, as a ratio of median latencies (target: within 1.5x). The other people's
   rows are made by PostgreSQL itself (generate_series), not by Python.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

import asyncpg
import httpx

from models import AccountStatus, Language, Member, NotificationChannel, Residency
from resolvers.platform.database import migrate_database
from resolvers.platform.passwords import Passwords
from resolvers.platform.runtime import Runtime
from resolvers.platform.settings import Settings
from resolvers.record.importer import import_contributions
from schema.http.app import create_app
from tests.bench.databases import Databases, orm
from tests.support import LOGIN, with_check_digit

ROOT = Path(__file__).resolve().parents[2]
TARGET_SCALE = 1.5
RECORD_QUERY = """query { me { insuranceRecord {
  contributionMonths regime statutoryRetirementDate currentEmployer { name }
  periods(first: 20) { totalCount edges { node { startDate endDate occupation branches months
    employer { registrationNumber name }
    wageHistory { effectiveFrom basicWage { amount } housingAllowance { amount } contributoryWage { amount } }
  } } } } } }"""
BARE_TABLE = """CREATE TABLE bare_engagement (id uuid, engagement_id text, national_id text,
  employer_registration_number text, employer_name_ar text, employer_name_en text, start_date date,
  end_date date, occupation text, branches jsonb, wages jsonb, imported_at timestamptz)"""
BRANCHES = ["ANNUITIES", "OCCUPATIONAL_HAZARDS", "UNEMPLOYMENT"]
PASSWORD = "bench-Record-Lantern-48"


def note(message: str) -> None:
    print(f"  .. {message}", file=sys.stderr, flush=True)


def engagement(index: int) -> dict:
    start = dt.date(1995, 1, 1) + dt.timedelta(days=index % 9000)
    return {
        "engagementId": f"B-{index:09d}", "nationalId": with_check_digit(f"2{index // 3:08d}"),
        "employer": {"registrationNumber": f"1-{index % 50000:05d}", "nameAr": "شركة الاختبار",
                     "nameEn": "Benchmark Co."},
        "startDate": start.isoformat(), "endDate": None, "occupation": "Technician",
        "branches": BRANCHES,
        "wages": [{"from": start.isoformat(), "basic": f"{4000 + index % 9000}.00", "housing": "1000.00"}],
    }


def write_files(lines: int, folder: Path) -> tuple[Path, Path]:
    """The contributions file and the same rows as CSV for COPY."""
    jsonl, rows = folder / "contributions.jsonl", folder / "rows.csv"
    now = dt.datetime.now(dt.UTC).isoformat()
    with jsonl.open("w", encoding="utf-8") as out, rows.open("w", encoding="utf-8", newline="") as table:
        writer = csv.writer(table)
        for index in range(lines):
            data = engagement(index)
            out.write(json.dumps(data, ensure_ascii=False) + "\n")
            employer = data["employer"]
            writer.writerow([uuid.uuid4(), data["engagementId"], data["nationalId"],
                             employer["registrationNumber"], employer["nameAr"], employer["nameEn"],
                             data["startDate"], "", data["occupation"], json.dumps(data["branches"]),
                             json.dumps(data["wages"]), now])
    return jsonl, rows


def import_file(path: Path, database_url: str) -> tuple[float, str]:
    started = time.perf_counter()
    run = subprocess.run([sys.executable, "server.py", "import-contributions", str(path)], cwd=ROOT,
                         env={**os.environ, "DATABASE_URL": database_url}, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if run.returncode != 0:
        raise SystemExit(f"import failed ({run.returncode}): {run.stderr[-2000:]}")
    return elapsed, [text for text in run.stdout.splitlines() if " lines: " in text][-1]


async def copy_rows(database_url: str, rows: Path) -> float:
    connection = await asyncpg.connect(database_url.replace("postgres://", "postgresql://", 1))
    try:
        await connection.execute("DROP TABLE IF EXISTS bare_engagement")
        await connection.execute(BARE_TABLE)
        started = time.perf_counter()
        await connection.copy_to_table("bare_engagement", source=str(rows), format="csv", null="")
        return time.perf_counter() - started
    finally:
        await connection.close()


async def import_part(databases: Databases, lines: int) -> list[str]:
    url = await databases.create_postgres("import")
    await migrate_database(Settings(database_url=url))
    note(f"writing {lines:,} engagements")
    jsonl, rows = write_files(lines, databases.workdir)
    note("importing")
    first, first_summary = import_file(jsonl, url)
    note("importing again")
    again, again_summary = import_file(jsonl, url)
    note("COPY into a bare table")
    copied = await copy_rows(url, rows)
    return [
        f"import of {lines:,} engagements: {first:.1f} s ({lines / first:,.0f} lines/s): {first_summary}",
        f"plain COPY of the same rows into a bare table: {copied:.1f} s",
        f"import / COPY: {first / copied:.1f}x",
        f"the same file again (nothing changes): {again:.1f} s, {again / copied:.1f}x COPY: {again_summary}",
    ]


FILL = """INSERT INTO engagement (id, engagement_id, national_id, employer_registration_number,
  employer_name_ar, employer_name_en, start_date, end_date, occupation, branches, wages, imported_at)
SELECT gen_random_uuid(), 'F-' || i, '2' || lpad((i / 4)::text, 9, '0'), '1-' || (i % 50000),
  'شركة', 'Company', date '1995-01-01' + (i % 9000)::int, NULL, 'Technician',
  '["ANNUITIES", "OCCUPATIONAL_HAZARDS", "UNEMPLOYMENT"]'::jsonb,
  jsonb_build_array(jsonb_build_object('from', (date '1995-01-01' + (i % 9000)::int)::text,
                                       'basic', '5000.00', 'housing', '1250.00')),
  now()
FROM generate_series($1::bigint, $2::bigint) AS i"""
CHUNK = 1_000_000


async def fill(url: str, others: int) -> None:
    connection = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        for first in range(0, others, CHUNK):
            await connection.execute(FILL, first, min(first + CHUNK, others) - 1)
            note(f"{min(first + CHUNK, others):,} of {others:,} engagements")
        await connection.execute("ANALYZE engagement")
    finally:
        await connection.close()


async def record_page(databases: Databases, others: int, requests: int) -> float:
    """Median seconds of the record page with `others` engagements of other people."""
    url = await databases.create_postgres(f"record{others}")
    settings = Settings(database_url=url, app_env="test")
    await migrate_database(settings)
    await fill(url, others)
    national_id = with_check_digit("100000077")
    async with orm(settings):
        await Member.create(
            national_id=national_id, residency=Residency.CITIZEN, full_name="Bench Member",
            date_of_birth=dt.date(1975, 1, 1), mobile="+966500000077", email=None,
            preferred_channel=NotificationChannel.SMS, preferred_language=Language.EN,
            password_hash=await _hash(settings), status=AccountStatus.ACTIVE)
        lines = [json.dumps({**engagement(index), "engagementId": f"M-{index}", "nationalId": national_id,
                             "startDate": f"{1995 + index}-01-01", "endDate": f"{1995 + index}-12-31",
                             "wages": [{"from": f"{1995 + index}-01-01", "basic": "6000.00",
                                        "housing": "1500.00"},
                                       {"from": f"{1995 + index}-07-01", "basic": "6500.00",
                                        "housing": "1500.00"}]}).encode()
                 for index in range(20)]
        await import_contributions(runtime=Runtime.from_settings(settings), lines=lines,
                                   on_refused=lambda number, reason: print(number, reason))
        app = create_app(settings, manage_database=False)
        async with app.router.lifespan_context(app), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://bench"
        ) as client:
            login = (await client.post("/graphql", json={"query": LOGIN, "variables": {
                "input": {"nationalId": national_id, "password": PASSWORD}}})).json()
            token = login["data"]["login"]["session"]["accessToken"]
            headers = {"Authorization": f"Bearer {token}"}
            timings = []
            for index in range(requests + 5):
                started = time.perf_counter()
                answer = (await client.post("/graphql", json={"query": RECORD_QUERY}, headers=headers)).json()
                if index >= 5:  # the first few warm the caches
                    timings.append(time.perf_counter() - started)
            periods = answer["data"]["me"]["insuranceRecord"]["periods"]["totalCount"]
            assert periods == 20, answer
    return statistics.median(timings)


async def _hash(settings: Settings) -> str:
    passwords = Passwords(memory_kib=settings.argon2_memory_kib, time_cost=settings.argon2_time_cost,
                          parallelism=settings.argon2_parallelism, concurrency=1)
    return await passwords.hash(PASSWORD)


async def main_async(args: argparse.Namespace) -> int:
    databases = Databases(keep=args.keep)
    lines = [f"== Insurance record on PostgreSQL (load average {os.getloadavg()[0]:.1f} at start)"]
    try:
        if args.lines:
            lines += await import_part(databases, args.lines)
        if args.record_large:
            small = await record_page(databases, args.record_small, args.requests)
            large = await record_page(databases, args.record_large, args.requests)
            ratio = large / small
            lines += [
                f"record page, {args.record_small:,} engagements: {small * 1000:.1f} ms (median)",
                f"record page, {args.record_large:,} engagements: {large * 1000:.1f} ms (median)",
                f"record page {args.record_large:,} / {args.record_small:,}: {ratio:.2f}x "
                f"(target {TARGET_SCALE}x: {'PASS' if ratio <= TARGET_SCALE else 'MISS'})",
            ]
    finally:
        await databases.close()
    print("\n".join(lines))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.contributions", description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000, help="engagements imported (1,000,000); 0 skips")
    parser.add_argument("--record-large", type=int, default=10_000_000,
                        help="other people's engagements for the record page (10,000,000); 0 skips")
    parser.add_argument("--record-small", type=int, default=1_000)
    parser.add_argument("--requests", type=int, default=50, help="record pages timed on each side (50)")
    parser.add_argument("--keep", action="store_true", help="keep the databases and files")
    return asyncio.run(main_async(parser.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
