"""Behind a proxy: X-Forwarded-For names the client only when it comes from a proxy the
operator named (FORWARDED_ALLOW_IPS), never from whoever else reaches the port."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.servers import running_servers, server_environment
from tests.support import gql, signed_up

SESSIONS = "query { me { sessions { ipAddress } securityEvents { edges { node { ipAddress } } } } }"
SPOOFED = "203.0.113.9"


async def addresses_seen(url: str, inbox) -> set[str]:
    async with httpx.AsyncClient(base_url=url, timeout=30,
                                 headers={"X-Forwarded-For": SPOOFED}) as http:
        person = await signed_up(http, inbox)
        me = (await gql(http, SESSIONS, token=person.access_token))["data"]["me"]
    return ({s["ipAddress"] for s in me["sessions"]}
            | {e["node"]["ipAddress"] for e in me["securityEvents"]["edges"]}) - {None}


@pytest.mark.slow
async def test_x_forwarded_for_is_believed_only_from_named_proxies(settings, inbox, tmp_path: Path,
                                                                    engine):
    if engine != "sqlite":
        pytest.skip("trusting a proxy does not depend on the database engine: run once, on SQLite")
    base = server_environment(settings)
    base.pop("FORWARDED_ALLOW_IPS", None)
    # A client on the same host (here the loopback) is no proxy unless named.
    with running_servers(1, base, tmp_path) as [url]:
        assert await addresses_seen(url, inbox) == {"127.0.0.1"}
    with running_servers(1, {**base, "FORWARDED_ALLOW_IPS": "127.0.0.1"}, tmp_path) as [url]:
        assert await addresses_seen(url, inbox) == {SPOOFED}
