"""Helpers the tests share: GraphQL calls, valid test identities, codes from messages."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import threading
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import orjson
import pytest

CODE_PATTERN = re.compile(r"(?<!\d)\d{6}(?!\d)")
STRONG_PASSWORD = "amber-falcon-orchard-42"


@contextlib.asynccontextmanager
async def serving(application: Any, *, base_url: str = "http://testserver") -> AsyncIterator[httpx.AsyncClient]:
    """A client of an app the test built itself, started (lifespan) for as long as it is used."""
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url=base_url) as client:
            yield client


def wrong_code(code: str) -> str:
    """A six-digit code that is not `code`."""
    return f"{(int(code) + 1) % 1_000_000:06d}"


def with_check_digit(first_nine: str) -> str:
    total = 0
    for index, char in enumerate(reversed(first_nine)):
        number = int(char)
        if index % 2 == 0:
            number *= 2
            if number > 9:
                number -= 9
        total += number
    return first_nine + str((10 - total % 10) % 10)


_counter = iter(range(10_000_000, 99_999_999))


def new_national_id(prefix: str = "1") -> str:
    return with_check_digit(f"{prefix}{next(_counter):08d}")


def new_mobile() -> str:
    return f"05{next(_counter) % 10**8:08d}"


async def gql(
    client: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    token: str | None = None,
    language: str = "en",
) -> dict[str, Any]:
    headers = {"Accept-Language": language}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )
    assert response.status_code == 200, response.text
    return response.json()


@dataclass
class Inbox:
    """What the real SMTP server and SMS gateway received, shared with the tests."""

    messages: list[tuple[str, str]] = field(default_factory=list)  # (destination, text)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, destination: str, text: str) -> None:
        with self.lock:
            self.messages.append((destination, text))

    def to(self, destination: str) -> list[str]:
        with self.lock:
            return [text for to, text in self.messages if to == destination]

    async def wait_for(self, destination: str, count: int = 1, timeout: float = 10.0) -> list[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            received = self.to(destination)
            if len(received) >= count:
                return received
            await asyncio.sleep(0.02)
        raise AssertionError(f"{destination} received {len(self.to(destination))} of {count}")

    async def code_for(self, destination: str, nth: int = 1, timeout: float = 10.0) -> str:
        text = (await self.wait_for(destination, nth, timeout))[nth - 1]
        codes = CODE_PATTERN.findall(text)
        assert len(codes) == 1, f"expected one 6-digit code in {text!r}"
        return codes[0]


class SmtpHandler:
    def __init__(self, inbox: Inbox) -> None:
        self.inbox = inbox

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd API)
        message: Message = message_from_bytes(envelope.content)
        body = message.get_payload(decode=True)
        text = body.decode(message.get_content_charset() or "utf-8") if body else ""
        for recipient in envelope.rcpt_tos:
            self.inbox.add(recipient, f"{message['Subject']}\n{text}")
        return "250 OK"


class SmsGateway:
    """A real HTTP server on loopback standing in for the SMS provider."""

    def __init__(self, inbox: Inbox) -> None:
        self.inbox = inbox
        self.failing = False
        self.failing_status = 503
        self.delay = 0.0
        self.requests = 0
        self._released = threading.Event()
        self._released.set()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server API)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                gateway.requests += 1
                if not gateway._released.is_set():
                    # Hung: no answer until released (or 30 s), then the request is dropped.
                    gateway._released.wait(timeout=30)
                    self.close_connection = True
                    return
                if gateway.delay:
                    time.sleep(gateway.delay)
                if gateway.failing:
                    self.send_response(gateway.failing_status)
                    self.end_headers()
                    return
                payload = orjson.loads(body)
                assert self.headers.get("Content-Type", "").startswith("application/json")
                gateway.inbox.add(payload["to"], payload["message"])
                self.send_response(202)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/sms"

    def hang(self) -> None:
        """Accept requests and answer none of them, for up to 30 s each, until release()."""
        self._released.clear()

    def release(self) -> None:
        self._released.set()

    def reset(self) -> None:
        self.failing, self.failing_status, self.delay = False, 503, 0.0
        self.release()

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


REGISTER = """
mutation Register($input: RegisterInput!) {
  register(input: $input) {
    member { id nationalId fullName status mobile email residency preferredLanguage }
    delivery { channel destination expiresAt resendAvailableAt }
    errors { field code message }
  }
}
"""

ACTIVATE = """
mutation Activate($input: ActivateInput!) {
  activate(input: $input) {
    member { id fullName status email address { city district } dateOfBirth }
    session { accessToken accessTokenExpiresAt refreshToken refreshTokenExpiresAt }
    errors { field code message }
  }
}
"""

LOGIN = """
mutation Login($input: LoginInput!) {
  login(input: $input) {
    member { id nationalId }
    session { accessToken refreshToken }
    errors { field code message }
  }
}
"""


@dataclass
class Person:
    national_id: str
    mobile: str
    email: str
    password: str = STRONG_PASSWORD
    full_name: str = "Sara Abdullah Alharbi"
    date_of_birth: str = "1988-04-12"
    access_token: str = ""
    refresh_token: str = ""

    @property
    def e164(self) -> str:
        return "+966" + self.mobile[1:]

    def registration(self, **overrides: Any) -> dict[str, Any]:
        data = {
            "nationalId": self.national_id,
            "fullName": self.full_name,
            "dateOfBirth": self.date_of_birth,
            "mobile": self.mobile,
            "email": self.email,
            "password": self.password,
            "channel": "SMS",
            "preferredLanguage": "EN",
        }
        data.update(overrides)
        return data


def new_person() -> Person:
    national_id = new_national_id()
    return Person(national_id=national_id, mobile=new_mobile(),
                  email=f"member{national_id}@example.com")


async def register(client: httpx.AsyncClient, person: Person, **overrides: Any) -> dict[str, Any]:
    result = await gql(client, REGISTER, {"input": person.registration(**overrides)})
    return result["data"]["register"]


async def signed_up(client: httpx.AsyncClient, inbox: Inbox, person: Person | None = None) -> Person:
    """A new ACTIVE member, signed in: its access and refresh tokens are on the Person."""
    person = person or new_person()
    registered = await register(client, person)
    assert registered["errors"] == [], registered
    code = await inbox.code_for(person.e164)
    result = await gql(
        client, ACTIVATE,
        {"input": {"nationalId": person.national_id, "code": code, "confirmDetails": True}},
    )
    activated = result["data"]["activate"]
    assert activated["errors"] == [], activated
    person.access_token = activated["session"]["accessToken"]
    person.refresh_token = activated["session"]["refreshToken"]
    return person


async def signed_in_staff(client: httpx.AsyncClient, app) -> Person:
    """A staff account made the way `server.py create-staff` makes one, then signed in."""
    from resolvers import staff
    person = new_person()
    await staff.create_staff(
        runtime=app.state.runtime, national_id=person.national_id,
        full_name="Staff Reviewer One", password=person.password,
    )
    result = await gql(client, LOGIN, {"input": {"nationalId": person.national_id,
                                                 "password": person.password}})
    login = result["data"]["login"]
    assert login["errors"] == [], login
    person.access_token = login["session"]["accessToken"]
    person.refresh_token = login["session"]["refreshToken"]
    return person


# ------------------------------------------------------------------ uploads

# The smallest file a PDF reader opens: one blank page (no cross-reference table, which
# readers rebuild).
PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
       b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
       b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n"
       b"trailer << /Root 1 0 R >>\n%%EOF\n")
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00" + bytes(64)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(64) + b"\xff\xd9"

ATTACH = """
mutation Attach($input: AttachDocumentsInput!) {
  attachDocuments(input: $input) {
    request {
      id status missingDocuments
      documents { id kind fileName contentType size sha256 uploadedBy uploadedAt downloadUrl }
    }
    errors { field code message }
  }
}
"""

REQUIRED_KINDS = {
    "PHYSIOTHERAPY": ["NATIONAL_ID_COPY", "MEDICAL_REPORT"],
    "DISABILITY_PENSION": ["NATIONAL_ID_COPY", "MEDICAL_REPORT", "BANK_CERTIFICATE"],
    "RETIREMENT_PENSION": ["NATIONAL_ID_COPY", "EMPLOYER_LETTER", "BANK_CERTIFICATE"],
    "HEALTH_INSURANCE": ["NATIONAL_ID_COPY", "FAMILY_RECORD"],
    "WORK_INJURY": ["NATIONAL_ID_COPY", "EMPLOYER_LETTER", "MEDICAL_REPORT"],
    "UNEMPLOYMENT_BENEFIT": ["NATIONAL_ID_COPY", "TERMINATION_LETTER", "BANK_CERTIFICATE"],
}


async def gql_upload(
    client: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any],
    files: dict[str, tuple[str, bytes, str]],
    *,
    token: str | None = None,
    language: str = "en",
    preflight: bool = True,
) -> httpx.Response:
    """A GraphQL multipart request: `files` maps a variable path (input.documents.0.file) to
    (file name, content, declared type)."""
    headers = {"Accept-Language": language}
    if preflight:
        headers["Apollo-Require-Preflight"] = "true"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    names = {path: str(index) for index, path in enumerate(files)}
    form = {
        "operations": orjson.dumps({"query": query, "variables": variables}).decode(),
        "map": orjson.dumps({names[path]: [f"variables.{path}"] for path in files}).decode(),
    }
    parts = {names[path]: file for path, file in files.items()}
    return await client.post("/graphql", data=form, files=parts, headers=headers)


def document_inputs(kinds: list[str]) -> list[dict[str, Any]]:
    return [{"kind": kind, "file": None} for kind in kinds]


async def attach_required(client: httpx.AsyncClient, person: Person, request: dict[str, Any],
                          service_type: str) -> dict[str, Any]:
    """Attaches a small PDF for each document the service requires."""
    kinds = REQUIRED_KINDS[service_type]
    response = await gql_upload(
        client, ATTACH,
        {"input": {"requestId": request["id"], "documents": document_inputs(kinds)}},
        {f"input.documents.{i}.file": (f"{kind.lower()}.pdf", PDF, "application/pdf")
         for i, kind in enumerate(kinds)},
        token=person.access_token,
    )
    assert response.status_code == 200, response.text
    payload = response.json()["data"]["attachDocuments"]
    assert payload["errors"] == [], payload
    return payload["request"]


def require_tool(name: str, needed_by: str) -> str:
    """The path of a command-line tool, or a skip (a failure under CI=true, which must run it)."""
    path = shutil.which(name)
    if path is None:
        reason = f"`{name}` not on PATH: {needed_by} needs Node.js and npm"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (CI=true: failing instead of skipping)")
        pytest.skip(reason)
    return path
