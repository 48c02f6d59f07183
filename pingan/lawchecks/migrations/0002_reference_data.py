"""The legal-service kind's starting reference data, editable after: its categories (engine Category rows
of kind "lawservice") and the seeded 体检 checklists (general, 制造业, 信息技术服务业)."""

from django.db import migrations

from pingan.lawchecks.checklists import TEMPLATES
from pingan.lawchecks.choices import DEFAULT_CATEGORIES, KIND


def create_reference_data(apps, schema_editor):
    category = apps.get_model("cases", "Category")
    for order, (code, name) in enumerate(DEFAULT_CATEGORIES, start=1):
        category.objects.get_or_create(code=code, defaults={"kind": KIND, "name": name, "sort_order": order})
    template_model = apps.get_model("lawchecks", "ChecklistTemplate")
    item_model = apps.get_model("lawchecks", "ChecklistItem")
    for name, industries, items in TEMPLATES:
        template, created = template_model.objects.get_or_create(name=name, defaults={"industries": industries})
        if created:
            item_model.objects.bulk_create(
                item_model(template=template, area=a, question=q, legal_basis=b, suggestion=s, sort_order=i)
                for i, (a, q, b, s) in enumerate(items, start=1)
            )


class Migration(migrations.Migration):
    dependencies = [("lawchecks", "0001_initial"), ("cases", "0001_initial")]

    operations = [migrations.RunPython(create_reference_data, migrations.RunPython.noop)]
