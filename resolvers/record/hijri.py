"""Umm al-Qura dates through `hijridate` (its tables are the reference RULES.md names)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from hijridate import Gregorian, Hijri

from models.enums import Language
from resolvers.platform.errors import ErrorCode, ErrorCollector


class InvalidHijriDate(ValueError):
    """A day the Umm al-Qura calendar does not have, or outside hijridate's tables."""


@dataclass(frozen=True)
class HijriDay:
    year: int
    month: int
    day: int


def to_hijri(day: date) -> HijriDay:
    try:
        converted = Gregorian.fromdate(day).to_hijri()
    except (OverflowError, ValueError) as error:
        raise InvalidHijriDate(str(error)) from error
    return HijriDay(converted.year, converted.month, converted.day)


def to_gregorian(*, year: int, month: int, day: int) -> date:
    try:
        converted = Hijri(year, month, day).to_gregorian()
    except (OverflowError, ValueError) as error:
        raise InvalidHijriDate(str(error)) from error
    return date(converted.year, converted.month, converted.day)


def hijri_birthday(born: date, years: int) -> date:
    """The Gregorian day on which someone born on `born` is `years` Hijri years old: the
    Hijri date of birth plus `years` Hijri years, day 30 of a 29-day month being its last day."""
    birth = to_hijri(born)
    try:
        length = Hijri(birth.year + years, birth.month, 1).month_length()
    except (OverflowError, ValueError) as error:
        raise InvalidHijriDate(str(error)) from error
    return to_gregorian(year=birth.year + years, month=birth.month, day=min(birth.day, length))


def hijri_age(born: date, on: date) -> int:
    """Whole Hijri years on `on`."""
    birth, today = to_hijri(born), to_hijri(on)
    years = today.year - birth.year
    return years if on >= hijri_birthday(born, years) else years - 1


def formatted(day: HijriDay, language: Language) -> str:
    """12 ربيع الأول 1405 هـ, or 12 Rabi' al-Awwal 1405 AH."""
    code: Literal["ar", "en"] = "ar" if language is Language.AR else "en"
    hijri = Hijri(day.year, day.month, day.day)
    return f"{day.day} {hijri.month_name(code)} {day.year} {hijri.notation(code)}"


def date_of_birth_given(
    errors: ErrorCollector, *, prefix: str, gregorian: date | None, hijri: HijriDay | None, required: bool
) -> date | None:
    """The date of birth given in one calendar or the other (`{prefix}date_of_birth` or
    `{prefix}date_of_birth_hijri`), as a Gregorian date; None, with the problem noted, otherwise."""
    if gregorian is not None and hijri is not None:
        errors.add(f"{prefix}date_of_birth_hijri", ErrorCode.INVALID, "one_date_of_birth")
        return None
    if hijri is not None:
        try:
            return to_gregorian(year=hijri.year, month=hijri.month, day=hijri.day)
        except InvalidHijriDate:
            errors.add(f"{prefix}date_of_birth_hijri", ErrorCode.INVALID, "hijri_date_invalid")
            return None
    if gregorian is None and required:
        errors.add(f"{prefix}date_of_birth", ErrorCode.REQUIRED, "one_date_of_birth")
    return gregorian
