"""The routes behind signed links: file downloads, streamed and decrypted, and the page the QR
code of a decision letter or a certificate opens."""

from __future__ import annotations

import html
from collections.abc import AsyncIterator
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response, StreamingResponse

from models import AccessPurpose, ContributionCertificate, DecisionLetter, Document, Member, ServiceRequest
from resolvers.letters import certificate, decision, official
from resolvers.platform import audit
from resolvers.platform.encryption import SealedFileError
from resolvers.platform.i18n import label, negotiate_language, translate
from resolvers.platform.links import Grant, LinkExpired, LinkInvalid, LinkKind
from resolvers.platform.runtime import Runtime
from resolvers.platform.store import StoredFileMissing, StoreUnavailable
from resolvers.service_requests import catalog
from schema.documents import VERIFICATIONS_PER_IP, verification_key

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
        await runtime.access_log.flush()  # in the database before the file leaves


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
    elif grant.kind is LinkKind.CERTIFICATE:
        issued = await ContributionCertificate.get_or_none(id=grant.key)
        if issued is None:
            return PlainTextResponse("Not found.", status_code=404, headers=PRIVATE_HEADERS)
        key, content_type = issued.storage_key, "application/pdf"
        file_name = f"certificate-{issued.issued_at.date().isoformat()}.pdf"
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
    "EN": ("Document verification", "This letter is genuine.", "No letter has this code.",
           ("Reference number", "Service", "Decision", "Issued", "Holder")),
    "AR": ("التحقق من المستندات", "هذا الخطاب صحيح.", "لا يوجد خطاب بهذا الرمز.",
           ("الرقم المرجعي", "الخدمة", "القرار", "تاريخ الإصدار", "صاحب الخطاب")),
}
CERTIFICATE_TEXT = {
    "EN": ("If this is a certificate of contributions, enter its holder's national ID:",
           "National ID", "Check", "This certificate is genuine.",
           "No certificate matches this code and ID.",
           ("Issued", "Holder", "Months of contributions", "Current employer", "Employed since",
            "Current monthly wage")),
    "AR": ("إن كانت شهادة اشتراكات فأدخل رقم هوية صاحبها:", "رقم الهوية", "تحقق",
           "هذه الشهادة صحيحة.", "لا توجد شهادة بهذا الرمز ورقم الهوية.",
           ("تاريخ الإصدار", "صاحبها", "أشهر الاشتراك", "صاحب العمل الحالي", "منذ",
            "الأجر الشهري الحالي")),
}


def _table(labels: tuple[str, ...], values: tuple[str, ...]) -> str:
    rows = "".join(f"<tr><th>{html.escape(label)}</th><td>{html.escape(value)}</td></tr>"
                   for label, value in zip(labels, values, strict=True))
    return f"<table>{rows}</table>"


async def _certificate_part(runtime: Runtime, language: str, code: str, national_id: str) -> str:
    """The form asking for the holder's ID, or what the certificate states once both match."""
    ask, id_label, button, genuine, unknown, labels = CERTIFICATE_TEXT[language]
    if not national_id:
        return (f'<form method="get" action="/verify"><p>{html.escape(ask)}</p>'
                f'<input type="hidden" name="code" value="{html.escape(code)}">'
                f'<label>{html.escape(id_label)} <input name="nationalId" inputmode="numeric" '
                f'autocomplete="off" maxlength="10"></label> <button>{html.escape(button)}</button>'
                "</form>")
    found = await certificate.verify(runtime, code=code, national_id=national_id)
    if found is None:
        return f"<p>{html.escape(unknown)}</p>"
    values = (official.saudi_date(found.issued_at).isoformat(), found.holder_name,
              str(found.contribution_months), found.current_employer or "-",
              found.employed_since.isoformat() if found.employed_since else "-",
              f"{found.current_wage:,.2f} SAR" if found.current_wage is not None else "-")
    return f"<p>{html.escape(genuine)}</p>{_table(labels, values)}"


async def verify_page(request: Request) -> Response:
    """What the QR code on a letter or a certificate opens: the same facts verifyDecisionLetter
    and verifyContributionCertificate give, under the same rate limit."""
    runtime: Runtime = request.app.state.runtime
    client = request.client.host if request.client else "unknown"
    language = negotiate_language(request.headers.get("accept-language"))
    key = verification_key(client)
    if not await runtime.throttle.hit(VERIFICATIONS_PER_IP, key):
        wait = await runtime.throttle.retry_after(VERIFICATIONS_PER_IP, key)
        return PlainTextResponse(translate("RATE_LIMITED", language), status_code=429,
                                 headers={"Retry-After": str(wait)})
    title, genuine, unknown, labels = PAGE_TEXT[language.value]
    code = request.query_params.get("code", "")
    national_id = request.query_params.get("nationalId", "").strip()
    found = None if national_id else await decision.verify(runtime, code)
    if found is not None:
        values = (found.reference_number, catalog.service(found.type, language).name,
                  label(found.status, language),
                  official.saudi_date(found.issued_at).isoformat(), found.holder_name)
        body = f"<p>{html.escape(genuine)}</p>{_table(labels, values)}"
    else:
        letter_part = "" if national_id else f"<p>{html.escape(unknown)}</p>"
        body = letter_part + await _certificate_part(runtime, language.value, code, national_id)
    direction = "rtl" if language.value == "AR" else "ltr"
    page = (f'<!doctype html><html lang="{language.value.lower()}" dir="{direction}"><head>'
            f'<meta charset="utf-8"><title>{html.escape(title)}</title></head><body>'
            f"<h1>{html.escape(title)}</h1>{body}</body></html>")
    return HTMLResponse(page, headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
                                       # Never inside another site's frame (clickjacking).
                                       "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
                                       "X-Frame-Options": "DENY"})

