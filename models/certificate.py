import uuid

from tortoise import fields

from models.document import SignedPdf
from models.member import Member


class ContributionCertificate(SignedPdf):
    """A signed PDF certificate of a member's contributions. The figures it printed are kept
    with it, so verifying it later shows what it showed, whatever the record says since."""

    id = fields.UUIDField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name="certificates", on_delete=fields.CASCADE
    )
    member_id: uuid.UUID
    contribution_months = fields.IntField()
    current_employer = fields.CharField(max_length=200, null=True)
    employed_since = fields.DateField(null=True)
    # Basic plus housing, two places, as printed.
    current_wage = fields.DecimalField(max_digits=12, decimal_places=2, null=True)

    class Meta:
        table = "contribution_certificate"
        indexes = (("member_id", "issued_at"),)
