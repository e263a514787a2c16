"""Every user-facing text, in Arabic and English. Arabic is the default."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from enum import Enum
from typing import Any

from models.enums import Language
from resolvers.platform.labels import enum_labels
from resolvers.platform.negotiation import language_match, negotiate, refused

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
        Language.EN: "The password must be {min} to {max} characters long.",
        Language.AR: "يجب أن تتكون كلمة المرور من {min} إلى {max} حرفًا.",
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
        Language.AR: "يوجد حساب مسجل برقم الهوية هذا.",
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
    "NOT_ELIGIBLE": {
        Language.EN: "You do not qualify on this date: {unmet_en}",
        Language.AR: "لا تستوفي الشروط في هذا التاريخ: {unmet_ar}",
    },
    "hijri_date_invalid": {
        Language.EN: "This day does not exist in the Umm al-Qura calendar, or is outside 1343 to 1500 AH.",
        Language.AR: "هذا اليوم غير موجود في تقويم أم القرى، أو خارج المدة من 1343 إلى 1500 هـ.",
    },
    "one_date_of_birth": {
        Language.EN: "Give the date of birth in one calendar: Gregorian or Hijri.",
        Language.AR: "أدخل تاريخ الميلاد بتقويم واحد: الميلادي أو الهجري.",
    },
    "DUPLICATE_REQUEST": {
        Language.EN: "You already have an open request for this service.",
        Language.AR: "لديك طلب مفتوح لهذه الخدمة بالفعل.",
    },
    "FILE_TOO_LARGE": {
        Language.EN: "The file is larger than {max_mib} MiB.",
        Language.AR: "حجم الملف أكبر من {max_mib} ميغابايت.",
    },
    "UNSUPPORTED_FILE_TYPE": {
        Language.EN: "Attach a PDF, JPEG or PNG file.",
        Language.AR: "أرفق ملفًا بصيغة PDF أو JPEG أو PNG.",
    },
    "TOO_MANY_FILES": {
        Language.EN: "A request takes at most {max} files.",
        Language.AR: "يقبل الطلب {max} ملفات على الأكثر.",
    },
    "STORE_UNAVAILABLE": {
        Language.EN: "Documents cannot be stored right now; nothing was changed. Try again in a minute.",
        Language.AR: "تعذّر حفظ المستندات الآن ولم يتغير شيء. حاول مرة أخرى بعد دقيقة.",
    },
    "DOCUMENTS_MISSING": {
        Language.EN: "Required documents are not attached yet: {kinds}.",
        Language.AR: "لم تُرفق المستندات المطلوبة بعد: {kinds}.",
    },
    "request_not_open": {
        Language.EN: "Documents can be attached only while the request is open.",
        Language.AR: "لا يمكن إرفاق المستندات إلا والطلب ما زال مفتوحًا.",
    },
    "information_not_requested": {
        Language.EN: "No information is being asked for on this request.",
        Language.AR: "لا توجد معلومات مطلوبة على هذا الطلب.",
    },
    "respond_by_range": {
        Language.EN: "Choose a date from tomorrow to {max} days ahead.",
        Language.AR: "اختر تاريخًا من الغد وحتى {max} يومًا.",
    },
    "REAUTHENTICATION_REQUIRED": {
        Language.EN: "For your security, confirm it is you (password or second factor) and try again.",
        Language.AR: "لحماية حسابك، أكّد هويتك (كلمة المرور أو العامل الثاني) ثم حاول مرة أخرى.",
    },
    "INVALID_SECOND_FACTOR": {
        Language.EN: "The verification code or passkey is not correct.",
        Language.AR: "رمز التحقق أو مفتاح المرور غير صحيح.",
    },
    "second_factor_challenge_void": {
        Language.EN: "This sign-in has expired or had too many wrong attempts; sign in again.",
        Language.AR: "انتهت صلاحية عملية الدخول هذه أو تكررت المحاولات الخاطئة؛ سجّل الدخول مجددًا.",
    },
    "one_proof": {
        Language.EN: "Give your password or a second-factor proof, one of them.",
        Language.AR: "أدخل كلمة المرور أو إثبات العامل الثاني، واحدًا منهما.",
    },
    "totp_already_enabled": {
        Language.EN: "An authenticator app is already set up.",
        Language.AR: "تطبيق المصادقة مفعّل بالفعل.",
    },
    "totp_not_enabled": {
        Language.EN: "No authenticator app is set up.",
        Language.AR: "لا يوجد تطبيق مصادقة مفعّل.",
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
    "hidden_characters": {
        Language.EN: "Remove the invisible or control characters (such as direction marks) from this text.",
        Language.AR: "أزل المحارف غير المرئية أو محارف التحكم (مثل علامات الاتجاه) من هذا النص.",
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
    "unknown_enums": {
        Language.EN: "No enum a person sees is named {names}.",
        Language.AR: "لا يوجد تعداد معروض بالاسم {names}.",
    },
    # What graphql-core and the HTTP layer refuse before any rule runs.
    "value_required": {Language.EN: "{field} is required.", Language.AR: "الحقل {field} مطلوب."},
    "value_unknown_field": {
        Language.EN: "{field} is not a field of this input.",
        Language.AR: "{field} ليس حقلًا في هذا الإدخال.",
    },
    "value_object": {
        Language.EN: "{field} must be an object of fields.",
        Language.AR: "يجب أن يكون {field} كائنًا من الحقول.",
    },
    "value_one_of": {
        Language.EN: "{field}: give exactly one of its fields.",
        Language.AR: "{field}: أدخل حقلًا واحدًا فقط من حقوله.",
    },
    "value_date": {
        Language.EN: "{field}: enter a date that exists, as YYYY-MM-DD (e.g. 1990-05-17).",
        Language.AR: "{field}: أدخل تاريخًا صحيحًا بالصيغة YYYY-MM-DD (مثل 1990-05-17).",
    },
    "value_datetime": {
        Language.EN: "{field}: enter a date and time as ISO 8601 (e.g. 2026-12-04T09:30:00+03:00).",
        Language.AR: "{field}: أدخل تاريخًا ووقتًا بصيغة ISO 8601 (مثل 2026-12-04T09:30:00+03:00).",
    },
    "value_whole_number": {
        Language.EN: "{field}: enter a whole number.",
        Language.AR: "{field}: أدخل عددًا صحيحًا.",
    },
    "value_number": {Language.EN: "{field}: enter a number.", Language.AR: "{field}: أدخل رقمًا."},
    "value_text": {Language.EN: "{field}: enter text.", Language.AR: "{field}: أدخل نصًا."},
    "value_boolean": {
        Language.EN: "{field}: must be true or false.",
        Language.AR: "{field}: يجب أن تكون القيمة true أو false.",
    },
    "value_enum": {
        Language.EN: "{field}: \"{value}\" is not one of the allowed values.",
        Language.AR: "{field}: القيمة \"{value}\" ليست من القيم المسموح بها.",
    },
    "value_invalid": {
        Language.EN: "{field}: this value is not valid.",
        Language.AR: "{field}: هذه القيمة غير صالحة.",
    },
    "unknown_selection": {
        Language.EN: "There is no field {name} on {type}.",
        Language.AR: "لا يوجد حقل باسم {name} في {type}.",
    },
    "unknown_selection_suggested": {
        Language.EN: "There is no field {name} on {type}. Did you mean {suggestion}?",
        Language.AR: "لا يوجد حقل باسم {name} في {type}. هل تقصد {suggestion}؟",
    },
    "did_you_mean": {Language.EN: "Did you mean {suggestion}?", Language.AR: "هل تقصد {suggestion}؟"},
    "syntax_error": {
        Language.EN: "The query cannot be read: {detail}",
        Language.AR: "تعذّرت قراءة الاستعلام: {detail}",
    },
    "request_invalid": {
        Language.EN: "The query is not valid: {detail}",
        Language.AR: "الاستعلام غير صالح: {detail}",
    },
    "query_too_deep": {
        Language.EN: "The query nests fields deeper than {max} levels.",
        Language.AR: "يتعمق الاستعلام في الحقول أكثر من {max} مستويات.",
    },
    "too_many_aliases": {
        Language.EN: "The query uses more aliases than the {max} allowed.",
        Language.AR: "يستخدم الاستعلام أسماء بديلة (aliases) أكثر من {max} المسموح بها.",
    },
    "query_too_large": {
        Language.EN: "The query is longer than {max} tokens.",
        Language.AR: "الاستعلام أطول من {max} رمزًا (token).",
    },
    "timeout": {Language.EN: "The request took too long.", Language.AR: "استغرق الطلب وقتًا طويلًا."},
    "body_not_json": {
        Language.EN: "The request body is not valid JSON.",
        Language.AR: "محتوى الطلب ليس JSON صالحًا.",
    },
    "unsupported_content_type": {
        Language.EN: "Send the request as application/json (or multipart/form-data for uploads).",
        Language.AR: "أرسل الطلب بصيغة application/json (أو multipart/form-data لرفع الملفات).",
    },
    "no_query": {
        Language.EN: "The request carries no GraphQL query.",
        Language.AR: "لا يحمل الطلب استعلام GraphQL.",
    },
    "preflight_missing": {
        Language.EN: "A multipart request needs a non-empty Apollo-Require-Preflight or "
        "GraphQL-Require-Preflight header.",
        Language.AR: "يحتاج الطلب متعدد الأجزاء إلى ترويسة Apollo-Require-Preflight أو "
        "GraphQL-Require-Preflight غير فارغة.",
    },
    "mutation_by_get": {
        Language.EN: "Mutations are sent with POST, never GET.",
        Language.AR: "تُرسل عمليات التعديل بطريقة POST وليس GET.",
    },
    "bad_request": {
        Language.EN: "The request is malformed: {detail}",
        Language.AR: "الطلب غير سليم: {detail}",
    },
    "link_expired": {
        Language.EN: "This link has expired; open the file again from the app.",
        Language.AR: "انتهت صلاحية هذا الرابط؛ افتح الملف مجددًا من التطبيق.",
    },
    "store_not_answering": {
        Language.EN: "The document store is not answering; try again in a minute.",
        Language.AR: "مخزن المستندات لا يستجيب؛ حاول مرة أخرى بعد دقيقة.",
    },
    "body_too_large": {
        Language.EN: "The request body is too large.",
        Language.AR: "محتوى الطلب أكبر من المسموح.",
    },
    "unexpected": {Language.EN: "Unexpected error.", Language.AR: "خطأ غير متوقع."},
    "persisted_document_not_found": {
        Language.EN: "No trusted document has this ID.",
        Language.AR: "لا يوجد مستند موثوق بهذا المعرّف.",
    },
    "trusted_document_required": {
        Language.EN: "Only the application's trusted documents run here: send a documentId.",
        Language.AR: "لا تُنفَّذ هنا إلا المستندات الموثوقة للتطبيق: أرسل documentId.",
    },
    "too_many_ids": {
        Language.EN: "Mark at most 100 notifications at once, or all of them.",
        Language.AR: "حدّد 100 إشعار على الأكثر في المرة الواحدة، أو جميعها.",
    },
    "websocket_only": {
        Language.EN: "Subscriptions run over the WebSocket on /graphql (graphql-transport-ws).",
        Language.AR: "تعمل الاشتراكات عبر WebSocket على /graphql (graphql-transport-ws).",
    },
    "slow_consumer": {
        Language.EN: "Events came faster than they were read; subscribe again and reload the inbox.",
        Language.AR: "وصلت الأحداث أسرع من قراءتها؛ اشترك من جديد وأعد تحميل صندوق الإشعارات.",
    },
}


# Every enum value a person sees, named: `RequestStatus.UNDER_REVIEW`.
MESSAGES.update(enum_labels())

LIST_SEPARATOR = {Language.AR: "، ", Language.EN: ", "}


def translate(key: str, language: Language, **params: Any) -> str:
    """The catalog's text for `key`; enum values among `params` (alone or in a list) are
    named by their labels."""
    texts = MESSAGES.get(key) or MESSAGES["INVALID"]
    template = texts.get(language) or texts[DEFAULT_LANGUAGE]
    if not params:
        return template
    return template.format(**{name: _rendered(value, language) for name, value in params.items()})


def label_key(value: Enum) -> str:
    return f"{type(value).__name__}.{value.value}"


def label(value: Enum, language: Language) -> str:
    """The value's name for people; its bare value when the catalog has none."""
    texts = MESSAGES.get(label_key(value))
    return (texts.get(language) or texts[DEFAULT_LANGUAGE]) if texts else str(value.value)


def _rendered(value: Any, language: Language) -> Any:
    if isinstance(value, Enum):
        return label(value, language)
    if isinstance(value, Iterable) and not isinstance(value, str | bytes | dict):
        items = list(value)
        if items and all(isinstance(item, Enum) for item in items):
            return LIST_SEPARATOR[language].join(label(item, language) for item in items)
    return value


# Clients send the same few headers over and over; a bounded cache of the answers.
@functools.lru_cache(maxsize=256)
def negotiate_language(accept_language: str | None) -> Language:
    """The language the Accept-Language header prefers among Arabic and English. When it names
    neither, the default (Arabic) unless the header refuses it (`ar;q=0`), then the other."""
    offers = [DEFAULT_LANGUAGE, *(language for language in Language if language is not DEFAULT_LANGUAGE)]
    chosen = negotiate(accept_language, [language.value for language in offers], language_match)
    if chosen is not None:
        return Language(chosen)
    acceptable = (o for o in offers if not refused(accept_language, o.value, language_match))
    return next(acceptable, DEFAULT_LANGUAGE)
