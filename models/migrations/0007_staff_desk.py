from tortoise import migrations
from tortoise.migrations import operations as ops
from models.enums import AccessPurpose
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index

# The access log is append-only in the database itself, not only in the code: whatever
# connects with the application's role cannot rewrite or erase who opened whose data.
POSTGRES_APPEND_ONLY = """
CREATE FUNCTION access_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'access_event is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER access_event_append_only BEFORE UPDATE OR DELETE ON access_event
    FOR EACH ROW EXECUTE FUNCTION access_event_append_only();
"""
SQLITE_APPEND_ONLY = """
CREATE TRIGGER access_event_no_update BEFORE UPDATE ON access_event
BEGIN SELECT RAISE(ABORT, 'access_event is append-only: UPDATE refused'); END;
CREATE TRIGGER access_event_no_delete BEFORE DELETE ON access_event
BEGIN SELECT RAISE(ABORT, 'access_event is append-only: DELETE refused'); END;
"""


POSTGRES_DROP_APPEND_ONLY = """
DROP TRIGGER IF EXISTS access_event_append_only ON access_event;
DROP FUNCTION IF EXISTS access_event_append_only();
"""
SQLITE_DROP_APPEND_ONLY = """
DROP TRIGGER IF EXISTS access_event_no_update;
DROP TRIGGER IF EXISTS access_event_no_delete;
"""


async def allow_rewrites(apps, schema_editor) -> None:
    """Migrating back: the table goes, and its triggers before it."""
    postgres = schema_editor.DIALECT == "postgres"
    await schema_editor.client.execute_script(
        POSTGRES_DROP_APPEND_ONLY if postgres else SQLITE_DROP_APPEND_ONLY
    )


async def append_only(apps, schema_editor) -> None:
    postgres = schema_editor.DIALECT == "postgres"
    await schema_editor.client.execute_script(
        POSTGRES_APPEND_ONLY if postgres else SQLITE_APPEND_ONLY
    )

class Migration(migrations.Migration):
    dependencies = [('models', '0006_notification')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AccessEvent',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('models.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='access_events', on_delete=OnDelete.RESTRICT)),
                ('staff', fields.ForeignKeyField('models.Member', source_field='staff_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('staff_name', fields.CharField(max_length=200)),
                ('purpose', fields.CharEnumField(description='REQUEST_REVIEW: REQUEST_REVIEW\nQUESTION_ANSWER: QUESTION_ANSWER\nDOCUMENT_VIEW: DOCUMENT_VIEW\nMEMBER_LOOKUP: MEMBER_LOOKUP', enum_type=AccessPurpose, max_length=16)),
                ('subject', fields.CharField(max_length=100)),
                ('thing', fields.CharField(max_length=64)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'access_event', 'app': 'models', 'indexes': [Index(fields=['member_id', 'at', 'id']), Index(fields=['staff_id', 'thing', 'purpose', 'at'])], 'pk_attr': 'id', 'table_description': "Staff opened a member's personal data. Append-only (triggers refuse UPDATE, DELETE)."},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='RequestEvent',
            name='internal',
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.AddField(
            model_name='RequestEvent',
            name='remark',
            field=fields.CharField(null=True, max_length=24),
        ),
        ops.AddField(
            model_name='RequestEvent',
            name='remark_name',
            field=fields.CharField(null=True, max_length=200),
        ),
        ops.AddField(
            model_name='ServiceRequest',
            name='assignee',
            field=fields.ForeignKeyField('models.Member', source_field='assignee_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL),
        ),
        ops.AddField(
            model_name='ServiceRequest',
            name='respond_by',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddIndex(
            model_name='ServiceRequest',
            index=Index(fields=['assignee_id', 'submitted_at', 'id']),
        ),
        ops.AddIndex(
            model_name='ServiceRequest',
            index=Index(fields=['status', 'assignee_id', 'submitted_at', 'id']),
        ),
        ops.RunPython(append_only, reverse_code=allow_rewrites),
    ]
