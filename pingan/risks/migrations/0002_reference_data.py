"""The risk kind's starting reference data, editable after: its categories (engine Category rows of kind
"risk"), the default 5×5 matrix and the level policies (respond/dispose clocks, review interval)."""

from django.db import migrations

from pingan.risks.choices import (
    DEFAULT_CATEGORIES,
    DEFAULT_CELLS,
    DEFAULT_LEVEL_POLICIES,
    IMPACT_LABELS,
    KIND,
    LIKELIHOOD_LABELS,
)


def create_reference_data(apps, schema_editor):
    category = apps.get_model("cases", "Category")
    for order, (code, name) in enumerate(DEFAULT_CATEGORIES, start=1):
        category.objects.get_or_create(code=code, defaults={"kind": KIND, "name": name, "sort_order": order})
    matrix = apps.get_model("risks", "RiskMatrix")
    if not matrix.objects.exists():
        matrix.objects.create(
            name="默认 5×5 风险矩阵",
            likelihood_labels=LIKELIHOOD_LABELS,
            impact_labels=IMPACT_LABELS,
            cells=DEFAULT_CELLS,
        )
    policy = apps.get_model("risks", "LevelPolicy")
    for level, rule in DEFAULT_LEVEL_POLICIES.items():
        policy.objects.get_or_create(
            level=str(level),
            defaults={
                "respond_amount": rule["respond"][0],
                "respond_unit": str(rule["respond"][1]),
                "dispose_amount": rule["dispose"][0],
                "dispose_unit": str(rule["dispose"][1]),
                "review_interval_days": rule["review_days"],
            },
        )


class Migration(migrations.Migration):
    dependencies = [("risks", "0001_initial"), ("cases", "0001_initial")]

    operations = [migrations.RunPython(create_reference_data, migrations.RunPython.noop)]
