from typing import Any

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

from models.enums import NotificationKind


class StateOnlyAlterField(ops.AlterField):
    """A new NotificationKind changes only the field's description (the values it lists); the
    column stays as it is. A real AlterField would rebuild the table on SQLite and lose its
    indexes."""

    async def database_forward(self, *args: Any, **kwargs: Any) -> None:
        return None

    async def database_backward(self, *args: Any, **kwargs: Any) -> None:
        return None


class Migration(migrations.Migration):
    dependencies = [('models', '0009_contribution_certificates')]

    initial = False

    operations = [
        StateOnlyAlterField(
            model_name='Notification',
            name='kind',
            field=fields.CharEnumField(description='REQUEST_STATUS_CHANGED: REQUEST_STATUS_CHANGED\nINFORMATION_REQUESTED: INFORMATION_REQUESTED\nQUESTION_ANSWERED: QUESTION_ANSWERED\nDECISION_LETTER_ISSUED: DECISION_LETTER_ISSUED\nSECURITY_ALERT: SECURITY_ALERT\nPROFILE_CHANGED: PROFILE_CHANGED\nEMPLOYMENT_REGISTERED: EMPLOYMENT_REGISTERED', enum_type=NotificationKind, max_length=32),
        ),
    ]
