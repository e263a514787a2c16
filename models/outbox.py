from tortoise import fields
from tortoise.models import Model

from models.enums import NotificationChannel


class OutboundMessage(Model):
    """A message waiting for (or done with) delivery. The body is encrypted at rest."""

    id = fields.UUIDField(primary_key=True)
    channel = fields.CharEnumField(NotificationChannel, max_length=8)
    destination = fields.CharField(max_length=254)
    subject = fields.CharField(max_length=200)
    body_encrypted = fields.TextField(null=True)
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField(db_index=True)
    lease_until = fields.DatetimeField(null=True)
    expires_at = fields.DatetimeField()
    delivered_at = fields.DatetimeField(null=True)
    failed_at = fields.DatetimeField(null=True)
    last_error = fields.CharField(max_length=500, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "outbound_message"
