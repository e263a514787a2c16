import uuid

from tortoise import fields
from tortoise.models import Model

from models.enums import NotificationKind
from models.member import Member
from models.question import Question
from models.service_request import ServiceRequest


class Notification(Model):
    """A notice in the member's inbox: every SMS or email notice is also one of these."""

    id = fields.UUIDField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name="notifications", on_delete=fields.CASCADE
    )
    member_id: uuid.UUID
    kind = fields.CharEnumField(NotificationKind, max_length=32)
    title = fields.CharField(max_length=200)
    body = fields.TextField()
    request: fields.ForeignKeyNullableRelation[ServiceRequest] = fields.ForeignKeyField(
        "models.ServiceRequest", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    request_id: uuid.UUID | None
    question: fields.ForeignKeyNullableRelation[Question] = fields.ForeignKeyField(
        "models.Question", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    question_id: uuid.UUID | None
    created_at = fields.DatetimeField()
    read_at = fields.DatetimeField(null=True)

    class Meta:
        table = "notification"
        indexes = (("member_id", "created_at", "id"), ("member_id", "read_at"))
