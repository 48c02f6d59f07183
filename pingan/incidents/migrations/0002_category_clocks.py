from django.db import migrations

from pingan.incidents.choices import CATEGORY_CLOCKS, KIND


def create_clocks(apps, schema_editor):
    category_model = apps.get_model("cases", "Category")
    policy = apps.get_model("cases", "SlaPolicy")
    categories = {c.code: c for c in category_model.objects.filter(kind=KIND, code__in=CATEGORY_CLOCKS)}
    for code, clocks in CATEGORY_CLOCKS.items():
        if code not in categories:
            continue  # removed by an administrator before this ran
        for urgency, (amount, unit) in clocks.items():
            policy.objects.update_or_create(
                kind=KIND, category=categories[code], urgency=urgency, defaults={"amount": amount, "unit": unit}
            )


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial"), ("incidents", "0001_default_categories")]

    operations = [migrations.RunPython(create_clocks, migrations.RunPython.noop)]
