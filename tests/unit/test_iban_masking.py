"""A member's IBAN is shown with only its last four characters."""

import pytest

from schema.member import mask_iban


@pytest.mark.parametrize(
    ("iban", "shown"),
    [
        ("SA0380000000608010167519", "********************7519"),
        ("SA4420000001234567891234", "********************1234"),
        ("GB82WEST12345698765432", "******************5432"),
        ("ABCDE", "*BCDE"),
        ("1234", "1234"),
        ("", None),
        (None, None),
    ],
)
def test_only_the_last_four_characters_are_shown(iban: str | None, shown: str | None):
    assert mask_iban(iban) == shown


def test_the_masked_iban_keeps_its_length_and_hides_the_rest():
    iban = "SA0380000000608010167519"
    masked = mask_iban(iban)
    assert masked is not None and len(masked) == len(iban)
    assert iban[:-4] not in masked
