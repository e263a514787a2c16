"""Checks on personal data. Each returns the normalized value or records a FieldError."""

from __future__ import annotations

import datetime as dt
import unicodedata
from functools import lru_cache
from pathlib import Path

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from models.enums import Residency
from resolvers.platform.errors import ErrorCode, ErrorCollector

ARABIC_INDIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
MINIMUM_AGE_YEARS = 15
PASSWORD_MIN, PASSWORD_MAX = 12, 128
COMMON_PASSWORDS_FILE = Path(__file__).with_name("data") / "common-passwords.txt"
# PostgreSQL cannot store U+0000 in text: stored text refuses it on both engines alike.
NUL = "\x00"
# Embeddings, overrides and isolates reorder how text displays: "\u202eevil" shows reversed,
# in staff views and printed letters alike. Refused in every kind of text.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Zero-width non-joiner and joiner: Arabic (and Persian) spelling needs them between letters.
JOINERS = frozenset("\u200c\u200d")


def nfc(value: str) -> str:
    """One spelling for one text: "é" typed as e + U+0301 compares and searches as "é"."""
    return unicodedata.normalize("NFC", value)


def _in_a_word(text: str, index: int) -> bool:
    return (
        0 < index < len(text) - 1
        and unicodedata.category(text[index - 1])[0] in "LM"
        and unicodedata.category(text[index + 1])[0] in "LM"
    )


def hidden_characters(text: str, *, multiline: bool) -> bool:
    """A single line (a name, a subject, a city) holds no invisible format characters
    (category Cf: direction marks, zero-width spaces, ...), no control characters and no
    line separators, except ZWNJ/ZWJ inside a word. A multi-line body may hold line breaks
    and marks, but no embeddings, overrides or isolates."""
    if multiline:
        return NUL in text or not BIDI_CONTROLS.isdisjoint(text)
    for index, char in enumerate(text):
        if char in JOINERS:
            if not _in_a_word(text, index):
                return True
        elif unicodedata.category(char) in {"Cf", "Cc", "Zl", "Zp"}:
            return True
    return False


def normalize_digits(value: str) -> str:
    return value.translate(ARABIC_INDIC_DIGITS)


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        number = int(char)
        if index % 2 == 1:
            number *= 2
            if number > 9:
                number -= 9
        total += number
    return total % 10 == 0


def parse_national_id(value: str) -> str | None:
    """The normalized ID, or None when it is not a valid Saudi national/iqama number."""
    candidate = normalize_digits(value.strip())
    if len(candidate) != 10 or not candidate.isascii() or not candidate.isdigit():
        return None
    if candidate[0] not in "12" or not luhn_valid(candidate):
        return None
    return candidate


def residency_of(national_id: str) -> Residency:
    return Residency.CITIZEN if national_id.startswith("1") else Residency.RESIDENT


def national_id(errors: ErrorCollector, field: str, value: str) -> str:
    parsed = parse_national_id(value)
    if parsed is None:
        errors.add(field, ErrorCode.INVALID_NATIONAL_ID)
        return value
    return parsed


def full_name(errors: ErrorCollector, field: str, value: str) -> str:
    name = " ".join(nfc(value).split())
    if not name:
        errors.add(field, ErrorCode.REQUIRED)
    elif len(name) > 200:
        errors.add(field, ErrorCode.INVALID, "text_length", max=200)
    elif hidden_characters(name, multiline=False):
        errors.add(field, ErrorCode.INVALID, "hidden_characters")
    elif len(name.split(" ")) < 2:
        errors.add(field, ErrorCode.INVALID, "full_name_words")
    return name


def date_of_birth(errors: ErrorCollector, field: str, value: dt.date, today: dt.date) -> dt.date:
    if value >= today:
        errors.add(field, ErrorCode.INVALID, "date_in_future")
    elif _years_between(value, today) < MINIMUM_AGE_YEARS:
        errors.add(field, ErrorCode.INVALID, "too_young")
    return value


def _years_between(born: dt.date, today: dt.date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def past_date(errors: ErrorCollector, field: str, value: dt.date, today: dt.date) -> dt.date:
    if value > today:
        errors.add(field, ErrorCode.INVALID, "date_in_future")
    return value


def mobile(errors: ErrorCollector, field: str, value: str) -> str:
    """A Saudi mobile in E.164 (+9665XXXXXXXX)."""
    try:
        number = phonenumbers.parse(normalize_digits(value.strip()), "SA")
    except phonenumbers.NumberParseException:
        errors.add(field, ErrorCode.INVALID_MOBILE)
        return value
    if (
        number.country_code != 966
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number) != phonenumbers.PhoneNumberType.MOBILE
    ):
        errors.add(field, ErrorCode.INVALID_MOBILE)
        return value
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def email(errors: ErrorCollector, field: str, value: str) -> str:
    try:
        result = validate_email(value.strip(), check_deliverability=False)
    except EmailNotValidError:
        errors.add(field, ErrorCode.INVALID_EMAIL)
        return value
    return result.normalized


def iban(errors: ErrorCollector, field: str, value: str) -> str:
    try:
        parsed = IBAN(normalize_digits(value))
    except SchwiftyException:
        errors.add(field, ErrorCode.INVALID_IBAN)
        return value
    if parsed.country_code != "SA" or len(parsed.compact) != 24:
        errors.add(field, ErrorCode.INVALID_IBAN)
        return value
    return parsed.compact


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip())


def password(
    errors: ErrorCollector,
    field: str,
    value: str,
    *,
    national_id: str,
    date_of_birth: dt.date | None,
) -> str:
    if not PASSWORD_MIN <= len(value) <= PASSWORD_MAX:
        errors.add(field, ErrorCode.WEAK_PASSWORD, "password_length", min=PASSWORD_MIN, max=PASSWORD_MAX)
    elif value.lower() in common_passwords():
        errors.add(field, ErrorCode.WEAK_PASSWORD, "password_common")
    elif _contains_personal_data(value, national_id, date_of_birth):
        errors.add(field, ErrorCode.WEAK_PASSWORD, "password_personal")
    return value


def _contains_personal_data(value: str, national_id: str, born: dt.date | None) -> bool:
    digits_only = normalize_digits(value)
    if national_id and national_id in digits_only:
        return True
    if born is None:
        return False
    spellings = {
        born.strftime("%Y%m%d"),
        born.strftime("%d%m%Y"),
        born.strftime("%m%d%Y"),
        born.isoformat(),
        born.strftime("%d-%m-%Y"),
        born.strftime("%d/%m/%Y"),
        born.strftime("%Y/%m/%d"),
    }
    return any(spelling in digits_only for spelling in spellings)


def bounded_text(
    errors: ErrorCollector,
    field: str,
    value: str | None,
    *,
    max_length: int,
    required: bool = True,
    multiline: bool = False,
) -> str | None:
    """Trimmed NFC text of 1..max_length characters; None when optional and blank. A single
    line (the default) or a multi-line body: see hidden_characters."""
    text = nfc(value or "").strip()
    if not text:
        if required:
            errors.add(field, ErrorCode.REQUIRED)
        return None
    if len(text) > max_length:
        errors.add(field, ErrorCode.INVALID, "text_length", max=max_length)
    elif hidden_characters(text, multiline=multiline):
        errors.add(field, ErrorCode.INVALID, "hidden_characters")
    return text


def int_range(errors: ErrorCollector, field: str, value: int, *, low: int, high: int) -> int:
    if not low <= value <= high:
        errors.add(field, ErrorCode.INVALID, "number_range", min=low, max=high)
    return value
