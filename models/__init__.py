"""Tortoise models. Tortoise discovers them through this package (`models`)."""

from models.access_event import AccessEvent
from models.certificate import ContributionCertificate
from models.code import OneTimeCode
from models.document import DecisionLetter, Document, InformationRequest
from models.enums import (
    AccessPurpose,
    AccountStatus,
    Actor,
    ChallengePurpose,
    CodePurpose,
    DocumentKind,
    Language,
    NotificationChannel,
    NotificationKind,
    QuestionCategory,
    QuestionStatus,
    RequestStatus,
    Residency,
    Role,
    SecondFactorMethod,
    SecurityEventKind,
    ServiceType,
)
from models.member import Member
from models.notification import Notification
from models.outbox import OutboundMessage
from models.question import Question, QuestionMessage
from models.record import Engagement
from models.security import AuthChallenge, Passkey, RecoveryCode, SecurityEvent, TotpCredential
from models.service_request import ReferenceCounter, RequestEvent, ServiceRequest
from models.session import Session

__models__ = [
    Member,
    Session,
    OneTimeCode,
    OutboundMessage,
    ServiceRequest,
    RequestEvent,
    ReferenceCounter,
    Question,
    QuestionMessage,
    Document,
    InformationRequest,
    DecisionLetter,
    Notification,
    SecurityEvent,
    TotpCredential,
    RecoveryCode,
    Passkey,
    AuthChallenge,
    AccessEvent,
    Engagement,
    ContributionCertificate,
]

__all__ = [
    "AccessEvent",
    "AccessPurpose",
    "AccountStatus",
    "Actor",
    "AuthChallenge",
    "ChallengePurpose",
    "CodePurpose",
    "ContributionCertificate",
    "DecisionLetter",
    "Document",
    "DocumentKind",
    "Engagement",
    "InformationRequest",
    "Language",
    "Member",
    "Notification",
    "NotificationChannel",
    "NotificationKind",
    "OneTimeCode",
    "OutboundMessage",
    "Passkey",
    "Question",
    "QuestionCategory",
    "QuestionMessage",
    "QuestionStatus",
    "RecoveryCode",
    "ReferenceCounter",
    "RequestEvent",
    "RequestStatus",
    "Residency",
    "Role",
    "SecondFactorMethod",
    "SecurityEvent",
    "SecurityEventKind",
    "ServiceRequest",
    "ServiceType",
    "Session",
    "TotpCredential",
]
