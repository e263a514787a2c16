from enum import Enum


class Residency(str, Enum):
    CITIZEN = "CITIZEN"
    RESIDENT = "RESIDENT"


class NotificationChannel(str, Enum):
    SMS = "SMS"
    EMAIL = "EMAIL"


class Language(str, Enum):
    AR = "AR"
    EN = "EN"


class AccountStatus(str, Enum):
    PENDING_ACTIVATION = "PENDING_ACTIVATION"
    ACTIVE = "ACTIVE"
    LOCKED = "LOCKED"
    DISABLED = "DISABLED"


class Role(str, Enum):
    MEMBER = "MEMBER"
    STAFF = "STAFF"


class CodePurpose(str, Enum):
    ACTIVATION = "ACTIVATION"
    PASSWORD_RESET = "PASSWORD_RESET"
    CONTACT_CHANGE = "CONTACT_CHANGE"


class ServiceType(str, Enum):
    RETIREMENT_PENSION = "RETIREMENT_PENSION"
    DISABILITY_PENSION = "DISABILITY_PENSION"
    HEALTH_INSURANCE = "HEALTH_INSURANCE"
    PHYSIOTHERAPY = "PHYSIOTHERAPY"
    WORK_INJURY = "WORK_INJURY"
    UNEMPLOYMENT_BENEFIT = "UNEMPLOYMENT_BENEFIT"


class RequestStatus(str, Enum):
    SUBMITTED = "SUBMITTED"
    UNDER_REVIEW = "UNDER_REVIEW"
    NEEDS_INFORMATION = "NEEDS_INFORMATION"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    CANCELLED = "CANCELLED"


class Actor(str, Enum):
    MEMBER = "MEMBER"
    STAFF = "STAFF"
    SYSTEM = "SYSTEM"


class QuestionCategory(str, Enum):
    GENERAL = "GENERAL"
    REGISTRATION = "REGISTRATION"
    PENSION = "PENSION"
    PAYMENT = "PAYMENT"
    COMPLAINT = "COMPLAINT"
    TECHNICAL = "TECHNICAL"


class QuestionStatus(str, Enum):
    OPEN = "OPEN"
    ANSWERED = "ANSWERED"
    CLOSED = "CLOSED"
