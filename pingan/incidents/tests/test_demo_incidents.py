"""The demo incidents (pingan.demo.incidents) on the test scene's grids: located in their grids, routed
and dispatched as the services would, timelines that follow the workflow, loaded once."""

from __future__ import annotations

import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine

from conftest import make_org
from pingan.cases.choices import EventType, StateType
from pingan.cases.models import Case, CaseEvent
from pingan.cases.workflows import get
from pingan.demo import incidents as demo
from pingan.geo.locator import locate_many
from pingan.incidents.choices import KIND
from pingan.incidents.choices import IncidentState as S
from pingan.regions.choices import OrgType

TODAY = datetime.date(2026, 11, 30)
CUTOFF = datetime.datetime(2026, 11, 30, tzinfo=ZoneInfo("Asia/Shanghai"))  # the recent months run up to here


@pytest.fixture
def demo_orgs(zhuzhou):
    """The scene's centres and departments under the demo's organisation codes (ZZZX-…, PCS-…)."""
    s = zhuzhou
    for code, name, org_type, region in (
        ("ZZZX-430211004001", "泰山社区综治中心(演示)", OrgType.CENTRE, s.taishan),
        ("ZZZX-430211004", "嵩山路街道综治中心(演示)", OrgType.CENTRE, s.songshan),
        ("PCS-430211004", "嵩山路派出所", OrgType.POLICE, s.songshan),
        ("TWH-430211004", "嵩山路街道人民调解委员会(演示)", OrgType.MEDIATION_COMMITTEE, s.songshan),
        ("SFS-430211004", "嵩山路司法所(演示)", OrgType.JUSTICE, s.songshan),
        ("GA-430211", "株洲市公安局天元分局", OrgType.POLICE, s.tianyuan),
        ("ZJJ-430211", "天元区住房和城乡建设局", OrgType.HOUSING, s.tianyuan),
        ("ZZZX-430202001", "月塘街道综治中心(演示)", OrgType.CENTRE, s.yuetang),
        ("PCS-430202001", "月塘派出所", OrgType.POLICE, s.yuetang),
        ("TWH-430202001", "月塘街道人民调解委员会", OrgType.MEDIATION_COMMITTEE, s.yuetang),
        ("GA-430202", "株洲市公安局荷塘分局", OrgType.POLICE, s.hetang),
        ("ZJJ-430202", "荷塘区住房和城乡建设局", OrgType.HOUSING, s.hetang),
    ):
        make_org(code, name, org_type, region)


@pytest.fixture
def loaded(grids, demo_orgs, monkeypatch):
    monkeypatch.setattr(demo, "INCIDENTS_YEAR", 150)
    monkeypatch.setattr(demo, "RECENT", 60)
    monkeypatch.setattr(demo, "NEWEST", 20)
    out = StringIO()
    with time_machine.travel(CUTOFF + datetime.timedelta(hours=9)):
        demo.load_incidents(stdout=out, seed=2022, today=TODAY)
    return out.getvalue()


def test_incidents_lie_in_the_grid_their_point_is_in(loaded):
    incidents = list(Case.objects.filter(kind=KIND).values_list("region_code", "lng", "lat"))
    assert len(incidents) >= 150 + 60 + 20 - 2  # a point or two may fall outside every grid of the scene
    located = locate_many([float(lng) for _c, lng, _l in incidents], [float(lat) for _c, _g, lat in incidents])
    assert located == [code for code, _lng, _lat in incidents]


def test_incidents_go_to_the_grids_centre_and_are_dispatched_by_category(loaded, grids):
    taishan = CaseEvent.objects.filter(case__region_code=grids.taishan_1.code, type=EventType.ROUTED)
    assert set(taishan.values_list("params__to_org", flat=True)) == {"ZZZX-430211004001"}
    dispatched = CaseEvent.objects.filter(type=EventType.DISPATCHED, case__category__code="inc_public_security")
    assert set(dispatched.values_list("params__to_org", flat=True)) <= {"PCS-430211004", "PCS-430202001"}
    # Dispute leads go to the 司法所 (月塘 has none in the scene: its 派出所), never to a mediation committee.
    leads = CaseEvent.objects.filter(type=EventType.DISPATCHED, case__category__code="inc_dispute_lead")
    assert set(leads.values_list("params__to_org", flat=True)) == {"SFS-430211004", "PCS-430202001"}
    assert not Case.objects.filter(kind=KIND, assigned_org__org_type=OrgType.MEDIATION_COMMITTEE).exists()


def test_the_year_is_closed_and_the_recent_months_are_open_only_at_their_end(loaded):
    year = Case.objects.filter(kind=KIND, registered_at__year=2022)
    assert year.count() == 150 and not year.filter(closed_at__isnull=True).exists()
    assert year.filter(status=S.EVALUATED).count() > year.count() / 2
    recent = Case.objects.filter(kind=KIND, registered_at__gte=CUTOFF - datetime.timedelta(days=365))
    assert recent.count() == Case.objects.filter(kind=KIND).count() - 150
    still_open = recent.filter(closed_at__isnull=True)
    assert {S.REPORTED, S.HANDLING} <= set(still_open.values_list("status", flat=True))
    assert not still_open.filter(registered_at__lt=CUTOFF - datetime.timedelta(days=8)).exists()
    assert recent.filter(closed_at__isnull=False).count() > still_open.count()
    assert not CaseEvent.objects.filter(created_at__gte=CUTOFF).exists()


def test_each_timeline_follows_the_workflow(loaded):
    workflow = get(KIND)
    for case in Case.objects.filter(kind=KIND).prefetch_related("events"):
        events = sorted(case.events.all(), key=lambda e: (e.created_at, e.id))
        assert [e.type for e in events[:2]] == [EventType.REGISTERED, EventType.ROUTED]
        for before, after in zip(events, events[1:], strict=False):
            assert after.from_status == before.to_status and after.created_at >= before.created_at
        assert events[-1].to_status == case.status
        assert case.state_type == workflow.state(case.status).type
        assert (case.closed_at is not None) == (case.state_type == StateType.CLOSED)
        if case.closed_at:
            assert case.on_time == (case.closed_at <= case.deadline)


def test_loading_twice_adds_nothing(loaded):
    before = Case.objects.count()
    out = StringIO()
    demo.load_incidents(stdout=out, seed=2022, today=TODAY)
    assert Case.objects.count() == before and "已存在" in out.getvalue()
    assert f"网格事件 {before} 件" in loaded
