from tortoise import migrations
from tortoise.migrations import operations as ops
from models.enums import ChallengePurpose, SecurityEventKind
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0004_documents')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AuthChallenge',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('models.Member', source_field='member_id', null=True, db_constraint=True, to_field='id', related_name='auth_challenges', on_delete=OnDelete.CASCADE)),
                ('purpose', fields.CharEnumField(description='SECOND_FACTOR: SECOND_FACTOR\nPASSKEY_REGISTRATION: PASSKEY_REGISTRATION\nPASSKEY_SIGN_IN: PASSKEY_SIGN_IN', enum_type=ChallengePurpose, max_length=24)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('webauthn_challenge', fields.CharField(null=True, max_length=128)),
                ('attempts', fields.IntField(default=0)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('consumed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'auth_challenge', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Passkey',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('models.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='passkeys', on_delete=OnDelete.CASCADE)),
                ('credential_id', fields.CharField(unique=True, max_length=255)),
                ('public_key', fields.TextField(unique=False)),
                ('sign_count', fields.BigIntField(default=0)),
                ('name', fields.CharField(max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('last_used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'passkey', 'app': 'models', 'indexes': [Index(fields=['member_id', 'created_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RecoveryCode',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('models.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='recovery_codes', on_delete=OnDelete.CASCADE)),
                ('code_hash', fields.CharField(max_length=64)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'recovery_code', 'app': 'models', 'indexes': [Index(fields=['member_id', 'code_hash'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SecurityEvent',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('models.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='security_events', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='SIGNED_IN: SIGNED_IN\nSIGN_IN_FAILED: SIGN_IN_FAILED\nNEW_DEVICE: NEW_DEVICE\nSIGNED_OUT: SIGNED_OUT\nSESSION_REVOKED: SESSION_REVOKED\nREFRESH_TOKEN_REUSED: REFRESH_TOKEN_REUSED\nPASSWORD_CHANGED: PASSWORD_CHANGED\nPASSWORD_RESET: PASSWORD_RESET\nCONTACT_CHANGED: CONTACT_CHANGED\nIBAN_CHANGED: IBAN_CHANGED\nSECOND_FACTOR_ADDED: SECOND_FACTOR_ADDED\nSECOND_FACTOR_REMOVED: SECOND_FACTOR_REMOVED\nRECOVERY_CODE_USED: RECOVERY_CODE_USED\nLOCKED_OUT: LOCKED_OUT', enum_type=SecurityEventKind, max_length=24)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('device', fields.CharField(null=True, max_length=120)),
                ('ip_address', fields.CharField(null=True, max_length=45)),
            ],
            options={'table': 'security_event', 'app': 'models', 'indexes': [Index(fields=['member_id', 'at', 'id']), Index(fields=['member_id', 'kind', 'device', 'at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TotpCredential',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('models.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='totp_credentials', on_delete=OnDelete.CASCADE)),
                ('secret_sealed', fields.TextField(unique=False)),
                ('confirmed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_step', fields.BigIntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'totp_credential', 'app': 'models', 'indexes': [Index(fields=['member_id', 'confirmed_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Session',
            name='authenticated_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Session',
            name='device',
            field=fields.CharField(null=True, max_length=120),
        ),
        ops.AddField(
            model_name='Session',
            name='ip_address',
            field=fields.CharField(null=True, max_length=45),
        ),
        ops.AddField(
            model_name='Session',
            name='last_used_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Session',
            name='signed_in_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
