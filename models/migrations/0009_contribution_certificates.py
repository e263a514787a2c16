from tortoise import migrations
from tortoise.migrations import operations as ops
from models.enums import Language
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0008_insurance_record')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ContributionCertificate',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('models.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='certificates', on_delete=OnDelete.CASCADE)),
                ('code_hash', fields.CharField(unique=True, max_length=64)),
                ('code_sealed', fields.TextField(unique=False)),
                ('language', fields.CharEnumField(description='AR: AR\nEN: EN', enum_type=Language, max_length=4)),
                ('storage_key', fields.CharField(unique=True, max_length=100)),
                ('size', fields.IntField()),
                ('issued_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('contribution_months', fields.IntField()),
                ('current_employer', fields.CharField(null=True, max_length=200)),
                ('employed_since', fields.DateField(null=True)),
                ('current_wage', fields.DecimalField(null=True, max_digits=12, decimal_places=2)),
            ],
            options={'table': 'contribution_certificate', 'app': 'models', 'indexes': [Index(fields=['member_id', 'issued_at'])], 'pk_attr': 'id', 'table_description': "A signed PDF certificate of a member's contributions. The figures it printed are kept"},
            bases=['Model'],
        ),
    ]
