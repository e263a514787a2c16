"""Tortoise models. Tortoise discovers them through this package (`models`)."""

from models.access_event import AccessEvent
from models.code import OneTimeCode
from models.enums import (
    AccessPurpose,
    AccountStatus,
    Actor,
    CodePurpose,
    Language,
    NotificationChannel,
    QuestionCategory,
    QuestionStatus,
    RequestStatus,
    Residency,
    Role,
    ServiceType,
)
from models.member import Member
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
    AccessEvent,
]

__all__ = [
    "AccessEvent",
    "AccessPurpose",
    "AccountStatus",
    "Actor",
    "CodePurpose",
    "Language",
    "Member",
    "NotificationChannel",
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
