"""The conditions' descriptions, with the member's figures, in Arabic and English."""

from __future__ import annotations

from models.enums import Language

AR, EN = Language.AR, Language.EN

WORDING: dict[str, dict[Language, str]] = {
    "retirement_age_hijri": {
        EN: "At least {years} Hijri years old; you reach that age on {date}.",
        AR: "بلوغ {years} سنة هجرية على الأقل؛ تبلغها في {date}.",
    },
    "retirement_age_years": {
        EN: "At least {years} years old; you reach that age on {date}.",
        AR: "بلوغ {years} سنة على الأقل؛ تبلغها في {date}.",
    },
    "retirement_age_years_months": {
        EN: "At least {years} years and {months} months old; you reach that age on {date}.",
        AR: "بلوغ {years} سنة و{months} أشهر على الأقل؛ تبلغها في {date}.",
    },
    "minimum_months": {
        EN: "At least {required} contribution months; you have {have}.",
        AR: "{required} شهر اشتراك على الأقل؛ لديك {have}.",
    },
    "early_any_age": {
        EN: "At least {required} contribution months, at any age; you have {have}.",
        AR: "{required} شهر اشتراك على الأقل، في أي سن؛ لديك {have}.",
    },
    "early_with_age": {
        EN: (
            "At least {required} contribution months and {age} years old; "
            "you have {have} months and are {current_age}."
        ),
        AR: "{required} شهر اشتراك على الأقل وسن {age} سنة؛ لديك {have} شهرًا وعمرك {current_age} سنة.",
    },
    "citizen": {
        EN: "For Saudi citizens; you are registered as a citizen.",
        AR: "للمواطنين السعوديين؛ أنت مسجل مواطنًا.",
    },
    "not_citizen": {
        EN: "For Saudi citizens; you are registered as a resident.",
        AR: "للمواطنين السعوديين؛ أنت مسجل مقيمًا.",
    },
    "saned_age_limit": {
        EN: "Under {limit} years old on {date}; you are {age}.",
        AR: "أقل من {limit} سنة في {date}؛ عمرك {age} سنة.",
    },
    "recent_unemployment_months": {
        EN: "At least {required} unemployment insurance months in the {window} months before {date}; you have {have}.",
        AR: "{required} شهر اشتراك في التأمين ضد التعطل على الأقل خلال {window} شهرًا قبل {date}؛ لديك {have}.",
    },
    "not_employed": {
        EN: "No employment goes on after {date}; none does.",
        AR: "ألا يستمر عمل بعد {date}؛ لا يستمر أي عمل.",
    },
    "still_employed": {
        EN: "No employment goes on after {date}; you are still employed by {employer}.",
        AR: "ألا يستمر عمل بعد {date}؛ ما زلت تعمل لدى {employer}.",
    },
    "insured_on_date": {
        EN: "Insured against occupational hazards on {date}; you were, with {employer}.",
        AR: "أن تكون مؤمنًا ضد الأخطار المهنية في {date}؛ كنت مؤمنًا لدى {employer}.",
    },
    "not_insured_on_date": {
        EN: "Insured against occupational hazards on {date}; no engagement of yours covers that day.",
        AR: "أن تكون مؤمنًا ضد الأخطار المهنية في {date}؛ لا يشمل ذلك اليوم أي عمل لك.",
    },
    "disability_months": {
        EN: (
            "At least {consecutive} consecutive or {total} contribution months in all before {date}; "
            "you have {longest} consecutive and {have} in all."
        ),
        AR: (
            "{consecutive} شهر اشتراك متتالية أو {total} شهرًا إجمالًا على الأقل قبل {date}؛ "
            "لديك {longest} متتالية و{have} إجمالًا."
        ),
    },
    "under_retirement_age": {
        EN: "Under the retirement age on {date}; you reach it on {retirement_date}.",
        AR: "أن تكون دون سن التقاعد في {date}؛ تبلغها في {retirement_date}.",
    },
}
