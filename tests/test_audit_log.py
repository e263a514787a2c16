"""Authentication events are logged one structured line each, and no line holds a secret."""

import json
import logging

from resolvers.logs import JsonLogFormatter
from tests.support import LOGIN, gql, signed_up

LOGOUT = "mutation { logout(input: {everywhere: true}) { errors { code } } }"
CHANGE = """
mutation C($input: ChangePasswordInput!) { changePassword(input: $input) { errors { code } } }
"""


async def test_auth_events_are_logged_and_no_line_holds_a_password_code_or_token(
    client, inbox, caplog
):
    formatter = JsonLogFormatter()
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

    lines = [formatter.format(record) for record in caplog.records]
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
