"""PDF uploads that would act when opened are refused, whatever their encoding; ordinary PDFs
are kept. The files are built by hand in tests/pdfs.py."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from resolvers.documents import MAX_FILES, pdf_safety
from tests.pdfs import BOMB, HARMLESS, HOSTILE, PHOTO
from tests.support import signed_up
from tests.test_service_requests import submitted
from tests.test_uploads import attach, codes, documents_of


@pytest.fixture(autouse=True)
def _once(engine: str) -> None:
    if engine != "sqlite":
        pytest.skip("the PDF scanner does not depend on the database engine: run once, on SQLite")


async def test_pdfs_that_run_scripts_launch_or_carry_files_are_refused(client, inbox):
    person = await signed_up(client, inbox)
    request = await submitted(client, person)
    for start in range(0, len(HOSTILE), MAX_FILES):
        batch = HOSTILE[start:start + MAX_FILES]
        response = await attach(client, person, request["id"],
                                [("OTHER", f"{name}.pdf", content) for name, content in batch])
        assert codes(response) == [(f"documents.{i}.file", "UNSUPPORTED_FILE_TYPE")
                                   for i in range(len(batch))], [name for name, _ in batch]
    assert await documents_of(client, person, request["id"]) == []


async def test_a_stream_that_inflates_to_200_mb_is_refused(client, inbox):
    person = await signed_up(client, inbox)
    request = await submitted(client, person)
    response = await attach(client, person, request["id"], [("OTHER", "bomb.pdf", BOMB)])
    assert codes(response) == [("documents.0.file", "UNSUPPORTED_FILE_TYPE")]


async def test_ordinary_pdfs_with_links_page_labels_and_photos_are_kept(client, inbox):
    person = await signed_up(client, inbox)
    request = await submitted(client, person)
    response = await attach(client, person, request["id"], [
        ("MEDICAL_REPORT", "report.pdf", HARMLESS), ("OTHER", "scan.pdf", PHOTO)])
    assert codes(response) == []
    kept = response.json()["data"]["attachDocuments"]["request"]["documents"]
    assert [(d["fileName"], d["contentType"]) for d in kept] == [
        ("report.pdf", "application/pdf"), ("scan.pdf", "application/pdf")]
    assert len(await documents_of(client, person, request["id"])) == 2


async def test_a_scan_that_runs_out_of_time_refuses_the_file(client, inbox, monkeypatch):
    # However harmless the file, a scan that does not finish in time is no verdict.
    monkeypatch.setattr(pdf_safety, "SCAN_SECONDS", 0.001)
    person = await signed_up(client, inbox)
    request = await submitted(client, person)
    response = await attach(client, person, request["id"], [("OTHER", "report.pdf", HARMLESS)])
    assert codes(response) == [("documents.0.file", "UNSUPPORTED_FILE_TYPE")]
    assert await documents_of(client, person, request["id"]) == []


def _children(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/task/{pid}/children").read_text().split()


async def test_a_killed_scanner_is_started_again_by_the_next_upload(client, inbox):
    person = await signed_up(client, inbox)
    request = await submitted(client, person)
    await attach(client, person, request["id"], [("OTHER", "report.pdf", HARMLESS)])
    killed = pdf_safety.zygote.pid
    assert killed is not None
    os.kill(killed, signal.SIGKILL)
    response = await attach(client, person, request["id"], [
        ("MEDICAL_REPORT", "report.pdf", HARMLESS), ("OTHER", "bomb.pdf", BOMB)])
    assert codes(response) == [("documents.1.file", "UNSUPPORTED_FILE_TYPE")]
    assert pdf_safety.zygote.pid not in (None, killed)


async def test_the_scanner_forks_in_a_single_thread_and_keeps_no_child_after_a_timeout(
        client, inbox, monkeypatch):
    person = await signed_up(client, inbox)
    request = await submitted(client, person)
    monkeypatch.setattr(pdf_safety, "SCAN_SECONDS", 0.001)
    response = await attach(client, person, request["id"], [("OTHER", "report.pdf", HARMLESS)])
    assert codes(response) == [("documents.0.file", "UNSUPPORTED_FILE_TYPE")]
    zygote = pdf_safety.zygote.pid
    assert zygote is not None
    assert os.listdir(f"/proc/{zygote}/task") == [str(zygote)]
    assert _children(zygote) == []
