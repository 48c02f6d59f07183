"""The consultation's workflow: registration (routing, parties, link), every transition, and the refusals
(409 with the reason in Chinese)."""

from __future__ import annotations

import pytest

from pingan.cases.choices import EventType, PartyRole, PartyType
from pingan.cases.services import case_transition
from pingan.consultations.choices import ConsultChannel, ConsultEvent, ConsultState
from pingan.consultations.models import Consultation
from pingan.core.errors import ApplicationError, ConflictError, TransitionNotAllowed
from pingan.lawguard.choices import LinkRelation, ProviderRole
from pingan.lawguard.models import ServiceLink, ServiceRating

pytestmark = pytest.mark.django_db


def test_registration_routes_to_the_workstation_with_the_enterprise_as_party(lawguard_scene, ask):
    case = ask()
    assert case.number.startswith("ZX") and case.status == ConsultState.PENDING
    assert case.assigned_org == lawguard_scene.station_org
    assert case.channel == "visit" and case.region == lawguard_scene.enterprise.region
    party = case.parties.get()
    assert (party.name, party.party_type, party.role) == (
        lawguard_scene.enterprise.name,
        PartyType.ORGANIZATION,
        PartyRole.APPLICANT,
    )
    consultation = Consultation.objects.get(pk=case.pk)
    assert consultation.enterprise == lawguard_scene.enterprise
    assert consultation.specialities == ["ip", "contract"]
    link = ServiceLink.objects.get(case=case)
    assert (link.relation, link.workstation) == (LinkRelation.CONSULTATION, lawguard_scene.station)


def test_difficult_or_stationless_questions_go_to_the_expert_team(lawguard_scene, ask, operator):
    assert ask(difficult=True).assigned_org == lawguard_scene.team_org
    other = ask(actor=operator, enterprise=lawguard_scene.other)  # 荷塘机电 has no workstation
    assert other.assigned_org == lawguard_scene.team_org


def test_hand_to_a_role_holder_who_answers_in_that_role(lawguard_scene, ask, guards):
    case = ask()
    case = case_transition(case=case, actor=lawguard_scene.staff, action="hand_to_guard", data={"role": "judge"})
    assert case.assignee == guards.judge and case.status == ConsultState.PENDING
    assert case.events.filter(type=ConsultEvent.HANDED).exists()
    # The judge answers as the assignee; the role defaults from the judge's GuardAssignment.
    case = case_transition(
        case=case, actor=guards.judge, action="answer", data={"answer": "可依据商标法第五十七条主张侵权。"}
    )
    consultation = Consultation.objects.get(pk=case.pk)
    assert case.status == ConsultState.ANSWERED
    assert (consultation.answered_by, consultation.answered_role) == (guards.judge, ProviderRole.JUDGE)
    link = ServiceLink.objects.get(case=case)
    assert (link.provider_role, link.provider_name) == (ProviderRole.JUDGE, "周法官")
    assert case.assigned_org == lawguard_scene.station_org


def test_hand_to_a_role_without_an_account_is_refused(lawguard_scene, ask, guards):
    case = ask()
    with pytest.raises(ApplicationError) as refused:
        case_transition(case=case, actor=lawguard_scene.staff, action="hand_to_guard", data={"role": "police"})
    assert refused.value.fields == {"role": ["该企业当前没有在岗的警官,或其未开通系统账号"]}


def test_hand_to_guard_needs_accounts(lawguard_scene, ask):
    with pytest.raises(TransitionNotAllowed) as refused:
        case_transition(case=ask(), actor=lawguard_scene.staff, action="hand_to_guard", data={"role": "judge"})
    assert refused.value.message == "该企业的三官一律尚未开通系统账号,不能转交"


def test_escalation_to_an_expert_and_the_experts_answer(lawguard_scene, ask):
    case = ask()
    case = case_transition(
        case=case,
        actor=lawguard_scene.staff,
        action="escalate",
        data={"expert": lawguard_scene.expert.pk, "comment": "涉及商标许可的疑难问题"},
    )
    assert case.status == ConsultState.CONSULTING
    assert (case.assigned_org, case.assignee) == (lawguard_scene.team_org, lawguard_scene.expert_user)
    assert Consultation.objects.get(pk=case.pk).escalated_to == lawguard_scene.expert
    event = case.events.get(type=ConsultEvent.ESCALATED)
    assert event.params["consult_expert"] == "何教授"
    case = case_transition(
        case=case, actor=lawguard_scene.expert_user, action="answer", data={"answer": "建议发函并起诉。"}
    )
    consultation = Consultation.objects.get(pk=case.pk)
    assert consultation.answered_role == ProviderRole.EXPERT
    assert ServiceLink.objects.get(case=case).provider_role == ProviderRole.EXPERT


def test_staff_must_pick_the_role_they_answer_in(lawguard_scene, ask):
    case = ask()
    case = case_transition(
        case=case, actor=lawguard_scene.staff, action="answer", data={"answer": "答复内容", "answered_role": "lawyer"}
    )
    assert Consultation.objects.get(pk=case.pk).answered_role == ProviderRole.LAWYER


def test_staff_without_a_post_answers_as_staff_by_default(lawguard_scene, ask):
    case = case_transition(case=ask(), actor=lawguard_scene.staff, action="answer", data={"answer": "答复内容"})
    assert Consultation.objects.get(pk=case.pk).answered_role == ProviderRole.STAFF


def test_request_info_pauses_and_supplied_resumes(lawguard_scene, ask):
    case = ask()
    case = case_transition(
        case=case, actor=lawguard_scene.staff, action="request_info", data={"comment": "请补充合同文本"}
    )
    assert case.status == ConsultState.SUPPLEMENT and case.paused_at is not None
    assert {clock.name: clock.state for clock in case.clocks.all()} == {"handling": "paused", "answer": "paused"}
    with pytest.raises(TransitionNotAllowed) as refused:
        case_transition(case=case, actor=lawguard_scene.staff, action="answer", data={"answer": "x"})
    assert refused.value.message == "案件当前状态为“退回补充”,不能执行“答复”"
    case = case_transition(case=case, actor=lawguard_scene.staff, action="supplied", data={})
    assert case.status == ConsultState.PENDING and case.paused_at is None
    assert case.events.filter(type=EventType.RESUMED).exists()


def test_close_with_the_enterprises_rating(lawguard_scene, ask):
    case = case_transition(case=ask(), actor=lawguard_scene.staff, action="answer", data={"answer": "答复"})
    with pytest.raises(TransitionNotAllowed):
        case_transition(case=ask(), actor=lawguard_scene.staff, action="close", data={})
    case = case_transition(case=case, actor=lawguard_scene.staff, action="close", data={"score": "5"})
    assert case.status == ConsultState.CLOSED and case.closed_at is not None and case.on_time is True
    assert ServiceRating.objects.get(case=case).score == 5


def test_outsiders_are_refused(lawguard_scene, ask, people):
    case = ask()
    with pytest.raises(TransitionNotAllowed) as refused:
        case_transition(case=case, actor=people.justice, action="answer", data={"answer": "x"})
    assert refused.value.message == "您没有对本案件执行“答复”的权限"


def test_a_ticket_is_registered_once(lawguard_scene, ask, operator):
    ask(actor=operator, channel=ConsultChannel.HOTLINE, ticket_number="ZZ12345-20261118-0001")
    with pytest.raises(ConflictError) as refused:
        ask(actor=operator, channel=ConsultChannel.HOTLINE, ticket_number="ZZ12345-20261118-0001")
    assert refused.value.fields == {"ticket_number": ["工单号“ZZ12345-20261118-0001”已登记,请勿重复登记"]}


def test_autoclose_after_the_rating_window(lawguard_scene, ask):
    import datetime

    import time_machine
    from django.utils import timezone

    from pingan.consultations.services import consultations_autoclose

    case = case_transition(case=ask(), actor=lawguard_scene.staff, action="answer", data={"answer": "答复"})
    assert consultations_autoclose() == 0
    with time_machine.travel(timezone.now() + datetime.timedelta(days=12)):
        assert consultations_autoclose() == 1
    case.refresh_from_db()
    assert case.status == ConsultState.CLOSED


def test_the_autoclose_command(lawguard_scene, ask):
    import datetime
    import io

    import time_machine
    from django.core.management import call_command
    from django.utils import timezone

    case = case_transition(case=ask(), actor=lawguard_scene.staff, action="answer", data={"answer": "答复"})
    out = io.StringIO()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=12)):
        call_command("consult_autoclose", "--now", stdout=out)
    assert out.getvalue().strip() == "consult_autoclose: 1"
    case.refresh_from_db()
    assert case.status == ConsultState.CLOSED
    assert case.events.filter(type=ConsultEvent.CLOSED, comment__contains="自动办结").exists()


def test_experts_are_ranked_by_the_questions_specialities(lawguard_scene, ask):
    from pingan.cases.forms import action_form
    from pingan.consultations.selectors import experts_for_question
    from pingan.consultations.workflow import CONSULT

    assert [r.expert.name for r in experts_for_question(["labour"])] == ["邓律师", "何教授"]
    assert [(r.expert.name, r.matched) for r in experts_for_question(["ip", "contract"])] == [
        ("何教授", 2),
        ("邓律师", 0),
    ]
    case = ask(specialities=["labour"])
    case.refresh_from_db()
    form = action_form(CONSULT.transition("escalate"), case)
    labels = [label for _value, label in form.fields["expert"].choices]
    assert labels[0].startswith("邓律师") and "匹配 1 项" in labels[0]
