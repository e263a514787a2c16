"""Every user-facing text, in Arabic and English. Arabic is the default."""

from __future__ import annotations

from typing import Any

from models.enums import Language

DEFAULT_LANGUAGE = Language.AR

MESSAGES: dict[str, dict[Language, str]] = {
    "REQUIRED": {Language.EN: "This field is required.", Language.AR: "هذا الحقل مطلوب."},
    "INVALID": {Language.EN: "This value is not valid.", Language.AR: "هذه القيمة غير صالحة."},
    "INVALID_NATIONAL_ID": {
        Language.EN: "The national ID must be 10 digits, start with 1 or 2 and have a valid check digit.",
        Language.AR: "يجب أن يتكون رقم الهوية من 10 أرقام يبدأ بـ 1 أو 2 وبرقم تحقق صحيح.",
    },
    "INVALID_MOBILE": {
        Language.EN: "Enter a Saudi mobile number, e.g. 05XXXXXXXX.",
        Language.AR: "أدخل رقم جوال سعودي، مثل 05XXXXXXXX.",
    },
    "INVALID_EMAIL": {Language.EN: "Enter a valid email address.", Language.AR: "أدخل بريدًا إلكترونيًا صحيحًا."},
    "INVALID_IBAN": {
        Language.EN: "Enter a valid Saudi IBAN (SA followed by 22 digits).",
        Language.AR: "أدخل رقم آيبان سعوديًا صحيحًا (SA يليه 22 رقمًا).",
    },
    "WEAK_PASSWORD": {Language.EN: "This password is too weak.", Language.AR: "كلمة المرور هذه ضعيفة."},
    "password_length": {
        Language.EN: "The password must be 12 to 128 characters long.",
        Language.AR: "يجب أن تتكون كلمة المرور من 12 إلى 128 حرفًا.",
    },
    "password_common": {
        Language.EN: "This password is among the most common ones; choose another.",
        Language.AR: "كلمة المرور هذه من الأكثر شيوعًا؛ اختر غيرها.",
    },
    "password_personal": {
        Language.EN: "The password must not contain your national ID or date of birth.",
        Language.AR: "يجب ألا تحتوي كلمة المرور على رقم هويتك أو تاريخ ميلادك.",
    },
    "ALREADY_REGISTERED": {
        Language.EN: "An account with this national ID already exists.",
        Language.AR: "يوجد حساب مسجل بهذا رقم الهوية.",
    },
    "NOT_FOUND": {Language.EN: "Not found.", Language.AR: "غير موجود."},
    "INVALID_CODE": {Language.EN: "The code is not correct.", Language.AR: "الرمز غير صحيح."},
    "CODE_EXPIRED": {
        Language.EN: "The code has expired or was replaced; ask for a new one.",
        Language.AR: "انتهت صلاحية الرمز أو استُبدل؛ اطلب رمزًا جديدًا.",
    },
    "TOO_MANY_ATTEMPTS": {
        Language.EN: "Too many wrong attempts; ask for a new code.",
        Language.AR: "محاولات خاطئة كثيرة؛ اطلب رمزًا جديدًا.",
    },
    "RATE_LIMITED": {
        Language.EN: "Too many attempts; try again later.",
        Language.AR: "محاولات كثيرة؛ حاول مرة أخرى لاحقًا.",
    },
    "resend_too_soon": {
        Language.EN: "Wait {seconds} seconds before asking for a new code.",
        Language.AR: "انتظر {seconds} ثانية قبل طلب رمز جديد.",
    },
    "codes_per_hour": {
        Language.EN: "Too many codes were sent in the last hour; try again later.",
        Language.AR: "أُرسل عدد كبير من الرموز خلال الساعة الماضية؛ حاول لاحقًا.",
    },
    "INVALID_CREDENTIALS": {
        Language.EN: "The national ID or password is not correct.",
        Language.AR: "رقم الهوية أو كلمة المرور غير صحيحة.",
    },
    "current_password_wrong": {
        Language.EN: "The current password is not correct.",
        Language.AR: "كلمة المرور الحالية غير صحيحة.",
    },
    "refresh_invalid": {
        Language.EN: "The session has ended; sign in again.",
        Language.AR: "انتهت الجلسة؛ سجّل الدخول مرة أخرى.",
    },
    "ACCOUNT_NOT_ACTIVE": {
        Language.EN: "The account is not active yet; activate it with the code sent to you.",
        Language.AR: "الحساب غير مفعّل بعد؛ فعّله بالرمز المرسل إليك.",
    },
    "ACCOUNT_LOCKED": {Language.EN: "The account is locked.", Language.AR: "الحساب مقفل."},
    "INVALID_TRANSITION": {
        Language.EN: "The request cannot move from {current} to {target}.",
        Language.AR: "لا يمكن نقل الطلب من {current} إلى {target}.",
    },
    "DUPLICATE_REQUEST": {
        Language.EN: "You already have an open request for this service.",
        Language.AR: "لديك طلب مفتوح لهذه الخدمة بالفعل.",
    },
    "full_name_words": {
        Language.EN: "Enter your full name: at least two words.",
        Language.AR: "أدخل اسمك الكامل: كلمتان على الأقل.",
    },
    "date_in_future": {
        Language.EN: "The date cannot be in the future.",
        Language.AR: "لا يمكن أن يكون التاريخ في المستقبل.",
    },
    "too_young": {
        Language.EN: "You must be at least 15 years old.",
        Language.AR: "يجب ألا يقل عمرك عن 15 سنة.",
    },
    "email_needed_for_channel": {
        Language.EN: "An email address is needed to receive the code by email.",
        Language.AR: "يلزم بريد إلكتروني لاستلام الرمز عبر البريد.",
    },
    "confirm_details": {
        Language.EN: "Confirm that your details are correct to activate the account.",
        Language.AR: "أكّد صحة بياناتك لتفعيل الحساب.",
    },
    "text_length": {
        Language.EN: "Must be 1 to {max} characters.",
        Language.AR: "يجب أن يكون من 1 إلى {max} حرفًا.",
    },
    "number_range": {
        Language.EN: "Must be between {min} and {max}.",
        Language.AR: "يجب أن يكون بين {min} و{max}.",
    },
    "members_only": {
        Language.EN: "Only active members can do this.",
        Language.AR: "هذا متاح للأعضاء المفعّلين فقط.",
    },
    "question_closed": {
        Language.EN: "This question is closed and takes no more replies.",
        Language.AR: "هذا السؤال مغلق ولا يقبل ردودًا أخرى.",
    },
    "nothing_pending": {
        Language.EN: "There is no contact change waiting for a code.",
        Language.AR: "لا يوجد تغيير في بيانات التواصل بانتظار رمز.",
    },
    "one_contact_change": {
        Language.EN: "Change your mobile or your email, one at a time.",
        Language.AR: "غيّر رقم الجوال أو البريد الإلكتروني، واحدًا في كل مرة.",
    },
    "date_before_birth": {
        Language.EN: "The date cannot be before your date of birth.",
        Language.AR: "لا يمكن أن يكون التاريخ قبل تاريخ ميلادك.",
    },
    "review_move_not_allowed": {
        Language.EN: "The request's current status does not allow this change.",
        Language.AR: "لا تسمح حالة الطلب الحالية بهذا التغيير.",
    },
    "request_not_cancellable": {
        Language.EN: "Only a request that is still open can be cancelled.",
        Language.AR: "لا يمكن إلغاء الطلب إلا وهو ما زال مفتوحًا.",
    },
    "request_status_changed": {
        Language.EN: "The request's status has just changed; reload it and try again.",
        Language.AR: "تغيّرت حالة الطلب للتو؛ أعد تحميله وحاول مرة أخرى.",
    },
    # The staff desk.
    "assignee_not_staff": {
        Language.EN: "Requests can only be assigned to an active staff member.",
        Language.AR: "لا يُسند الطلب إلا إلى موظف فعّال.",
    },
    "not_staff": {Language.EN: "This is not a staff account.", Language.AR: "هذا ليس حساب موظف."},
    "request_closed": {
        Language.EN: "This request is closed; only open requests are assigned.",
        Language.AR: "هذا الطلب مغلق؛ لا تُسند إلا الطلبات المفتوحة.",
    },
    "assignment_changed": {
        Language.EN: "Someone changed this request meanwhile; reload it and try again.",
        Language.AR: "غيّر أحدهم هذا الطلب للتو؛ أعد تحميله وحاول مرة أخرى.",
    },
    "unauthenticated": {Language.EN: "Sign in first.", Language.AR: "سجّل الدخول أولًا."},
    "forbidden": {Language.EN: "You are not allowed to do this.", Language.AR: "غير مسموح لك بهذا."},
    "unexpected": {Language.EN: "Unexpected error.", Language.AR: "خطأ غير متوقع."},
}


def translate(key: str, language: Language, **params: Any) -> str:
    texts = MESSAGES.get(key) or MESSAGES["INVALID"]
    template = texts.get(language) or texts[DEFAULT_LANGUAGE]
    return template.format(**params) if params else template


def negotiate_language(accept_language: str | None) -> Language:
    """The first of ar/en named in an Accept-Language header; Arabic when none is."""
    if not accept_language:
        return DEFAULT_LANGUAGE
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        ranked.append((-quality, position, tag.strip().lower()))
    for _, _, tag in sorted(ranked):
        primary = tag.split("-")[0]
        if primary == "ar":
            return Language.AR
        if primary == "en":
            return Language.EN
    return DEFAULT_LANGUAGE
