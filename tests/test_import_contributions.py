"""`server.py import-contributions FILE` run as the operator runs it, against the test database
of each engine, with the member's side read through HTTP."""

from __future__ import annotations

import asyncio
import json
import os
import pty
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from models import Engagement, Member
from tests.conftest import ROOT
from tests.support import ACTIVATE, gql, new_person, register, signed_up, with_check_digit
from tests.test_notifications import inbox_of

PERIODS = """
query { me { insuranceRecord { contributionMonths periods(first: 20) { edges { node {
  startDate endDate occupation employer { name } wageHistory { basicWage { amount } }
} } } } } }
"""


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


def line(engagement_id: str, national_id: str, **changes: Any) -> dict[str, Any]:
    data = {
        "engagementId": engagement_id, "nationalId": national_id,
        "employer": {"registrationNumber": "1-23456", "nameAr": "شركة المثال", "nameEn": "Example Co."},
        "startDate": "2015-03-01", "endDate": None, "occupation": "Accountant",
        "branches": ["ANNUITIES", "OCCUPATIONAL_HAZARDS", "UNEMPLOYMENT"],
        "wages": [{"from": "2015-03-01", "basic": "8000.00", "housing": "2000.00"}],
    }
    data.update(changes)
    return data


def write(path: Path, *lines: dict[str, Any] | str) -> Path:
    path.write_text("".join((item if isinstance(item, str) else json.dumps(item, ensure_ascii=False))
                            + "\n" for item in lines), encoding="utf-8")
    return path


async def import_file(path: Path, database_url: str) -> Run:
    """The real command in its own process; the event loop stays free for the test's servers."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "server.py", "import-contributions", str(path), cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url, "APP_ENV": "test"},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode is not None
    return Run(process.returncode, stdout.decode(), stderr.decode())


def summary(run: Run) -> str:
    (last,) = [text for text in run.stdout.splitlines() if " lines: " in text]
    return last


async def periods(client, person) -> list[dict[str, Any]]:
    result = await gql(client, PERIODS, token=person.access_token)
    assert "errors" not in result, result
    return [edge["node"] for edge in result["data"]["me"]["insuranceRecord"]["periods"]["edges"]]


async def test_importing_the_same_file_twice_changes_nothing_the_second_time(app, database_url, tmp_path):
    person = new_person()
    path = write(tmp_path / "engagements.jsonl", line("E-1", person.national_id),
                 line("E-2", person.national_id, startDate="2010-01-01", endDate="2014-12-31",
                      wages=[{"from": "2010-01-01", "basic": "5000", "housing": "1250.5"}]))

    first = await import_file(path, database_url)
    assert first.returncode == 0, first.stderr
    assert "2 added, 0 replaced, 0 removed, 0 unchanged, 0 refused" in summary(first)
    stored = await Engagement.filter(national_id=person.national_id).order_by("engagement_id").values()

    second = await import_file(path, database_url)
    assert second.returncode == 0, second.stderr
    assert "0 added, 0 replaced, 0 removed, 2 unchanged, 0 refused" in summary(second)
    assert await Engagement.filter(national_id=person.national_id).order_by("engagement_id").values() == stored
    assert stored[1]["wages"] == [{"from": "2010-01-01", "basic": "5000.00", "housing": "1250.50"}]


async def test_a_known_engagement_is_replaced_whole_and_a_deletion_removes_it(
    client, inbox, database_url, tmp_path
):
    person = await signed_up(client, inbox)
    await import_file(write(tmp_path / "first.jsonl", line("E-10", person.national_id),
                            line("E-11", person.national_id, startDate="2012-01-01", endDate="2014-12-31",
                                 wages=[{"from": "2012-01-01", "basic": "4000.00", "housing": "0"}])),
                      database_url)
    assert len(await periods(client, person)) == 2

    replaced = await import_file(write(
        tmp_path / "second.jsonl",
        line("E-10", person.national_id, occupation=None, endDate="2020-02-29",
             employer={"registrationNumber": "9-99", "nameAr": "شركة أخرى", "nameEn": "Other Co."},
             wages=[{"from": "2015-03-01", "basic": "8000.00", "housing": "2000.00"},
                    {"from": "2018-01-01", "basic": "9500.00", "housing": "2000.00"}]),
        {"engagementId": "E-11", "deleted": True},
        {"engagementId": "E-never-imported", "deleted": True},
    ), database_url)

    assert replaced.returncode == 0, replaced.stderr
    assert "0 added, 1 replaced, 1 removed, 0 unchanged, 0 refused" in summary(replaced)
    (period,) = await periods(client, person)
    assert period["employer"]["name"] == "Other Co."
    assert (period["startDate"], period["endDate"], period["occupation"]) == ("2015-03-01", "2020-02-29", None)
    assert [wage["basicWage"]["amount"] for wage in period["wageHistory"]] == ["8000.00", "9500.00"]


REFUSED = [
    ('{"engagementId": "E-bad-json", ', "not valid JSON"),
    (line("E-branch", "1000000008", branches=["ANNUITIES", "PENSIONS"]), "unknown branch 'PENSIONS'"),
    (line("E-id", "1000000009"), "nationalId is not a valid national ID"),
    (line("E-end", "1000000008", endDate="2015-02-28"), "endDate 2015-02-28 is before startDate 2015-03-01"),
    (line("E-wage", "1000000008", wages=[{"from": "2015-03-01", "basic": "eight", "housing": "0"}]),
     "wage 1 basic 'eight' is not a decimal"),
    (line("E-early", "1000000008", wages=[{"from": "2015-02-01", "basic": "1.00", "housing": "0"}]),
     "wage 1 from 2015-02-01 is before startDate 2015-03-01"),
    ({"engagementId": "E-missing", "nationalId": "1000000008"}, "employer is missing"),
    ("[1, 2]", "not a JSON object"),
]


async def test_each_bad_line_is_refused_alone_with_its_number_and_reason(app, database_url, tmp_path):
    person = new_person()
    path = write(tmp_path / "mixed.jsonl", line("E-good-1", person.national_id),
                 *(bad for bad, _ in REFUSED), line("E-good-2", person.national_id, startDate="2016-01-01",
                                                    wages=[{"from": "2016-01-01", "basic": "1", "housing": "0"}]))

    run = await import_file(path, database_url)

    assert run.returncode == 1
    assert f"{len(REFUSED) + 2} lines: 2 added, 0 replaced, 0 removed, 0 unchanged, {len(REFUSED)} refused" \
        in summary(run)
    for number, (_, reason) in enumerate(REFUSED, start=2):
        assert f"line {number}: refused: {reason}" in run.stderr
    assert sorted(await Engagement.filter(national_id=person.national_id).values_list("engagement_id", flat=True)) \
        == ["E-good-1", "E-good-2"]


async def test_a_new_engagement_tells_the_registered_member_in_their_language(
    client, inbox, database_url, tmp_path
):
    english = await signed_up(client, inbox)
    arabic = new_person()
    assert (await register(client, arabic, preferredLanguage="AR"))["errors"] == []
    arabic = await _activated(client, inbox, arabic)
    path = write(tmp_path / "new.jsonl", line("E-20", english.national_id), line("E-21", arabic.national_id))

    run = await import_file(path, database_url)
    assert "2 members told" in summary(run)

    (notice,) = [n for n in (await inbox_of(client, english))["notifications"]["edges"]
                 if n["node"]["kind"] == "EMPLOYMENT_REGISTERED"]
    assert "Example Co." in notice["node"]["body"] and "2015-03-01" in notice["node"]["body"]
    sms = await inbox.wait_for(english.e164, count=2)
    assert "Example Co." in sms[-1] and "2015-03-01" in sms[-1]
    arabic_sms = await inbox.wait_for(arabic.e164, count=2)
    assert "شركة المثال" in arabic_sms[-1] and "Example Co." not in arabic_sms[-1]

    # Replacing the engagement tells no one.
    await import_file(write(tmp_path / "again.jsonl", line("E-20", english.national_id, occupation="Auditor")),
                      database_url)
    kinds = [n["node"]["kind"] for n in (await inbox_of(client, english))["notifications"]["edges"]]
    assert kinds.count("EMPLOYMENT_REGISTERED") == 1


async def test_the_import_creates_no_account_and_the_record_shows_after_activation(
    client, inbox, database_url, tmp_path
):
    person = new_person()
    run = await import_file(write(tmp_path / "early.jsonl", line("E-30", person.national_id)), database_url)
    assert "1 added" in summary(run) and "0 members told" in summary(run)
    assert not await Member.exists(national_id=person.national_id)

    person = await signed_up(client, inbox, person)

    (period,) = await periods(client, person)
    assert (period["startDate"], period["employer"]["name"]) == ("2015-03-01", "Example Co.")


async def _activated(client, inbox, person):
    """`signed_up` for a person already registered (here, in Arabic)."""
    code = await inbox.code_for(person.e164)
    result = await gql(client, ACTIVATE, {"input": {"nationalId": person.national_id, "code": code,
                                                    "confirmDetails": True}})
    activated = result["data"]["activate"]
    assert activated["errors"] == [], activated
    person.access_token = activated["session"]["accessToken"]
    return person


async def test_a_long_file_shows_a_progress_line_on_a_terminal_and_none_in_a_pipe(app, database_url, tmp_path):
    path = write(tmp_path / "long.jsonl", *(line(f"E-long-{index}", with_check_digit(f"2{index:08d}"))
                                            for index in range(2500)))
    piped = await import_file(path, database_url)
    assert "\r" not in piped.stdout and "lines read" not in piped.stdout

    primary, secondary = pty.openpty()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "server.py", "import-contributions", str(path), cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url, "APP_ENV": "test"},
        stdout=secondary, stderr=asyncio.subprocess.DEVNULL,
    )
    os.close(secondary)
    shown = bytearray()
    while True:
        try:
            chunk = await asyncio.to_thread(os.read, primary, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        shown += chunk
    assert await asyncio.wait_for(process.wait(), timeout=120) == 0
    os.close(primary)
    text = shown.decode()
    assert "\r1000 lines read" in text and "\r2000 lines read" in text
    assert "2500 lines: 0 added, 0 replaced, 0 removed, 2500 unchanged" in text


async def test_a_file_that_cannot_be_read_exits_2_with_the_reason(database_url, tmp_path):
    run = await import_file(tmp_path / "missing.jsonl", database_url)
    assert run.returncode == 2
    assert "cannot read" in run.stderr and "missing.jsonl" in run.stderr
