"""The texts of SMS and email messages, in the member's language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from models.enums import Language, NotificationKind


@dataclass(frozen=True)
class Template:
    subject: dict[Language, str]
    body: dict[Language, str]
    # The inbox kind of a notice; codes (kind None) never go to the inbox.
    kind: NotificationKind | None = None

    def render(self, language: Language, **params: Any) -> tuple[str, str]:
        return self.subject[language].format(**params), self.body[language].format(**params)


ACTIVATION_CODE = Template(
    subject={Language.EN: "Your activation code", Language.AR: "رمز تفعيل حسابك"},
    body={
        Language.EN: "Your GOSI activation code is {code}. It is valid for 10 minutes. "
        "Do not share it with anyone.",
        Language.AR: "رمز تفعيل حسابك في التأمينات الاجتماعية هو {code}. صالح لمدة 10 دقائق. "
        "لا تشاركه مع أحد.",
    },
)

PASSWORD_RESET_CODE = Template(
    subject={Language.EN: "Your password reset code", Language.AR: "رمز إعادة تعيين كلمة المرور"},
    body={
        Language.EN: "Your GOSI password reset code is {code}. It is valid for 10 minutes. "
        "If you did not ask for it, ignore this message.",
        Language.AR: "رمز إعادة تعيين كلمة المرور في التأمينات الاجتماعية هو {code}. صالح لمدة "
        "10 دقائق. إذا لم تطلبه فتجاهل هذه الرسالة.",
    },
)

CONTACT_CHANGE_CODE = Template(
    subject={Language.EN: "Confirm your new contact details", Language.AR: "تأكيد بيانات التواصل الجديدة"},
    body={
        Language.EN: "Your GOSI confirmation code is {code}. It is valid for 10 minutes.",
        Language.AR: "رمز التأكيد في التأمينات الاجتماعية هو {code}. صالح لمدة 10 دقائق.",
    },
)

CONTACT_CHANGE_NOTICE = Template(
    subject={Language.EN: "Your contact details are changing", Language.AR: "تغيير بيانات التواصل"},
    body={
        Language.EN: "A change of your {what} to {destination} was requested on your GOSI "
        "account. If this was not you, contact GOSI at once.",
        Language.AR: "طُلب تغيير {what} في حسابك لدى التأمينات الاجتماعية إلى {destination}. "
        "إذا لم تكن أنت فتواصل مع التأمينات فورًا.",
    },
    kind=NotificationKind.PROFILE_CHANGED,
)

IBAN_CHANGED = Template(
    subject={Language.EN: "Your bank account was changed", Language.AR: "تم تغيير حسابك البنكي"},
    body={
        Language.EN: "The IBAN on your GOSI account was changed to one ending in {last4}. "
        "If this was not you, contact GOSI at once.",
        Language.AR: "تم تغيير رقم الآيبان في حسابك لدى التأمينات الاجتماعية إلى رقم ينتهي بـ "
        "{last4}. إذا لم تكن أنت فتواصل مع التأمينات فورًا.",
    },
    kind=NotificationKind.PROFILE_CHANGED,
)

REQUEST_STATUS_CHANGED = Template(
    subject={Language.EN: "Request {reference}: {status}", Language.AR: "الطلب {reference}: {status}"},
    body={
        Language.EN: "Your request {reference} is now: {status}.{note}",
        Language.AR: "حالة طلبك {reference} الآن: {status}.{note}",
    },
    kind=NotificationKind.REQUEST_STATUS_CHANGED,
)

INFORMATION_REMINDER = Template(
    subject={
        Language.EN: "Reminder: request {reference} is waiting for you",
        Language.AR: "تذكير: الطلب {reference} بانتظار ردك",
    },
    body={
        Language.EN: "Your request {reference} is still waiting for the information GOSI asked "
        "for. Please answer by {respond_by}.",
        Language.AR: "ما زال طلبك {reference} بانتظار المعلومات التي طلبتها التأمينات "
        "الاجتماعية. يرجى الرد قبل {respond_by}.",
    },
    kind=NotificationKind.INFORMATION_REQUESTED,
)

QUESTION_ANSWERED = Template(
    subject={Language.EN: "Answer to {reference}", Language.AR: "رد على {reference}"},
    body={
        Language.EN: "GOSI answered your question {reference}: {subject}. "
        "Sign in to read the answer.",
        Language.AR: "ردّت التأمينات الاجتماعية على سؤالك {reference}: {subject}. "
        "سجّل الدخول لقراءة الرد.",
    },
    kind=NotificationKind.QUESTION_ANSWERED,
)

CONTACT_KIND = {
    "mobile": {Language.EN: "mobile number", Language.AR: "رقم الجوال"},
    "email": {Language.EN: "email address", Language.AR: "البريد الإلكتروني"},
}

NEW_DEVICE_NOTICE = Template(
    subject={Language.EN: "New sign-in to your account", Language.AR: "تسجيل دخول جديد إلى حسابك"},
    body={
        Language.EN: "New sign-in to your GOSI account from {device} at {time} (Riyadh time). "
        "If this was not you, change your password and end that session in the security "
        "centre at once.",
        Language.AR: "تسجيل دخول جديد إلى حسابك في التأمينات الاجتماعية من {device} في {time} "
        "(بتوقيت الرياض). إذا لم تكن أنت فغيّر كلمة المرور وأنهِ تلك الجلسة من مركز الأمان فورًا.",
    },
    kind=NotificationKind.SECURITY_ALERT,
)

EMPLOYMENT_REGISTERED = Template(
    subject={Language.EN: "New employment on your record", Language.AR: "عمل جديد في سجلك التأميني"},
    body={
        Language.EN: "{employer_en} registered you with GOSI as employed from {start_date}. "
        "If you do not work there, contact GOSI.",
        Language.AR: "سجّلتك {employer_ar} لدى التأمينات الاجتماعية موظفًا لديها من {start_date}. "
        "إذا لم تكن تعمل لديها فتواصل مع التأمينات.",
    },
    kind=NotificationKind.EMPLOYMENT_REGISTERED,
)
