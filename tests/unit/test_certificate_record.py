"""What a certificate states of the record, counted as the record counts (a month whose first
day is covered; once when employers overlap): periods oldest first, the current employer and
today's wage."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from models import Engagement, Language
from resolvers.letters.certificate import Wage, summarize

TODAY = dt.date(2026, 12, 4)


def engagement(start: str, end: str | None, *, name: str = "Saudi Aramco",
               wages: list[dict[str, str]] | None = None) -> Engagement:
    return Engagement(
        engagement_id=f"E-{start}", national_id="1012345678", employer_registration_number="100987",
        employer_name_ar=f"{name} (ar)", employer_name_en=name,
        start_date=dt.date.fromisoformat(start), end_date=end and dt.date.fromisoformat(end),
        occupation=None, branches=["ANNUITIES"], wages=wages or [], imported_at=dt.datetime.now(dt.UTC),
    )


@pytest.mark.parametrize(("rows", "months", "current", "since", "wage"), [
    ([], 0, None, None, None),
    ([engagement("2015-03-01", "2019-02-28")], 48, None, None, None),
    # A month counts when its first day is covered: from February.
    ([engagement("2026-01-15", None, wages=[{"from": "2026-01-15", "basic": "8000.00",
                                              "housing": "2000.00"},
                                             {"from": "2026-07-01", "basic": "9000.00",
                                              "housing": "2250.00"}])],
     11, "Saudi Aramco", dt.date(2026, 1, 15), Wage(Decimal("9000.00"), Decimal("2250.00"))),
    # Two employers in the same months: each month counts once.
    ([engagement("2020-01-01", "2020-12-31", name="Almarai"),
      engagement("2020-06-01", "2021-05-31")], 17, None, None, None),
    # A wage raise announced for next month is not today's wage.
    ([engagement("2025-01-01", None, wages=[{"from": "2025-01-01", "basic": "5000.00",
                                             "housing": "1250.00"},
                                            {"from": "2027-01-01", "basic": "6000.00",
                                             "housing": "1500.00"}])],
     24, "Saudi Aramco", dt.date(2025, 1, 1), Wage(Decimal("5000.00"), Decimal("1250.00"))),
    # An engagement that starts after today is not on today's certificate.
    ([engagement("2027-02-01", None)], 0, None, None, None),
])
def test_the_record_on_the_day_of_issue(rows, months, current, since, wage) -> None:
    record = summarize(rows, today=TODAY, language=Language.EN)
    assert (record.contribution_months, record.current_employer, record.employed_since,
            record.current_wage) == (months, current, since, wage)
    assert [period.start for period in record.periods] == sorted(period.start for period in record.periods)


def test_employer_names_are_in_the_certificates_language() -> None:
    rows = [engagement("2015-03-01", "2019-02-28", name="Almarai"), engagement("2019-03-01", None)]
    arabic = summarize(rows, today=TODAY, language=Language.AR)
    assert [period.employer for period in arabic.periods] == ["Almarai (ar)", "Saudi Aramco (ar)"]
    assert arabic.current_employer == "Saudi Aramco (ar)"
    assert [period.months for period in arabic.periods] == [48, 94]
