"""Authentication events are logged one structured line each, with the request's context,
and no line holds a secret."""

import json
import logging

from resolvers.platform import audit
from resolvers.platform.logs import formatter
from tests.support import LOGIN, gql, signed_up

LOGOUT = "mutation { logout(input: {everywhere: true}) { errors { code } } }"
CHANGE = """
mutation C($input: ChangePasswordInput!) { changePassword(input: $input) { errors { code } } }
"""
REVIEW = """
mutation R($input: ReviewRequestInput!) { reviewRequest(input: $input) { errors { code } } }
"""
JSON_LINES = formatter(production=True)


def logged(records: list[logging.LogRecord]) -> list[dict]:
    return [json.loads(JSON_LINES.format(record)) for record in records]


async def test_auth_events_are_logged_and_no_line_holds_a_password_code_or_token(
    client, inbox, caplog
):
    with caplog.at_level(logging.DEBUG):
        person = await signed_up(client, inbox)
        code = await inbox.code_for(person.e164)
        await gql(client, CHANGE, {"input": {"currentPassword": person.password,
                                             "newPassword": "cedar-lantern-harbor-77"}},
                  token=person.access_token)
        signed_in = await gql(client, LOGIN, {"input": {"nationalId": person.national_id,
                                                        "password": "cedar-lantern-harbor-77"}})
        session = signed_in["data"]["login"]["session"]
        await gql(client, LOGOUT, token=session["accessToken"])
        target = await signed_up(client, inbox)
        for _ in range(6):
            await gql(client, LOGIN, {"input": {"nationalId": target.national_id,
                                                "password": "wrong-password-123"}})

    lines = [JSON_LINES.format(record) for record in caplog.records]
    events = [json.loads(line).get("event") for line in lines]
    for expected in ("registered", "code_sent", "activated", "login_succeeded", "login_failed",
                     "login_locked_out", "login_refused_throttled", "password_changed",
                     "logged_out"):
        assert expected in events, expected
    secrets = [person.password, "wrong-password-123", "cedar-lantern-harbor-77", code,
               person.access_token, person.refresh_token, session["accessToken"],
               session["refreshToken"]]
    for line in lines:
        for secret in secrets:
            assert secret not in line, f"secret in log line: {line[:200]}"


async def test_every_line_of_a_request_carries_its_request_id_and_the_signed_in_member(
    client, inbox, caplog
):
    person = await signed_up(client, inbox)
    with caplog.at_level(logging.INFO):
        # A member calling a staff mutation: refused after the session is known.
        refused = await client.post(
            "/graphql",
            json={"query": REVIEW, "variables": {"input": {"requestId": "x", "status": "APPROVED"}}},
            headers={"Authorization": f"Bearer {person.access_token}"},
        )
        changed = await client.post(
            "/graphql",
            json={"query": CHANGE, "variables": {"input": {
                "currentPassword": person.password, "newPassword": "cedar-lantern-harbor-77"}}},
            headers={"Authorization": f"Bearer {person.access_token}", "X-Request-Id": "trace-42"},
        )
    assert changed.headers["x-request-id"] == "trace-42"
    generated = refused.headers["x-request-id"]
    assert len(generated) == 32 and generated != "trace-42"

    lines = logged(caplog.records)
    changed_line = next(line for line in lines if line["event"] == "password_changed")
    assert changed_line["request_id"] == "trace-42"
    refused_line = next(line for line in lines if line["event"] == "graphql_error")
    assert refused_line["request_id"] == generated
    assert refused_line["code"] == "FORBIDDEN"
    assert refused_line["member_id"] == changed_line["member_id"]


def test_audit_fields_named_like_log_record_attributes_are_logged_not_refused(caplog):
    with caplog.at_level(logging.INFO, logger="gosi.audit"):
        audit.record("probe", message="a message", name="a name", module="a module", args=(1,),
                     msg="a msg", levelname="quiet")
    (line,) = logged([r for r in caplog.records if r.name == "gosi.audit"])
    assert line["event"] == "probe"
    assert (line["message"], line["name"], line["module"], line["msg"]) == (
        "a message", "a name", "a module", "a msg")


async def test_a_password_sent_as_the_wrong_type_is_not_logged_with_the_refusal(client, caplog):
    login = "mutation L($input: LoginInput!) { login(input: $input) { errors { code } } }"
    with caplog.at_level(logging.INFO):
        response = await client.post("/graphql", json={"query": login, "variables": {
            "input": {"nationalId": "1000000008", "password": ["quartz-meadow-secret-19"]}}})
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    lines = [JSON_LINES.format(record) for record in caplog.records]
    assert any('"graphql_error"' in line for line in lines)
    assert not any("quartz-meadow-secret-19" in line for line in lines)


# Secrets written into the document itself, next to a mistake that fails validation.
LITERAL_SECRETS = [
    ('mutation { login(input: {nationalId: "1000000008", password: "amber-falcon-secret-31",'
     " bogus: 1}) { errors { code } } }", "amber-falcon-secret-31"),
    ('mutation { refreshSession(input: {refreshToken: "rt-9f8e7d6c5b4a-secret", extra: true})'
     " { errors { code } } }", "rt-9f8e7d6c5b4a-secret"),
    ('mutation { resetPassword(input: {nationalId: "1000000008", code: 482915,'
     ' newPassword: "copper-willow-secret-58"}) { errors { code } } }', "482915"),
    ('mutation { login(input: {nationalId: "1000000008", password: "unterminated-secret-66})'
     " { errors { code } } }", "unterminated-secret-66"),
]


async def test_secrets_in_a_refused_documents_literals_are_not_logged(client, caplog):
    for document, secret in LITERAL_SECRETS:
        caplog.clear()
        with caplog.at_level(logging.DEBUG):
            response = await client.post("/graphql", json={"query": document})
        assert response.json()["errors"], document
        lines = [JSON_LINES.format(record) for record in caplog.records]
        refusals = [json.loads(line) for line in lines if '"graphql_error"' in line]
        assert refusals and all(line["code"] for line in refusals)
        assert not any(secret in line for line in lines), secret
