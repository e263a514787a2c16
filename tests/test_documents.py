"""Documents through the store, run against both stores: the folder store and a real
SeaweedFS S3 server (tests/object_store.py), on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import uuid
from typing import Any

import pytest

from models import Document
from resolvers.platform import jobs
from resolvers.platform.links import Grant, LinkKind
from resolvers.platform.runtime import Runtime
from resolvers.platform.settings import Settings
from schema.http.app import create_app
from tests.conftest import ONCE
from tests.support import JPEG, PDF, PNG, gql, gql_upload, serving, signed_up
from tests.test_service_requests import CANCEL, MY_REQUESTS, SAMPLE_DETAILS

SUBMIT_WITH_DOCUMENTS = """
mutation Submit($input: SubmitRequestInput!) {
  submitRequest(input: $input) {
    request {
      id status missingDocuments
      documents { id kind fileName contentType size sha256 uploadedBy uploadedAt downloadUrl }
    }
    errors { field code }
  }
}
"""
FAR_FUTURE = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)


@pytest.fixture(params=["folder", "s3"])
def settings(request: pytest.FixtureRequest, settings: Settings) -> Settings:
    """The conftest settings, with the folder store or the SeaweedFS bucket."""
    if request.param == "folder":
        return settings
    store = request.getfixturevalue("object_store")
    return dataclasses.replace(
        settings,
        document_store_url=f"s3://{store.bucket}",
        s3_endpoint_url=store.endpoint_url,
        aws_access_key_id=store.access_key_id,
        aws_secret_access_key=store.secret_access_key,
    )


async def stored_keys(runtime: Runtime) -> set[str]:
    return set(await runtime.store.keys_older_than("documents", FAR_FUTURE))


async def raw(runtime: Runtime, key: str) -> bytes:
    return b"".join([chunk async for chunk in runtime.store.get(key)])


async def submit_with(client, person, files: list[tuple[str, str, bytes]]) -> dict[str, Any]:
    """PHYSIOTHERAPY with (kind, file name, content) files in the same multipart request."""
    variables = {"input": {"details": SAMPLE_DETAILS["PHYSIOTHERAPY"],
                           "documents": [{"kind": kind, "file": None} for kind, _, _ in files]}}
    response = await gql_upload(
        client, SUBMIT_WITH_DOCUMENTS, variables,
        {f"input.documents.{i}.file": (name, content, "application/pdf")
         for i, (_, name, content) in enumerate(files)},
        token=person.access_token,
    )
    assert response.status_code == 200, response.text
    return response.json()["data"]["submitRequest"]


async def test_documents_sent_with_a_submission_are_stored_sealed_and_download_decrypted(
    client, inbox, app
):
    person = await signed_up(client, inbox)
    payload = await submit_with(client, person, [
        ("NATIONAL_ID_COPY", "../..\\etc\\my\u200b id\u202e card.pdf", PDF),
        ("MEDICAL_REPORT", "report.pdf", PNG),
    ])
    assert payload["errors"] == []
    request = payload["request"]
    assert request["status"] == "SUBMITTED" and request["missingDocuments"] == []
    id_copy, report = request["documents"]
    assert (id_copy["kind"], id_copy["fileName"], id_copy["contentType"]) == (
        "NATIONAL_ID_COPY", "my id card.pdf", "application/pdf")
    # The type comes from the bytes: a PNG named .pdf is a PNG.
    assert (report["kind"], report["fileName"], report["contentType"]) == (
        "MEDICAL_REPORT", "report.png", "image/png")
    assert report["size"] == len(PNG) and report["sha256"] == hashlib.sha256(PNG).hexdigest()
    assert report["uploadedBy"] == "MEMBER"

    runtime: Runtime = app.state.runtime
    keys = await stored_keys(runtime)
    assert len(keys) >= 2
    for key in keys:
        sealed = await raw(runtime, key)
        assert b"/Type /Catalog" not in sealed and PNG[16:40] not in sealed

    # No bearer token: the signed link alone downloads the file.
    response = await client.get(id_copy["downloadUrl"])
    assert response.status_code == 200 and response.content == PDF
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("attachment;")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "private, no-store"
    # Under PUBLIC_URL, never the address of the request that asked for it.
    assert id_copy["downloadUrl"].startswith("https://my.gosi.test/files/")

    # A forged link tells nothing, not even that the file exists: the signature covers the kind.
    altered = id_copy["downloadUrl"][:-1] + ("A" if id_copy["downloadUrl"][-1] != "A" else "B")
    swapped = report["downloadUrl"].replace("/files/d.", "/files/l.")
    for forged in (altered, swapped):
        refused = await client.get(forged)
        assert (refused.status_code, refused.text) == (404, "غير موجود.")
        refused = await client.get(forged, headers={"Accept-Language": "en"})
        assert (refused.status_code, refused.text) == (404, "Not found.")
    document_key = uuid.UUID(hex=id_copy["downloadUrl"].split("/files/d.")[1].split(".")[0])
    expired = runtime.links.sign(
        Grant(kind=LinkKind.DOCUMENT, key=document_key, viewer_id=uuid.uuid4(), staff=False),
        now=runtime.now() - dt.timedelta(minutes=6),
    )
    assert (await client.get(f"/files/{expired}")).status_code == 403


async def test_nothing_is_kept_of_a_change_that_fails(client, inbox, app):
    person = await signed_up(client, inbox)
    runtime: Runtime = app.state.runtime
    before = await stored_keys(runtime)
    refused = await submit_with(client, person, [
        ("NATIONAL_ID_COPY", "id.pdf", PDF),
        ("MEDICAL_REPORT", "report.pdf", b"<!doctype html><html><script>alert(1)</script></html>"),
    ])
    assert refused == {"request": None, "errors": [
        {"field": "documents.1.file", "code": "UNSUPPORTED_FILE_TYPE"}]}
    mine = (await gql(client, MY_REQUESTS, token=person.access_token))["data"]["me"]["requests"]
    assert mine["totalCount"] == 0
    assert await stored_keys(runtime) == before

    first = await submit_with(client, person, [("MEDICAL_REPORT", "a.jpg", JPEG)])
    assert first["errors"] == []
    kept = await stored_keys(runtime)
    recorded = set(await Document.all().values_list("storage_key", flat=True))
    # The second open request of the service fails in its transaction: its file goes too.
    second = await submit_with(client, person, [("MEDICAL_REPORT", "b.pdf", PDF)])
    assert second["errors"] == [{"field": "details", "code": "DUPLICATE_REQUEST"}]
    assert await stored_keys(runtime) == kept

    # A process that died between storing and committing leaves a file the sweeper removes.
    orphan = f"documents/{uuid.uuid4()}"
    await runtime.store.put(orphan, runtime.cipher.seal(PDF))
    clock = runtime.clock
    runtime.clock = lambda: clock() + dt.timedelta(hours=2)
    try:
        assert await jobs.sweep_orphaned_files(runtime) >= 1
    finally:
        runtime.clock = clock
    # Files of earlier tests, whose rows were emptied with their tables, went the same way.
    assert await stored_keys(runtime) == recorded


async def test_readiness_reports_a_store_that_does_not_answer(client, settings, tmp_path):
    assert (await client.get("/readyz")).json()["documentStore"] == "up"
    (tmp_path / "a-file").write_bytes(b"")
    broken = (
        dataclasses.replace(settings, document_store_url=f"s3://no-such-bucket-{uuid.uuid4().hex[:8]}")
        if settings.document_store_url.startswith("s3://")
        else dataclasses.replace(settings, document_store_url=f"file://{tmp_path}/a-file/store")
    )
    application = create_app(broken, manage_database=False)
    async with serving(application) as other:
        response = await other.get("/readyz")
    assert response.status_code == 503
    assert response.json()["documentStore"] == "down"


@ONCE
async def test_a_store_that_is_away_refuses_uploads_clearly_and_keeps_nothing(
    client, inbox, app, settings, tmp_path, engine
):
    person = await signed_up(client, inbox)
    kept = await submit_with(client, person, [("MEDICAL_REPORT", "report.pdf", PDF)])
    (document,) = kept["request"]["documents"]
    await gql(client, CANCEL, {"input": {"requestId": kept["request"]["id"]}},
              token=person.access_token)
    (tmp_path / "a-file").write_bytes(b"")
    away = (
        # A port nothing listens on: the S3 store is unreachable.
        dataclasses.replace(settings, s3_endpoint_url="http://127.0.0.1:9")
        if settings.document_store_url.startswith("s3://")
        else dataclasses.replace(settings, document_store_url=f"file://{tmp_path}/a-file/store")
    )
    application = create_app(away, manage_database=False)
    async with serving(application) as other:
        refused = await submit_with(other, person, [("MEDICAL_REPORT", "report.pdf", PDF)])
        download = await other.get(document["downloadUrl"])
        listed = await gql(other, MY_REQUESTS, token=person.access_token)
    assert refused == {"request": None, "errors": [{"field": "documents", "code": "STORE_UNAVAILABLE"}]}
    assert download.status_code == 503 and download.headers["retry-after"] == "60"
    # Nothing half-written: only the first, cancelled request, and its one document.
    assert listed["data"]["me"]["requests"]["totalCount"] == 1
    assert await Document.all().count() == 1
    # The store back, the same link works again.
    assert (await client.get(document["downloadUrl"])).content == PDF
