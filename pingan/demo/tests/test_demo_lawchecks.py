"""The legal-services loader on a small scene (the figures scaled down): every service through the
services, the 体检 issued with their findings as 2022 suggestions, one live 体检 at each stage."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.apps import apps

from pingan.cases.models import Case
from pingan.demo import lawchecks
from pingan.lawchecks.models import LegalService
from pingan.lawguard.models import Suggestion


@pytest.fixture(autouse=True)
def _reference_data(db):
    importlib.import_module("pingan.lawchecks.migrations.0002_reference_data").create_reference_data(apps, None)


def test_the_loader_on_a_small_scene(lawguard_scene, django_capture_on_commit_callbacks):
    counts = lawchecks.load(seed=7, today=datetime.date(2026, 11, 18), services=10, checkups=4, suggestions=17)
    assert counts["services"] == 10 and counts["checkups"] == 4 and counts["live"] == 6
    assert counts["suggestions"] == 17 == Suggestion.objects.filter(issued_at__year=2022).count()
    services_2022 = Case.objects.filter(kind="lawservice", registered_at__year=2022)
    assert services_2022.count() == 10 and not services_2022.filter(closed_at__isnull=True).exists()
    issued = LegalService.objects.filter(case__registered_at__year=2022, issued_at__isnull=False)
    assert issued.count() == 4 and all(s.issued_at.year == 2022 for s in issued)
    assert issued.filter(report_pdf__isnull=False).count() == lawchecks.RENDERED  # the rest on first download
    live = Case.objects.filter(kind="lawservice", registered_at__year=2026)
    assert sorted(live.values_list("status", flat=True)) == sorted(
        ["booked", "self_check", "checking", "review", "issued", "revisit"]
    )
    # A second member was added as the reviewer; nobody approved their own draft.
    assert all(s.reviewed_by_id != s.drafted_by_id for s in LegalService.objects.filter(reviewed_at__isnull=False))
    assert "2022 年法律服务 10 件" in lawchecks.report(counts)
