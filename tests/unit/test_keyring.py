"""The Keyring: keyed hashes of tokens and codes, message bodies sealed at rest."""

import base64
import re

import pytest

from resolvers.platform.keys import Keyring

KEY = "a-test-secret-key-of-enough-length-0123456789"
OTHER_KEY = "another-test-secret-key-of-enough-length-9876"


@pytest.fixture(scope="module")
def keyring() -> Keyring:
    return Keyring(KEY)


@pytest.mark.parametrize("value", ["", "123456", "a token", "رمز التحقق", "x" * 10_000])
def test_a_digest_is_stable_per_key_and_differs_between_keys(keyring: Keyring, value: str):
    digest = keyring.digest(value)
    assert digest == Keyring(KEY).digest(value)
    assert digest != Keyring(OTHER_KEY).digest(value)
    assert re.fullmatch("[0-9a-f]{64}", digest)  # 256 bits, hexadecimal
    assert value not in digest or value == ""


@pytest.mark.parametrize(
    ("value", "checked", "matches"),
    [
        ("123456", "123456", True),
        ("123456", "123457", False),
        ("123456", " 123456", False),
        ("token", "Token", False),
        ("", "", True),
    ],
)
def test_matches_compares_a_value_with_a_digest(
    keyring: Keyring, value: str, checked: str, matches: bool
):
    assert keyring.matches(checked, keyring.digest(value)) is matches


def test_a_digest_made_with_another_key_does_not_match(keyring: Keyring):
    assert not keyring.matches("123456", Keyring(OTHER_KEY).digest("123456"))


@pytest.mark.parametrize("body", ["Your code is 123456", "رمز التفعيل: 123456", "", "x" * 5000])
def test_a_sealed_body_opens_to_itself_and_hides_its_text(keyring: Keyring, body: str):
    sealed = keyring.seal(body)
    assert keyring.open(sealed) == body
    assert "123456" not in sealed
    assert keyring.seal(body) != sealed  # a fresh IV every time


def tampered(sealed: str) -> str:
    raw = bytearray(base64.urlsafe_b64decode(sealed))
    raw[-40] ^= 0x01  # one bit of the ciphertext
    return base64.urlsafe_b64encode(bytes(raw)).decode()


def extended(sealed: str) -> str:
    return base64.urlsafe_b64encode(base64.urlsafe_b64decode(sealed) + b"\x00").decode()


@pytest.mark.parametrize(
    "damage",
    [
        tampered,
        lambda sealed: sealed[:-4],
        extended,
        lambda sealed: "",
        lambda sealed: "not a token",
        lambda sealed: Keyring(OTHER_KEY).seal("Your code is 123456"),
    ],
    ids=["bit-flipped", "truncated", "extended", "empty", "garbage", "other-key"],
)
def test_a_tampered_or_foreign_body_does_not_open(keyring: Keyring, damage):
    assert keyring.open(damage(keyring.seal("Your code is 123456"))) is None
