"""The consultation kind's starting reference data, editable after: its category (an engine Category of kind
"consult") and its SLA policies — the 办结 (primary) clock by urgency (choices.CLOSING_RULES: the answer time
plus the enterprise's 7 working days to rate it). The 答复 clock's figures are in choices.ANSWER_RULES."""

from django.db import migrations

from pingan.consultations.choices import CLOSING_RULES, DEFAULT_CATEGORIES, KIND


def create_reference_data(apps, schema_editor):
    category = apps.get_model("cases", "Category")
    for order, (code, name) in enumerate(DEFAULT_CATEGORIES, start=1):
        category.objects.get_or_create(code=code, defaults={"kind": KIND, "name": name, "sort_order": order})
    policy = apps.get_model("cases", "SlaPolicy")
    for urgency, (amount, unit) in CLOSING_RULES.items():
        policy.objects.get_or_create(
            kind=KIND,
            category=None,
            urgency=str(urgency),
            defaults={"amount": amount, "unit": str(unit)},
        )


class Migration(migrations.Migration):
    dependencies = [("consultations", "0001_initial"), ("cases", "0001_initial")]

    operations = [migrations.RunPython(create_reference_data, migrations.RunPython.noop)]
