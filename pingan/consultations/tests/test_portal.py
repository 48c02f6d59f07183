"""The enterprise portal: 我要咨询 (registered through the workstation's intake account, the enterprise user
recorded as the one who asked), 我的咨询 with the answer, the rating that closes it; the portal API; an
enterprise sees only its own consultations."""

from __future__ import annotations

import pytest

from pingan.cases.models import Case
from pingan.cases.services import case_transition
from pingan.consultations.choices import ConsultChannel, ConsultEvent, ConsultState
from pingan.consultations.models import Consultation
from pingan.lawguard.models import ServiceRating

pytestmark = pytest.mark.django_db


def test_ask_read_the_answer_and_rate(client, lawguard_scene):
    client.force_login(lawguard_scene.portal_user)
    assert client.get("/qiye/consultations/new/").status_code == 200
    response = client.post(
        "/qiye/consultations/new/", {"question": "公司章程修改需要哪些程序?", "specialities": ["company"]}
    )
    case = Case.objects.get(kind="consult")
    assert response.status_code == 302 and response["Location"] == f"/qiye/consultations/{case.pk}/"
    consultation = Consultation.objects.get(pk=case.pk)
    assert (consultation.channel, consultation.asked_by) == (ConsultChannel.PORTAL, lawguard_scene.portal_user)
    assert case.channel == "online" and case.assigned_org == lawguard_scene.station_org
    assert case.created_by.username.startswith("portal-")  # the workstation's intake account, not the user
    asked = case.events.get(type=ConsultEvent.ASKED)
    assert asked.params["consult_asked_by"] == "钻石切削法务"
    case_transition(case=case, actor=lawguard_scene.staff, action="answer", data={"answer": "须经股东会特别决议。"})
    page = client.get(f"/qiye/consultations/{case.pk}/").content.decode()
    assert "须经股东会特别决议。" in page and "评价本次答复" in page
    assert "公司章程修改需要哪些程序" in client.get("/qiye/consultations/").content.decode()
    response = client.post(f"/qiye/consultations/{case.pk}/", {"score": "4", "comment": "答复及时"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == ConsultState.CLOSED
    rating = ServiceRating.objects.get(case=case)
    assert (rating.score, rating.rated_by) == (4, lawguard_scene.portal_user)


def test_an_enterprise_sees_only_its_own(client, api, lawguard_scene, ask):
    case = ask()
    client.force_login(lawguard_scene.other_user)
    assert client.get(f"/qiye/consultations/{case.pk}/").status_code == 404
    assert case.number not in client.get("/qiye/consultations/").content.decode()
    assert api(lawguard_scene.other_user).get("/api/v1/portal/consultations/").json() == []
    own = api(lawguard_scene.portal_user).get("/api/v1/portal/consultations/").json()
    assert [row["number"] for row in own] == [case.number]


def test_portal_api_asks_and_is_for_enterprises_only(api, lawguard_scene, people):
    response = api(lawguard_scene.portal_user).post(
        "/api/v1/portal/consultations/", {"question": "劳动合同到期不续签要补偿吗?", "urgent": True}, format="json"
    )
    assert response.status_code == 201, response.json()
    case = Case.objects.get(pk=response.json()["id"])
    assert case.urgency == "urgent" and case.consultation.asked_by == lawguard_scene.portal_user
    assert api(people.clerk).get("/api/v1/portal/consultations/").status_code == 403
    assert api(lawguard_scene.portal_user).get("/api/v1/consultations/").status_code == 403
    # An enterprise without a workstation cannot file through the portal (no intake account).
    refused = api(lawguard_scene.other_user).post("/api/v1/portal/consultations/", {"question": "问题"}, format="json")
    assert refused.status_code == 400 and "尚无服务工作站" in refused.json()["error"]["message"]


def test_staff_pages_are_closed_to_enterprise_users(client, lawguard_scene):
    client.force_login(lawguard_scene.portal_user)
    assert client.get("/consultations/").status_code == 403


def test_portal_pages_are_closed_to_staff(client, people):
    client.force_login(people.clerk)
    assert client.get("/qiye/consultations/").status_code == 403
    assert client.get("/qiye/consultations/new/").status_code == 403
