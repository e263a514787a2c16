"""Accept and Accept-Language: one parser, q-values as RFC 9110 defines them."""

from __future__ import annotations

import pytest

from models import Language
from resolvers.platform.i18n import negotiate_language
from resolvers.platform.negotiation import Preference, media_match, negotiate, parse_accept

GRAPHQL = "application/graphql-response+json"
JSON = "application/json"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, []),
        ("", []),
        ("en", [Preference("en", 1.0, 0)]),
        ("fr, ar;q=0", [Preference("fr", 1.0, 0), Preference("ar", 0.0, 1)]),
        ("text/html;level=1;q=0.5", [Preference("text/html", 0.5, 0)]),
        ("EN-us ; Q=0.800", [Preference("en-us", 0.8, 0)]),
        ("en;q=1.0, ar;q=0.001", [Preference("en", 1.0, 0), Preference("ar", 0.001, 1)]),
        ("en;q=2", [Preference("en", 0.0, 0)]),
        ("en;q=nan, ar;q=1e0, fr;q=-1", [Preference("en", 0.0, 0), Preference("ar", 0.0, 1),
                                           Preference("fr", 0.0, 2)]),
        (" , en,,", [Preference("en", 1.0, 1)]),
    ],
)
def test_parse_accept(header: str | None, expected: list[Preference]) -> None:
    assert parse_accept(header) == expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, Language.AR),
        ("", Language.AR),
        ("en", Language.EN),
        ("en-US,en;q=0.9", Language.EN),
        ("ar-SA", Language.AR),
        ("en, ar", Language.EN),
        ("ar, en", Language.AR),
        ("en;q=0.5, ar;q=0.9", Language.AR),
        ("fr", Language.AR),
        ("fr, en;q=0.1", Language.EN),
        # q=0 means "not this one": never the refused language, whatever else is named.
        ("fr, ar;q=0", Language.EN),
        ("ar;q=0", Language.EN),
        ("en;q=0", Language.AR),
        ("*;q=0.5, ar;q=0", Language.EN),
        ("*", Language.AR),
        ("ar;q=0.2, *", Language.EN),
        ("en-GB;q=0", Language.AR),
        # Nothing acceptable at all: the default, as the server must answer in some language.
        ("ar;q=0, en;q=0", Language.AR),
        ("*;q=0", Language.AR),
        ("en;q=bogus", Language.AR),
    ],
)
def test_negotiate_language(header: str | None, expected: Language) -> None:
    assert negotiate_language(header) is expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("text/html", None),
        (JSON, JSON),
        (GRAPHQL, GRAPHQL),
        ("*/*", JSON),
        ("application/*", JSON),
        (f"{GRAPHQL}, {JSON}", GRAPHQL),
        (f"{JSON}, {GRAPHQL}", JSON),
        (f"{JSON};q=0.9, {GRAPHQL}", GRAPHQL),
        (f"{GRAPHQL};q=0.5, */*", JSON),
        (f"{GRAPHQL}, */*;q=0", GRAPHQL),
        (f"*/*, {JSON};q=0", GRAPHQL),
        (f"{JSON};q=0, {GRAPHQL};q=0", None),
    ],
)
def test_negotiate_media_type(header: str | None, expected: str | None) -> None:
    assert negotiate(header, [JSON, GRAPHQL], media_match) == expected
