"""Names for people of every enum value a person sees, in Arabic and English.

Keyed by the enum's name (as the schema names it) and the value; resolvers.i18n serves them
from its one message catalog, as `Enum.VALUE` entries, and renders enum values inside
messages with them. Each pair is (Arabic, English).
"""

from __future__ import annotations

from models.enums import Language

_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "AccessPurpose": {
        "REQUEST_REVIEW": ("مراجعة طلب", "Request review"),
        "QUESTION_ANSWER": ("الرد على سؤال", "Answering a question"),
        "DOCUMENT_VIEW": ("عرض مستند", "Document viewed"),
        "MEMBER_LOOKUP": ("البحث عن مشترك", "Member lookup"),
    },
    "AccountStatus": {
        "PENDING_ACTIVATION": ("بانتظار التفعيل", "Awaiting activation"),
        "ACTIVE": ("مفعّل", "Active"),
        "LOCKED": ("مقفل", "Locked"),
        "DISABLED": ("معطّل", "Disabled"),
    },
    "Actor": {
        "MEMBER": ("المشترك", "Member"),
        "STAFF": ("الموظف", "Staff"),
        "SYSTEM": ("النظام", "System"),
    },
    "DocumentKind": {
        "NATIONAL_ID_COPY": ("صورة الهوية", "Copy of the ID"),
        "MEDICAL_REPORT": ("تقرير طبي", "Medical report"),
        "EMPLOYER_LETTER": ("خطاب صاحب العمل", "Employer's letter"),
        "BANK_CERTIFICATE": ("شهادة بنكية", "Bank certificate"),
        "SICK_LEAVE_CERTIFICATE": ("شهادة إجازة مرضية", "Sick leave certificate"),
        "TERMINATION_LETTER": ("خطاب إنهاء الخدمة", "Termination letter"),
        "FAMILY_RECORD": ("سجل الأسرة", "Family register"),
        "OTHER": ("مستند آخر", "Other document"),
    },
    "Language": {
        "AR": ("العربية", "Arabic"),
        "EN": ("الإنجليزية", "English"),
    },
    "NotificationChannel": {
        "SMS": ("رسالة نصية", "Text message"),
        "EMAIL": ("البريد الإلكتروني", "Email"),
    },
    "NotificationKind": {
        "REQUEST_STATUS_CHANGED": ("تغيّرت حالة الطلب", "Request status changed"),
        "INFORMATION_REQUESTED": ("مطلوب معلومات", "Information requested"),
        "QUESTION_ANSWERED": ("تمت الإجابة عن سؤال", "Question answered"),
        "DECISION_LETTER_ISSUED": ("صدر خطاب القرار", "Decision letter issued"),
        "SECURITY_ALERT": ("تنبيه أمني", "Security alert"),
        "PROFILE_CHANGED": ("تغيّرت بيانات الملف", "Profile changed"),
        "EMPLOYMENT_REGISTERED": ("سُجّلت لدى صاحب عمل", "Registered by an employer"),
    },
    "QuestionCategory": {
        "GENERAL": ("عام", "General"),
        "REGISTRATION": ("التسجيل", "Registration"),
        "PENSION": ("المعاشات", "Pensions"),
        "PAYMENT": ("المدفوعات", "Payments"),
        "COMPLAINT": ("شكوى", "Complaint"),
        "TECHNICAL": ("مشكلة تقنية", "Technical problem"),
    },
    "QuestionStatus": {
        "OPEN": ("مفتوح", "Open"),
        "ANSWERED": ("تمت الإجابة", "Answered"),
        "CLOSED": ("مغلق", "Closed"),
    },
    "RequestStatus": {
        "SUBMITTED": ("مُقدَّم", "Submitted"),
        "UNDER_REVIEW": ("قيد المراجعة", "Under review"),
        "NEEDS_INFORMATION": ("بحاجة إلى معلومات إضافية", "Information needed"),
        "APPROVED": ("مقبول", "Approved"),
        "REJECTED": ("مرفوض", "Rejected"),
        "CANCELLED": ("ملغى", "Cancelled"),
    },
    "RequestAction": {
        "CANCEL": ("إلغاء الطلب", "Cancel the request"),
        "ATTACH_DOCUMENTS": ("إرفاق مستندات", "Attach documents"),
        "PROVIDE_INFORMATION": ("تقديم المعلومات المطلوبة", "Provide the information"),
        "START_REVIEW": ("بدء المراجعة", "Start review"),
        "REQUEST_INFORMATION": ("طلب معلومات", "Ask for information"),
        "APPROVE": ("قبول", "Approve"),
        "REJECT": ("رفض", "Reject"),
        "ASSIGN": ("إسناد", "Assign"),
    },
    "ServiceType": {
        "RETIREMENT_PENSION": ("معاش التقاعد", "Retirement pension"),
        "DISABILITY_PENSION": ("معاش العجز", "Disability pension"),
        "HEALTH_INSURANCE": ("التأمين الصحي للمتقاعدين", "Health insurance for pensioners"),
        "PHYSIOTHERAPY": ("العلاج الطبيعي", "Physiotherapy"),
        "WORK_INJURY": ("إصابة العمل", "Work injury"),
        "UNEMPLOYMENT_BENEFIT": ("ساند - التعويض عن التعطل", "SANED unemployment benefit"),
    },
    "Residency": {
        "CITIZEN": ("مواطن", "Citizen"),
        "RESIDENT": ("مقيم", "Resident"),
    },
    "Role": {
        "MEMBER": ("مشترك", "Member"),
        "STAFF": ("موظف", "Staff"),
    },
    "SecondFactorMethod": {
        "TOTP": ("تطبيق المصادقة", "Authenticator app"),
        "RECOVERY_CODE": ("رمز استرداد", "Recovery code"),
        "PASSKEY": ("مفتاح مرور", "Passkey"),
    },
    "SecurityEventKind": {
        "SIGNED_IN": ("تسجيل دخول", "Signed in"),
        "SIGN_IN_FAILED": ("محاولة دخول فاشلة", "Failed sign-in"),
        "NEW_DEVICE": ("دخول من جهاز جديد", "Sign-in from a new device"),
        "SIGNED_OUT": ("تسجيل خروج", "Signed out"),
        "SESSION_REVOKED": ("إنهاء جلسة", "Session ended"),
        "REFRESH_TOKEN_REUSED": ("إعادة استخدام رمز الجلسة", "Session token reused"),
        "PASSWORD_CHANGED": ("تغيير كلمة المرور", "Password changed"),
        "PASSWORD_RESET": ("إعادة تعيين كلمة المرور", "Password reset"),
        "CONTACT_CHANGED": ("تغيير بيانات التواصل", "Contact details changed"),
        "IBAN_CHANGED": ("تغيير الآيبان", "IBAN changed"),
        "SECOND_FACTOR_ADDED": ("إضافة عامل تحقق ثانٍ", "Second factor added"),
        "SECOND_FACTOR_REMOVED": ("إزالة عامل تحقق ثانٍ", "Second factor removed"),
        "RECOVERY_CODE_USED": ("استخدام رمز استرداد", "Recovery code used"),
        "LOCKED_OUT": ("قفل الحساب", "Account locked"),
    },
    "InsuranceBranch": {
        "ANNUITIES": ("المعاشات", "Annuities"),
        "OCCUPATIONAL_HAZARDS": ("الأخطار المهنية", "Occupational hazards"),
        "UNEMPLOYMENT": ("ساند - التأمين ضد التعطل", "SANED unemployment insurance"),
    },
    "PensionRegime": {
        "PREVIOUS_LAW": ("النظام السابق", "Previous law"),
        "TRANSITIONAL": ("المرحلة الانتقالية", "Transitional"),
        "LAW_2024": ("نظام 2024", "2024 law"),
    },
    "EligibilityRule": {
        "RETIREMENT_AGE": ("بلوغ سن التقاعد", "Retirement age reached"),
        "MINIMUM_CONTRIBUTION_MONTHS": ("الحد الأدنى لأشهر الاشتراك", "Minimum contribution months"),
        "EARLY_RETIREMENT_MONTHS": ("أشهر الاشتراك للتقاعد المبكر", "Months for early retirement"),
        "RECENT_UNEMPLOYMENT_MONTHS": (
            "أشهر الاشتراك في ساند قبل آخر يوم عمل", "SANED months before the last working day"
        ),
        "CITIZENSHIP": ("الجنسية السعودية", "Saudi citizenship"),
        "AGE_LIMIT": ("الحد الأعلى للعمر", "Age limit"),
        "NOT_EMPLOYED": ("عدم وجود عمل قائم", "No current employment"),
        "INSURED_ON_DATE": ("مشمول بالتأمين يوم الإصابة", "Insured on the day of the injury"),
    },
}


def enum_labels() -> dict[str, dict[Language, str]]:
    """Catalog entries `Enum.VALUE` -> text per language (the service catalog names its
    services by the ServiceType ones)."""
    return {
        f"{enum}.{value}": {Language.AR: arabic, Language.EN: english}
        for enum, values in _LABELS.items()
        for value, (arabic, english) in values.items()
    }
