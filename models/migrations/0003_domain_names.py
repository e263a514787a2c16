from typing import Any

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops

# Addresses were stored under the schema's names; the domain's own names replace them.
ADDRESS_KEYS = {"buildingNumber": "building_number", "postalCode": "postal_code"}
BATCH = 1000


def renamed_address(address: dict[str, Any], keys: dict[str, str] = ADDRESS_KEYS) -> dict[str, Any]:
    """The address with each old key renamed; a key already in its new name is kept."""
    renamed = {key: value for key, value in address.items() if key not in keys}
    for old, new in keys.items():
        if old in address:
            renamed.setdefault(new, address[old])
    return renamed


async def _rename_address_keys(apps: Any, schema_editor: Any, keys: dict[str, str]) -> None:
    member = apps.get_model("models", "Member")
    client = schema_editor.client
    last = None
    while True:
        query = member.filter(address__isnull=False).using_db(client)
        if last is not None:
            query = query.filter(id__gt=last)
        rows = await query.order_by("id").limit(BATCH).values_list("id", "address")
        for key, address in rows:
            if isinstance(address, dict) and any(old in address for old in keys):
                await member.filter(id=key).using_db(client).update(
                    address=renamed_address(address, keys)
                )
        if len(rows) < BATCH:
            return
        last = rows[-1][0]


async def forwards(apps: Any, schema_editor: Any) -> None:
    await _rename_address_keys(apps, schema_editor, ADDRESS_KEYS)


async def backwards(apps: Any, schema_editor: Any) -> None:
    await _rename_address_keys(apps, schema_editor, {new: old for old, new in ADDRESS_KEYS.items()})


class StateOnlyAlterField(ops.AlterField):
    """RenameField renames the relation's column but keeps its old source_field in the
    migration state; this records the new one. A real AlterField would rebuild the table
    on SQLite and lose its index."""

    async def database_forward(self, *args: Any, **kwargs: Any) -> None:
        return None

    async def database_backward(self, *args: Any, **kwargs: Any) -> None:
        return None


class Migration(migrations.Migration):
    dependencies = [('models', '0002_session_member_index')]

    initial = False

    operations = [
        ops.RunPython(forwards, backwards),
        ops.RenameField(model_name='QuestionMessage', old_name='author', new_name='actor'),
        ops.RenameField(
            model_name='QuestionMessage', old_name='author_member', new_name='actor_member'
        ),
        StateOnlyAlterField(
            model_name='QuestionMessage',
            name='actor_member',
            field=fields.ForeignKeyField('models.Member', source_field='actor_member_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL),
        ),
    ]
