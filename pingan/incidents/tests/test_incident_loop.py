"""The incident kind: a grid worker's report lands in its grid and centre with the category's clock, and
follows the 数字城管 loop 信息收集 → 立案 → 派遣 → 处置 → 反馈 → 核查结案 → 综合评价."""

from __future__ import annotations

import pytest
from django.utils import timezone

from pingan.cases.choices import Channel, ClockUnit, EventType, StateType, Urgency
from pingan.cases.models import Attachment, Case, CaseEvent
from pingan.cases.services import case_transition
from pingan.core.errors import ApplicationError, ConflictError, TransitionNotAllowed
from pingan.incidents.choices import IncidentEvent
from pingan.incidents.choices import IncidentState as S
from pingan.incidents.services import incident_feed_back, incident_report, incident_to_dispute

from .conftest import JPEG


def report(actor, **kwargs):
    values = {"category": "inc_municipal", "description": "井盖破损,行人易踩空。", "lng": 113.09, "lat": 27.80}
    return incident_report(actor=actor, **(values | kwargs))


# --- 信息收集 --------------------------------------------------------------------------------------


def test_a_grid_workers_report_lands_in_its_grid_and_centre(incident, grids, zhuzhou):
    assert incident.kind == "incident" and incident.number.startswith("SJ")
    assert incident.region == grids.taishan_1
    assert incident.assigned_org == zhuzhou.taishan_centre
    assert incident.status == S.REPORTED and incident.channel == Channel.GRID
    assert (float(incident.lng), float(incident.lat)) == (113.09, 27.80)
    assert incident.title.startswith("市政设施:泰山路与长江路口井盖破损")


def test_the_category_sets_the_clock(grids):
    municipal = report(grids.worker)
    assert (municipal.urgency, municipal.sla_amount, municipal.sla_unit) == (Urgency.NORMAL, 5, ClockUnit.WORKING_DAYS)
    fire = report(grids.worker, category="inc_fire", description="楼道堆放杂物堵塞消防通道。")
    assert (fire.urgency, fire.sla_amount, fire.sla_unit) == (Urgency.URGENT, 4, ClockUnit.WORKING_HOURS)
    calm_fire = report(grids.worker, category="inc_fire", description="灭火器过期。", urgency=Urgency.NORMAL)
    assert (calm_fire.sla_amount, calm_fire.sla_unit) == (1, ClockUnit.WORKING_DAYS)


def test_a_phone_map_position_in_gcj02_is_stored_as_wgs84(grids):
    case = report(grids.worker, lng=113.095, lat=27.797, coord_system="gcj02")
    assert case.region == grids.taishan_1
    assert float(case.lng) < 113.095 and float(case.lat) > 27.797 - 0.01  # shifted back by a few hundred metres


def test_the_grid_picked_by_hand_stands_in_for_a_position(grids):
    case = report(grids.worker, lng=None, lat=None, region=grids.taishan_2)
    assert case.region == grids.taishan_2 and case.lat is None


def test_a_point_outside_every_grid_is_refused_and_nothing_is_written(grids):
    with pytest.raises(ApplicationError) as refused:
        report(grids.worker, lng=112.0, lat=26.0)
    assert "location" in refused.value.fields
    assert not Case.objects.exists()


def test_a_grid_worker_cannot_report_in_another_district(grids):
    with pytest.raises(ApplicationError):
        report(grids.hetang_worker)
    assert not Case.objects.exists()


def test_photos_that_are_not_images_refuse_the_report_and_nothing_is_written(grids, photo, settings):
    with pytest.raises(ApplicationError) as refused:
        report(grids.worker, photos=[photo(), photo("合同.pdf", b"%PDF-1.4", "application/pdf")])
    assert refused.value.code == "not_an_image" and "合同.pdf" in refused.value.message
    with pytest.raises(ApplicationError) as disguised:
        report(grids.worker, photos=[photo("伪装.jpg", b"MZ\x90\x00 not a jpeg", "image/jpeg")])
    assert disguised.value.code == "file_content"
    settings.PINGAN_ATTACHMENT_MAX_BYTES = 1024
    with pytest.raises(ApplicationError) as too_large:
        report(grids.worker, photos=[photo("大图.jpg", JPEG + b"\x00" * 2048, "image/jpeg")])
    assert too_large.value.code == "file_too_large"
    assert not Case.objects.exists() and not Attachment.objects.exists()
    assert not settings.MEDIA_ROOT.exists() or not any(p.is_file() for p in settings.MEDIA_ROOT.rglob("*"))


def test_photos_are_attached_to_the_report(grids, photo):
    case = report(grids.worker, photos=[photo(), photo("近景.jpg", JPEG, "image/jpeg")])
    assert sorted(case.attachments.values_list("original_name", flat=True)) == ["现场.png", "近景.jpg"]


def test_a_draft_sent_twice_is_one_incident(grids):
    first = report(grids.worker, client_ref="draft-7f3a")
    again = report(grids.worker, client_ref="draft-7f3a")
    assert again.pk == first.pk and Case.objects.count() == 1


def test_a_patrol_finding_opens_one_case_at_its_position(grids):
    from pingan.gridwork.choices import PatrolKind
    from pingan.gridwork.models import Patrol, PatrolFinding

    patrol = Patrol.objects.create(
        kind=PatrolKind.NIGHT_PATROL, grid=grids.taishan_1, planned_for=timezone.now(), created_by=grids.worker
    )
    finding = PatrolFinding.objects.create(patrol=patrol, description="路灯不亮", lng=113.095, lat=27.81)
    case = report(grids.worker, lng=None, lat=None, description="路灯不亮", source_patrol_finding=finding)
    finding.refresh_from_db()
    assert finding.case == case and case.region == grids.taishan_1
    with pytest.raises(ConflictError):
        report(grids.worker, description="路灯不亮", source_patrol_finding=finding)


# --- the loop --------------------------------------------------------------------------------------


def events_of(case) -> list[str]:
    return list(CaseEvent.objects.filter(case=case).order_by("created_at", "id").values_list("type", flat=True))


def test_the_loop_from_report_to_evaluation(incident, people, zhuzhou, squad, officer, photo):
    # 立案: the township centre above the community files it and takes it over to dispatch it.
    case = case_transition(case=incident, actor=people.clerk, action="file")
    assert case.status == S.FILED and case.assigned_org == zhuzhou.songshan_centre and case.accepted_at
    # 派遣 to the 城管 squad, with the category's deadline stated.
    case = case_transition(case=case, actor=people.clerk, action="dispatch", data={"to_org": squad.code})
    assert case.status == S.DISPATCHED and case.assigned_org == squad
    assert CaseEvent.objects.get(case=case, type=EventType.DISPATCHED).params["deadline"]
    # 处置 and 反馈 with a photo of the result.
    case = case_transition(case=case, actor=officer, action="accept")
    assert case.status == S.HANDLING and case.assignee == officer
    case = incident_feed_back(case=case, actor=officer, result="已更换井盖。", photos=[photo("更换后.jpg", JPEG)])
    assert case.status == S.FED_BACK and case.state_type == StateType.RESOLVED and case.resolved_by == officer
    assert case.attachments.filter(original_name="更换后.jpg", uploaded_by=officer).exists()
    # 核查: not good enough, back to 处置 (rework); then passed and closed.
    case = case_transition(
        case=case, actor=people.head, action="verify", data={"passed": False, "comment": "井盖未固定"}
    )
    assert case.status == S.HANDLING and case.rework_count == 1 and case.resolved_at is None
    case = incident_feed_back(case=case, actor=officer, result="已加装固定螺栓。")
    case = case_transition(case=case, actor=people.head, action="verify", data={"passed": True})
    assert case.status == S.CLOSED and case.closed_at and case.on_time is True
    # 综合评价.
    case = case_transition(case=case, actor=people.clerk, action="evaluate", data={"satisfaction": "satisfied"})
    assert case.status == S.EVALUATED and case.satisfaction == "satisfied" and case.state_type == StateType.CLOSED
    assert events_of(case) == [
        EventType.REGISTERED,
        EventType.ROUTED,
        IncidentEvent.FILED,
        EventType.DISPATCHED,
        EventType.ACCEPTED,
        IncidentEvent.FED_BACK,
        EventType.ATTACHMENT_ADDED,
        EventType.REWORK,
        IncidentEvent.FED_BACK,
        EventType.VERIFIED,
        IncidentEvent.EVALUATED,
    ]


def test_the_grid_worker_reports_but_does_not_file(incident, grids):
    with pytest.raises(TransitionNotAllowed):
        case_transition(case=incident, actor=grids.worker, action="file")


def test_the_handler_never_verifies_their_own_work(incident, people, zhuzhou, squad, officer):
    from pingan.accounts.choices import Role
    from pingan.accounts.models import Membership

    Membership.objects.create(user=officer, organization=zhuzhou.songshan_centre, role=Role.CENTRE_STAFF)
    case = case_transition(case=incident, actor=people.clerk, action="file")
    case = case_transition(case=case, actor=people.clerk, action="dispatch", data={"to_org": squad.code})
    case = case_transition(case=case, actor=officer, action="accept")
    case = incident_feed_back(case=case, actor=officer, result="已处理。")
    with pytest.raises(TransitionNotAllowed):
        case_transition(case=case, actor=officer, action="verify", data={"passed": True})


def test_dispatch_goes_only_inside_the_centres_jurisdiction(incident, people, zhuzhou):
    case = case_transition(case=incident, actor=people.clerk, action="file")
    with pytest.raises(ApplicationError):
        case_transition(case=case, actor=people.clerk, action="dispatch", data={"to_org": zhuzhou.hetang_centre.code})
    assert Case.objects.get(pk=case.pk).status == S.FILED


def test_not_filed_counts_as_closed_not_as_resolved(incident, people):
    with pytest.raises(ApplicationError):
        case_transition(case=incident, actor=people.clerk, action="reject")  # a reason is required
    case = case_transition(case=incident, actor=people.clerk, action="reject", data={"comment": "已由物业自行修复"})
    assert case.status == S.REJECTED and case.state_type == StateType.CLOSED and case.closed_at
    assert case.resolved_at is None and case.outcome == ""
    assert events_of(case)[-1] == IncidentEvent.NOT_FILED


# --- 矛盾纠纷线索 → 矛盾纠纷 ------------------------------------------------------------------------


@pytest.fixture
def lead(grids):
    return report(grids.worker, category="inc_dispute_lead", description="两户邻居因楼道堆物争吵,情绪激动。")


def test_a_dispute_lead_becomes_a_dispute_case_in_one_step(lead, grids, zhuzhou):
    dispute = incident_to_dispute(
        case=lead,
        actor=grids.worker,
        dispute_category="neighbour",
        parties=[{"name": "张三", "role": "applicant", "phone": "13800138000"}, {"name": "李四", "role": "respondent"}],
    )
    lead.refresh_from_db()
    assert dispute.kind == "dispute" and dispute.parent == lead and dispute.number.startswith("MJ")
    assert dispute.region == grids.taishan_1 and dispute.category.code == "neighbour"
    assert list(dispute.parties.values_list("name", flat=True)) == ["张三", "李四"]
    assert lead.status == S.TRANSFERRED and lead.closed_at and lead.outcome == ""
    converted = CaseEvent.objects.get(case=lead, type=IncidentEvent.CONVERTED)
    assert converted.params["child_number"] == dispute.number


def test_converting_needs_a_party_and_a_valid_phone(lead, grids):
    with pytest.raises(ApplicationError) as no_party:
        incident_to_dispute(case=lead, actor=grids.worker, dispute_category="neighbour", parties=[])
    assert "applicant_name" in no_party.value.fields
    with pytest.raises(ApplicationError) as bad_phone:
        incident_to_dispute(
            case=lead, actor=grids.worker, dispute_category="neighbour", parties=[{"name": "张三", "phone": "123"}]
        )
    assert "parties[0].phone" in bad_phone.value.fields
    lead.refresh_from_db()
    assert lead.status == S.REPORTED and not lead.children.exists()


def test_only_a_dispute_lead_can_be_converted(incident, grids):
    with pytest.raises(TransitionNotAllowed):
        incident_to_dispute(case=incident, actor=grids.worker, dispute_category="neighbour", parties=[{"name": "张三"}])


def test_someone_without_a_post_cannot_report(grids):
    from conftest import make_user

    nobody = make_user("no_role", "无岗位")
    with pytest.raises(ApplicationError):
        report(nobody)
