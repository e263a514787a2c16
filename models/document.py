import uuid

from tortoise import fields
from tortoise.models import Model

from models.enums import Actor, DocumentKind, Language
from models.member import Member
from models.service_request import ServiceRequest


class Document(Model):
    """A file attached to a request. The file itself is in the document store, sealed."""

    id = fields.UUIDField(primary_key=True)
    request: fields.ForeignKeyRelation[ServiceRequest] = fields.ForeignKeyField(
        "models.ServiceRequest", related_name="documents", on_delete=fields.CASCADE
    )
    request_id: uuid.UUID
    kind = fields.CharEnumField(DocumentKind, max_length=24)
    file_name = fields.CharField(max_length=255)
    content_type = fields.CharField(max_length=32)
    size = fields.IntField()
    sha256 = fields.CharField(max_length=64)
    storage_key = fields.CharField(max_length=100, unique=True)
    uploaded_by = fields.CharEnumField(Actor, max_length=8)
    uploader: fields.ForeignKeyNullableRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    uploader_id: uuid.UUID | None
    uploaded_at = fields.DatetimeField()

    class Meta:
        table = "document"
        indexes = (("request_id", "uploaded_at"),)


class InformationRequest(Model):
    """What staff asked for when they set NEEDS_INFORMATION, until provideInformation answers."""

    id = fields.UUIDField(primary_key=True)
    request: fields.ForeignKeyRelation[ServiceRequest] = fields.ForeignKeyField(
        "models.ServiceRequest", related_name="information_requests", on_delete=fields.CASCADE
    )
    request_id: uuid.UUID
    note = fields.TextField()
    documents: fields.Field[list] = fields.JSONField()
    respond_by = fields.DateField()
    requested_at = fields.DatetimeField()
    answered_at = fields.DatetimeField(null=True)
    # Set by the one process that claims the reminder, in the transaction that queues it.
    reminded_at = fields.DatetimeField(null=True)

    class Meta:
        table = "information_request"
        indexes = (("request_id", "requested_at"), ("answered_at", "reminded_at", "respond_by"))


class SignedPdf(Model):
    """A signed PDF in the document store that anyone holding its verification code can check.

    The code is kept as a keyed hash (for lookups) and sealed (to show it to the member again)."""

    code_hash = fields.CharField(max_length=64, unique=True)
    code_sealed = fields.TextField()
    language = fields.CharEnumField(Language, max_length=4)
    storage_key = fields.CharField(max_length=100, unique=True)
    size = fields.IntField()
    issued_at = fields.DatetimeField()

    class Meta:
        abstract = True


class DecisionLetter(SignedPdf):
    """The PDF letter of an APPROVED or REJECTED request."""

    id = fields.UUIDField(primary_key=True)
    request: fields.OneToOneRelation[ServiceRequest] = fields.OneToOneField(
        "models.ServiceRequest", related_name="decision_letter", on_delete=fields.CASCADE
    )
    request_id: uuid.UUID

    class Meta:
        table = "decision_letter"
