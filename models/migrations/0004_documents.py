from tortoise import migrations
from tortoise.migrations import operations as ops
from models.enums import Actor, DocumentKind, Language
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0003_domain_names')]

    initial = False

    operations = [
        ops.CreateModel(
            name='DecisionLetter',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('request', fields.OneToOneField('models.ServiceRequest', source_field='request_id', db_constraint=True, to_field='id', related_name='decision_letter', on_delete=OnDelete.CASCADE)),
                ('code_hash', fields.CharField(unique=True, max_length=64)),
                ('code_sealed', fields.TextField(unique=False)),
                ('language', fields.CharEnumField(description='AR: AR\nEN: EN', enum_type=Language, max_length=4)),
                ('storage_key', fields.CharField(unique=True, max_length=100)),
                ('size', fields.IntField()),
                ('issued_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'decision_letter', 'app': 'models', 'pk_attr': 'id', 'table_description': 'The PDF letter of an APPROVED or REJECTED request.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Document',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('request', fields.ForeignKeyField('models.ServiceRequest', source_field='request_id', db_constraint=True, to_field='id', related_name='documents', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='NATIONAL_ID_COPY: NATIONAL_ID_COPY\nMEDICAL_REPORT: MEDICAL_REPORT\nEMPLOYER_LETTER: EMPLOYER_LETTER\nBANK_CERTIFICATE: BANK_CERTIFICATE\nSICK_LEAVE_CERTIFICATE: SICK_LEAVE_CERTIFICATE\nTERMINATION_LETTER: TERMINATION_LETTER\nFAMILY_RECORD: FAMILY_RECORD\nOTHER: OTHER', enum_type=DocumentKind, max_length=24)),
                ('file_name', fields.CharField(max_length=255)),
                ('content_type', fields.CharField(max_length=32)),
                ('size', fields.IntField()),
                ('sha256', fields.CharField(max_length=64)),
                ('storage_key', fields.CharField(unique=True, max_length=100)),
                ('uploaded_by', fields.CharEnumField(description='MEMBER: MEMBER\nSTAFF: STAFF\nSYSTEM: SYSTEM', enum_type=Actor, max_length=8)),
                ('uploader', fields.ForeignKeyField('models.Member', source_field='uploader_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('uploaded_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'document', 'app': 'models', 'indexes': [Index(fields=['request_id', 'uploaded_at'])], 'pk_attr': 'id', 'table_description': 'A file attached to a request. The file itself is in the document store, sealed.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='InformationRequest',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('request', fields.ForeignKeyField('models.ServiceRequest', source_field='request_id', db_constraint=True, to_field='id', related_name='information_requests', on_delete=OnDelete.CASCADE)),
                ('note', fields.TextField(unique=False)),
                ('documents', fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
                ('respond_by', fields.DateField()),
                ('requested_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('answered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('reminded_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'information_request', 'app': 'models', 'indexes': [Index(fields=['request_id', 'requested_at']), Index(fields=['answered_at', 'reminded_at', 'respond_by'])], 'pk_attr': 'id', 'table_description': 'What staff asked for when they set NEEDS_INFORMATION, until provideInformation answers.'},
            bases=['Model'],
        ),
    ]
