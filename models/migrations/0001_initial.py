from tortoise import migrations
from tortoise.migrations import operations as ops
from models.enums import AccountStatus, Actor, CodePurpose, Language, NotificationChannel, QuestionCategory, QuestionStatus, RequestStatus, Residency, Role, ServiceType
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Member',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('national_id', fields.CharField(unique=True, max_length=10)),
                ('residency', fields.CharEnumField(description='CITIZEN: CITIZEN\nRESIDENT: RESIDENT', enum_type=Residency, max_length=16)),
                ('full_name', fields.CharField(max_length=200)),
                ('date_of_birth', fields.DateField()),
                ('mobile', fields.CharField(max_length=16)),
                ('email', fields.CharField(null=True, max_length=254)),
                ('preferred_channel', fields.CharEnumField(description='SMS: SMS\nEMAIL: EMAIL', enum_type=NotificationChannel, max_length=8)),
                ('preferred_language', fields.CharEnumField(description='AR: AR\nEN: EN', enum_type=Language, max_length=4)),
                ('address', fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads)),
                ('iban', fields.CharField(null=True, max_length=34)),
                ('password_hash', fields.CharField(max_length=255)),
                ('status', fields.CharEnumField(description='PENDING_ACTIVATION: PENDING_ACTIVATION\nACTIVE: ACTIVE\nLOCKED: LOCKED\nDISABLED: DISABLED', enum_type=AccountStatus, max_length=24)),
                ('role', fields.CharEnumField(default=Role.MEMBER, description='MEMBER: MEMBER\nSTAFF: STAFF', enum_type=Role, max_length=8)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'member', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OneTimeCode',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('models.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='codes', on_delete=OnDelete.CASCADE)),
                ('purpose', fields.CharEnumField(description='ACTIVATION: ACTIVATION\nPASSWORD_RESET: PASSWORD_RESET\nCONTACT_CHANGE: CONTACT_CHANGE', enum_type=CodePurpose, max_length=16)),
                ('channel', fields.CharEnumField(description='SMS: SMS\nEMAIL: EMAIL', enum_type=NotificationChannel, max_length=8)),
                ('destination', fields.CharField(max_length=254)),
                ('code_hash', fields.CharField(max_length=64)),
                ('attempts', fields.IntField(default=0)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('consumed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('voided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'one_time_code', 'app': 'models', 'indexes': [Index(fields=['member_id', 'purpose', 'created_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OutboundMessage',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('channel', fields.CharEnumField(description='SMS: SMS\nEMAIL: EMAIL', enum_type=NotificationChannel, max_length=8)),
                ('destination', fields.CharField(max_length=254)),
                ('subject', fields.CharField(max_length=200)),
                ('body_encrypted', fields.TextField(null=True, unique=False)),
                ('attempts', fields.IntField(default=0)),
                ('next_attempt_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('lease_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('delivered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('failed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_error', fields.CharField(null=True, max_length=500)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'outbound_message', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A message waiting for (or done with) delivery. The body is encrypted at rest.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ReferenceCounter',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('prefix', fields.CharField(max_length=8)),
                ('year', fields.IntField()),
                ('value', fields.BigIntField(default=0)),
            ],
            options={'table': 'reference_counter', 'app': 'models', 'unique_together': (('prefix', 'year'),), 'pk_attr': 'id', 'table_description': 'Per-year counters behind human-readable reference numbers (SR-2026-000042).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ServiceRequest',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('reference_number', fields.CharField(unique=True, max_length=20)),
                ('member', fields.ForeignKeyField('models.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='service_requests', on_delete=OnDelete.RESTRICT)),
                ('type', fields.CharEnumField(description='RETIREMENT_PENSION: RETIREMENT_PENSION\nDISABILITY_PENSION: DISABILITY_PENSION\nHEALTH_INSURANCE: HEALTH_INSURANCE\nPHYSIOTHERAPY: PHYSIOTHERAPY\nWORK_INJURY: WORK_INJURY\nUNEMPLOYMENT_BENEFIT: UNEMPLOYMENT_BENEFIT', enum_type=ServiceType, max_length=24)),
                ('status', fields.CharEnumField(description='SUBMITTED: SUBMITTED\nUNDER_REVIEW: UNDER_REVIEW\nNEEDS_INFORMATION: NEEDS_INFORMATION\nAPPROVED: APPROVED\nREJECTED: REJECTED\nCANCELLED: CANCELLED', enum_type=RequestStatus, max_length=24)),
                ('details', fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
                ('open_type', fields.CharField(null=True, max_length=24)),
                ('idempotency_key', fields.CharField(null=True, max_length=100)),
                ('submitted_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'service_request', 'app': 'models', 'unique_together': (('member', 'open_type'), ('member', 'idempotency_key')), 'indexes': [Index(fields=['member_id', 'submitted_at', 'id']), Index(fields=['submitted_at', 'id']), Index(fields=['status', 'submitted_at', 'id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Question',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('reference_number', fields.CharField(unique=True, max_length=20)),
                ('member', fields.ForeignKeyField('models.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='questions', on_delete=OnDelete.RESTRICT)),
                ('subject', fields.CharField(max_length=200)),
                ('category', fields.CharEnumField(description='GENERAL: GENERAL\nREGISTRATION: REGISTRATION\nPENSION: PENSION\nPAYMENT: PAYMENT\nCOMPLAINT: COMPLAINT\nTECHNICAL: TECHNICAL', enum_type=QuestionCategory, max_length=16)),
                ('status', fields.CharEnumField(description='OPEN: OPEN\nANSWERED: ANSWERED\nCLOSED: CLOSED', enum_type=QuestionStatus, max_length=12)),
                ('related_request', fields.ForeignKeyField('models.ServiceRequest', source_field='related_request_id', null=True, db_constraint=True, to_field='id', related_name='questions', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'question', 'app': 'models', 'indexes': [Index(fields=['member_id', 'created_at', 'id']), Index(fields=['created_at', 'id']), Index(fields=['status', 'created_at', 'id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='QuestionMessage',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('question', fields.ForeignKeyField('models.Question', source_field='question_id', db_constraint=True, to_field='id', related_name='messages', on_delete=OnDelete.CASCADE)),
                ('author', fields.CharEnumField(description='MEMBER: MEMBER\nSTAFF: STAFF\nSYSTEM: SYSTEM', enum_type=Actor, max_length=8)),
                ('author_member', fields.ForeignKeyField('models.Member', source_field='author_member_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('body', fields.TextField(unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'question_message', 'app': 'models', 'indexes': [Index(fields=['question_id', 'created_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RequestEvent',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('request', fields.ForeignKeyField('models.ServiceRequest', source_field='request_id', db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.CASCADE)),
                ('status', fields.CharEnumField(description='SUBMITTED: SUBMITTED\nUNDER_REVIEW: UNDER_REVIEW\nNEEDS_INFORMATION: NEEDS_INFORMATION\nAPPROVED: APPROVED\nREJECTED: REJECTED\nCANCELLED: CANCELLED', enum_type=RequestStatus, max_length=24)),
                ('note', fields.TextField(null=True, unique=False)),
                ('actor', fields.CharEnumField(description='MEMBER: MEMBER\nSTAFF: STAFF\nSYSTEM: SYSTEM', enum_type=Actor, max_length=8)),
                ('actor_member', fields.ForeignKeyField('models.Member', source_field='actor_member_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'request_event', 'app': 'models', 'indexes': [Index(fields=['request_id', 'at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Session',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('models.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='sessions', on_delete=OnDelete.CASCADE)),
                ('family', fields.UUIDField(db_index=True)),
                ('access_token_hash', fields.CharField(unique=True, max_length=64)),
                ('access_expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('refresh_token_hash', fields.CharField(unique=True, max_length=64)),
                ('refresh_expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('rotated_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'session', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One link in a refresh-token chain. Every link of one sign-in shares a family.'},
            bases=['Model'],
        ),
    ]
