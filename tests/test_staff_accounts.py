"""`server.py create-staff` on an existing account and `server.py disable-staff`, run as an
operator would, against the database the API serves."""

import asyncio
import sqlite3

from tests.support import LOGIN, gql, new_person, signed_up
from tests.test_cli import STAFF_ID, create_staff, run
from tests.test_staff_desk import ASSIGN, HEALTH, SEARCH, staff_member, submit


def staff_row(database) -> tuple:
    with sqlite3.connect(database) as connection:
        return connection.execute(
            "SELECT full_name, mobile, role, status FROM member WHERE national_id = ?",
            (STAFF_ID,),
        ).fetchone()


def test_create_staff_on_an_existing_account_keeps_it_locked_or_disabled(tmp_path):
    database = tmp_path / "staff.sqlite3"
    env = {"DATABASE_URL": f"sqlite://{database}"}
    created = create_staff(env)
    assert created.returncode == 0, created.stderr
    for status in ("LOCKED", "DISABLED"):
        with sqlite3.connect(database) as connection:
            connection.execute("UPDATE member SET status = ? WHERE national_id = ?",
                               (status, STAFF_ID))
        again = create_staff(env, name=f"Noura {status.title()} Alqahtani", mobile="0551234567")
        assert again.returncode == 0, again.stderr
        expected = (f"Noura {status.title()} Alqahtani", "+966551234567", "STAFF", status)
        assert staff_row(database) == expected
        # What it prints is the row as it now stands.
        assert (f"promoted staff account {STAFF_ID}: Noura {status.title()} Alqahtani, mobile "
                f"+966551234567, role STAFF, status {status}") in again.stdout
        assert f"the account is {status}" in again.stderr

    not_found = run("disable-staff", new_person().national_id, env=env)
    assert not_found.returncode == 1 and "national_id: NOT_FOUND" in not_found.stderr


async def test_disable_staff_ends_the_role_and_every_session_at_once(client, inbox, app,
                                                                     database_url):
    sara = await signed_up(client, inbox)
    request = await submit(client, sara, HEALTH)
    noura = await staff_member(client, app, "Noura Saleh")
    colleague = await staff_member(client, app, "Fahad Alharbi")
    second = await gql(client, LOGIN, {"input": {"nationalId": noura.national_id,
                                                 "password": noura.password}})
    other_session = second["data"]["login"]["session"]
    taken = await gql(client, ASSIGN, {"input": {"requestId": request["id"]}},
                      token=noura.access_token)
    assert taken["data"]["assignRequest"]["errors"] == []

    done = await asyncio.to_thread(run, "disable-staff", noura.national_id,
                                   env={"DATABASE_URL": database_url})
    assert done.returncode == 0, done.stderr
    assert f"disabled staff account {noura.national_id}: Noura Saleh" in done.stdout
    assert "role MEMBER" in done.stdout

    for token in (noura.access_token, other_session["accessToken"]):
        refused = await gql(client, SEARCH, token=token)
        assert refused["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    signed_in = await gql(client, LOGIN, {"input": {"nationalId": noura.national_id,
                                                    "password": noura.password}})
    token = signed_in["data"]["login"]["session"]["accessToken"]
    forbidden = await gql(client, SEARCH, token=token)
    assert forbidden["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    # What she held is back in the unassigned queue.
    unassigned = await gql(client, SEARCH, {"filter": {"unassigned": True}},
                           token=colleague.access_token)
    assert unassigned["data"]["requests"]["totalCount"] == 1
