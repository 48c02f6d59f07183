"""The demo's consultations on a small scene (lawguard_scene: one workstation with staff, two experts, one
enterprise served by the station and one without a station, which is skipped)."""

from __future__ import annotations

import datetime

import pytest

from conftest import make_user
from pingan.accounts.choices import Role
from pingan.cases.models import Case
from pingan.consultations.choices import ConsultState
from pingan.consultations.filters import ConsultationFilter
from pingan.consultations.models import Consultation
from pingan.consultations.selectors import consultations_for
from pingan.demo import consultations

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reference_data(db):
    import importlib

    from django.apps import apps

    importlib.import_module("pingan.consultations.migrations.0002_reference_data").create_reference_data(apps, None)


def test_the_loader_on_a_small_scene(lawguard_scene, zhuzhou):
    make_user("hotline_12345", "热线坐席", (zhuzhou.city_centre, Role.CENTRE_STAFF))
    counts = consultations.load(seed=2022, today=datetime.date(2026, 11, 18), count=30)
    assert counts["consultations_2022"] == 30 and counts["recent"] == 20 and counts["overdue"] == 1
    of_2022 = Case.objects.filter(kind="consult", registered_at__year=2022)
    assert of_2022.count() == 30 and not of_2022.exclude(status=ConsultState.CLOSED).exists()
    assert set(Consultation.objects.values_list("enterprise", flat=True)) == {lawguard_scene.enterprise.pk}
    answered = Consultation.objects.filter(case__registered_at__year=2022)
    assert all(c.answered_at and c.answered_at.year in (2022, 2023) for c in answered)
    assert answered.exclude(answered_role="").count() == 30
    overdue = ConsultationFilter({"overdue": "true"}, queryset=consultations_for(lawguard_scene.staff)).qs
    assert overdue.count() == 1
    assert counts["awaiting"] == 6  # one of them the overdue one
    assert "法律咨询:2022 年 30 件" in consultations.report(counts)


def test_nothing_without_enterprises(db):
    assert consultations.load(seed=1, today=datetime.date(2026, 11, 18), count=5)["consultations_2022"] == 0
