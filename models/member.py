from tortoise import fields
from tortoise.models import Model

from models.enums import AccountStatus, Language, NotificationChannel, Residency, Role


class Member(Model):
    id = fields.UUIDField(primary_key=True)
    national_id = fields.CharField(max_length=10, unique=True)
    residency = fields.CharEnumField(Residency, max_length=16)
    full_name = fields.CharField(max_length=200)
    date_of_birth = fields.DateField()
    mobile = fields.CharField(max_length=16)
    email = fields.CharField(max_length=254, null=True)
    preferred_channel = fields.CharEnumField(NotificationChannel, max_length=8)
    preferred_language = fields.CharEnumField(Language, max_length=4)
    address: fields.Field[dict | None] = fields.JSONField(null=True)
    iban = fields.CharField(max_length=34, null=True)
    password_hash = fields.CharField(max_length=255)
    status = fields.CharEnumField(AccountStatus, max_length=24)
    role = fields.CharEnumField(Role, max_length=8, default=Role.MEMBER)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "member"
