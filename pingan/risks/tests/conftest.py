"""The risks' part of the scene: the reference data of migration 0002, a 派出所 that owns risks, and a
helper raising a risk through the service."""

from __future__ import annotations

import pytest

from conftest import make_org, make_user
from pingan.accounts.choices import Role
from pingan.regions.choices import OrgType

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _reference_data(db):
    """Categories, matrix and level policies of migration 0002 (a transactional test elsewhere may have
    flushed them)."""
    import importlib

    from django.apps import apps

    importlib.import_module("pingan.risks.migrations.0002_reference_data").create_reference_data(apps, None)


@pytest.fixture
def risk_category(db):
    from pingan.cases.models import Category

    return Category.objects.get(code="risk_public_order")


@pytest.fixture
def police(zhuzhou):
    """嵩山路派出所: a department at the township that owns risks."""
    return make_org("P430211004", "嵩山路派出所", OrgType.POLICE, zhuzhou.songshan)


@pytest.fixture
def officer(police):
    return make_user("songshan_police", "马警官", (police, Role.DEPARTMENT_STAFF))


@pytest.fixture
def raise_risk(zhuzhou, people, risk_category):
    from pingan.risks.choices import RiskSource
    from pingan.risks.services import risk_raise

    def make(actor=None, *, likelihood=5, impact=4, **changes):
        data = {
            "actor": actor or people.clerk,
            "category": risk_category,
            "title": "某小区业主聚集维权风险",
            "description": "业主因物业费上涨多次聚集,有升级为群体性事件的苗头",
            "source": RiskSource.GRID_REPORT,
            "likelihood": likelihood,
            "impact": impact,
            "region": zhuzhou.taishan,
        }
        data.update(changes)
        return risk_raise(**data)

    return make
