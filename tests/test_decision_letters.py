"""Decision letters: issued on APPROVED or REJECTED, in the member's language, verifiable by
anyone with the code and revealing no more than the letter shows."""

from __future__ import annotations

import io
import re

from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from models import DecisionLetter
from tests.pdf_text import actual_lines, glyph_text, presentation_forms
from tests.support import attach_required, gql, signed_in_staff
from tests.test_service_requests import member_with, review, submitted

LETTER = """
query($id: ID!) {
  node(id: $id) {
    ... on ServiceRequest { id referenceNumber decisionLetter { verificationCode issuedAt downloadUrl } }
  }
}
"""

VERIFY = """
query($code: String!) {
  verifyDecisionLetter(code: $code) { valid referenceNumber type status issuedAt holderName }
}
"""

CODE = re.compile(r"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}")


NAME = "سارة عبدالله الحربي"
MIXED_NOTE = "Approved for twelve sessions; المراجع: تمت الموافقة على اثنتي عشرة جلسة in Riyadh."
ARABIC_NOTE = ("يصرف المبلغ اعتبارًا من 1 محرم، بواقع 3000 ريالًا شهريًا. أرفق تقرير الطبيب "
               "المعالج ثم MRI scan report from King Fahd Hospital.")


async def signature_intact(app, pdf: bytes) -> bool:
    signer = app.state.runtime.signer
    (signature,) = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures
    status = await async_validate_pdf_signature(signature, ValidationContext(trust_roots=[signer.signer.signing_cert]))
    return status.intact and status.valid and status.coverage.name == "ENTIRE_FILE"


async def decided(client, inbox, app, *, language: str, decision: str,
                  note: str = "Twelve sessions in Riyadh.", **registration):
    person = await member_with(client, inbox, preferredLanguage=language, **registration)
    staff = await signed_in_staff(client, app)
    request = await submitted(client, person)
    await attach_required(client, person, request, "PHYSIOTHERAPY")
    await review(client, staff, request["id"], "UNDER_REVIEW")
    before = await gql(client, LETTER, {"id": request["id"]}, token=person.access_token)
    assert before["data"]["node"]["decisionLetter"] is None
    payload = await review(client, staff, request["id"], decision, note)
    assert payload["errors"] == []
    result = await gql(client, LETTER, {"id": request["id"]}, token=person.access_token)
    return person, result["data"]["node"]


async def test_an_approval_issues_an_arabic_letter_anyone_can_verify(client, inbox, app):
    person, request = await decided(client, inbox, app, language="AR", decision="APPROVED")
    letter = request["decisionLetter"]
    assert CODE.fullmatch(letter["verificationCode"])
    pdf = await client.get(letter["downloadUrl"])
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-") and b"Amiri" in pdf.content
    assert pdf.headers["content-disposition"].startswith("attachment;")
    assert await signature_intact(app, pdf.content)

    # Typed from the paper: case and separators do not matter. No sign-in needed.
    typed = letter["verificationCode"].lower().replace("-", " ")
    verified = (await gql(client, VERIFY, {"code": typed}))["data"]["verifyDecisionLetter"]
    assert verified == {
        "valid": True, "referenceNumber": request["referenceNumber"], "type": "PHYSIOTHERAPY",
        "status": "APPROVED", "issuedAt": letter["issuedAt"], "holderName": "S*** A*** A***",
    }
    stored = await DecisionLetter.get()
    assert letter["verificationCode"] not in (stored.code_hash, stored.code_sealed)


async def test_a_rejection_letter_is_verified_from_its_qr_link(client, inbox, app):
    _, request = await decided(client, inbox, app, language="EN", decision="REJECTED")
    code = request["decisionLetter"]["verificationCode"]
    page = await client.get("/verify", params={"code": code}, headers={"Accept-Language": "en"})
    assert page.status_code == 200
    assert "This letter is genuine." in page.text and request["referenceNumber"] in page.text
    assert "Rejected" in page.text and "Sara" not in page.text


async def test_an_unknown_code_reveals_nothing_and_guessing_is_rate_limited(client):
    unknown = (await gql(client, VERIFY, {"code": "7KQ2-M9XD-4TPA"}))["data"]["verifyDecisionLetter"]
    assert unknown == {"valid": False, "referenceNumber": None, "type": None, "status": None,
                       "issuedAt": None, "holderName": None}
    answers = [await gql(client, VERIFY, {"code": "not a code"}) for _ in range(30)]
    assert answers[-1]["errors"][0]["extensions"]["code"] == "RATE_LIMITED"


ACCESS_LOG = "query { me { accessLog { edges { node { staffName purpose subject } } } } }"


async def test_a_staff_download_of_a_letter_is_in_the_members_access_log(client, inbox, app):
    person, request = await decided(client, inbox, app, language="EN", decision="APPROVED")
    # The member's own download is no access by staff.
    assert (await client.get(request["decisionLetter"]["downloadUrl"])).status_code == 200
    staff = await signed_in_staff(client, app)
    seen = await gql(client, LETTER, {"id": request["id"]}, token=staff.access_token)
    download = await client.get(seen["data"]["node"]["decisionLetter"]["downloadUrl"])
    assert download.status_code == 200 and download.content.startswith(b"%PDF-")
    await app.state.runtime.access_log.flush()
    log = await gql(client, ACCESS_LOG, token=person.access_token)
    entries = [edge["node"] for edge in log["data"]["me"]["accessLog"]["edges"]]
    assert {"staffName": "Staff Reviewer One", "purpose": "DOCUMENT_VIEW",
            "subject": "DECISION_LETTER"} in entries


async def test_an_english_letter_gives_back_an_arabic_name_and_note_as_written(
    client, inbox, app, settings
):
    person, request = await decided(client, inbox, app, language="EN", decision="APPROVED",
                                    note=MIXED_NOTE, fullName=NAME)
    letter = request["decisionLetter"]
    assert letter["downloadUrl"].startswith(f"{settings.public_url}/files/")
    pdf = (await client.get(letter["downloadUrl"])).content
    lines = actual_lines(pdf)
    assert f"To: {NAME}" in lines and f"Dear {NAME}," in lines and MIXED_NOTE in lines
    assert (f"To check this letter, open {settings.public_url}/verify and enter the code "
            f"{letter['verificationCode']}.") in lines
    assert presentation_forms(glyph_text(pdf)) == []
    assert await signature_intact(app, pdf)


async def test_an_arabic_letter_keeps_the_vowel_marks_of_a_mixed_note(client, inbox, app):
    _, request = await decided(client, inbox, app, language="AR", decision="REJECTED",
                               note=ARABIC_NOTE, fullName=NAME)
    pdf = (await client.get(request["decisionLetter"]["downloadUrl"])).content
    lines = actual_lines(pdf)
    note_starts = next(index for index, line in enumerate(lines) if line.startswith("يصرف"))
    assert " ".join(lines[note_starts:note_starts + 2]) == ARABIC_NOTE
    assert f"المكرم: {NAME}" in lines and "القرار: مرفوض" in lines
    glyphs = glyph_text(pdf)
    assert presentation_forms(glyphs) == [] and glyphs.count("\u064b") >= 3


async def test_a_changed_byte_breaks_the_letters_signature(client, inbox, app):
    _, request = await decided(client, inbox, app, language="EN", decision="APPROVED")
    pdf = bytearray((await client.get(request["decisionLetter"]["downloadUrl"])).content)
    pdf[len(pdf) // 3] ^= 0x01
    assert not await signature_intact(app, bytes(pdf))
