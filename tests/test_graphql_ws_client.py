"""Once with the npm graphql-ws client under Node.js: what frontend teams use."""

from __future__ import annotations

import asyncio

import orjson

from tests.conftest import ONCE
from tests.sockets import serving
from tests.support import signed_up
from tests.test_graphql_over_http_audit import AUDIT_DIR, _ensure_audit_deps, _require_tool
from tests.test_subscriptions import submitted


@ONCE
async def test_the_graphql_ws_client_subscribes_and_is_refused_without_a_session(
    client, inbox, app, engine
):
    node, npm = _require_tool("node"), _require_tool("npm")
    await asyncio.to_thread(_ensure_audit_deps, npm)
    person = await signed_up(client, inbox)
    request = await submitted(client, person)
    async with serving(app) as url:
        process = await asyncio.create_subprocess_exec(
            node, str(AUDIT_DIR / "live.mjs"), url, person.access_token, request["id"],
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 0, err.decode()
    result = orjson.loads(out.splitlines()[-1])
    assert result["rejected"] == 4403
    assert result["cancelled"] == {"cancelRequest": {"errors": []}}
    assert result["event"] == {"data": {"requestUpdated": {
        "referenceNumber": request["referenceNumber"], "status": "CANCELLED"}}}
