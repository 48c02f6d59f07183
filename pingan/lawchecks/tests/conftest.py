"""The legal services' part of the scene: the reference data of migration 0002 (categories, checklists)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _reference_data(db):
    import importlib

    from django.apps import apps

    importlib.import_module("pingan.lawchecks.migrations.0002_reference_data").create_reference_data(apps, None)


@pytest.fixture
def reviewer(lawguard_scene):
    """A second member of the workstation (reviews the reports the first one drafts)."""
    from conftest import make_user
    from pingan.accounts.choices import Role

    return make_user("songshan_station_2", "周律师", (lawguard_scene.station_org, Role.DEPARTMENT_STAFF))


@pytest.fixture
def booked(lawguard_scene):
    """A 体检 booked in the portal by the enterprise's user."""
    import datetime

    from pingan.lawchecks.services import portal_book

    g = lawguard_scene
    return portal_book(
        user=g.portal_user, enterprise=g.enterprise, wished_date=datetime.date(2026, 11, 25), concerns="劳动用工"
    )
