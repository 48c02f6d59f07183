from django.db import migrations

from pingan.incidents.choices import DEFAULT_CATEGORIES, KIND


def create_categories(apps, schema_editor):
    category = apps.get_model("cases", "Category")
    for order, (code, name) in enumerate(DEFAULT_CATEGORIES, start=1):
        category.objects.update_or_create(code=code, defaults={"kind": KIND, "name": name, "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(create_categories, migrations.RunPython.noop)]
