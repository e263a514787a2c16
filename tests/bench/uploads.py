"""Part 5 of `make bench`: a 5 MiB PDF uploaded with attachDocuments (multipart parsing, type
check, SHA-256, sealing, the folder store, the row) against writing the same bytes to disk in
the same process (write, fsync, rename: what the folder store itself does), as a ratio."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import time
from pathlib import Path
from typing import Any

import httpx
import orjson

from models import Document, RequestStatus, ServiceRequest
from resolvers.platform.store import FolderStore
from schema.base import to_global_id
from schema.http.app import create_app
from tests import pdfs
from tests.bench import seed
from tests.support import ATTACH, LOGIN

SIZE = 5 * 1024 * 1024
MIB = 1024 * 1024
OPEN = [RequestStatus.SUBMITTED, RequestStatus.UNDER_REVIEW, RequestStatus.NEEDS_INFORMATION]


def sample_pdf() -> bytes:
    """A one-page PDF of about 5 MiB, which the upload scanner reads whole: a stream of hex
    filler, so no stray PDF name can look like a script."""
    filler = os.urandom((SIZE - 1024) // 2).hex().encode()
    return pdfs.build({**pdfs.PAGES, 1: b"<< /Type /Catalog /Pages 2 0 R >>",
                       5: pdfs.stream(b"", filler)})


async def disk_rate(folder: Path, content: bytes, seconds: float) -> float:
    """MiB/s writing `content` as the folder store does, one file after the other."""
    folder.mkdir(parents=True, exist_ok=True)
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        await asyncio.to_thread(FolderStore._write, folder / f"plain-{count}", content)
        count += 1
    elapsed = time.perf_counter() - started
    for path in folder.iterdir():
        path.unlink()
    return count * len(content) / MIB / elapsed


async def upload_rate(client: httpx.AsyncClient, token: str, request_id: str, pk: Any,
                      content: bytes, seconds: float) -> tuple[float, float]:
    """(MiB/s, mean ms per upload) of one client uploading one file at a time."""
    operations = orjson.dumps({"query": ATTACH, "variables": {"input": {
        "requestId": request_id, "documents": [{"kind": "OTHER", "file": None}]}}}).decode()
    form = {"operations": operations, "map": '{"0": ["variables.input.documents.0.file"]}'}
    headers = {"Authorization": f"Bearer {token}", "Apollo-Require-Preflight": "1"}
    count, busy = 0, 0.0
    while busy < seconds:
        if count % 9 == 0:  # a request takes 10 files: make room, outside the timing
            await Document.filter(request_id=pk).delete()
        started = time.perf_counter()
        response = await client.post("/graphql", data=form, headers=headers,
                                     files={"0": ("scan.pdf", content, "application/pdf")})
        busy += time.perf_counter() - started
        errors = response.json()["data"]["attachDocuments"]["errors"]
        if errors:
            raise RuntimeError(f"upload failed: {errors}")
        count += 1
    return count * len(content) / MIB / busy, busy / count * 1000


async def upload_throughput(report: Any, settings: Any, workdir: Path, seconds: float) -> None:
    store = workdir / "documents"
    settings = dataclasses.replace(settings, document_store_url=f"file://{store}")
    row = await ServiceRequest.filter(status__in=OPEN).select_related("member").first()
    if row is None:
        raise RuntimeError("the seeded data has no open request to attach files to")
    content = sample_pdf()
    app = create_app(settings, manage_database=False)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench",
                                     timeout=60) as client:
            login = await client.post("/graphql", json={"query": LOGIN, "variables": {"input": {
                "nationalId": row.member.national_id, "password": seed.PASSWORD}}})
            token = login.json()["data"]["login"]["session"]["accessToken"]
            request_id = to_global_id("ServiceRequest", row.id)
            await upload_rate(client, token, request_id, row.id, content, 0.5)  # warm
            uploaded, per_upload = await upload_rate(client, token, request_id, row.id, content,
                                                     seconds)
    written = await disk_rate(workdir / "plain", content, seconds)
    report.add()
    report.add("== 5. Uploads: one 5 MiB PDF at a time through attachDocuments (multipart, "
               "type check, SHA-256, AES-GCM sealing, folder store, row), in process, "
               "against writing the same bytes to disk (write, fsync, rename) in the same "
               "process")
    report.add(f"upload {uploaded:.1f} MiB/s ({per_upload:.0f} ms per file), disk "
               f"{written:.1f} MiB/s; upload / disk = {uploaded / written:.2f}")
    report.target("5 MiB upload / disk write", f"{uploaded / written:.2f}", "report", True)
