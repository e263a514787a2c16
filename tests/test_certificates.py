"""Certificates of contributions: issued to the member from their record, signed, in Arabic or
English; anyone holding the code and the holder's national ID can verify one, and learns no
more than it shows."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from models import ContributionCertificate, Engagement
from schema.http.app import create_app
from tests.pdf_text import actual_lines, glyph_text, presentation_forms
from tests.support import gql, new_national_id, serving
from tests.test_service_requests import member_with

ISSUE = """
mutation($input: IssueContributionCertificateInput) {
  issueContributionCertificate(input: $input) {
    certificate { verificationCode issuedAt language downloadUrl }
    errors { field code }
  }
}
"""

MINE = "query { me { certificates { verificationCode issuedAt language } } }"

VERIFY = """
query($code: String!, $nationalId: String!) {
  verifyContributionCertificate(code: $code, nationalId: $nationalId) {
    valid issuedAt holderName contributionMonths currentEmployer employedSince
    currentWage { amount currency }
  }
}
"""

VERIFY_LETTER = "query($code: String!) { verifyDecisionLetter(code: $code) { valid } }"

CODE = re.compile(r"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}")
NAME = "سارة عبدالله الحربي"
NOTHING = {"valid": False, "issuedAt": None, "holderName": None, "contributionMonths": None,
           "currentEmployer": None, "employedSince": None, "currentWage": None}


async def with_record(national_id: str) -> None:
    """Four years at Almarai, then Saudi Aramco since March 2019 with a raise in 2024."""
    now = dt.datetime.now(dt.UTC)
    await Engagement.create(
        engagement_id=f"{national_id}-1", national_id=national_id,
        employer_registration_number="100234", employer_name_ar="شركة المراعي",
        employer_name_en="Almarai Company", start_date=dt.date(2015, 3, 1),
        end_date=dt.date(2019, 2, 28), occupation="Accountant", branches=["ANNUITIES"],
        wages=[{"from": "2015-03-01", "basic": "6000.00", "housing": "1500.00"}], imported_at=now,
    )
    await Engagement.create(
        engagement_id=f"{national_id}-2", national_id=national_id,
        employer_registration_number="100987", employer_name_ar="أرامكو السعودية",
        employer_name_en="Saudi Aramco", start_date=dt.date(2019, 3, 1), end_date=None,
        occupation="Engineer", branches=["ANNUITIES", "OCCUPATIONAL_HAZARDS"],
        wages=[{"from": "2019-03-01", "basic": "9000.00", "housing": "2250.00"},
               {"from": "2024-01-01", "basic": "10000.00", "housing": "2500.00"}], imported_at=now,
    )


async def issued(client, person, language: str | None = None) -> dict:
    variables = {"input": {"language": language}} if language else {}
    result = await gql(client, ISSUE, variables, token=person.access_token)
    payload = result["data"]["issueContributionCertificate"]
    assert payload["errors"] == [], payload
    return payload["certificate"]


async def test_a_member_gets_a_signed_certificate_of_their_record_in_arabic(
    client, inbox, app, settings
):
    person = await member_with(client, inbox, fullName=NAME, preferredLanguage="EN")
    await with_record(person.national_id)
    certificate = await issued(client, person, "AR")
    assert CODE.fullmatch(certificate["verificationCode"]) and certificate["language"] == "AR"
    assert certificate["downloadUrl"].startswith(f"{settings.public_url}/files/")

    pdf = await client.get(certificate["downloadUrl"])
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    lines = actual_lines(pdf.content)
    verified = await gql(client, VERIFY, {"code": certificate["verificationCode"],
                                          "nationalId": person.national_id})
    months = verified["data"]["verifyContributionCertificate"]["contributionMonths"]
    assert months >= 48 + (2025 - 2019) * 12
    assert (f"تشهد المؤسسة العامة للتأمينات الاجتماعية بأن {NAME}، رقم الهوية {person.national_id}، "
            f"مسجل لديها، وأن اشتراكاته مسجلة عن {months} شهرًا على النحو الآتي:") in " ".join(lines)
    assert {"شركة المراعي", "أرامكو السعودية", "100234", "مستمر", "1440-06-24 هـ"} <= set(lines)
    assert "الأجر الشهري الحالي: 12,500.00 ريال (الأساسي 10,000.00، السكن 2,500.00)." in lines
    assert f"{settings.public_url}/verify" in " ".join(lines)
    assert presentation_forms(" ".join(lines)) == presentation_forms(glyph_text(pdf.content)) == []

    signer = app.state.runtime.signer
    (signature,) = PdfFileReader(io.BytesIO(pdf.content)).embedded_signatures
    status = await async_validate_pdf_signature(signature, ValidationContext(trust_roots=[signer.signer.signing_cert]))
    assert status.intact and status.valid and status.coverage.name == "ENTIRE_FILE"

    stored = await ContributionCertificate.get()
    assert certificate["verificationCode"] not in (stored.code_hash, stored.code_sealed)


async def test_an_english_certificate_names_the_employers_in_english(client, inbox):
    person = await member_with(client, inbox, fullName=NAME, preferredLanguage="EN")
    await with_record(person.national_id)
    certificate = await issued(client, person)  # the preferred language
    assert certificate["language"] == "EN"
    lines = actual_lines((await client.get(certificate["downloadUrl"])).content)
    assert {"Almarai Company", "Saudi Aramco", "ongoing"} <= set(lines)
    assert "Current monthly wage: 12,500.00 SAR (basic 10,000.00, housing 2,500.00)." in lines
    assert f"certifies that {NAME}, national ID" in " ".join(lines)


async def test_certificates_are_listed_newest_first(client, inbox):
    person = await member_with(client, inbox)
    first = await issued(client, person, "EN")
    second = await issued(client, person, "AR")
    mine = (await gql(client, MINE, token=person.access_token))["data"]["me"]["certificates"]
    assert [c["verificationCode"] for c in mine] == [second["verificationCode"],
                                                    first["verificationCode"]]


async def test_a_certificate_verifies_with_its_code_and_the_holders_id_and_nothing_else(
    client, inbox
):
    person = await member_with(client, inbox)
    await with_record(person.national_id)
    certificate = await issued(client, person, "EN")
    code = certificate["verificationCode"]

    typed = code.lower().replace("-", " ")  # from paper: case and dashes do not matter
    verified = (await gql(client, VERIFY, {"code": typed, "nationalId": person.national_id}))
    assert verified["data"]["verifyContributionCertificate"] == {
        "valid": True, "issuedAt": certificate["issuedAt"], "holderName": "S*** A*** A***",
        "contributionMonths": verified["data"]["verifyContributionCertificate"]["contributionMonths"],
        "currentEmployer": "Saudi Aramco", "employedSince": "2019-03-01",
        "currentWage": {"amount": "12500.00", "currency": "SAR"},
    }
    assert verified["data"]["verifyContributionCertificate"]["contributionMonths"] > 48

    for wrong in ({"code": code, "nationalId": new_national_id()},
                  {"code": "7KQ2-M9XD-4TPA", "nationalId": person.national_id},
                  {"code": code, "nationalId": "not an ID"},
                  {"code": "", "nationalId": ""}):
        answer = await gql(client, VERIFY, wrong)
        assert answer["data"]["verifyContributionCertificate"] == NOTHING, wrong


async def test_it_states_what_it_printed_even_after_the_record_changes(client, inbox):
    person = await member_with(client, inbox)
    await with_record(person.national_id)
    code = (await issued(client, person, "EN"))["verificationCode"]
    await Engagement.filter(national_id=person.national_id).delete()
    verified = await gql(client, VERIFY, {"code": code, "nationalId": person.national_id})
    assert verified["data"]["verifyContributionCertificate"]["currentEmployer"] == "Saudi Aramco"


async def test_guessing_is_rate_limited_with_letter_checks_from_the_same_address(client):
    for _ in range(15):
        await gql(client, VERIFY_LETTER, {"code": "7KQ2-M9XD-4TPA"})
    answers = [await gql(client, VERIFY, {"code": "7KQ2-M9XD-4TPA", "nationalId": "1000000008"})
               for _ in range(16)]
    assert "errors" not in answers[0]
    assert answers[-1]["errors"][0]["extensions"]["code"] == "RATE_LIMITED"


async def test_the_verify_page_asks_for_the_holders_id_then_shows_the_certificate(client, inbox):
    person = await member_with(client, inbox)
    await with_record(person.national_id)
    code = (await issued(client, person, "EN"))["verificationCode"]
    english = {"Accept-Language": "en"}

    asked = await client.get("/verify", params={"code": code}, headers=english)
    assert asked.status_code == 200 and 'name="nationalId"' in asked.text
    assert "Sara" not in asked.text and "Saudi Aramco" not in asked.text

    shown = await client.get("/verify", params={"code": code, "nationalId": person.national_id},
                             headers=english)
    assert "This certificate is genuine." in shown.text
    assert "S*** A*** A***" in shown.text and "Saudi Aramco" in shown.text
    assert "Sara" not in shown.text

    wrong = await client.get("/verify", params={"code": code, "nationalId": new_national_id()},
                             headers=english)
    assert "No certificate matches this code and ID." in wrong.text
    assert "Saudi Aramco" not in wrong.text


async def test_signing_in_is_needed_to_issue(client):
    result = await gql(client, ISSUE, {})
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_store_that_is_away_refuses_a_certificate_clearly_and_keeps_nothing(
    client, inbox, settings, tmp_path, engine
):
    if engine != "sqlite":
        pytest.skip("a store that is away does not depend on the database engine: run on SQLite")
    person = await member_with(client, inbox)
    (tmp_path / "a-file").write_bytes(b"")
    # A folder store under a file: nothing can be written there.
    away = dataclasses.replace(settings, document_store_url=f"file://{tmp_path}/a-file/store")
    application = create_app(away, manage_database=False)
    async with serving(application) as other:
        refused = await gql(other, ISSUE, {}, token=person.access_token, language="en")
    payload = refused["data"]["issueContributionCertificate"]
    assert payload == {"certificate": None, "errors": [{"field": None, "code": "STORE_UNAVAILABLE"}]}
    assert await ContributionCertificate.all().count() == 0
