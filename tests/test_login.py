"""login: argon2id, no account enumeration, throttling, hash upgrades."""

import statistics
import time

import pytest

from models import Member
from tests.support import LOGIN, gql, new_person, register, signed_up

# Stored hashes, upgrades and the time an unknown ID takes are about the production strength.
pytestmark = pytest.mark.production_hashing


async def login(client, national_id, password, headers=None):
    result = await gql(client, LOGIN, {"input": {"nationalId": national_id, "password": password}})
    return result["data"]["login"]


async def test_an_active_member_signs_in_with_national_id_and_password(client, inbox):
    person = await signed_up(client, inbox)
    result = await login(client, person.national_id, person.password)
    assert result["errors"] == []
    assert result["member"]["nationalId"] == person.national_id
    assert len(result["session"]["accessToken"]) >= 22  # 128 bits in URL-safe base64


async def test_passwords_are_stored_as_argon2id_at_owasp_strength(client, inbox):
    person = await signed_up(client, inbox)
    stored = (await Member.get(national_id=person.national_id)).password_hash
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert person.password not in stored


async def test_unknown_id_and_wrong_password_give_the_same_error(client, inbox):
    person = await signed_up(client, inbox)
    wrong_password = await login(client, person.national_id, "not-the-password-at-all")
    unknown_id = await login(client, new_person().national_id, person.password)
    assert wrong_password["errors"] == unknown_id["errors"]
    assert wrong_password["errors"][0]["code"] == "INVALID_CREDENTIALS"
    assert wrong_password["session"] is None and unknown_id["session"] is None


async def test_unknown_ids_take_about_as_long_as_wrong_passwords(client, inbox):
    person = await signed_up(client, inbox)

    async def timed(national_id):
        started = time.perf_counter()
        await login(client, national_id, "not-the-password-at-all")
        return time.perf_counter() - started

    known = [await timed(person.national_id) for _ in range(3)]
    unknown = [await timed(new_person().national_id) for _ in range(3)]
    # Both paths run one argon2 verification; without the dummy hash the unknown
    # path would be ~100x faster. A generous bound keeps this stable on busy machines.
    assert statistics.median(unknown) > statistics.median(known) / 3


async def test_a_pending_account_is_told_to_activate_only_after_the_right_password(client, inbox):
    person = new_person()
    await register(client, person)
    wrong = await login(client, person.national_id, "not-the-password-at-all")
    right = await login(client, person.national_id, person.password)
    assert wrong["errors"][0]["code"] == "INVALID_CREDENTIALS"
    assert right["errors"][0]["code"] == "ACCOUNT_NOT_ACTIVE"


async def test_five_failures_lock_the_id_out_even_for_the_right_password(client, inbox):
    person = await signed_up(client, inbox)
    failures = [
        (await login(client, person.national_id, "wrong-password-123"))["errors"][0]["code"]
        for _ in range(5)
    ]
    assert failures == ["INVALID_CREDENTIALS"] * 5
    locked = await login(client, person.national_id, person.password)
    assert locked["errors"][0]["code"] == "RATE_LIMITED"
    assert locked["session"] is None


async def test_ids_that_do_not_exist_are_locked_out_the_same_way(client):
    national_id = new_person().national_id
    codes = [
        (await login(client, national_id, "wrong-password-123"))["errors"][0]["code"]
        for _ in range(6)
    ]
    assert codes == ["INVALID_CREDENTIALS"] * 5 + ["RATE_LIMITED"]


async def test_a_success_resets_the_failure_count(client, inbox):
    person = await signed_up(client, inbox)
    for _ in range(4):
        await login(client, person.national_id, "wrong-password-123")
    assert (await login(client, person.national_id, person.password))["errors"] == []
    for _ in range(4):
        await login(client, person.national_id, "wrong-password-123")
    assert (await login(client, person.national_id, person.password))["errors"] == []


async def test_one_address_gets_a_hundred_failed_logins_an_hour(client):
    outcomes = []
    for _attempt in range(101):
        national_id = new_person().national_id  # a new ID each time: only the IP limit applies
        result = await login(client, national_id, "wrong-password-123")
        outcomes.append(result["errors"][0]["code"])
    assert outcomes[:100] == ["INVALID_CREDENTIALS"] * 100
    assert outcomes[100] == "RATE_LIMITED"


async def test_a_hash_made_with_weaker_parameters_is_upgraded_on_login(client, inbox):
    from argon2 import PasswordHasher

    person = await signed_up(client, inbox)
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(person.password)
    await Member.filter(national_id=person.national_id).update(password_hash=weak)

    assert (await login(client, person.national_id, person.password))["errors"] == []
    upgraded = (await Member.get(national_id=person.national_id)).password_hash
    assert upgraded.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert (await login(client, person.national_id, person.password))["errors"] == []
