from tortoise import fields
from tortoise.models import Model

from models.enums import AccessPurpose
from models.member import Member


class AccessEvent(Model):
    """Staff opened a member's personal data. Append-only (triggers refuse UPDATE, DELETE)."""

    id = fields.UUIDField(primary_key=True)
    # Whose data was opened.
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name="access_events", on_delete=fields.RESTRICT
    )
    staff: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name=False, on_delete=fields.RESTRICT
    )
    # The name as it was then: the log states what happened, not what the account is now.
    staff_name = fields.CharField(max_length=200)
    purpose = fields.CharEnumField(AccessPurpose, max_length=16)
    # What was opened, in words (SR-2026-000042, a document's kind) and as a key.
    subject = fields.CharField(max_length=100)
    thing = fields.CharField(max_length=64)
    at = fields.DatetimeField()

    class Meta:
        table = "access_event"
        indexes = (("member_id", "at", "id"), ("staff_id", "thing", "purpose", "at"))
