"""Documents attached to requests: checking uploads, storing them sealed, and who sees them.

A file is checked whole before anything is kept: its type is read from its bytes (PDF, JPEG,
PNG only), never from its name. Files are stored first and their rows written after, in the
transaction of the change they belong to; when that transaction fails the files are deleted,
and the sweeper (platform/jobs.py) removes any a crashed process left behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import re
import unicodedata
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Protocol

import puremagic

from models import Actor, Document, DocumentKind, ServiceRequest
from resolvers.documents import pdf_safety
from resolvers.platform import audit
from resolvers.platform.errors import DomainError, ErrorCode, ErrorCollector
from resolvers.platform.pagination import grouped
from resolvers.platform.runtime import Runtime
from resolvers.platform.store import StoreUnavailable
from resolvers.service_requests import catalog
from resolvers.service_requests.rows import RequestRow

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_FILES = 10
FILE_NAME_MAX = 100
ALLOWED_TYPES = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
DOCUMENTS_PREFIX = "documents"


class IncomingFile(Protocol):
    """A file part of the multipart request (Starlette's UploadFile)."""

    filename: str | None

    async def read(self, size: int = -1) -> bytes: ...
    async def seek(self, offset: int) -> None: ...


@dataclass(frozen=True)
class Upload:
    kind: DocumentKind
    file: IncomingFile


@dataclass(frozen=True)
class Checked:
    upload: Upload
    file_name: str
    content_type: str
    size: int
    sha256: str


@dataclass(frozen=True)
class StoredFile:
    checked: Checked
    id: uuid.UUID
    storage_key: str


async def check_uploads(
    errors: ErrorCollector, uploads: Sequence[Upload], *, path: str = "documents", already: int = 0
) -> list[Checked]:
    """Each upload read and judged by its content; problems go to `errors` as documents.N.file."""
    checked: list[Checked] = []
    for index, upload in enumerate(uploads):
        field = f"{path}.{index}.file"
        if already + index >= MAX_FILES:
            errors.add(field, ErrorCode.TOO_MANY_FILES, max=MAX_FILES)
            break
        content = await upload.file.read(MAX_FILE_BYTES + 1)
        if len(content) > MAX_FILE_BYTES:
            errors.add(field, ErrorCode.FILE_TOO_LARGE, max_mib=MAX_FILE_BYTES // (1024 * 1024))
            continue
        # Hashed on another core while the PDF is scanned (hashlib lets go of the GIL), and
        # off the event loop: 5 MiB take about 8 ms.
        digest = asyncio.ensure_future(asyncio.to_thread(_sha256, content))
        content_type = detect_type(content)
        if content_type == "application/pdf" and not await pdf_safety.is_inert(content):
            content_type = None
        sha256 = await digest
        if content_type is None:
            errors.add(field, ErrorCode.UNSUPPORTED_FILE_TYPE)
            continue
        checked.append(Checked(
            upload=upload,
            file_name=sanitize_file_name(upload.file.filename, content_type),
            content_type=content_type,
            size=len(content),
            sha256=sha256,
        ))
    return checked


def _sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def detect_type(content: bytes) -> str | None:
    """application/pdf, image/jpeg or image/png from the bytes; None for anything else
    (an empty file, an executable, HTML, SVG...). A PDF is judged further by pdf_safety."""
    if not content:
        return None
    try:
        detected = puremagic.from_string(content, mime=True)
    except (puremagic.PureError, ValueError):
        return None
    if detected not in ALLOWED_TYPES:
        return None
    return detected


def sanitize_file_name(name: str | None, content_type: str) -> str:
    """The last path segment, without control or direction characters, at most 100 characters,
    ending in the extension of the detected type."""
    base = re.split(r"[/\\]", unicodedata.normalize("NFC", name or ""))[-1]
    base = "".join(
        " " if char.isspace() else char for char in base
        if unicodedata.category(char) not in {"Cc", "Cf", "Cs", "Co", "Cn"}
        and char not in '<>:"|?*'
    )
    base = re.sub(r"\s+", " ", base).strip(" .")
    stem, dot, extension = base.rpartition(".")
    if not dot:
        stem = base
    expected = ALLOWED_TYPES[content_type]
    stem = stem.strip(" .")[: FILE_NAME_MAX - len(expected)] or "document"
    return stem + expected


@contextlib.asynccontextmanager
async def stored(runtime: Runtime, files: Sequence[Checked]) -> AsyncIterator[list[StoredFile]]:
    """Seals and stores every file; if anything fails before the block ends (its transaction
    included), the stored files are deleted again."""
    done: list[StoredFile] = []
    try:
        for item in files:
            await item.upload.file.seek(0)
            content = await item.upload.file.read(MAX_FILE_BYTES + 1)
            if len(content) != item.size:
                raise RuntimeError("an upload changed between its check and its storing")
            document_id = uuid.uuid4()
            key = f"{DOCUMENTS_PREFIX}/{document_id}"
            try:
                # Sealing 5 MiB takes about 27 ms: not on the event loop.
                sealed = await asyncio.to_thread(runtime.cipher.seal, content)
                await runtime.store.put(key, sealed)
            except StoreUnavailable:
                audit.record("document_store_unavailable", operation="put")
                raise DomainError.single("documents", ErrorCode.STORE_UNAVAILABLE) from None
            done.append(StoredFile(checked=item, id=document_id, storage_key=key))
        yield done
    except BaseException:
        for kept in done:
            with contextlib.suppress(Exception):
                await runtime.store.delete(kept.storage_key)
        raise


async def record(
    files: Sequence[StoredFile],
    *,
    request_id: uuid.UUID,
    actor: Actor,
    uploader_id: uuid.UUID,
    now: dt.datetime,
) -> list[Document]:
    rows = []
    for index, item in enumerate(files):
        rows.append(await Document.create(
            id=item.id,
            request_id=request_id,
            kind=item.checked.upload.kind,
            file_name=item.checked.file_name,
            content_type=item.checked.content_type,
            size=item.checked.size,
            sha256=item.checked.sha256,
            storage_key=item.storage_key,
            uploaded_by=actor,
            uploader_id=uploader_id,
            # Oldest first is the order they were sent in.
            uploaded_at=now + dt.timedelta(microseconds=index),
        ))
    return rows


async def documents_of(request_ids: Sequence[uuid.UUID]) -> list[list[Document]]:
    """The documents of each request, oldest first, in one query."""
    rows = await Document.filter(request_id__in=list(request_ids)).order_by("uploaded_at", "id")
    return grouped(rows, request_ids, key=lambda row: row.request_id)


def missing_kinds(
    request: ServiceRequest | RequestRow, attached: Sequence[Document]
) -> list[DocumentKind]:
    """The service's required kinds that are not attached yet."""
    present = {document.kind for document in attached}
    return [kind for kind in catalog.required_kinds(request.type) if kind not in present]


async def documents_of_one(request_id: uuid.UUID) -> list[Document]:
    return await Document.filter(request_id=request_id).order_by("uploaded_at", "id")


async def count_of(request_id: uuid.UUID) -> int:
    return await Document.filter(request_id=request_id).count()
