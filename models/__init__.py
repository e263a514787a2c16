"""Tortoise models. Tortoise discovers them through this package (`models`)."""

from models.code import OneTimeCode
from models.document import DecisionLetter, Document, InformationRequest
from models.enums import (
    AccountStatus,
    Actor,
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
    ServiceType,
)
from models.member import Member
from models.notification import Notification
from models.outbox import OutboundMessage
from models.question import Question, QuestionMessage
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
]

__all__ = [
    "AccountStatus",
    "Actor",
    "CodePurpose",
    "DecisionLetter",
    "Document",
    "DocumentKind",
    "InformationRequest",
    "Language",
    "Member",
    "Notification",
    "NotificationChannel",
    "NotificationKind",
    "OneTimeCode",
    "OutboundMessage",
    "Question",
    "QuestionCategory",
    "QuestionMessage",
    "QuestionStatus",
    "ReferenceCounter",
    "RequestEvent",
    "RequestStatus",
    "Residency",
    "Role",
    "ServiceRequest",
    "ServiceType",
    "Session",
]
