import uuid

from tortoise import fields
from tortoise.models import Model

from models.enums import Actor, RequestStatus, ServiceType
from models.member import Member


class ServiceRequest(Model):
    id = fields.UUIDField(primary_key=True)
    reference_number = fields.CharField(max_length=20, unique=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name="service_requests", on_delete=fields.RESTRICT
    )
    member_id: uuid.UUID
    type = fields.CharEnumField(ServiceType, max_length=24)
    status = fields.CharEnumField(RequestStatus, max_length=24)
    details: fields.Field[dict] = fields.JSONField()
    # Equal to `type` while the request is open, NULL once it is closed: a unique
    # (member, open_type) pair lets the database refuse a second open request.
    open_type = fields.CharField(max_length=24, null=True)
    idempotency_key = fields.CharField(max_length=100, null=True)
    # The staff member handling the request, if anyone is.
    assignee: fields.ForeignKeyNullableRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    assignee_id: uuid.UUID | None
    # Set when staff ask for information: past it, a NEEDS_INFORMATION request is overdue.
    respond_by = fields.DatetimeField(null=True)
    # The eligibility check made at submission (resolvers.record), as staff see it.
    eligibility_at_submission: fields.Field[dict | None] = fields.JSONField(null=True)
    submitted_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    events: fields.ReverseRelation["RequestEvent"]

    class Meta:
        table = "service_request"
        unique_together = (("member", "open_type"), ("member", "idempotency_key"))
        indexes = (
            ("member_id", "submitted_at", "id"),
            ("submitted_at", "id"),
            ("status", "submitted_at", "id"),
            # The staff search: "assigned to me" and "unassigned", alone or with a status.
            ("assignee_id", "submitted_at", "id"),
            ("status", "assignee_id", "submitted_at", "id"),
        )


class RequestEvent(Model):
    id = fields.UUIDField(primary_key=True)
    request: fields.ForeignKeyRelation[ServiceRequest] = fields.ForeignKeyField(
        "models.ServiceRequest", related_name="events", on_delete=fields.CASCADE
    )
    request_id: uuid.UUID
    status = fields.CharEnumField(RequestStatus, max_length=24)
    note = fields.TextField(null=True)
    actor = fields.CharEnumField(Actor, max_length=8)
    actor_member: fields.ForeignKeyNullableRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    actor_member_id: uuid.UUID | None
    at = fields.DatetimeField()
    # Staff-only steps (assignments) are hidden from members, and so are remarks: a kind
    # of remark (resolvers.service_requests.workflow.REMARKS) with the staff member it names,
    # worded in the reader's language when shown.
    internal = fields.BooleanField(default=False, db_default=False)
    remark = fields.CharField(max_length=24, null=True)
    remark_name = fields.CharField(max_length=200, null=True)

    class Meta:
        table = "request_event"
        indexes = (("request_id", "at"),)


class ReferenceCounter(Model):
    """Per-year counters behind human-readable reference numbers (SR-2026-000042)."""

    id = fields.IntField(primary_key=True)
    prefix = fields.CharField(max_length=8)
    year = fields.IntField()
    value = fields.BigIntField(default=0)

    class Meta:
        table = "reference_counter"
        unique_together = (("prefix", "year"),)
