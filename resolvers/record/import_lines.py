"""One line of the contributions file (OPERATIONS.md), read and checked on its own.

A line is an engagement to keep or a deletion; anything else is refused with a reason the
operator can act on. Pure functions: the importer (importer.py) does the writing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import orjson

from resolvers.record.counting import InsuranceBranch
from resolvers.validation import parse_national_id

ENGAGEMENT_ID_MAX = 64
TEXT_LIMITS = {"registrationNumber": 32, "nameAr": 200, "nameEn": 200}
OCCUPATION_MAX = 200
CENTS = Decimal("0.01")
BRANCHES = {branch.value for branch in InsuranceBranch}


class Refused(ValueError):
    """The line's reason for refusal, as the operator reads it."""


@dataclass(frozen=True)
class EngagementLine:
    """An engagement as stored: the model's columns, without `id` and `imported_at`."""

    engagement_id: str
    national_id: str
    employer_registration_number: str
    employer_name_ar: str
    employer_name_en: str
    start_date: dt.date
    end_date: dt.date | None
    occupation: str | None
    branches: list[str]
    wages: list[dict[str, str]]


@dataclass(frozen=True)
class Deletion:
    engagement_id: str


def read_line(raw: bytes) -> EngagementLine | Deletion:
    """The line's engagement or deletion; raises Refused with the reason."""
    try:
        data = orjson.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise Refused("not UTF-8") from None
    except orjson.JSONDecodeError as error:
        raise Refused(f"not valid JSON ({error.msg})") from None
    if not isinstance(data, dict):
        raise Refused("not a JSON object")
    engagement_id = _text(data, "engagementId", ENGAGEMENT_ID_MAX)
    if "deleted" in data:
        if data["deleted"] is not True:
            raise Refused("deleted must be true when present")
        return Deletion(engagement_id)
    national_id = parse_national_id(_text(data, "nationalId", 20))
    if national_id is None:
        raise Refused("nationalId is not a valid national ID")
    employer = data.get("employer")
    if not isinstance(employer, dict):
        raise Refused("employer is missing or not an object")
    start = _date(data, "startDate")
    end = _date(data, "endDate", optional=True)
    if end is not None and end < start:
        raise Refused(f"endDate {end} is before startDate {start}")
    occupation = data.get("occupation")
    if occupation is not None:
        occupation = _text(data, "occupation", OCCUPATION_MAX)
    return EngagementLine(
        engagement_id=engagement_id,
        national_id=national_id,
        employer_registration_number=_text(employer, "registrationNumber", TEXT_LIMITS["registrationNumber"],
                                            prefix="employer."),
        employer_name_ar=_text(employer, "nameAr", TEXT_LIMITS["nameAr"], prefix="employer."),
        employer_name_en=_text(employer, "nameEn", TEXT_LIMITS["nameEn"], prefix="employer."),
        start_date=start,
        end_date=end,
        occupation=occupation,
        branches=_branches(data.get("branches")),
        wages=_wages(data.get("wages"), start, end),
    )


def _text(data: dict[str, Any], key: str, limit: int, *, prefix: str = "") -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise Refused(f"{prefix}{key} is missing or not a text")
    value = value.strip()
    if len(value) > limit:
        raise Refused(f"{prefix}{key} is longer than {limit} characters")
    return value


def _date(data: dict[str, Any], key: str, *, optional: bool = False) -> Any:
    value = data.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise Refused(f"{key} is missing or not a date")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise Refused(f"{key} {value!r} is not a date (YYYY-MM-DD)") from None


def _branches(value: Any) -> list[str]:
    if not isinstance(value, list) or not value:
        raise Refused("branches is missing or empty")
    for branch in value:
        if branch not in BRANCHES:
            raise Refused(f"unknown branch {branch!r}")
    # Stored in a fixed order so a re-export in another order changes nothing.
    return [branch.value for branch in InsuranceBranch if branch.value in value]


def _wages(value: Any, start: dt.date, end: dt.date | None) -> list[dict[str, str]]:
    if not isinstance(value, list) or not value:
        raise Refused("wages is missing or empty")
    wages = []
    for index, wage in enumerate(value, start=1):
        if not isinstance(wage, dict):
            raise Refused(f"wage {index} is not an object")
        effective = _date(wage, "from")
        if effective < start:
            raise Refused(f"wage {index} from {effective} is before startDate {start}")
        if end is not None and effective > end:
            raise Refused(f"wage {index} from {effective} is after endDate {end}")
        wages.append({"from": effective.isoformat(), "basic": _amount(wage, "basic", index),
                      "housing": _amount(wage, "housing", index)})
    wages.sort(key=lambda wage: wage["from"])
    if len({wage["from"] for wage in wages}) != len(wages):
        raise Refused("two wages start on the same day")
    return wages


def _amount(wage: dict[str, Any], key: str, index: int) -> str:
    value = wage.get(key)
    # Strings only: a JSON number may already have lost its exact value.
    if not isinstance(value, str):
        raise Refused(f"wage {index} {key} is not a decimal text such as \"8000.00\"")
    try:
        amount = Decimal(value.strip())
    except InvalidOperation:
        raise Refused(f"wage {index} {key} {value!r} is not a decimal") from None
    if not amount.is_finite() or amount < 0:
        raise Refused(f"wage {index} {key} {value!r} is not a decimal amount of zero or more")
    if amount != amount.quantize(CENTS):
        raise Refused(f"wage {index} {key} {value!r} has more than two decimal places")
    return str(amount.quantize(CENTS))
