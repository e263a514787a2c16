"""SIGTERM: requests in flight finish, nothing new is accepted or claimed, exit 0.
SIGKILL: nothing acknowledged is lost, and a message is sent twice only when its sender
died holding it (at least once, by the outbox lease)."""

import asyncio
import contextlib
import signal
import time

import httpx
import pytest
from schwifty import IBAN

from models import OutboundMessage
from tests.conftest import ONCE, POSTGRES_ONLY
from tests.servers import server_environment, server_log, start_servers, stop_server
from tests.support import LOGIN, REGISTER, gql, new_person, signed_up

pytestmark = pytest.mark.slow

SUBMIT = """
mutation Submit($input: SubmitRequestInput!) {
  submitRequest(input: $input) { request { id referenceNumber } errors { code } }
}
"""
CANCEL = """
mutation C($id: ID!) { cancelRequest(input: {requestId: $id}) { errors { code } } }
"""
CHANGE_IBAN = "mutation I($iban: String!) { updateProfile(input: {iban: $iban}) { errors { code } } }"
REQUEST_COUNT = "query { me { requests { totalCount } } }"


@ONCE
async def test_sigterm_finishes_the_requests_in_flight_then_exits_0(settings, inbox, tmp_path, engine):
    env = {**server_environment(settings), "HASHING_CONCURRENCY": "1"}
    [(process, url)] = start_servers(1, env, tmp_path)
    try:
        async with httpx.AsyncClient(base_url=url, timeout=30) as http:
            person = await signed_up(http, inbox)
            credentials = {"input": {"nationalId": person.national_id, "password": person.password}}
            # Sign-ins queue for the one hashing slot; the registration hashes last. One ID
            # has at most five attempts in flight (they are counted before the check): the
            # rest are strangers' IDs, which cost the same hashing.
            strangers = [{"input": {"nationalId": new_person().national_id, "password": "x" * 12}}
                         for _ in range(15)]
            logins = [asyncio.create_task(gql(http, LOGIN, body))
                      for body in [credentials] * 5 + strangers]
            await asyncio.sleep(0.05)
            late = new_person()
            registration = asyncio.create_task(gql(http, REGISTER, {"input": late.registration()}))
            await all_received(http, [*logins, registration])
            process.send_signal(signal.SIGTERM)
            await asyncio.sleep(0.1)
            with pytest.raises(httpx.ConnectError):
                async with httpx.AsyncClient(base_url=url) as newcomer:
                    await newcomer.get("/healthz")
            assert process.poll() is None, "exited before the requests in flight were done"
            results = await asyncio.gather(*logins, registration)
        codes = [[e["code"] for e in r["data"]["login"]["errors"]] for r in results[:-1]]
        assert codes == [[]] * 5 + [["INVALID_CREDENTIALS"]] * 15
        assert results[-1]["data"]["register"]["errors"] == []
        assert process.wait(timeout=20) == 0, server_log(tmp_path, 0)
    finally:
        stop_server(process)
    # The registration's code was queued after SIGTERM, while the requests drained: the outbox,
    # woken once the registration committed, either sent it before it stopped claiming, or left
    # it unclaimed for the next server. Never claimed and dropped, never sent twice.
    [queued] = await OutboundMessage.filter(destination=late.e164)
    if queued.delivered_at is None:
        assert queued.attempts == 0 and inbox.to(late.e164) == []
    else:
        assert queued.attempts == 1 and len(inbox.to(late.e164)) == 1


async def all_received(http: httpx.AsyncClient, requests: list[asyncio.Task]) -> None:
    """Waits until the server is answering every request still unanswered (and this one)."""
    deadline = time.monotonic() + 10
    while True:
        text = (await http.get("/metrics")).text
        [line] = [line for line in text.splitlines()
                  if line.startswith("gosi_http_requests_in_progress ")]
        if float(line.split()[1]) >= sum(not r.done() for r in requests) + 1:
            return
        assert time.monotonic() < deadline, "the server never had every request in hand"
        await asyncio.sleep(0.01)


def _ibans(count: int) -> list[str]:
    return [str(IBAN.generate("SA", bank_code="80", account_code=f"{n:018d}"))
            for n in range(1, count + 1)]


@POSTGRES_ONLY
async def test_a_server_killed_mid_traffic_loses_no_acknowledged_request_or_message(
    settings, inbox, sms_gateway, tmp_path, engine
):
    env = {**server_environment(settings), "OUTBOX_LEASE_SECONDS": "2",
           "DELIVERY_TIMEOUT_SECONDS": "0.8"}
    (doomed, doomed_url), (survivor, survivor_url) = start_servers(2, env, tmp_path)
    try:
        async with httpx.AsyncClient(timeout=30) as http:
            http.base_url = httpx.URL(doomed_url)
            person = await signed_up(http, inbox)
            notices_before = len(inbox.to(person.e164))
            sms_gateway.delay = 0.3  # a slow gateway: the killed server dies holding messages
            keys = [f"kill-test-{n}" for n in range(40)]
            ibans = _ibans(20)

            async def submit_and_cancel(key: str) -> dict | None:
                """One open request of a type at a time: each is cancelled once submitted."""
                submitted = await submit(key)
                if submitted and not submitted["errors"]:
                    with contextlib.suppress(httpx.HTTPError):
                        await gql(http, CANCEL, {"id": submitted["request"]["id"]},
                                  token=person.access_token)
                return submitted

            async def submit(key: str) -> dict | None:
                variables = {"input": {"idempotencyKey": key, "details": {"physiotherapy": {
                    "injuryDate": "2026-01-10", "diagnosis": "Lumbar strain",
                    "sessionsRequested": 10, "preferredCity": "Jeddah"}}}}
                try:
                    result = await gql(http, SUBMIT, variables, token=person.access_token)
                except httpx.HTTPError:
                    return None  # not acknowledged: the server died first
                return result["data"]["submitRequest"]

            async def change_iban(iban: str) -> bool:
                await asyncio.sleep(0.1 * ibans.index(iban))
                try:
                    result = await gql(http, CHANGE_IBAN, {"iban": iban}, token=person.access_token)
                except httpx.HTTPError:
                    return False
                return result["data"]["updateProfile"]["errors"] == []

            async def submissions() -> list[dict | None]:
                await asyncio.sleep(0.05)
                results = []
                for key in keys:  # paced, so that the kill lands in the middle
                    results.append(await submit_and_cancel(key))
                    if results[-1] is None:
                        break
                    await asyncio.sleep(0.03)
                return results + [None] * (len(keys) - len(results))

            async def kill_soon() -> None:
                await asyncio.sleep(1.0)
                doomed.kill()

            submitted, changed, _ = await asyncio.gather(
                submissions(), asyncio.gather(*(change_iban(iban) for iban in ibans)), kill_soon()
            )
            assert doomed.wait(timeout=10) == -signal.SIGKILL
            acknowledged = {key: s["request"]["referenceNumber"]
                            for key, s in zip(keys, submitted, strict=True) if s and not s["errors"]}
            told = [iban for iban, ok in zip(ibans, changed, strict=True) if ok]
            assert acknowledged and told, "the server was killed before acknowledging anything"
            assert len(acknowledged) < len(keys) or len(told) < len(ibans), "killed too late"

            # The client retries everything on the survivor with the same idempotency keys.
            http.base_url = httpx.URL(survivor_url)
            retried = [await submit_and_cancel(key) for key in keys]
            count = await gql(http, REQUEST_COUNT, token=person.access_token)
        assert all(r is not None and r["errors"] == [] for r in retried)
        for key, reference in acknowledged.items():
            assert retried[keys.index(key)]["request"]["referenceNumber"] == reference
        assert count["data"]["me"]["requests"]["totalCount"] == len(keys)

        # Every acknowledged notice arrives (the survivor takes over the dead server's leases).
        deadline = time.monotonic() + 20
        while True:
            texts = inbox.to(person.e164)[notices_before:]
            received = {iban: sum(iban[-4:] in text for text in texts) for iban in told}
            if all(received.values()) or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.1)
        assert all(received.values()), received
        while await OutboundMessage.filter(destination=person.e164, delivered_at__isnull=True).exists():
            assert time.monotonic() < deadline
            await asyncio.sleep(0.1)
        retried_rows = await OutboundMessage.filter(destination=person.e164, attempts__gt=1).count()
        duplicates = sum(n - 1 for n in received.values() if n > 1)
        assert duplicates <= retried_rows, (received, retried_rows)
    finally:
        for process in (doomed, survivor):
            stop_server(process)
