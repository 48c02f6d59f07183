"""The demo loads the whole of Zhuzhou, tells a consistent story, and can be loaded twice without doubling.

The demo is loaded once for the module (at --scale 0.02) inside a transaction that is rolled back at the
end, so the other test modules never see it."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.conf import global_settings
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from pingan.accounts.choices import Role
from pingan.accounts.models import Membership, User
from pingan.cases.choices import EventType, Outcome, StateType
from pingan.cases.models import Case, CaseEvent, CaseNumberSequence, Party
from pingan.core.validators import normalize_id_number, normalize_phone
from pingan.demo.models import DemoDataset
from pingan.disputes.choices import KIND, DisputeState
from pingan.disputes.models import MediationResult, MediationSession
from pingan.disputes.workflow import DISPUTE
from pingan.regions.choices import OrgType, RegionLevel
from pingan.regions.models import Organization, Region


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("load_demo", scale=0.02, stdout=StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


pytestmark = pytest.mark.usefixtures("demo")


def test_the_region_tree_of_zhuzhou_with_its_grids(db):
    counts = dict(Region.objects.values_list("level").annotate(n=Count("id")))
    assert counts == {
        RegionLevel.CITY: 1,
        RegionLevel.COUNTY: 9,
        RegionLevel.TOWNSHIP: 112,
        RegionLevel.COMMUNITY: 1400,
        RegionLevel.GRID: 3261,
    }
    assert not Region.objects.filter(level__lt=RegionLevel.GRID, is_generated=True).exists()
    grid = Region.objects.get(code="430211001001001")
    assert grid.is_generated and grid.parent.code == "430211001001" and grid.name.endswith("第1网格")
    assert Region.objects.get(code="430200").prefix == "4302"
    assert grid.prefix == grid.code
    # The tree is walkable: every county's subtree holds its townships and communities.
    assert Region.objects.get(code="430211").descendants().filter(level=RegionLevel.TOWNSHIP).count() == 7


def test_organisations_of_every_level(db):
    assert Organization.objects.filter(org_type=OrgType.CENTRE).count() == 1397
    centres = Organization.objects.filter(org_type=OrgType.CENTRE)
    for level, expected in ((RegionLevel.CITY, 1), (RegionLevel.COUNTY, 9), (RegionLevel.TOWNSHIP, 112)):
        assert centres.filter(region__level=level).count() == expected
    assert Organization.objects.get(code="ZFW-430200").org_type == OrgType.PLA_COMMITTEE
    assert Organization.objects.filter(org_type=OrgType.COURT, region__level=RegionLevel.COUNTY).count() == 9
    assert Organization.objects.filter(org_type=OrgType.MEDIATION_COMMITTEE).count() == 112


def test_accounts_cover_every_role(db, settings):
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS  # the demo was loaded with the default ones
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    assert (
        User.objects.filter(memberships__role=Role.MEDIATOR).values("memberships__organization").distinct().count()
        == 112
    )
    assert set(User.objects.filter(is_staff=True).values_list("username", flat=True)) == {
        "city_sysadmin",
        "city_secadmin",
        "city_auditor",
    }
    assert list(User.objects.filter(is_superuser=True).values_list("username", flat=True)) == ["city_sysadmin"]
    # 三员分立: the security administrator and the auditor work through their groups' permissions.
    assert list(User.objects.get(username="city_secadmin").groups.values_list("name", flat=True)) == ["安全管理员"]
    assert list(User.objects.get(username="city_auditor").groups.values_list("name", flat=True)) == ["安全审计员"]
    assert User.objects.get(username="city_auditor").has_perm("core.view_auditlog")
    clerk = User.objects.get(username="tianyuan_songshan_clerk")
    assert clerk.check_password("Pingan@2022")
    assert User.objects.values("password").distinct().count() == 1  # hashed once for everyone
    assert clerk.jurisdiction_prefixes() == ["430211001"]


def test_a_year_of_disputes_tells_the_story(db):
    disputes = Case.objects.filter(kind=KIND)  # load_demo also loads incidents (pingan.demo.incidents)
    mediated_2022 = disputes.filter(resolved_at__year=2022, outcome__in=Outcome.values)
    total = mediated_2022.count()
    assert total == round(11841 * 0.02)
    success = mediated_2022.filter(outcome=Outcome.SUCCESS).count()
    assert success / total == pytest.approx(0.978, abs=0.01)
    assert disputes.filter(registered_at__year=2021).count() < disputes.filter(registered_at__year=2022).count()
    assert disputes.filter(closed_at__isnull=True).exists()
    # Routed as a registration at the township would be: to the township centre covering the community.
    for case in disputes.select_related("assigned_org__region", "region")[:50]:
        assert case.assigned_org.org_type == OrgType.CENTRE and case.assigned_org.region.level == RegionLevel.TOWNSHIP
        assert case.region.level == RegionLevel.COMMUNITY and case.region_code.startswith(
            case.assigned_org.region.prefix
        )


def test_statuses_agree_with_the_timeline(db):
    events = CaseEvent.objects.filter(case__kind=KIND)
    closed_events = set(events.filter(type=EventType.CLOSED).values_list("case_id", flat=True))
    for case in Case.objects.filter(kind=KIND):
        assert case.state_type == DISPUTE.state(case.status).type
        assert (case.status == DisputeState.CLOSED) == (case.id in closed_events)
        assert (case.on_time is not None) == (case.closed_at is not None)
        assert (case.closed_at is not None) == (case.state_type == StateType.CLOSED)
        if case.outcome:
            assert case.resolved_at is not None and case.resolved_by_id == case.assignee_id
    events = list(
        events.order_by("case_id", "created_at", "id").values(
            "case_id", "type", "from_status", "to_status", "created_at"
        )
    )
    previous = None
    for event in events:
        if previous and previous["case_id"] == event["case_id"]:
            assert event["created_at"] >= previous["created_at"]
            if event["from_status"]:
                assert event["from_status"] == previous["to_status"]
        previous = event
    sessions = MediationSession.objects.count()
    assert sessions == CaseEvent.objects.filter(type=EventType.SESSION_RECORDED).count()
    assert MediationResult.objects.count() == Case.objects.filter(kind=KIND).exclude(outcome="").count()


def test_parties_have_valid_identifiers(db):
    parties = list(Party.objects.all())
    assert parties
    for party in parties:
        if party.id_number:
            assert normalize_id_number(party.id_number) == party.id_number
        assert normalize_phone(party.phone) == party.phone


def test_case_numbers_continue_after_the_demo(db):
    case = Case.objects.filter(kind=KIND).order_by("registered_at").first()
    day = timezone.localdate(case.registered_at)
    sequence = CaseNumberSequence.objects.get(prefix="MJ", day=day)
    numbers = Case.objects.filter(number__startswith=f"MJ{day:%Y%m%d}-").values_list("number", flat=True)
    assert max(int(n[-4:]) for n in numbers) == sequence.last


def test_a_second_run_adds_nothing(db):
    counts = [
        Region.objects.count(),
        Organization.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        Case.objects.count(),
        CaseEvent.objects.count(),
    ]
    out = StringIO()
    call_command("load_demo", scale=0.02, stdout=out)
    assert "跳过" in out.getvalue()
    assert counts == [
        Region.objects.count(),
        Organization.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        Case.objects.count(),
        CaseEvent.objects.count(),
    ]
    assert DemoDataset.objects.filter(key__startswith="disputes-").count() == 2


def test_demo_accounts_lists_a_user_for_every_role(db):
    out = StringIO()
    call_command("demo_accounts", json=True, stdout=out)
    accounts = json.loads(out.getvalue())
    assert {a["role"] for a in accounts} == set(Role.values)
    assert set(accounts[0]) == {
        "username",
        "password",
        "role",
        "organization",
        "region",
        "level",
        "full_name",
        "role_label",
    }
    assert {a["level"] for a in accounts} == {"city", "county", "township", "community"}
    grid = next(a for a in accounts if a["role"] == Role.GRID_WORKER)
    assert Organization.objects.get(code=grid["organization"]).region.code == grid["region"]
    table = StringIO()
    call_command("demo_accounts", stdout=table)
    assert "tianyuan_songshan_mediator1" in table.getvalue() and "调解员" in table.getvalue()
