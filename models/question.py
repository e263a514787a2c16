import uuid

from tortoise import fields
from tortoise.models import Model

from models.enums import Actor, QuestionCategory, QuestionStatus
from models.member import Member
from models.service_request import ServiceRequest


class Question(Model):
    id = fields.UUIDField(primary_key=True)
    reference_number = fields.CharField(max_length=20, unique=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name="questions", on_delete=fields.RESTRICT
    )
    member_id: uuid.UUID
    subject = fields.CharField(max_length=200)
    category = fields.CharEnumField(QuestionCategory, max_length=16)
    status = fields.CharEnumField(QuestionStatus, max_length=12)
    related_request: fields.ForeignKeyNullableRelation[ServiceRequest] = fields.ForeignKeyField(
        "models.ServiceRequest", related_name="questions", null=True, on_delete=fields.SET_NULL
    )
    related_request_id: uuid.UUID | None
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    messages: fields.ReverseRelation["QuestionMessage"]

    class Meta:
        table = "question"
        indexes = (
            ("member_id", "created_at", "id"),
            ("created_at", "id"),
            ("status", "created_at", "id"),
        )


class QuestionMessage(Model):
    id = fields.UUIDField(primary_key=True)
    question: fields.ForeignKeyRelation[Question] = fields.ForeignKeyField(
        "models.Question", related_name="messages", on_delete=fields.CASCADE
    )
    question_id: uuid.UUID
    actor = fields.CharEnumField(Actor, max_length=8)
    actor_member: fields.ForeignKeyNullableRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    actor_member_id: uuid.UUID | None
    body = fields.TextField()
    created_at = fields.DatetimeField()

    class Meta:
        table = "question_message"
        indexes = (("question_id", "created_at"),)
