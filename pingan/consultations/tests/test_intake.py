"""The 12345 hotline intake: the operator's page, the engine's intake (`POST /api/v1/cases/`, kind consult)
and answering through the engine's transitions API; the kind's intake check."""

from __future__ import annotations

import pytest

from pingan.cases.choices import Channel, PartyRole, Urgency
from pingan.cases.models import Case
from pingan.consultations.choices import ConsultChannel, ConsultState
from pingan.consultations.models import Consultation
from pingan.lawguard.choices import ProviderRole
from pingan.lawguard.models import ServiceLink

pytestmark = pytest.mark.django_db

HOTLINE = "/consultations/hotline/"


def _hotline(lawguard_scene, **changes):
    data = {
        "ticket_number": "ZZ12345-20261118-0042",
        "caller_name": "李明",
        "caller_phone": "13973300042",
        "enterprise": lawguard_scene.enterprise.credit_code,
        "urgent": "on",
        "question": "员工试用期内被辞退,企业需要支付经济补偿吗?",
        "specialities": ["labour"],
    }
    data.update(changes)
    return data


def test_the_operator_registers_a_call_routed_to_the_workstation(client, lawguard_scene, operator):
    client.force_login(operator)
    assert client.get(HOTLINE).status_code == 200
    response = client.post(HOTLINE, _hotline(lawguard_scene))
    case = Case.objects.get(kind="consult")
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    consultation = Consultation.objects.get(pk=case.pk)
    assert (case.channel, case.urgency, case.assigned_org) == (
        Channel.PHONE,
        Urgency.URGENT,
        lawguard_scene.station_org,
    )
    assert (consultation.channel, consultation.ticket_number) == (ConsultChannel.HOTLINE, "ZZ12345-20261118-0042")
    caller = case.parties.get(role=PartyRole.REPORTER)
    assert caller.phone == "13973300042" and caller.masked["phone"] != caller.phone
    detail = client.get(f"/cases/{case.pk}/").content.decode()
    assert "ZZ12345-20261118-0042" in detail and "13973300042" not in detail and "咨询问题" in detail


def test_a_difficult_call_goes_to_the_expert_team(client, lawguard_scene, operator):
    client.force_login(operator)
    client.post(HOTLINE, _hotline(lawguard_scene, difficult="on", enterprise=lawguard_scene.enterprise.name))
    assert Case.objects.get(kind="consult").assigned_org == lawguard_scene.team_org


def test_the_page_refuses_an_unknown_enterprise_and_a_missing_ticket(client, lawguard_scene, operator):
    client.force_login(operator)
    response = client.post(HOTLINE, _hotline(lawguard_scene, enterprise="不存在的公司"))
    assert response.status_code == 400
    assert "未找到企业“不存在的公司”,或该企业不在您的辖区内" in response.content.decode()
    response = client.post(HOTLINE, _hotline(lawguard_scene, ticket_number=""))
    assert response.status_code == 400 and not Case.objects.exists()


def _api_call(lawguard_scene, **changes):
    data = {
        "kind": "consult",
        "category": "consult_general",
        "title": "12345 来电:试用期辞退",
        "description": "员工试用期内被辞退,企业需要支付经济补偿吗?",
        "channel": "phone",
        "urgency": "urgent",
        "region": lawguard_scene.enterprise.region_code,
        "parties": [
            {"name": lawguard_scene.enterprise.credit_code, "party_type": "organization", "role": "applicant"},
            {"name": "李明", "phone": "13973300042", "role": "reporter"},
        ],
    }
    data.update(changes)
    return data


def test_the_engine_intake_registers_a_consultation(api, lawguard_scene, operator):
    response = api(operator).post("/api/v1/cases/", _api_call(lawguard_scene), format="json")
    assert response.status_code == 201, response.json()
    case = Case.objects.get(pk=response.json()["id"])
    consultation = Consultation.objects.get(pk=case.pk)
    assert consultation.enterprise == lawguard_scene.enterprise
    assert consultation.channel == ConsultChannel.HOTLINE
    assert case.assigned_org == lawguard_scene.station_org
    assert ServiceLink.objects.filter(case=case, enterprise=lawguard_scene.enterprise).exists()
    detail = api(operator).get(f"/api/v1/cases/{case.pk}/").json()
    assert detail["consultation"]["enterprise"]["name"] == lawguard_scene.enterprise.name
    assert detail["consultation"]["answer_deadline"]


def test_the_engine_intake_refuses_a_consult_without_an_enterprise(api, lawguard_scene, operator):
    response = api(operator).post(
        "/api/v1/cases/", _api_call(lawguard_scene, parties=[{"name": "李明", "role": "reporter"}]), format="json"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["message"].startswith("法律咨询须指明咨询企业")
    assert not Case.objects.exists()


def test_answering_through_the_transitions_api(api, lawguard_scene, operator):
    case_id = api(operator).post("/api/v1/cases/", _api_call(lawguard_scene), format="json").json()["id"]
    staff = api(lawguard_scene.staff)
    detail = staff.get(f"/api/v1/cases/{case_id}/").json()
    assert {"answer", "escalate", "request_info"} <= set(detail["allowed_actions"])
    early = staff.post(f"/api/v1/cases/{case_id}/transitions/", {"action": "close"}, format="json")
    assert early.status_code == 409
    assert early.json()["error"]["message"] == "案件当前状态为“待答复”,不能执行“办结”"
    answered = staff.post(
        f"/api/v1/cases/{case_id}/transitions/",
        {"action": "answer", "answer": "试用期内不符合录用条件解除的,无需支付经济补偿。", "answered_role": "lawyer"},
        format="json",
    )
    assert answered.status_code == 200, answered.json()
    assert answered.json()["status"] == ConsultState.ANSWERED
    assert answered.json()["consultation"]["answered_role"] == ProviderRole.LAWYER
    again = staff.post(f"/api/v1/cases/{case_id}/transitions/", {"action": "answer", "answer": "x"}, format="json")
    assert again.status_code == 409
