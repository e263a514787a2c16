"""SECRET_KEY rotated with a restart: what the old key made still works, the new key makes
everything new."""

from pathlib import Path

import httpx
import pytest

from models import Session
from resolvers.platform.keys import Keyring
from resolvers.platform.settings import ConfigurationError, Settings
from tests.conftest import ONCE
from tests.servers import running_servers, server_environment
from tests.support import ACTIVATE, LOGIN, gql, new_person, register, signed_up

OLD_KEY = "the-old-secret-key-0123456789abcdefghij"
NEW_KEY = "the-new-secret-key-9876543210zyxwvutsrq"
ME = "query { me { nationalId } }"
REFRESH = """
mutation R($token: String!) {
  refreshSession(input: {refreshToken: $token}) {
    session { accessToken refreshToken } errors { code }
  }
}
"""


def test_a_body_sealed_under_a_previous_key_still_opens():
    old, rotated, new_only = Keyring(OLD_KEY), Keyring(NEW_KEY, [OLD_KEY]), Keyring(NEW_KEY)
    assert rotated.open(old.seal("queued body")) == "queued body"
    assert new_only.open(rotated.seal("new body")) == "new body"


async def me(http: httpx.AsyncClient, token: str) -> dict | None:
    return (await gql(http, ME, token=token))["data"]["me"]


@ONCE
@pytest.mark.slow
async def test_sessions_codes_and_queued_messages_survive_a_key_rotation(
    settings, inbox, sms_gateway, tmp_path: Path, engine
):
    base = server_environment(settings)
    old = {**base, "SECRET_KEY": OLD_KEY}
    with running_servers(1, old, tmp_path) as [url]:
        async with httpx.AsyncClient(base_url=url, timeout=30) as http:
            signed_in = await signed_up(http, inbox)
            kept = (await gql(http, LOGIN, {"input": {"nationalId": signed_in.national_id,
                                                      "password": signed_in.password}}))
            old_access = kept["data"]["login"]["session"]["accessToken"]
            pending = new_person()
            assert (await register(http, pending))["errors"] == []
            pending_code = await inbox.code_for(pending.e164)
            sms_gateway.failing = True  # this code stays queued, sealed under the old key
            queued = new_person()
            assert (await register(http, queued))["errors"] == []

    rotated = {**base, "SECRET_KEY": NEW_KEY, "SECRET_KEY_PREVIOUS": f"unused-key-{'x' * 30},{OLD_KEY}"}
    with running_servers(1, rotated, tmp_path) as [url]:
        async with httpx.AsyncClient(base_url=url, timeout=30) as http:
            assert (await me(http, signed_in.access_token))["nationalId"] == signed_in.national_id
            refreshed = (await gql(http, REFRESH, {"token": signed_in.refresh_token}))
            refreshed = refreshed["data"]["refreshSession"]
            assert refreshed["errors"] == []
            activated = await gql(http, ACTIVATE, {"input": {
                "nationalId": pending.national_id, "code": pending_code, "confirmDetails": True}})
            activated = activated["data"]["activate"]
            assert activated["errors"] == []
            sms_gateway.failing = False
            queued_code = await inbox.code_for(queued.e164, timeout=20)
            activated_late = await gql(http, ACTIVATE, {"input": {
                "nationalId": queued.national_id, "code": queued_code, "confirmDetails": True}})
            assert activated_late["data"]["activate"]["errors"] == []
            assert await me(http, old_access) is not None

    # Everything issued after the restart is hashed under the new key alone.
    new_key = Keyring(NEW_KEY)
    for session in (refreshed["session"], activated["session"]):
        assert await Session.exists(access_token_hash=new_key.digest(session["accessToken"]),
                                    refresh_token_hash=new_key.digest(session["refreshToken"]))
    assert not await Session.exists(access_token_hash=new_key.digest(old_access))


def test_previous_keys_and_delivery_bounds_come_from_the_environment():
    settings = Settings.from_environ({"SECRET_KEY_PREVIOUS": f" {OLD_KEY}, {NEW_KEY} ,"})
    assert settings.secret_key_previous == (OLD_KEY, NEW_KEY)
    with pytest.raises(ConfigurationError, match="OUTBOX_LEASE_SECONDS"):
        Settings.from_environ({"OUTBOX_LEASE_SECONDS": "15", "DELIVERY_TIMEOUT_SECONDS": "10"})
    with pytest.raises(ConfigurationError, match="SECRET_KEY_PREVIOUS"):
        Settings.from_environ({"APP_ENV": "production", "SECRET_KEY": NEW_KEY,
                               "SMTP_HOST": "mail", "SMS_WEBHOOK_URL": "http://sms",
                               "SECRET_KEY_PREVIOUS": "short"})
