from tortoise import migrations
from tortoise.migrations import operations as ops
from models.enums import NotificationKind
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0005_security_centre')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Notification',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('models.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='notifications', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='REQUEST_STATUS_CHANGED: REQUEST_STATUS_CHANGED\nINFORMATION_REQUESTED: INFORMATION_REQUESTED\nQUESTION_ANSWERED: QUESTION_ANSWERED\nDECISION_LETTER_ISSUED: DECISION_LETTER_ISSUED\nSECURITY_ALERT: SECURITY_ALERT\nPROFILE_CHANGED: PROFILE_CHANGED', enum_type=NotificationKind, max_length=32)),
                ('title', fields.CharField(max_length=200)),
                ('body', fields.TextField(unique=False)),
                ('request', fields.ForeignKeyField('models.ServiceRequest', source_field='request_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('question', fields.ForeignKeyField('models.Question', source_field='question_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('read_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'notification', 'app': 'models', 'indexes': [Index(fields=['member_id', 'created_at', 'id']), Index(fields=['member_id', 'read_at'])], 'pk_attr': 'id', 'table_description': "A notice in the member's inbox: every SMS or email notice is also one of these."},
            bases=['Model'],
        ),
    ]
