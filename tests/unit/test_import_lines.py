"""One line of the contributions file: what is kept, and the reason a bad line is refused."""

import datetime as dt
import json

import pytest

from resolvers.record.import_lines import Deletion, Refused, read_line

GOOD = {
    "engagementId": "E-2001-000117", "nationalId": "1000000008",
    "employer": {"registrationNumber": "1-23456", "nameAr": "شركة المثال", "nameEn": "Example Co."},
    "startDate": "2001-03-01", "endDate": None, "occupation": "Accountant",
    "branches": ["UNEMPLOYMENT", "ANNUITIES"],
    "wages": [{"from": "2005-01-01", "basic": "9000", "housing": "2250.5"},
              {"from": "2001-03-01", "basic": "8000.00", "housing": "2000.00"}],
}


def encoded(**changes) -> bytes:
    return json.dumps({**GOOD, **changes}, ensure_ascii=False).encode()


def test_a_good_line_is_kept_in_a_canonical_form():
    kept = read_line(encoded(nationalId="١٠٠٠٠٠٠٠٠٨"))
    assert kept.national_id == "1000000008"
    assert kept.start_date == dt.date(2001, 3, 1) and kept.end_date is None
    assert kept.branches == ["ANNUITIES", "UNEMPLOYMENT"]
    assert kept.wages == [{"from": "2001-03-01", "basic": "8000.00", "housing": "2000.00"},
                          {"from": "2005-01-01", "basic": "9000.00", "housing": "2250.50"}]


def test_a_deletion_needs_only_the_key():
    assert read_line(b'{"engagementId": "E-1", "deleted": true}') == Deletion("E-1")


@pytest.mark.parametrize(("raw", "reason"), [
    (b"\xff\xfe{}", "not UTF-8"),
    (b'{"engagementId": ', "not valid JSON"),
    (b'"E-1"', "not a JSON object"),
    (encoded(engagementId=""), "engagementId is missing or not a text"),
    (encoded(engagementId="E" * 65), "engagementId is longer than 64 characters"),
    (b'{"engagementId": "E-1", "deleted": false}', "deleted must be true when present"),
    (encoded(nationalId="1000000009"), "nationalId is not a valid national ID"),
    (encoded(nationalId="3000000008"), "nationalId is not a valid national ID"),
    (encoded(nationalId=1000000008), "nationalId is missing or not a text"),
    (encoded(employer="Example Co."), "employer is missing or not an object"),
    (encoded(employer={"registrationNumber": "1", "nameAr": "ا"}), "employer.nameEn is missing"),
    (encoded(startDate="2001-02-30"), "startDate '2001-02-30' is not a date"),
    (encoded(endDate="2001-02-28"), "endDate 2001-02-28 is before startDate 2001-03-01"),
    (encoded(branches=[]), "branches is missing or empty"),
    (encoded(branches=["ANNUITIES", "SANED"]), "unknown branch 'SANED'"),
    (encoded(wages=[]), "wages is missing or empty"),
    (encoded(wages=[{"from": "2001-03-01", "basic": "8,000", "housing": "0"}]),
     "wage 1 basic '8,000' is not a decimal"),
    (encoded(wages=[{"from": "2001-03-01", "basic": 8000.0, "housing": "0"}]),
     "wage 1 basic is not a decimal text"),
    (encoded(wages=[{"from": "2001-03-01", "basic": "NaN", "housing": "0"}]),
     "wage 1 basic 'NaN' is not a decimal amount of zero or more"),
    (encoded(wages=[{"from": "2001-03-01", "basic": "-1", "housing": "0"}]),
     "wage 1 basic '-1' is not a decimal amount of zero or more"),
    (encoded(wages=[{"from": "2001-03-01", "basic": "1.005", "housing": "0"}]),
     "wage 1 basic '1.005' has more than two decimal places"),
    (encoded(wages=[{"from": "2001-02-28", "basic": "1", "housing": "0"}]),
     "wage 1 from 2001-02-28 is before startDate 2001-03-01"),
    (encoded(endDate="2002-01-01", wages=[{"from": "2002-01-02", "basic": "1", "housing": "0"}]),
     "wage 1 from 2002-01-02 is after endDate 2002-01-01"),
    (encoded(wages=[{"from": "2001-03-01", "basic": "1", "housing": "0"},
                    {"from": "2001-03-01", "basic": "2", "housing": "0"}]), "two wages start on the same day"),
])
def test_a_bad_line_is_refused_with_its_reason(raw, reason):
    with pytest.raises(Refused) as refused:
        read_line(raw)
    assert str(refused.value).startswith(reason)
