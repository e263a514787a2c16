import uuid

from tortoise import fields
from tortoise.models import Model

from models.enums import Language
from models.member import Member


class ContributionCertificate(Model):
    """A signed PDF certificate of a member's contributions. The figures it printed are kept
    with it, so verifying it later shows what it showed, whatever the record says since."""

    # The verification code is kept as a keyed hash (for lookups) and sealed (to show it to
    # the member again), as a decision letter's.

    id = fields.UUIDField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name="certificates", on_delete=fields.CASCADE
    )
    member_id: uuid.UUID
    code_hash = fields.CharField(max_length=64, unique=True)
    code_sealed = fields.TextField()
    language = fields.CharEnumField(Language, max_length=4)
    storage_key = fields.CharField(max_length=100, unique=True)
    size = fields.IntField()
    issued_at = fields.DatetimeField()
    contribution_months = fields.IntField()
    current_employer = fields.CharField(max_length=200, null=True)
    employed_since = fields.DateField(null=True)
    # Basic plus housing, two places, as printed.
    current_wage = fields.DecimalField(max_digits=12, decimal_places=2, null=True)

    class Meta:
        table = "contribution_certificate"
        indexes = (("member_id", "issued_at"),)
