"""A month of sign-ins, refreshes and codes, every other day, with the clock moved on:
the retention job keeps the tables flat, and what is still live stays."""

import asyncio
import datetime as dt

import asyncpg

from models import OneTimeCode, OutboundMessage, Session
from resolvers.platform import retention
from resolvers.platform.delivery import utcnow
from tests.conftest import POSTGRES_ONLY
from tests.support import LOGIN, gql, new_mobile, signed_up

REFRESH = """
mutation R($token: String!) {
  refreshSession(input: {refreshToken: $token}) { session { accessToken refreshToken } errors { code } }
}
"""
LOGOUT = "mutation { logout(input: {everywhere: false}) { errors { code } } }"
CHANGE_MOBILE = """
mutation M($mobile: String!) { updateProfile(input: {mobile: $mobile}) { errors { code } } }
"""


async def row_counts() -> tuple[int, int, int]:
    return (await Session.all().count(), await OneTimeCode.all().count(),
            await OutboundMessage.all().count())


async def test_a_month_of_sign_ins_and_refreshes_leaves_the_tables_flat(app, client, inbox):
    runtime = app.state.runtime
    offset = dt.timedelta()
    runtime.clock = runtime.outbox.clock = lambda: utcnow() + offset
    # The outbox is woken before the notice's transaction commits; don't wait a second each day.
    runtime.outbox.poll_seconds = 0.05
    person = await signed_up(client, inbox)
    kept_refresh = person.refresh_token  # this sign-in stays open all month
    messages = len(inbox.to(person.e164))
    daily: list[tuple[int, int, int]] = []
    for visit in range(15):  # every other day for a month
        login = await gql(client, LOGIN, {"input": {"nationalId": person.national_id,
                                                    "password": person.password}})
        session = login["data"]["login"]["session"]
        # A contact change needs a fresh sign-in (step-up): right after signing in.
        mobile = new_mobile()
        changed = await gql(client, CHANGE_MOBILE, {"mobile": mobile},
                            token=session["accessToken"])
        assert changed["data"]["updateProfile"]["errors"] == []
        messages += 1  # the code goes to the new mobile, the notice to this one
        await inbox.wait_for(person.e164, messages)
        await inbox.wait_for("+966" + mobile[1:])
        for _ in range(4):  # a refresh every 15 minutes
            offset += dt.timedelta(minutes=15)
            result = await gql(client, REFRESH, {"token": session["refreshToken"]})
            session = result["data"]["refreshSession"]["session"]
        while await OutboundMessage.filter(delivered_at__isnull=True).exists():
            await asyncio.sleep(0.01)  # the gateway has it; the outbox is writing it down
        await gql(client, LOGOUT, token=session["accessToken"])
        if visit == 12:
            # The sign-in left open on day one is still live on day 26: its refresh token lasts 30.
            result = await gql(client, REFRESH, {"token": kept_refresh})
            assert result["data"]["refreshSession"]["errors"] == []
        offset += dt.timedelta(days=2)
        deleted = await retention.purge(runtime=runtime)
        assert deleted is not None
        daily.append(await row_counts())

    # After the first week, each visit deletes as many rows as it adds (the sessions one row
    # more, from the refresh on day 26 of the sign-in that stays open).
    settled = daily[4:]
    sessions = [count[0] for count in settled]
    assert max(sessions) - min(sessions) <= 1, str(daily)
    assert len({count[1:] for count in settled}) == 1, str(daily)
    # What stays: a week of ended sessions (5 a visit), of delivered messages (2 a visit), and
    # the sign-in still open; codes last a day.
    assert max(sessions) <= 4 * 5 + 2 and settled[-1][1] == 0 and settled[-1][2] <= 4 * 2, str(daily)


@POSTGRES_ONLY
async def test_one_process_at_a_time_runs_the_retention_job(app, database_url, engine):
    runtime = app.state.runtime
    other_process = await asyncpg.connect(database_url.replace("postgres://", "postgresql://", 1))
    try:
        await other_process.execute("SELECT pg_advisory_lock($1)", retention.RETENTION_LOCK)
        assert await retention.purge(runtime=runtime) is None
        await other_process.execute("SELECT pg_advisory_unlock($1)", retention.RETENTION_LOCK)
        assert await retention.purge(runtime=runtime) is not None
    finally:
        await other_process.close()
