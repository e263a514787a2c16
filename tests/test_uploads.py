"""Uploads over the GraphQL multipart request spec: the forgery guard, the limits, what a
file may be, and who may attach or see it."""

from __future__ import annotations

import zlib
from typing import Any

from tests.support import (
    ATTACH,
    JPEG,
    PDF,
    PNG,
    gql,
    gql_upload,
    signed_in_staff,
    signed_up,
)
from tests.test_service_requests import cancel, submitted

DOCUMENT_NODE = """
query Node($id: ID!) {
  node(id: $id) { id ... on Document { kind fileName downloadUrl } }
}
"""

REQUEST_DOCUMENTS = """
query Node($id: ID!) { node(id: $id) { ... on ServiceRequest { documents { id } } } }
"""


async def attach(client, person, request_id: str, files: list[tuple[str, str, bytes]],
                 **options: Any):
    variables = {"input": {"requestId": request_id,
                           "documents": [{"kind": kind, "file": None} for kind, _, _ in files]}}
    return await gql_upload(
        client, ATTACH, variables,
        {f"input.documents.{i}.file": (name, content, "application/octet-stream")
         for i, (_, name, content) in enumerate(files)},
        token=person.access_token, **options,
    )


def codes(response) -> list[tuple[str, str]]:
    payload = response.json()["data"]["attachDocuments"]
    return [(error["field"], error["code"]) for error in payload["errors"]]


async def documents_of(client, person, request_id: str) -> list[dict]:
    result = await gql(client, REQUEST_DOCUMENTS, {"id": request_id}, token=person.access_token)
    return result["data"]["node"]["documents"]


async def test_a_multipart_request_needs_a_preflight_header(client, inbox):
    person = await signed_up(client, inbox)
    request = await submitted(client, person)
    refused = await attach(client, person, request["id"], [("OTHER", "a.pdf", PDF)],
                           preflight=False)
    assert refused.status_code == 400
    empty = await client.post(
        "/graphql", headers={"Apollo-Require-Preflight": " ", "Authorization":
                             f"Bearer {person.access_token}"},
        data={"operations": "{}", "map": "{}"}, files={"0": ("a.pdf", PDF)},
    )
    assert empty.status_code == 400
    accepted = await client.post(
        "/graphql",
        headers={"GraphQL-Require-Preflight": "1", "Authorization": f"Bearer {person.access_token}"},
        data={"operations": '{"query": "mutation($input: AttachDocumentsInput!) { attachDocuments'
                            '(input: $input) { errors { code } } }", "variables": {"input": '
                            f'{{"requestId": "{request["id"]}", "documents": [{{"kind": "OTHER",'
                            ' "file": null}]}}}', "map": '{"0": ["variables.input.documents.0.file"]}'},
        files={"0": ("a.pdf", PDF)},
    )
    assert accepted.status_code == 200
    assert accepted.json()["data"]["attachDocuments"]["errors"] == []
    assert len(await documents_of(client, person, request["id"])) == 1


async def test_a_multipart_body_over_110_mib_gets_413(app):
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {
        "type": "http", "method": "POST", "path": "/graphql", "raw_path": b"/graphql",
        "query_string": b"", "scheme": "http", "server": ("testserver", 80),
        "client": ("127.0.0.1", 1), "http_version": "1.1", "root_path": "",
        "headers": [(b"content-type", b"multipart/form-data; boundary=x"),
                    (b"content-length", str(110 * 1024 * 1024 + 1).encode()),
                    (b"apollo-require-preflight", b"true")],
    }
    await app(scope, receive, send)
    assert sent[0]["status"] == 413


async def test_a_file_over_10_mib_and_an_eleventh_file_are_refused(client, inbox):
    person = await signed_up(client, inbox)
    request = await submitted(client, person)
    too_large = PDF + b"\n" + b"0" * (10 * 1024 * 1024)
    files = [("MEDICAL_REPORT", "big.pdf", too_large)] + [("OTHER", f"{n}.pdf", PDF) for n in range(10)]
    response = await attach(client, person, request["id"], files)
    assert codes(response) == [("documents.0.file", "FILE_TOO_LARGE"),
                               ("documents.10.file", "TOO_MANY_FILES")]
    assert await documents_of(client, person, request["id"]) == []


JS_STREAM = zlib.compress(b"<< /S /JavaScript /JS (app.alert(1)) >>")
UNSUPPORTED = [
    ("page.pdf", b"<!DOCTYPE html><html><body>Hello</body></html>"),
    ("image.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    ("setup.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(200)),
    ("tool.pdf", b"\x7fELF\x02\x01\x01\x00" + bytes(200)),
    ("empty.pdf", b""),
    ("script.pdf", PDF.replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /JavaScript >>")),
    ("escaped.pdf", PDF.replace(b"/Type /Catalog", b"/Type /Catalog /AA << /O << /S /J#61vaScript >> >>")),
    ("packed.pdf", PDF.replace(b"trailer", b"4 0 obj << /Filter /FlateDecode >>\nstream\n"
                              + JS_STREAM + b"\nendstream\nendobj\ntrailer")),
]


async def test_only_pdf_jpeg_and_png_are_kept_whatever_their_name(client, inbox):
    person = await signed_up(client, inbox)
    request = await submitted(client, person)
    response = await attach(client, person, request["id"],
                            [("OTHER", name, content) for name, content in UNSUPPORTED])
    assert codes(response) == [(f"documents.{i}.file", "UNSUPPORTED_FILE_TYPE")
                               for i in range(len(UNSUPPORTED))]
    assert await documents_of(client, person, request["id"]) == []
    # A JSON request cannot carry a file: a string where the file belongs is no file.
    as_json = await gql(client, ATTACH, {"input": {"requestId": request["id"], "documents": [
        {"kind": "OTHER", "file": "JVBERi0xLjQK"}]}}, token=person.access_token)
    assert [e["code"] for e in as_json["data"]["attachDocuments"]["errors"]] == [
        "UNSUPPORTED_FILE_TYPE"]
    photos = await attach(client, person, request["id"], [
        ("MEDICAL_REPORT", "scan", JPEG), ("OTHER", "تقرير" * 60 + ".pdf", PNG)])
    scan, long_name = photos.json()["data"]["attachDocuments"]["request"]["documents"]
    assert (scan["contentType"], scan["fileName"]) == ("image/jpeg", "scan.jpg")
    assert long_name["contentType"] == "image/png"
    assert long_name["fileName"] == ("تقرير" * 60)[:96] + ".png"


async def test_only_the_member_attaches_and_only_while_the_request_is_open(client, inbox, app):
    owner, other = await signed_up(client, inbox), await signed_up(client, inbox)
    staff = await signed_in_staff(client, app)
    request = await submitted(client, owner)
    assert codes(await attach(client, other, request["id"], [("OTHER", "a.pdf", PDF)])) == [
        ("requestId", "NOT_FOUND")]
    by_staff = await attach(client, staff, request["id"], [("OTHER", "a.pdf", PDF)])
    assert by_staff.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    await cancel(client, owner, request["id"])
    assert codes(await attach(client, owner, request["id"], [("OTHER", "a.pdf", PDF)])) == [
        ("requestId", "INVALID_TRANSITION")]


async def test_a_document_is_seen_only_by_its_member_and_staff(client, inbox, app):
    owner, other = await signed_up(client, inbox), await signed_up(client, inbox)
    staff = await signed_in_staff(client, app)
    request = await submitted(client, owner)
    response = await attach(client, owner, request["id"], [("MEDICAL_REPORT", "r.pdf", PDF)])
    document_id = response.json()["data"]["attachDocuments"]["request"]["documents"][0]["id"]
    mine = await gql(client, DOCUMENT_NODE, {"id": document_id}, token=owner.access_token)
    assert mine["data"]["node"]["kind"] == "MEDICAL_REPORT"
    theirs = await gql(client, DOCUMENT_NODE, {"id": document_id}, token=other.access_token)
    assert theirs["data"]["node"] is None
    seen = await gql(client, DOCUMENT_NODE, {"id": document_id}, token=staff.access_token)
    download = await client.get(seen["data"]["node"]["downloadUrl"])
    assert download.status_code == 200 and download.content == PDF
