"""The dispute categories the platform starts with; administrators edit them afterwards."""

from django.db import migrations

from pingan.disputes.choices import DEFAULT_CATEGORIES, KIND


def create_categories(apps, schema_editor):
    Category = apps.get_model("cases", "Category")
    for order, (code, name) in enumerate(DEFAULT_CATEGORIES, start=1):
        Category.objects.get_or_create(code=code, defaults={"kind": KIND, "name": name, "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("disputes", "0001_initial"), ("cases", "0001_initial")]
    operations = [migrations.RunPython(create_categories, migrations.RunPython.noop)]
