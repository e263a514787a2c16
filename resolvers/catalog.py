"""The service catalog: what each service is and what to bring, in Arabic and English."""

from __future__ import annotations

from dataclasses import dataclass

from models.enums import Language, ServiceType


@dataclass(frozen=True)
class Service:
    type: ServiceType
    name: str
    description: str
    required_documents: tuple[str, ...]


@dataclass(frozen=True)
class _Entry:
    name: dict[Language, str]
    description: dict[Language, str]
    required_documents: dict[Language, tuple[str, ...]]


_CATALOG: dict[ServiceType, _Entry] = {
    ServiceType.RETIREMENT_PENSION: _Entry(
        name={Language.AR: "معاش التقاعد", Language.EN: "Retirement pension"},
        description={
            Language.AR: "معاش شهري للمشترك الذي بلغ سن التقاعد النظامية أو أكمل مدة الاشتراك "
            "المؤهلة للتقاعد المبكر، يُحسب على أساس متوسط الأجر ومدة الاشتراك.",
            Language.EN: "A monthly pension for a contributor who has reached the statutory "
            "retirement age or completed the contribution period that qualifies for early "
            "retirement, based on the average wage and the contribution period.",
        },
        required_documents={
            Language.AR: (
                "صورة الهوية الوطنية أو الإقامة",
                "خطاب إنهاء الخدمة من صاحب العمل الأخير",
                "رقم الآيبان لحساب بنكي باسم المشترك",
            ),
            Language.EN: (
                "Copy of the national ID or iqama",
                "End-of-service letter from the last employer",
                "IBAN of a bank account in the contributor's name",
            ),
        },
    ),
    ServiceType.DISABILITY_PENSION: _Entry(
        name={Language.AR: "معاش العجز", Language.EN: "Disability pension"},
        description={
            Language.AR: "معاش شهري للمشترك الذي أصيب بعجز كلي دائم لا ينتج عن إصابة عمل، "
            "بعد أن تقرره اللجنة الطبية المختصة.",
            Language.EN: "A monthly pension for a contributor with a permanent total "
            "disability that did not result from a work injury, once the medical committee "
            "has confirmed it.",
        },
        required_documents={
            Language.AR: (
                "صورة الهوية الوطنية أو الإقامة",
                "التقرير الطبي المعتمد الذي يثبت العجز",
                "رقم الآيبان لحساب بنكي باسم المشترك",
            ),
            Language.EN: (
                "Copy of the national ID or iqama",
                "Certified medical report establishing the disability",
                "IBAN of a bank account in the contributor's name",
            ),
        },
    ),
    ServiceType.HEALTH_INSURANCE: _Entry(
        name={
            Language.AR: "التأمين الصحي للمتقاعدين",
            Language.EN: "Health insurance for pensioners",
        },
        description={
            Language.AR: "تغطية تأمينية صحية لصاحب المعاش ومن يعولهم، تشمل العلاج في المستشفيات "
            "والمراكز الطبية المعتمدة لدى شبكة مقدمي الخدمة.",
            Language.EN: "Health cover for a pensioner and their dependents, for treatment at "
            "hospitals and medical centres in the approved provider network.",
        },
        required_documents={
            Language.AR: (
                "صورة الهوية الوطنية أو الإقامة",
                "سجل الأسرة أو ما يثبت إعالة التابعين",
                "صور هويات التابعين",
            ),
            Language.EN: (
                "Copy of the national ID or iqama",
                "Family register or proof of supporting the dependents",
                "Copies of the dependents' IDs",
            ),
        },
    ),
    ServiceType.PHYSIOTHERAPY: _Entry(
        name={Language.AR: "العلاج الطبيعي", Language.EN: "Physiotherapy"},
        description={
            Language.AR: "جلسات علاج طبيعي وتأهيل للمشترك المصاب، في أحد المراكز المتعاقد معها "
            "في المدينة التي يختارها، وفق خطة العلاج التي يقررها الطبيب.",
            Language.EN: "Physiotherapy and rehabilitation sessions for an injured contributor "
            "at a contracted centre in the city of their choice, following the treatment "
            "plan set by the doctor.",
        },
        required_documents={
            Language.AR: (
                "صورة الهوية الوطنية أو الإقامة",
                "التقرير الطبي الذي يوصي بالعلاج الطبيعي",
                "نتائج الأشعة والفحوصات إن وجدت",
            ),
            Language.EN: (
                "Copy of the national ID or iqama",
                "Medical report recommending physiotherapy",
                "X-ray and test results, if any",
            ),
        },
    ),
    ServiceType.WORK_INJURY: _Entry(
        name={Language.AR: "إصابة العمل", Language.EN: "Work injury"},
        description={
            Language.AR: "علاج المشترك الذي أصيب أثناء العمل أو بسببه أو في الطريق إليه، "
            "وتعويضه عن الأجر خلال فترة العجز المؤقت وعن العجز الدائم إن وجد.",
            Language.EN: "Treatment for a contributor injured at work, because of work or on "
            "the way to work, with a daily allowance during temporary disability and "
            "compensation for any permanent disability.",
        },
        required_documents={
            Language.AR: (
                "صورة الهوية الوطنية أو الإقامة",
                "بلاغ الإصابة من صاحب العمل",
                "التقرير الطبي الأولي",
                "محضر الشرطة أو المرور إن كانت الإصابة حادثًا في الطريق",
            ),
            Language.EN: (
                "Copy of the national ID or iqama",
                "Injury report from the employer",
                "Initial medical report",
                "Police or traffic report if the injury was a road accident",
            ),
        },
    ),
    ServiceType.UNEMPLOYMENT_BENEFIT: _Entry(
        name={Language.AR: "ساند - التعويض عن التعطل", Language.EN: "SANED unemployment benefit"},
        description={
            Language.AR: "تعويض شهري مؤقت للمشترك السعودي الذي فقد عمله لسبب خارج عن إرادته، "
            "مع المساعدة في التدريب والبحث عن عمل جديد.",
            Language.EN: "A temporary monthly allowance for a Saudi contributor who lost their "
            "job for reasons beyond their control, with help in training and finding new work.",
        },
        required_documents={
            Language.AR: (
                "صورة الهوية الوطنية",
                "ما يثبت انتهاء العلاقة التعاقدية مع صاحب العمل",
                "رقم الآيبان لحساب بنكي باسم المشترك",
            ),
            Language.EN: (
                "Copy of the national ID",
                "Proof that the employment contract has ended",
                "IBAN of a bank account in the contributor's name",
            ),
        },
    ),
}


def service(service_type: ServiceType, language: Language) -> Service:
    entry = _CATALOG[service_type]
    return Service(
        type=service_type,
        name=entry.name[language],
        description=entry.description[language],
        required_documents=entry.required_documents[language],
    )


def services(language: Language) -> list[Service]:
    """Every service, in the order of the ServiceType enum."""
    return [service(service_type, language) for service_type in ServiceType]
