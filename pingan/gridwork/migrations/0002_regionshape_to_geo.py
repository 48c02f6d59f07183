"""Outlines (RegionShape) move from grid work (label `grids`) to the geography app `geo`, below the case engine.

`geo.0001_initial` has created the table `geo_regionshape`; this migration copies every row of
`grids_regionshape` into it in one INSERT … SELECT, hands the content type (and with it the permissions
granted to groups and users, and the admin's log entries) from `grids.regionshape` to `geo.regionshape`,
and drops the old table. On a fresh database the copy is empty and the content type is created later by
`post_migrate`, as for any new model. Reversible: going back moves the rows (and the content type)
back. The audit log is append-only and is not rewritten: import entries written before keep their type
`grids.regionshape` (docs/grids-geometry.md).
"""

from django.conf import settings
from django.db import migrations

OLD, NEW = "grids", "geo"


def _copy(apps, schema_editor, source_label: str, target_label: str) -> None:
    source = apps.get_model(source_label, "RegionShape")._meta
    target = apps.get_model(target_label, "RegionShape")._meta
    quote = schema_editor.quote_name
    columns = ", ".join(quote(field.column) for field in target.local_concrete_fields)
    schema_editor.execute(
        f"INSERT INTO {quote(target.db_table)} ({columns}) SELECT {columns} FROM {quote(source.db_table)}"
    )


def _move_content_type(apps, schema_editor, source_label: str, target_label: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    LogEntry = apps.get_model("admin", "LogEntry")
    db = schema_editor.connection.alias
    types = ContentType.objects.using(db)
    old = types.filter(app_label=source_label, model="regionshape").first()
    if old is None:  # a fresh database: post_migrate creates the new type
        return
    new = types.filter(app_label=target_label, model="regionshape").first()
    if new is None:  # the usual case: the type, its permissions and their grants move as they are
        old.app_label = target_label
        old.save(update_fields=["app_label"])
        return
    # Both exist (post_migrate ran between geo.0001 and this migration): carry the grants of the old
    # permissions over to the new ones, point the admin's log at the new type, then drop the old type.
    group_grants = Permission.group_set.through.objects.using(db)
    user_grants = Permission.user_set.through.objects.using(db)
    for permission in Permission.objects.using(db).filter(content_type=old):
        twin = Permission.objects.using(db).filter(content_type=new, codename=permission.codename).first()
        if twin is None:
            permission.content_type = new
            permission.save(update_fields=["content_type"])
            continue
        for grant in group_grants.filter(permission=permission):
            group_grants.get_or_create(group_id=grant.group_id, permission=twin)
        for grant in user_grants.filter(permission=permission):
            user_grants.get_or_create(user_id=grant.user_id, permission=twin)
    LogEntry.objects.using(db).filter(content_type=old).update(content_type=new)
    old.delete()


def forwards(apps, schema_editor):
    _copy(apps, schema_editor, OLD, NEW)
    _move_content_type(apps, schema_editor, OLD, NEW)


def backwards(apps, schema_editor):
    _copy(apps, schema_editor, NEW, OLD)
    _move_content_type(apps, schema_editor, NEW, OLD)
    # Emptied, so that migrating forwards again copies into an empty table as the first time.
    table = schema_editor.quote_name(apps.get_model(NEW, "RegionShape")._meta.db_table)
    schema_editor.execute(f"DELETE FROM {table}")


class Migration(migrations.Migration):
    dependencies = [
        ("grids", "0001_initial"),
        ("geo", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.DeleteModel(name="RegionShape"),
    ]
