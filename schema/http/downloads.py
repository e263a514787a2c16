"""The routes behind signed links: file downloads, streamed and decrypted, and the page a
decision letter's QR code opens."""

from __future__ import annotations

import html
from collections.abc import AsyncIterator
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response, StreamingResponse

from models import AccessPurpose, DecisionLetter, Document, Member, ServiceRequest
from resolvers import letters
from resolvers.platform import audit
from resolvers.platform.encryption import SealedFileError
from resolvers.platform.i18n import negotiate_language, translate
from resolvers.platform.links import Grant, LinkExpired, LinkInvalid, LinkKind
from resolvers.platform.runtime import Runtime
from resolvers.platform.store import StoredFileMissing, StoreUnavailable
from resolvers.service_requests import catalog
from schema.documents import VERIFICATIONS_PER_IP

PRIVATE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "private, no-store",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; sandbox",
}
# What a member reads in their access log for a decision letter (documents show their kind).
LETTER_SUBJECT = "DECISION_LETTER"


async def record_staff_download(
    runtime: Runtime, grant: Grant, *, request_id: object, subject: str, thing: object
) -> None:
    """A staff download of a member's file (a document or a decision letter) goes into that
    member's access log."""
    staff = await Member.get_or_none(id=grant.viewer_id)
    request = await ServiceRequest.get_or_none(id=request_id)
    if staff is not None and request is not None:
        runtime.access_log.record(
            staff=staff, member_id=request.member_id, purpose=AccessPurpose.DOCUMENT_VIEW,
            subject=subject, thing=str(thing),
        )


def refused(request: Request, key: str, status_code: int, **headers: str) -> Response:
    """A download that cannot be served, said in the caller's language."""
    language = negotiate_language(request.headers.get("accept-language"))
    return PlainTextResponse(translate(key, language), status_code=status_code,
                             headers={**PRIVATE_HEADERS, **headers})


async def download(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    try:
        grant = runtime.links.verify(request.path_params["token"], now=runtime.now())
    except LinkExpired:
        return refused(request, "link_expired", 403)
    except (LinkInvalid, ValueError):
        return refused(request, "NOT_FOUND", 404)

    if grant.kind is LinkKind.DOCUMENT:
        document = await Document.get_or_none(id=grant.key)
        if document is None:
            return refused(request, "NOT_FOUND", 404)
        if grant.staff:
            await record_staff_download(runtime, grant, request_id=document.request_id,
                                        subject=document.kind.value, thing=document.id)
        key, content_type, file_name = document.storage_key, document.content_type, document.file_name
    else:
        letter = await DecisionLetter.get_or_none(id=grant.key).select_related("request")
        if letter is None:
            return refused(request, "NOT_FOUND", 404)
        if grant.staff:
            await record_staff_download(runtime, grant, request_id=letter.request_id,
                                        subject=LETTER_SUBJECT, thing=letter.id)
        key, content_type = letter.storage_key, "application/pdf"
        file_name = f"{letter.request.reference_number}.pdf"

    chunks = runtime.cipher.open_stream(runtime.store.get(key))
    try:
        # The first chunk before the headers: a missing or altered file is an error status,
        # not a download cut short.
        first = await anext(chunks)
    except (StoredFileMissing, SealedFileError, StopAsyncIteration):
        audit.record("stored_file_unreadable", key=key)
        return refused(request, "NOT_FOUND", 404)
    except StoreUnavailable:
        audit.record("document_store_unavailable", operation="get")
        return refused(request, "store_not_answering", 503, **{"Retry-After": "60"})
    audit.record("file_downloaded", kind=grant.kind.value, id=grant.key, viewer_id=grant.viewer_id)

    async def body() -> AsyncIterator[bytes]:
        yield first
        async for chunk in chunks:
            yield chunk

    return StreamingResponse(
        body(),
        media_type=content_type,
        headers={**PRIVATE_HEADERS, "Content-Disposition": content_disposition(file_name)},
    )


def content_disposition(file_name: str) -> str:
    """attachment, with an ASCII fallback name and the real one in RFC 5987 form."""
    fallback = "".join(c if c.isascii() and (c.isalnum() or c in "._- ") else "_" for c in file_name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(file_name, safe='')}"


PAGE_TEXT = {
    "EN": ("Decision letter verification", "This letter is genuine.", "No letter has this code.",
           ("Reference number", "Service", "Decision", "Issued", "Holder")),
    "AR": ("التحقق من خطاب القرار", "هذا الخطاب صحيح.", "لا يوجد خطاب بهذا الرمز.",
           ("الرقم المرجعي", "الخدمة", "القرار", "تاريخ الإصدار", "صاحب الخطاب")),
}


async def verify_page(request: Request) -> Response:
    """What the QR code on a letter opens: the same facts verifyDecisionLetter gives."""
    runtime: Runtime = request.app.state.runtime
    client = request.client.host if request.client else "unknown"
    language = negotiate_language(request.headers.get("accept-language"))
    key = f"verify-letter:{client}"
    if not await runtime.throttle.hit(VERIFICATIONS_PER_IP, key):
        wait = await runtime.throttle.retry_after(VERIFICATIONS_PER_IP, key)
        return PlainTextResponse(translate("RATE_LIMITED", language), status_code=429,
                                 headers={"Retry-After": str(wait)})
    title, genuine, unknown, labels = PAGE_TEXT[language.value]
    found = await letters.verify(runtime, request.query_params.get("code", ""))
    if found is None:
        rows, verdict = "", unknown
    else:
        values = (found.reference_number, catalog.service(found.type, language).name,
                  letters.DECISION_NAMES[found.status][language.value],
                  letters.saudi_date(found.issued_at).isoformat(), found.holder_name)
        rows = "".join(f"<tr><th>{html.escape(label)}</th><td>{html.escape(value)}</td></tr>"
                       for label, value in zip(labels, values, strict=True))
        verdict = genuine
    direction = "rtl" if language.value == "AR" else "ltr"
    page = (f'<!doctype html><html lang="{language.value.lower()}" dir="{direction}"><head>'
            f'<meta charset="utf-8"><title>{html.escape(title)}</title></head><body>'
            f"<h1>{html.escape(title)}</h1><p>{html.escape(verdict)}</p><table>{rows}</table>"
            "</body></html>")
    return HTMLResponse(page, headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
                                       # Never inside another site's frame (clickjacking).
                                       "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
                                       "X-Frame-Options": "DENY"})

