"""What each kind of service request asks for, and how its details are checked and stored."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from models import (
    ServiceRequest,
    ServiceType,
)
from resolvers import validation
from resolvers.platform.errors import ErrorCode, ErrorCollector


@dataclass(frozen=True)
class RetirementPension:
    retirement_date: dt.date
    # Left out, the insurance record's employer on the date (resolvers.record.submission).
    last_employer: str | None = None


@dataclass(frozen=True)
class DisabilityPension:
    disability_date: dt.date
    medical_report_number: str


@dataclass(frozen=True)
class HealthInsurance:
    dependents: int
    preferred_hospital: str | None = None


@dataclass(frozen=True)
class Physiotherapy:
    injury_date: dt.date
    diagnosis: str
    sessions_requested: int
    preferred_city: str


@dataclass(frozen=True)
class WorkInjury:
    injury_date: dt.date
    employer: str
    description: str


@dataclass(frozen=True)
class UnemploymentBenefit:
    last_working_day: dt.date
    last_employer: str | None = None


Details = (
    RetirementPension
    | DisabilityPension
    | HealthInsurance
    | Physiotherapy
    | WorkInjury
    | UnemploymentBenefit
)

# Each kind of details, its service type and its field's name in SubmitRequestInput.details.
KINDS: dict[ServiceType, tuple[type[Details], str]] = {
    ServiceType.RETIREMENT_PENSION: (RetirementPension, "retirement_pension"),
    ServiceType.DISABILITY_PENSION: (DisabilityPension, "disability_pension"),
    ServiceType.HEALTH_INSURANCE: (HealthInsurance, "health_insurance"),
    ServiceType.PHYSIOTHERAPY: (Physiotherapy, "physiotherapy"),
    ServiceType.WORK_INJURY: (WorkInjury, "work_injury"),
    ServiceType.UNEMPLOYMENT_BENEFIT: (UnemploymentBenefit, "unemployment_benefit"),
}
SERVICE_TYPE_OF: dict[type, ServiceType] = {kind: t for t, (kind, _) in KINDS.items()}

TEXT_LIMITS = {
    "last_employer": 200,
    "employer": 200,
    "medical_report_number": 50,
    "preferred_hospital": 200,
    "preferred_city": 100,
    "diagnosis": 1000,
    "description": 2000,
}
OPTIONAL_TEXT = {"preferred_hospital"}
MULTILINE_TEXT = {"diagnosis", "description"}
NUMBER_RANGES = {"dependents": (0, 20), "sessions_requested": (1, 60)}
DATE_FIELDS = {"retirement_date", "disability_date", "injury_date", "last_working_day"}


def _clean(errors: ErrorCollector, details: Details, *, today: dt.date, born: dt.date) -> Details:
    _, input_name = KINDS[SERVICE_TYPE_OF[type(details)]]
    values = {}
    for item in dataclasses.fields(details):
        name, value = item.name, getattr(details, item.name)
        path = f"details.{input_name}.{name}"
        if name in DATE_FIELDS:
            validation.past_date(errors, path, value, today)
            if value < born and not errors.has(path):
                errors.add(path, ErrorCode.INVALID, "date_before_birth")
        elif name in NUMBER_RANGES:
            low, high = NUMBER_RANGES[name]
            validation.int_range(errors, path, value, low=low, high=high)
        else:
            value = validation.bounded_text(
                errors, path, value, max_length=TEXT_LIMITS[name],
                required=name not in OPTIONAL_TEXT, multiline=name in MULTILINE_TEXT,
            )
        values[name] = value
    return dataclasses.replace(details, **values)


def _to_json(details: Details) -> dict:
    return {
        name: value.isoformat() if isinstance(value, dt.date) else value
        for name, value in dataclasses.asdict(details).items()
    }


def details_of(request: ServiceRequest) -> Details:
    kind, _ = KINDS[request.type]
    values: dict[str, Any] = {
        name: dt.date.fromisoformat(value) if name in DATE_FIELDS else value
        for name, value in request.details.items()
    }
    return kind(**values)

