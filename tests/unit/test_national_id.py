"""Saudi national and iqama numbers: ten digits, 1 or 2 first, a Luhn check digit."""

import pytest

from models import Residency
from resolvers.validation import parse_national_id, residency_of


@pytest.mark.parametrize(
    ("typed", "parsed"),
    [
        ("1000000008", "1000000008"),
        ("1234567897", "1234567897"),
        ("2000000006", "2000000006"),
        ("2345678904", "2345678904"),
        ("  1234567897 ", "1234567897"),
        ("١٠٠٠٠٠٠٠٠٨", "1000000008"),  # Arabic-Indic digits
        ("۱۰۰۰۰۰۰۰۰۸", "1000000008"),  # Extended Arabic-Indic (Persian) digits
        ("1000000009", None),  # wrong check digit
        ("1234567890", None),
        ("3000000004", None),  # neither citizen (1) nor resident (2)
        ("0000000000", None),
        ("100000000", None),  # nine digits
        ("10000000080", None),  # eleven digits
        ("10000-0008", None),
        ("1O00000008", None),  # a letter O
        ("", None),
        ("١٢٣", None),
    ],
)
def test_a_national_id_is_parsed_only_when_its_check_digit_holds(typed: str, parsed: str | None):
    assert parse_national_id(typed) == parsed


@pytest.mark.parametrize(
    ("national_id", "residency"),
    [("1000000008", Residency.CITIZEN), ("2000000006", Residency.RESIDENT)],
)
def test_the_first_digit_tells_a_citizen_from_a_resident(national_id: str, residency: Residency):
    assert residency_of(national_id) is residency
