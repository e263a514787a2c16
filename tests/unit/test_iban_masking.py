"""A member's IBAN is shown with only its last four characters, grouped as IBANs are printed."""

import pytest

from schema.member import mask_iban


@pytest.mark.parametrize(
    ("iban", "shown"),
    [
        ("SA0380000000608010167519", "**** **** **** **** **** 7519"),
        ("SA4420000001234567891234", "**** **** **** **** **** 1234"),
        ("GB82WEST12345698765432", "**** **** **** **** **54 32"),
        ("ABCDE", "*BCD E"),
        ("1234", "1234"),
        ("", None),
        (None, None),
    ],
)
def test_only_the_last_four_characters_are_shown(iban: str | None, shown: str | None):
    assert mask_iban(iban) == shown


def test_the_masked_iban_hides_everything_but_the_last_four():
    iban = "SA0380000000608010167519"
    masked = mask_iban(iban)
    assert masked is not None and masked.replace(" ", "")[-4:] == iban[-4:]
    assert set(masked.replace(" ", "")[:-4]) == {"*"}
