from tortoise import migrations
from tortoise.migrations import operations as ops
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index


class AddColumn(ops.AddField):
    """Migrating back drops the column in place: SQLite's default (copying the table into a
    new one) loses the indexes 0007 added to it, and migrating further back fails on them."""

    async def database_backward(self, app_label, old_state, new_state, state_editor=None) -> None:
        if state_editor is None:
            return
        model = old_state.apps.get_model(f"{app_label}.{self.model_name}")
        await state_editor.client.execute_script(
            f'ALTER TABLE "{model._meta.db_table}" DROP COLUMN "{self.name}"'
        )


class Migration(migrations.Migration):
    dependencies = [('models', '0007_staff_desk')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Engagement',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('engagement_id', fields.CharField(unique=True, max_length=64)),
                ('national_id', fields.CharField(db_index=True, max_length=10)),
                ('employer_registration_number', fields.CharField(max_length=32)),
                ('employer_name_ar', fields.CharField(max_length=200)),
                ('employer_name_en', fields.CharField(max_length=200)),
                ('start_date', fields.DateField()),
                ('end_date', fields.DateField(null=True)),
                ('occupation', fields.CharField(null=True, max_length=200)),
                ('branches', fields.JSONField()),
                ('wages', fields.JSONField()),
                ('imported_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'engagement', 'app': 'models', 'indexes': [Index(fields=['national_id', 'start_date'])], 'pk_attr': 'id', 'table_description': "One engagement of an insured person with one employer, as the core system reports it."},
            bases=['Model'],
        ),
        AddColumn(
            model_name='ServiceRequest',
            name='eligibility_at_submission',
            field=fields.JSONField(null=True),
        ),
    ]
