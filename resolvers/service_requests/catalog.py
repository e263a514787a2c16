"""The service catalog: what each service is and what to bring, in Arabic and English. Its
names are the ServiceType labels of the message catalog."""

from __future__ import annotations

from dataclasses import dataclass

from models.enums import DocumentKind, Language, ServiceType
from resolvers.platform.i18n import label


@dataclass(frozen=True)
class Requirement:
    """One document an application carries, named in the caller's language."""

    kind: DocumentKind
    name: str
    required: bool


@dataclass(frozen=True)
class Service:
    type: ServiceType
    name: str
    description: str
    required_documents: tuple[str, ...]
    documents: tuple[Requirement, ...]


@dataclass(frozen=True)
class _Document:
    kind: DocumentKind
    name: dict[Language, str]
    required: bool = True


def _document(kind: DocumentKind, arabic: str, english: str, *, required: bool = True) -> _Document:
    return _Document(kind=kind, name={Language.AR: arabic, Language.EN: english}, required=required)


@dataclass(frozen=True)
class _Entry:
    description: dict[Language, str]
    documents: tuple[_Document, ...]


NATIONAL_ID = _document(
    DocumentKind.NATIONAL_ID_COPY, "صورة الهوية الوطنية أو الإقامة", "Copy of the national ID or iqama"
)
BANK_CERTIFICATE = _document(
    DocumentKind.BANK_CERTIFICATE,
    "شهادة بنكية بالآيبان لحساب باسم المشترك",
    "Bank certificate with the IBAN of an account in the contributor's name",
)

_CATALOG: dict[ServiceType, _Entry] = {
    ServiceType.RETIREMENT_PENSION: _Entry(
        description={
            Language.AR: "معاش شهري للمشترك الذي بلغ سن التقاعد النظامية أو أكمل مدة الاشتراك "
            "المؤهلة للتقاعد المبكر، يُحسب على أساس متوسط الأجر ومدة الاشتراك.",
            Language.EN: "A monthly pension for a contributor who has reached the statutory "
            "retirement age or completed the contribution period that qualifies for early "
            "retirement, based on the average wage and the contribution period.",
        },
        documents=(
            NATIONAL_ID,
            _document(
                DocumentKind.EMPLOYER_LETTER,
                "خطاب إنهاء الخدمة من صاحب العمل الأخير",
                "End-of-service letter from the last employer",
            ),
            BANK_CERTIFICATE,
        ),
    ),
    ServiceType.DISABILITY_PENSION: _Entry(
        description={
            Language.AR: "معاش شهري للمشترك الذي أصيب بعجز كلي دائم لا ينتج عن إصابة عمل، "
            "بعد أن تقرره اللجنة الطبية المختصة.",
            Language.EN: "A monthly pension for a contributor with a permanent total "
            "disability that did not result from a work injury, once the medical committee "
            "has confirmed it.",
        },
        documents=(
            NATIONAL_ID,
            _document(
                DocumentKind.MEDICAL_REPORT,
                "التقرير الطبي المعتمد الذي يثبت العجز",
                "Certified medical report establishing the disability",
            ),
            BANK_CERTIFICATE,
        ),
    ),
    ServiceType.HEALTH_INSURANCE: _Entry(
        description={
            Language.AR: "تغطية تأمينية صحية لصاحب المعاش ومن يعولهم، تشمل العلاج في المستشفيات "
            "والمراكز الطبية المعتمدة لدى شبكة مقدمي الخدمة.",
            Language.EN: "Health cover for a pensioner and their dependents, for treatment at "
            "hospitals and medical centres in the approved provider network.",
        },
        documents=(
            NATIONAL_ID,
            _document(
                DocumentKind.FAMILY_RECORD,
                "سجل الأسرة أو ما يثبت إعالة التابعين",
                "Family register or proof of supporting the dependents",
            ),
            _document(
                DocumentKind.OTHER, "صور هويات التابعين", "Copies of the dependents' IDs",
                required=False,
            ),
        ),
    ),
    ServiceType.PHYSIOTHERAPY: _Entry(
        description={
            Language.AR: "جلسات علاج طبيعي وتأهيل للمشترك المصاب، في أحد المراكز المتعاقد معها "
            "في المدينة التي يختارها، وفق خطة العلاج التي يقررها الطبيب.",
            Language.EN: "Physiotherapy and rehabilitation sessions for an injured contributor "
            "at a contracted centre in the city of their choice, following the treatment "
            "plan set by the doctor.",
        },
        documents=(
            NATIONAL_ID,
            _document(
                DocumentKind.MEDICAL_REPORT,
                "التقرير الطبي الذي يوصي بالعلاج الطبيعي",
                "Medical report recommending physiotherapy",
            ),
            _document(
                DocumentKind.OTHER, "نتائج الأشعة والفحوصات إن وجدت", "X-ray and test results, if any",
                required=False,
            ),
        ),
    ),
    ServiceType.WORK_INJURY: _Entry(
        description={
            Language.AR: "علاج المشترك الذي أصيب أثناء العمل أو بسببه أو في الطريق إليه، "
            "وتعويضه عن الأجر خلال فترة العجز المؤقت وعن العجز الدائم إن وجد.",
            Language.EN: "Treatment for a contributor injured at work, because of work or on "
            "the way to work, with a daily allowance during temporary disability and "
            "compensation for any permanent disability.",
        },
        documents=(
            NATIONAL_ID,
            _document(
                DocumentKind.EMPLOYER_LETTER, "بلاغ الإصابة من صاحب العمل", "Injury report from the employer"
            ),
            _document(DocumentKind.MEDICAL_REPORT, "التقرير الطبي الأولي", "Initial medical report"),
            _document(
                DocumentKind.SICK_LEAVE_CERTIFICATE,
                "شهادة الإجازة المرضية إن وجدت",
                "Sick leave certificate, if any",
                required=False,
            ),
            _document(
                DocumentKind.OTHER,
                "محضر الشرطة أو المرور إن كانت الإصابة حادثًا في الطريق",
                "Police or traffic report if the injury was a road accident",
                required=False,
            ),
        ),
    ),
    ServiceType.UNEMPLOYMENT_BENEFIT: _Entry(
        description={
            Language.AR: "تعويض شهري مؤقت للمشترك السعودي الذي فقد عمله لسبب خارج عن إرادته، "
            "مع المساعدة في التدريب والبحث عن عمل جديد.",
            Language.EN: "A temporary monthly allowance for a Saudi contributor who lost their "
            "job for reasons beyond their control, with help in training and finding new work.",
        },
        documents=(
            _document(DocumentKind.NATIONAL_ID_COPY, "صورة الهوية الوطنية", "Copy of the national ID"),
            _document(
                DocumentKind.TERMINATION_LETTER,
                "ما يثبت انتهاء العلاقة التعاقدية مع صاحب العمل",
                "Proof that the employment contract has ended",
            ),
            BANK_CERTIFICATE,
        ),
    ),
}


def service(service_type: ServiceType, language: Language) -> Service:
    entry = _CATALOG[service_type]
    return Service(
        type=service_type,
        name=label(service_type, language),
        description=entry.description[language],
        required_documents=tuple(document.name[language] for document in entry.documents),
        documents=tuple(
            Requirement(kind=document.kind, name=document.name[language], required=document.required)
            for document in entry.documents
        ),
    )


def required_kinds(service_type: ServiceType) -> tuple[DocumentKind, ...]:
    """The kinds that must be attached before a request of this service can be approved."""
    return tuple(dict.fromkeys(d.kind for d in _CATALOG[service_type].documents if d.required))


def services(language: Language) -> list[Service]:
    """Every service, in the order of the ServiceType enum."""
    return [service(service_type, language) for service_type in ServiceType]

