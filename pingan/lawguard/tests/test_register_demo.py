"""The demo's register loader (pingan/demo/lawguard_register.py) on the small test scene: everything through
the services, valid unique credit codes, a complete 三官一律 for every 小巨人 with history where it changed,
the documented logins, and the same data for the same seed."""

from __future__ import annotations

import datetime

import pytest

from conftest import make_user
from pingan.accounts.choices import Role
from pingan.accounts.models import User
from pingan.core.validators import normalize_credit_code
from pingan.demo import lawguard_register
from pingan.demo.staff import DEMO_PASSWORD
from pingan.lawguard.choices import GuardRole, SpecialisationLevel
from pingan.lawguard.models import Enterprise, EnterpriseAccount, Expert, GuardAssignment, Workstation
from pingan.lawguard.portal import enterprise_of


@pytest.fixture
def city_clerk(zhuzhou):
    return make_user("zz_centre_clerk", "市综治", (zhuzhou.city_centre, Role.CENTRE_STAFF))


def small(seed=2022):
    return lawguard_register.load(seed=seed, today=datetime.date(2026, 11, 18), stations=2, little_giants=12, others=9)


def test_the_register_loads_through_the_services(city_clerk, grids):
    counts = small()
    assert counts["workstations"] == 2 and Workstation.objects.count() == 2
    assert counts["experts"] == Expert.objects.count() == lawguard_register.EXPERTS
    giants = Enterprise.objects.filter(level=SpecialisationLevel.LITTLE_GIANT)
    assert giants.count() == 12 and counts["enterprises"] == Enterprise.objects.count() >= 12
    codes = list(Enterprise.objects.values_list("credit_code", flat=True))
    assert len(set(codes)) == len(codes) and all(normalize_credit_code(code) == code for code in codes)
    for enterprise in giants:
        current = set(enterprise.guard_assignments.filter(ended_on__isnull=True).values_list("role", flat=True))
        assert current == set(GuardRole.values)
        assert enterprise.contacts.count() == 1
    changed = GuardAssignment.objects.filter(ended_on__isnull=False)
    assert changed.count() == counts["changed_2022"]
    assert all(g.ended_on.year == 2022 and g.end_reason for g in changed)
    # The documented logins: the workstation's staff and the enterprise's portal account.
    station_user = User.objects.get(username=lawguard_register.STATION_LOGIN)
    assert station_user.check_password(DEMO_PASSWORD) and station_user.must_change_password
    portal = User.objects.get(username=lawguard_register.ENTERPRISE_LOGIN)
    assert portal.check_password(DEMO_PASSWORD)
    assert enterprise_of(portal).name == lawguard_register.ZUANSHI
    assert EnterpriseAccount.objects.count() == counts["accounts"] == 5
    assert portal.must_change_password
    from django.db.models import Q

    loaded = User.objects.filter(Q(username__startswith="fzhh_") | Q(username__startswith="qiye_"))
    assert loaded.values("password").distinct().count() == 1  # the demo's one hash, as demo.staff's accounts
    assert "工作站 2 个" in lawguard_register.report(counts)


def test_the_same_seed_gives_the_same_register(city_clerk, grids):
    from django.db import transaction

    def fingerprint():
        return sorted(Enterprise.objects.values_list("credit_code", "name", "region_code", "grid_code"))

    with transaction.atomic():
        small()
        first = fingerprint()
        transaction.set_rollback(True)
    assert not Enterprise.objects.exists()
    small()
    assert fingerprint() == first
