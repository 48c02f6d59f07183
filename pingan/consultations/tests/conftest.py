"""The consultations' part of the scene: the reference data of migration 0002, a 12345 operator (a 综治中心
post at the city: the hotline's desk), the enterprise's 三官一律 with accounts (a judge and a lawyer), and a
helper registering a consultation through the service."""

from __future__ import annotations

import pytest

from conftest import make_org, make_user
from pingan.accounts.choices import Role
from pingan.regions.choices import OrgType


@pytest.fixture(autouse=True)
def _reference_data(db):
    import importlib

    from django.apps import apps

    importlib.import_module("pingan.consultations.migrations.0002_reference_data").create_reference_data(apps, None)


@pytest.fixture
def operator(zhuzhou):
    """A 12345 operator: 市综治中心 staff (the hotline's desk), whose jurisdiction is the city."""
    return make_user("hotline_12345", "热线坐席", (zhuzhou.city_centre, Role.CENTRE_STAFF))


@pytest.fixture
def guards(lawguard_scene, zhuzhou):
    """The enterprise's judge and lawyer get accounts (posts at the 天元区 court and a law firm's desk)."""
    from pingan.lawguard.choices import GuardRole
    from pingan.lawguard.models import GuardAssignment

    court = make_org("F430211-T", "天元区人民法院(测试)", OrgType.COURT, zhuzhou.tianyuan)
    judge = make_user("judge_zhou", "周法官", (court, Role.DEPARTMENT_STAFF))
    lawyer = make_user("lawyer_wang", "王律师", (lawguard_scene.station_org, Role.DEPARTMENT_STAFF))
    scene = lawguard_scene.enterprise
    GuardAssignment.objects.filter(enterprise=scene, role=GuardRole.JUDGE).update(user=judge)
    GuardAssignment.objects.filter(enterprise=scene, role=GuardRole.LAWYER).update(user=lawyer)

    class Guards:
        pass

    g = Guards()
    g.judge, g.lawyer = judge, lawyer
    return g


@pytest.fixture
def ask(lawguard_scene):
    """Register a consultation for the scene's enterprise at the workstation (the staff member as actor)."""
    from pingan.consultations.choices import ConsultChannel
    from pingan.consultations.services import consultation_register

    def make(actor=None, **changes):
        data = {
            "actor": actor or lawguard_scene.staff,
            "enterprise": lawguard_scene.enterprise,
            "question": "与经销商的代理合同到期后对方继续使用我司商标,如何维权?",
            "channel": ConsultChannel.WORKSTATION,
            "specialities": ["ip", "contract"],
        }
        data.update(changes)
        return consultation_register(**data)

    return make
