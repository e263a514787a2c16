"""Keyset cursors: (timestamp, id) pairs, opaque to clients, refused when malformed."""

import base64
import datetime as dt
import uuid

import pytest

from resolvers.platform.errors import DomainError, ErrorCode
from resolvers.platform.pagination import decode_cursor, encode_cursor, grouped

KEY = uuid.UUID("8c2d4c8e-6a43-4f0b-9a51-0d7f3c1e2b4a")


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "at",
    [
        dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        dt.datetime(2026, 12, 31, 23, 59, 59, 999_999, tzinfo=dt.UTC),
        dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=3))),
        dt.datetime(1999, 2, 3, 4, 5, 6),  # naive, as SQLite may hand it back
    ],
)
def test_a_cursor_decodes_to_what_it_encodes(at: dt.datetime):
    cursor = encode_cursor(at, KEY)
    assert decode_cursor(cursor) == (at, KEY)
    assert "=" not in cursor and "|" not in cursor


def test_cursors_of_different_rows_differ():
    at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    assert encode_cursor(at, KEY) != encode_cursor(at, uuid.uuid4())
    assert encode_cursor(at, KEY) != encode_cursor(at + dt.timedelta(microseconds=1), KEY)


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "!!!!",
        "a",
        b64("not a cursor"),
        b64(f"yesterday|{KEY}"),
        b64("2026-01-01T00:00:00+00:00|not-a-uuid"),
        b64("2026-01-01T00:00:00+00:00"),
        b64(f"|{KEY}"),
        base64.urlsafe_b64encode(b"\xff\xfe\xfd|").decode(),
    ],
)
def test_a_malformed_cursor_is_an_invalid_after(cursor: str):
    with pytest.raises(DomainError) as raised:
        decode_cursor(cursor)
    assert [(e.field, e.code) for e in raised.value.errors] == [("after", ErrorCode.INVALID)]


@pytest.mark.parametrize(
    ("rows", "keys", "expected"),
    [
        ([("a", 1), ("b", 2), ("a", 3)], ["a", "b"], [[("a", 1), ("a", 3)], [("b", 2)]]),
        ([("a", 1)], ["b", "a", "c"], [[], [("a", 1)], []]),
        ([], ["a"], [[]]),
    ],
)
def test_a_batch_answer_has_one_list_per_key_in_the_keys_order(rows, keys, expected):
    assert grouped(rows, keys, key=lambda row: row[0]) == expected
