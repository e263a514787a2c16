"""Migration 0003 renames the keys of stored addresses, and back."""

import importlib

import pytest

migration = importlib.import_module("models.migrations.0003_domain_names")
BACK = {new: old for old, new in migration.ADDRESS_KEYS.items()}


@pytest.mark.parametrize(
    ("stored", "renamed"),
    [
        (
            {"city": "Riyadh", "district": "Al Olaya", "street": None, "buildingNumber": "1234",
             "postalCode": "12211"},
            {"city": "Riyadh", "district": "Al Olaya", "street": None, "building_number": "1234",
             "postal_code": "12211"},
        ),
        ({"city": "Jeddah", "postalCode": None}, {"city": "Jeddah", "postal_code": None}),
        ({"city": "Abha"}, {"city": "Abha"}),
        ({}, {}),
        # Written by the new code already (a second run): the new key wins, the old one goes.
        ({"city": "Taif", "postal_code": "2", "postalCode": "1"}, {"city": "Taif", "postal_code": "2"}),
    ],
)
def test_old_address_keys_get_the_domain_names(stored: dict, renamed: dict):
    assert migration.renamed_address(stored) == renamed


def test_renaming_back_restores_the_old_keys():
    stored = {"city": "Riyadh", "buildingNumber": "1234", "postalCode": "12211"}
    assert migration.renamed_address(migration.renamed_address(stored), BACK) == stored
