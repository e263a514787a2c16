"""Decision letters: issued on APPROVED or REJECTED, in the member's language, verifiable by
anyone with the code and revealing no more than the letter shows."""

from __future__ import annotations

import re

from models import DecisionLetter
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


async def decided(client, inbox, app, *, language: str, decision: str):
    person = await member_with(client, inbox, preferredLanguage=language)
    staff = await signed_in_staff(client, app)
    request = await submitted(client, person)
    await attach_required(client, person, request, "PHYSIOTHERAPY")
    await review(client, staff, request["id"], "UNDER_REVIEW")
    before = await gql(client, LETTER, {"id": request["id"]}, token=person.access_token)
    assert before["data"]["node"]["decisionLetter"] is None
    payload = await review(client, staff, request["id"], decision, "Twelve sessions in Riyadh.")
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
