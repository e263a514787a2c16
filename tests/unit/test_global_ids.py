"""Global IDs: a type name and a key, opaque to clients; anything else matches nothing."""

import base64
import uuid

import pytest

from resolvers.platform.errors import DomainError, ErrorCode
from schema.base import decode_global_id, from_global_id, key_of, to_global_id

KEY = uuid.UUID("8c2d4c8e-6a43-4f0b-9a51-0d7f3c1e2b4a")


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize("type_name", ["Member", "ServiceRequest", "Question"])
def test_a_global_id_decodes_to_its_type_and_key(type_name: str):
    global_id = to_global_id(type_name, KEY)
    assert "=" not in global_id and str(KEY) not in global_id
    assert from_global_id(global_id) == (type_name, KEY)
    assert decode_global_id(global_id, type_name) == KEY


@pytest.mark.parametrize(
    ("global_id", "expected_type"),
    [
        (to_global_id("Member", KEY), "ServiceRequest"),  # a real ID of another type
        (to_global_id("ServiceRequest", KEY), "Question"),
        (to_global_id("Question", KEY), "question"),  # type names are case-sensitive
        ("", "Member"),
        ("not an id", "Member"),
        ("!!!!", "Member"),
        (str(KEY), "Member"),  # a bare key
        (b64("Member"), "Member"),
        (b64("Member:"), "Member"),
        (b64("Member:not-a-uuid"), "Member"),
        (b64(f"Member{KEY}"), "Member"),
        (base64.urlsafe_b64encode(b"\xff\xfe:" + str(KEY).encode()).decode(), "Member"),
    ],
)
def test_an_id_of_another_type_or_garbage_decodes_to_nothing(global_id: str, expected_type: str):
    assert decode_global_id(global_id, expected_type) is None


@pytest.mark.parametrize("garbage", ["", "%%%", b64("Member:not-a-uuid")])
def test_from_global_id_refuses_what_is_not_one_of_our_ids(garbage: str):
    assert from_global_id(garbage) is None


def test_an_input_id_of_another_type_is_not_found_on_its_field():
    assert key_of(to_global_id("ServiceRequest", KEY), "ServiceRequest", "request_id") == KEY
    with pytest.raises(DomainError) as raised:
        key_of(to_global_id("Member", KEY), "ServiceRequest", "request_id")
    assert [(e.field, e.code) for e in raised.value.errors] == [("request_id", ErrorCode.NOT_FOUND)]
