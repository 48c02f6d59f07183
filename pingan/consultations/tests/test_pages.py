"""The register page and its API (one filter), the workbench's 待答复咨询, the detail page's panels, the
page's query count, and jurisdiction (out of it: nothing listed, 404)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pingan.cases.choices import Urgency
from pingan.cases.services import case_transition
from pingan.consultations.choices import ConsultChannel

pytestmark = pytest.mark.django_db


def test_the_register_filters_and_my_queue(client, api, lawguard_scene, ask, guards):
    handed = ask()
    case_transition(case=handed, actor=lawguard_scene.staff, action="hand_to_guard", data={"role": "lawyer"})
    answered = ask(question="合同违约金过高可以请求调整吗?")
    case_transition(
        case=answered, actor=lawguard_scene.staff, action="answer", data={"answer": "可以。", "answered_role": "judge"}
    )
    client.force_login(guards.lawyer)
    page = client.get("/consultations/?mine=true").content.decode()
    assert handed.number in page and answered.number not in page
    client.force_login(lawguard_scene.staff)
    assert answered.number in client.get("/consultations/?role=judge").content.decode()
    assert handed.number not in client.get("/consultations/?role=judge").content.decode()
    awaiting = api(lawguard_scene.staff).get("/api/v1/consultations/?awaiting=true").json()
    assert [row["number"] for row in awaiting["results"]] == [handed.number]
    bad = api(lawguard_scene.staff).get("/api/v1/consultations/?channel=fax")
    assert bad.status_code == 400
    code = lawguard_scene.station_org.code
    assert api(lawguard_scene.staff).get(f"/api/v1/consultations/?workstation={code}").json()["count"] == 2


def test_the_register_page_takes_a_fixed_number_of_queries(client, lawguard_scene, ask, operator):
    client.force_login(lawguard_scene.staff)
    ask()
    with CaptureQueriesContext(connection) as one:
        assert client.get("/consultations/").status_code == 200
    for number in range(5):
        ask(actor=operator, channel=ConsultChannel.HOTLINE, ticket_number=f"T-{number}", urgency=Urgency.URGENT)
    with CaptureQueriesContext(connection) as six:
        assert client.get("/consultations/").status_code == 200
    assert len(six) == len(one)


def test_the_workbench_lists_the_overdue_first(client, lawguard_scene, ask, operator):
    ask(registered_at=timezone.now() - datetime.timedelta(hours=1))
    late = ask(
        actor=operator,
        channel=ConsultChannel.HOTLINE,
        ticket_number="T-late",
        urgency=Urgency.URGENT,
        registered_at=timezone.now() - datetime.timedelta(hours=5),
    )
    client.force_login(lawguard_scene.staff)
    page = client.get("/").content.decode()
    assert "待答复咨询" in page
    section = page[page.index('id="consult-queue"') :]
    assert section.index(late.number) < section.index("超期") + 200


def test_the_detail_page_shows_the_panels_and_the_handover(client, lawguard_scene, ask, guards):
    case = ask()
    client.force_login(lawguard_scene.staff)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    for text in ("咨询问题", "咨询企业", "转交三官一律", "专家会诊", "何教授", "王律师"):
        assert text in page, text


def test_out_of_jurisdiction(client, api, lawguard_scene, ask, people):
    case = ask()
    client.force_login(people.hetang_clerk)
    assert case.number not in client.get("/consultations/").content.decode()
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    assert api(people.hetang_clerk).get(f"/api/v1/cases/{case.pk}/").status_code == 404
    refused = client.post(
        "/consultations/hotline/",
        {
            "ticket_number": "T-1",
            "caller_name": "张三",
            "caller_phone": "13973300001",
            "enterprise": lawguard_scene.enterprise.credit_code,
            "question": "问题",
        },
    )
    assert refused.status_code == 400
