"""What a bilingual frontend builds from the API alone: names for enum values, limits,
countdowns, tries left, which buttons to show, and errors it can place next to a field."""

import dataclasses
import datetime as dt
import re

import pytest

import tests.test_second_factor as second_factor
import tests.test_service_requests as service_requests_tests
from resolvers import documents, validation
from resolvers.platform import tokens
from resolvers.platform.settings import Settings
from resolvers.security import codes
from schema.labels import missing_labels
from tests.support import attach_required, gql, new_person, register, signed_in_staff, signed_up

ARABIC = re.compile(r"[\u0600-\u06FF]")
LANGUAGES = pytest.mark.parametrize("language", ["ar", "en"])


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Cheaper password hashing: these tests are about other rules."""
    return dataclasses.replace(settings, argon2_memory_kib=4096, argon2_time_cost=1)


def in_language(text: str, language: str) -> bool:
    return bool(ARABIC.search(text)) == (language == "ar")


async def post(client, query, variables=None, *, language="en", token=None, **headers):
    headers = {"Accept-Language": language, **headers}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return await client.post("/graphql", json={"query": query, "variables": variables or {}},
                             headers=headers)


# ------------------------------------------------------------------ enum labels

ENUMS = "{ __schema { types { kind name enumValues { name description } } } }"
LABELS = "query L($enums: [String!]) { enumLabels(enums: $enums) { enum values { value label } } }"


def test_every_enum_value_of_the_served_schema_is_named_in_both_languages(app):
    """A new enum or value without a label in either language fails here."""
    assert missing_labels(app.state.schema._schema) == []


@LANGUAGES
async def test_enum_labels_name_every_value_of_every_enum_a_person_sees(client, language):
    types = (await gql(client, ENUMS))["data"]["__schema"]["types"]
    served = {t["name"]: [v["name"] for v in t["enumValues"]] for t in types
              if t["kind"] == "ENUM" and not t["name"].startswith("__")}
    labels = (await gql(client, LABELS, language=language))["data"]["enumLabels"]
    by_enum = {entry["enum"]: entry["values"] for entry in labels}
    assert set(by_enum) == set(served) - {"ErrorCode"}
    assert "RequestAction" in by_enum or "RequestAction" not in served
    for enum, values in by_enum.items():
        assert [v["value"] for v in values] == served[enum]
        for value in values:
            assert value["label"] and value["label"] != value["value"], (enum, value)
            assert in_language(value["label"], language), (enum, value)


@LANGUAGES
async def test_enum_labels_are_public_and_cacheable_like_the_catalog(client, language):
    query = '{ enumLabels(enums: ["RequestStatus", "DocumentKind"]) { enum values { value label } } }'
    response = await client.get("/graphql", params={"query": query},
                                headers={"Accept-Language": language})
    assert response.status_code == 200
    assert response.headers["cache-control"].startswith("public")
    assert "Accept-Language" in response.headers["vary"]
    assert response.headers["content-language"] == language
    statuses, kinds = response.json()["data"]["enumLabels"]
    assert statuses["enum"] == "RequestStatus" and kinds["enum"] == "DocumentKind"
    under_review = {v["value"]: v["label"] for v in statuses["values"]}["UNDER_REVIEW"]
    assert under_review == {"ar": "قيد المراجعة", "en": "Under review"}[language]
    # FAMILY_RECORD is named although the pension services' catalog never lists it.
    assert {v["value"]: v["label"] for v in kinds["values"]}["FAMILY_RECORD"] == {
        "ar": "سجل الأسرة", "en": "Family register"}[language]


@LANGUAGES
async def test_service_types_are_named_as_the_catalog_names_them(client, language):
    services = (await gql(client, "{ services { type name } }", language=language))["data"]
    labels = (await gql(client, LABELS, {"enums": ["ServiceType"]}, language=language))["data"]
    assert {v["value"]: v["label"] for v in labels["enumLabels"][0]["values"]} == {
        s["type"]: s["name"] for s in services["services"]}


@LANGUAGES
async def test_an_unknown_enum_name_is_refused_in_the_callers_language(client, language):
    result = (await post(client, LABELS, {"enums": ["RequestStatus", "Nope"]}, language=language)).json()
    error = result["errors"][0]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "enums"}
    assert "Nope" in error["message"] and in_language(error["message"], language)


# ------------------------------------------------------------------ descriptions

DESCRIBED = """{ __schema { types { name kind description
  enumValues { name description }
  fields { name args { name description } } } } }"""


async def test_every_enum_value_and_argument_has_a_description_and_dates_say_their_format(client):
    types = (await gql(client, DESCRIBED))["data"]["__schema"]["types"]
    undescribed = [
        f"{t['name']}.{v['name']}" for t in types if not t["name"].startswith("__")
        for v in t["enumValues"] or () if not v["description"]
    ] + [
        f"{t['name']}.{f['name']}({a['name']}:)" for t in types if not t["name"].startswith("__")
        for f in t["fields"] or () for a in f["args"] if not a["description"]
    ]
    assert undescribed == []
    scalars = {t["name"]: t["description"] for t in types if t["kind"] == "SCALAR"}
    assert "YYYY-MM-DD" in scalars["Date"]
    assert "ISO 8601" in scalars["DateTime"] and "offset" in scalars["DateTime"]


# ------------------------------------------------------------------ policies

POLICIES = """{ policies { maxFileBytes maxFilesPerRequest acceptedFileTypes passwordMinLength
  passwordRules codeLength codeValidSeconds resendAfterSeconds } }"""


@LANGUAGES
async def test_policies_are_the_limits_the_server_enforces(client, inbox, language):
    response = await client.get("/graphql", params={"query": POLICIES},
                                headers={"Accept-Language": language})
    assert response.headers["cache-control"].startswith("public")
    policies = response.json()["data"]["policies"]
    assert policies["maxFileBytes"] == documents.MAX_FILE_BYTES
    assert policies["maxFilesPerRequest"] == documents.MAX_FILES
    assert policies["acceptedFileTypes"] == ["application/pdf", "image/jpeg", "image/png"]
    assert policies["passwordMinLength"] == validation.PASSWORD_MIN
    assert str(validation.PASSWORD_MIN) in policies["passwordRules"]
    assert in_language(policies["passwordRules"], language)
    assert policies["codeLength"] == tokens.CODE_LENGTH
    assert policies["codeValidSeconds"] == codes.CODE_LIFETIME.total_seconds()
    assert policies["resendAfterSeconds"] == codes.RESEND_INTERVAL.total_seconds()

    # The server refuses what the policy refuses, and accepts a code as long as it says.
    person = new_person()
    short = await register(client, person, password="x" * (policies["passwordMinLength"] - 1))
    assert [e["code"] for e in short["errors"]] == ["WEAK_PASSWORD"]
    assert (await register(client, person))["errors"] == []
    assert len(await inbox.code_for(person.e164)) == policies["codeLength"]


# ------------------------------------------------------------------ numbers as data

RESEND = """
mutation R($input: ResendActivationCodeInput!) {
  resendActivationCode(input: $input) { errors { field code message retryAfterSeconds } }
}
"""
ACTIVATE = """
mutation A($input: ActivateInput!) {
  activate(input: $input) { errors { field code message attemptsLeft } }
}
"""
LOGIN_ERRORS = """
mutation L($input: LoginInput!) { login(input: $input) { errors { code message retryAfterSeconds } } }
"""


@LANGUAGES
async def test_a_resend_too_soon_says_how_many_seconds_to_wait(client, language):
    person = new_person()
    assert (await register(client, person))["errors"] == []
    unknown = new_person().national_id
    first = (await post(client, RESEND, {"input": {"nationalId": unknown}})).json()
    assert first["data"]["resendActivationCode"]["errors"] == []
    # Registered or not, the second ask within the minute is answered alike.
    for national_id in (person.national_id, unknown):
        result = (await post(client, RESEND, {"input": {"nationalId": national_id}},
                             language=language)).json()
        [error] = result["data"]["resendActivationCode"]["errors"]
        assert error["code"] == "RATE_LIMITED"
        assert 1 <= error["retryAfterSeconds"] <= codes.RESEND_INTERVAL.total_seconds()
        assert str(error["retryAfterSeconds"]) in error["message"]
        assert in_language(error["message"], language)


@LANGUAGES
async def test_sign_ins_refused_for_too_many_failures_say_when_to_try_again(client, inbox, language):
    person = await signed_up(client, inbox)
    wrong = {"input": {"nationalId": person.national_id, "password": "not-the-password-1"}}
    for _ in range(5):
        result = (await post(client, LOGIN_ERRORS, wrong, language=language)).json()
        assert result["data"]["login"]["errors"][0]["code"] == "INVALID_CREDENTIALS"
        assert result["data"]["login"]["errors"][0]["retryAfterSeconds"] is None
    refused = (await post(client, LOGIN_ERRORS, wrong, language=language)).json()
    [error] = refused["data"]["login"]["errors"]
    assert error["code"] == "RATE_LIMITED"
    assert 14 * 60 < error["retryAfterSeconds"] <= 15 * 60
    assert in_language(error["message"], language)


@LANGUAGES
async def test_a_wrong_activation_code_says_how_many_tries_are_left(client, inbox, language):
    person = new_person()
    assert (await register(client, person))["errors"] == []
    code = await inbox.code_for(person.e164)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    unknown = new_person().national_id
    for national_id in (person.national_id, unknown):
        left = []
        for _ in range(codes.MAX_ATTEMPTS):
            result = (await post(client, ACTIVATE, {"input": {
                "nationalId": national_id, "code": wrong, "confirmDetails": True}},
                language=language)).json()
            [error] = result["data"]["activate"]["errors"]
            left.append((error["code"], error["attemptsLeft"]))
            assert in_language(error["message"], language)
        # An ID without an account counts down alike: the answer tells no one who is registered.
        assert left == [("INVALID_CODE", 4), ("INVALID_CODE", 3), ("INVALID_CODE", 2),
                        ("INVALID_CODE", 1), ("INVALID_CODE", 0)], national_id
        last = (await post(client, ACTIVATE, {"input": {
            "nationalId": national_id, "code": code, "confirmDetails": True}})).json()
        assert last["data"]["activate"]["errors"][0]["code"] == "TOO_MANY_ATTEMPTS"


VERIFY_LEFT = """
mutation V($input: VerifySecondFactorInput!) {
  verifySecondFactor(input: $input) { errors { field code message attemptsLeft } }
}
"""


@LANGUAGES
async def test_a_wrong_second_factor_says_how_many_tries_are_left(client, inbox, app, language):
    person, _, _ = await second_factor.with_totp(client, inbox, app)
    challenge = (await second_factor.password_step(client, person))["secondFactorChallenge"]
    wrong = {"input": {"challengeToken": challenge["token"], "proof": {"totpCode": "000000"}}}
    left = []
    while not left or left[-1] > 0:
        result = (await post(client, VERIFY_LEFT, wrong, language=language)).json()
        [error] = result["data"]["verifySecondFactor"]["errors"]
        assert error["code"] == "INVALID_SECOND_FACTOR" and in_language(error["message"], language)
        left.append(error["attemptsLeft"])
    # The password step counted against the account too: fewer than the challenge's five.
    assert left == list(range(left[0], -1, -1)) and left[0] == 3
    result = (await post(client, VERIFY_LEFT, wrong, language=language)).json()
    assert result["data"]["verifySecondFactor"]["errors"][0]["code"] in (
        "RATE_LIMITED", "TOO_MANY_ATTEMPTS")


@LANGUAGES
async def test_the_verification_page_says_when_to_try_again(client, language):
    for _ in range(30):
        assert (await client.get("/verify", params={"code": "NOPE"})).status_code == 200
    refused = await client.get("/verify", params={"code": "NOPE"},
                               headers={"Accept-Language": language})
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert in_language(refused.text, language)


VERIFY_LETTER = 'query { verifyDecisionLetter(code: "NOPE-NOPE-NOPE") { valid } }'


@LANGUAGES
async def test_letter_checks_refused_for_too_many_say_when_to_try_again(client, language):
    for _ in range(30):
        assert (await gql(client, VERIFY_LETTER))["data"]["verifyDecisionLetter"]["valid"] is False
    [error] = (await post(client, VERIFY_LETTER, language=language)).json()["errors"]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert 1 <= error["extensions"]["retryAfterSeconds"] <= 60
    assert in_language(error["message"], language)


# ------------------------------------------------------------------ sessions

ME = "{ me { id } }"
CHANGE = """
mutation C($input: ChangePasswordInput!) { changePassword(input: $input) { errors { code } } }
"""
REFRESH = """
mutation R($token: String!) {
  refreshSession(input: {refreshToken: $token}) { session { accessToken } errors { field code message } }
}
"""
LOGOUT = "mutation { logout { errors { code } } }"


async def refused_reason(client, token, language="en"):
    result = (await post(client, CHANGE, {"input": {"currentPassword": "a", "newPassword": "b"}},
                         token=token, language=language)).json()
    error = result["errors"][0]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert in_language(error["message"], language)
    return error["extensions"]["reason"]


@LANGUAGES
async def test_a_refused_token_says_what_happened_to_it(client, inbox, app, language):
    expired = await signed_up(client, inbox)
    signed_out = await signed_up(client, inbox)
    replaced = await signed_up(client, inbox)
    assert (await gql(client, LOGOUT, token=signed_out.access_token))["data"]["logout"]["errors"] == []
    refreshed = await gql(client, REFRESH, {"token": replaced.refresh_token})
    assert refreshed["data"]["refreshSession"]["errors"] == []

    assert await refused_reason(client, "made-up", language) == "TOKEN_INVALID"
    assert await refused_reason(client, signed_out.access_token, language) == "SESSION_ENDED"
    assert await refused_reason(client, replaced.access_token, language) == "TOKEN_REPLACED"
    later = app.state.runtime.clock() + dt.timedelta(minutes=16)
    app.state.runtime.clock = lambda: later
    assert await refused_reason(client, expired.access_token, language) == "TOKEN_EXPIRED"


@LANGUAGES
async def test_a_refresh_token_that_no_longer_works_says_the_session_expired(client, inbox, language):
    person = await signed_up(client, inbox)
    assert (await gql(client, LOGOUT, token=person.access_token))["data"]["logout"]["errors"] == []
    for token in (person.refresh_token, "made-up"):
        result = (await post(client, REFRESH, {"token": token}, language=language)).json()
        [error] = result["data"]["refreshSession"]["errors"]
        assert (error["field"], error["code"]) == ("refreshToken", "SESSION_EXPIRED")
        assert in_language(error["message"], language)


# ------------------------------------------------------------------ errors graphql-core raises

REGISTER_ERRORS = """
mutation R($input: RegisterInput!) { register(input: $input) { errors { code } } }
"""
SUBMIT = """
mutation S($input: SubmitRequestInput!) { submitRequest(input: $input) { errors { code } } }
"""
PAGE = "query P($first: Int) { me { requests(first: $first) { totalCount } } }"


def registration(**changes):
    data = new_person().registration()
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@LANGUAGES
@pytest.mark.parametrize(
    ("query", "variables", "field"),
    [
        (REGISTER_ERRORS, {"input": registration(dateOfBirth="30/11/2026")}, "input.dateOfBirth"),
        (REGISTER_ERRORS, {"input": registration(dateOfBirth="1980-02-30")}, "input.dateOfBirth"),
        (REGISTER_ERRORS, {"input": registration(mobile=None)}, "input.mobile"),
        (REGISTER_ERRORS, {"input": registration(channel="FAX")}, "input.channel"),
        (PAGE, {"first": "two"}, "first"),
        (SUBMIT, {"input": {"idempotencyKey": "k", "details": {
            "healthInsurance": {"dependents": 1},
            "workInjury": {"injuryDate": "2026-01-01", "employer": "A", "description": "B"}}}},
         "input.details"),
        (SUBMIT, {"input": {"idempotencyKey": "k", "details": {"healthInsurance": {
            "dependents": "two"}}}}, "input.details.healthInsurance.dependents"),
        ('mutation { submitRequest(input: {idempotencyKey: "k", details: {physiotherapy: '
         '{injuryDate: "x", diagnosis: "d", sessionsRequested: 3, preferredCity: "c"}}}) '
         '{ errors { code } } }', None, "input.details.physiotherapy.injuryDate"),
    ],
)
async def test_input_graphql_refuses_itself_is_explained_in_the_callers_language_with_its_field(
    client, language, query, variables, field
):
    response = await post(client, query, variables, language=language)
    assert response.headers["content-language"] == language
    [error] = response.json()["errors"]
    assert error["extensions"]["field"] == field
    assert error["extensions"]["code"] in ("BAD_USER_INPUT", "GRAPHQL_VALIDATION_FAILED")
    assert field in error["message"] and in_language(error["message"], language)


@LANGUAGES
@pytest.mark.parametrize("accept", ["application/json", "application/graphql-response+json"])
@pytest.mark.parametrize(
    ("body", "content_type"),
    [(b"{not json", "application/json"), (b"query { me { id } }", None),
     (b"query=%7B__typename%7D", "text/plain")],
)
async def test_a_body_the_server_cannot_read_gets_a_json_answer(client, language, accept, body,
                                                                 content_type):
    headers = {"Accept-Language": language, "Accept": accept}
    if content_type:
        headers["Content-Type"] = content_type
    response = await client.post("/graphql", content=body, headers=headers)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith(accept)
    assert response.headers["content-language"] == language
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "BAD_REQUEST"}
    assert in_language(error["message"], language)


@LANGUAGES
async def test_every_answer_says_its_language(client, language):
    headers = {"Accept-Language": language}
    for response in (
        await client.get("/healthz", headers=headers),
        await client.post("/graphql", json={"query": "{ __typename }"}, headers=headers),
        await client.post("/graphql", json={"query": "{ nope }"}, headers=headers),
        await client.get("/files/altered", headers=headers),
    ):
        assert response.headers["content-language"] == language, response.request.url
    assert (await client.get("/healthz")).headers["content-language"] == "ar"


@LANGUAGES
async def test_refusals_outside_graphql_are_in_the_callers_language(client, language):
    headers = {"Accept-Language": language}
    too_large = await client.post("/graphql", json={"query": "{ __typename }" + " " * 110_000},
                                  headers=headers)
    assert too_large.status_code == 413
    [error] = too_large.json()["errors"]
    assert error["extensions"] == {"code": "BAD_REQUEST"} and in_language(error["message"], language)
    altered = await client.get("/files/altered", headers=headers)
    assert altered.status_code == 404 and in_language(altered.text, language)


# ------------------------------------------------------------------ small ones

TOTP = "mutation { beginTotpSetup { otpauthUri } }"


async def test_the_authenticator_label_does_not_carry_the_national_id(client, inbox):
    person = await signed_up(client, inbox)
    uri = (await gql(client, TOTP, token=person.access_token))["data"]["beginTotpSetup"]["otpauthUri"]
    assert uri.startswith(f"otpauth://totp/GOSI:ID-{person.national_id[-4:]}?")
    assert person.national_id not in uri


REGISTER_MESSAGE = """
mutation R($input: RegisterInput!) { register(input: $input) { errors { field code message } } }
"""


@LANGUAGES
async def test_registering_an_id_twice_reads_well(client, inbox, language):
    person = await signed_up(client, inbox)
    again = (await post(client, REGISTER_MESSAGE, {"input": person.registration()},
                        language=language)).json()["data"]["register"]["errors"]
    assert again == [{"field": "nationalId", "code": "ALREADY_REGISTERED", "message": {
        "ar": "يوجد حساب مسجل برقم الهوية هذا.",
        "en": "An account with this national ID already exists."}[language]}]


# ------------------------------------------------------------------ which buttons to show

ACTIONS = "query A($id: ID!) { node(id: $id) { ... on ServiceRequest { status availableActions } } }"
REVIEW_MESSAGE = """
mutation R($input: ReviewRequestInput!) {
  reviewRequest(input: $input) { request { status } errors { field code message } }
}
"""


async def actions(client, person, request_id):
    result = await gql(client, ACTIONS, {"id": request_id}, token=person.access_token)
    return result["data"]["node"]["availableActions"]


async def reviewed(client, staff, request_id, status, language="en", note=None):
    result = await post(client, REVIEW_MESSAGE, {"input": {
        "requestId": request_id, "status": status, "note": note}}, token=staff.access_token,
        language=language)
    return result.json()["data"]["reviewRequest"]


@LANGUAGES
async def test_available_actions_are_what_the_workflow_accepts_for_members_and_staff(
    client, inbox, app, language
):
    member = await signed_up(client, inbox)
    staff = await signed_in_staff(client, app)
    request = await service_requests_tests.submitted(client, member, "PHYSIOTHERAPY")
    rid = request["id"]
    assert await actions(client, member, rid) == ["CANCEL", "ATTACH_DOCUMENTS"]
    assert await actions(client, staff, rid) == ["START_REVIEW", "ASSIGN"]
    # What is not offered is refused.
    assert (await reviewed(client, staff, rid, "APPROVED"))["errors"][0]["code"] == "INVALID_TRANSITION"

    assert (await reviewed(client, staff, rid, "UNDER_REVIEW"))["errors"] == []
    assert await actions(client, staff, rid) == ["REQUEST_INFORMATION", "REJECT", "ASSIGN"]
    # APPROVE is left out while documents are missing, and the refusal names them by label.
    [missing] = (await reviewed(client, staff, rid, "APPROVED", language))["errors"]
    assert (missing["field"], missing["code"]) == ("status", "DOCUMENTS_MISSING")
    assert {"ar": "صورة الهوية، تقرير طبي", "en": "Copy of the ID, Medical report"}[language] in (
        missing["message"])
    assert "NATIONAL_ID_COPY" not in missing["message"]

    await attach_required(client, member, request, "PHYSIOTHERAPY")
    assert await actions(client, staff, rid) == ["REQUEST_INFORMATION", "APPROVE", "REJECT", "ASSIGN"]
    assert (await reviewed(client, staff, rid, "NEEDS_INFORMATION", note="Add the X-ray"))[
        "errors"] == []
    assert await actions(client, member, rid) == ["CANCEL", "ATTACH_DOCUMENTS", "PROVIDE_INFORMATION"]
    assert await actions(client, staff, rid) == ["START_REVIEW", "ASSIGN"]

    assert (await reviewed(client, staff, rid, "UNDER_REVIEW"))["errors"] == []
    assert (await reviewed(client, staff, rid, "APPROVED"))["errors"] == []
    assert await actions(client, member, rid) == []
    assert await actions(client, staff, rid) == []
    cancelled = await service_requests_tests.cancel(client, member, rid)
    assert cancelled["errors"][0]["code"] == "INVALID_TRANSITION"

    labels = (await gql(client, LABELS, {"enums": ["RequestAction"]}, language=language))["data"]
    assert {v["value"]: v["label"] for v in labels["enumLabels"][0]["values"]}["APPROVE"] == {
        "ar": "قبول", "en": "Approve"}[language]
