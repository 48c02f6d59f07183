"""The /api/v1/events/ API: the whole path of an event (create from a template, tasks, sweeps and a finding
into a case, roster, reports, review, lesson into the template), the error shape, nothing half-written,
and jurisdiction (another district gets 404)."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

from pingan.majorevents.models import Event, PlanTask, SweepFinding

from .conftest import END, START, VENUE

PDF = b"%PDF-1.4\n" + b"0" * 64


def body(scenario, zhuzhou, **changes):
    return {
        "name": "中国(湖南)国际轨道交通博览会",
        "start_date": START.isoformat(),
        "end_date": END.isoformat(),
        "security_level": "second",
        "lead_org": zhuzhou.tianyuan_centre.code,
        "template": scenario.pk,
        "venues": [VENUE],
        **changes,
    }


def test_an_event_through_the_api(api, template, grids, zhuzhou, people, django_assert_max_num_queries):
    client = api(people.district_clerk)
    created = client.post("/api/v1/events/", body(template, zhuzhou), format="json")
    assert created.status_code == 201, created.json()
    data = created.json()
    event_id = data["id"]
    assert [s["kind"] for s in data["sections"]] == ["overall", "domain", "action", "mechanism"]
    assert data["venues"][0]["grids"] == [{"code": grids.taishan_1.code, "name": "泰山社区第1网格"}]

    listed = client.get("/api/v1/events/", {"status": "preparing", "q": "轨道"}).json()
    assert [e["id"] for e in listed["results"]] == [event_id]
    assert listed["results"][0]["late_count"] == 3 and listed["results"][0]["task_count"] == 4
    assert client.get("/api/v1/events/", {"status": "finished"}).json()["results"] == []
    with django_assert_max_num_queries(8):
        client.get("/api/v1/events/")

    tasks = client.get(f"/api/v1/events/{event_id}/tasks/").json()
    overall = next(t for t in tasks if t["title"] == "制定安保总体方案")
    assert overall["days_late"] == 6 and overall["status"] == "open"
    missing = client.post(f"/api/v1/events/tasks/{overall['id']}/complete/", {"record": "已制定"}, format="multipart")
    assert missing.status_code == 400 and "evidence" in missing.json()["error"]["fields"]
    done = client.post(
        f"/api/v1/events/tasks/{overall['id']}/complete/",
        {"record": "已制定", "evidence": SimpleUploadedFile("方案.pdf", PDF)},
        format="multipart",
    )
    assert done.status_code == 200 and done.json()["status"] == "done" and done.json()["has_evidence"]
    again = client.post(f"/api/v1/events/tasks/{overall['id']}/complete/", {"record": "x"}, format="json")
    assert again.status_code == 409

    sweep = client.post(
        f"/api/v1/events/{event_id}/sweeps/",
        {"region": grids.taishan_1.code, "swept_on": START.isoformat(), "findings": [{"description": "工地欠薪苗头"}]},
        format="json",
    )
    assert sweep.status_code == 201, sweep.json()
    finding_id = sweep.json()["findings"][0]["id"]
    added = client.post(
        f"/api/v1/events/sweeps/{sweep.json()['id']}/findings/", {"description": "井盖缺失"}, format="json"
    )
    assert added.status_code == 201
    case = client.post(
        f"/api/v1/events/findings/{finding_id}/case/",
        {"target": "risk", "category": "risk_public_order", "likelihood": 3, "impact": 4},
        format="json",
    )
    assert case.status_code == 201, case.json()
    assert case.json()["number"].startswith("FX")
    sweeps = client.get(f"/api/v1/events/{event_id}/sweeps/").json()
    assert sweeps[0]["findings"][0]["case"]["number"] == case.json()["number"]
    assert (
        client.post(
            f"/api/v1/events/findings/{finding_id}/case/",
            {"target": "incident", "category": "inc_municipal"},
            format="json",
        ).status_code
        == 409
    )

    people.clerk.phone = "13907331234"
    people.clerk.save()
    shift = client.post(
        f"/api/v1/events/{event_id}/roster/",
        {
            "date": START.isoformat(),
            "org": zhuzhou.songshan_centre.code,
            "username": people.clerk.username,
            "post": "值班员",
        },
        format="json",
    )
    assert shift.status_code == 201 and shift.json()["phone"] == "139****1234"
    assert client.get(f"/api/v1/events/{event_id}/roster/", {"date": END.isoformat()}).json() == []
    assert client.delete(f"/api/v1/events/roster/{shift.json()['id']}/").status_code == 204

    report = client.post(f"/api/v1/events/{event_id}/reports/", {"day": START.isoformat()}, format="json")
    assert report.status_code == 201 and report.json()["number"] == 1
    report_id = report.json()["id"]
    edited = client.patch(f"/api/v1/events/reports/{report_id}/", {"next_steps": "加强夜间巡防"}, format="json")
    assert edited.status_code == 200 and edited.json()["next_steps"] == "加强夜间巡防"
    docx = client.get(f"/api/v1/events/reports/{report_id}/report.docx")
    assert docx.status_code == 200
    assert "加强夜间巡防" in [p.text for p in Document(io.BytesIO(docx.content)).paragraphs]
    assert client.post(f"/api/v1/events/reports/{report_id}/send/").json()["status"] == "sent"
    frozen = client.patch(f"/api/v1/events/reports/{report_id}/", {"overview": "改"}, format="json")
    assert frozen.status_code == 409 and frozen.json()["error"]["code"] == "report_sent"

    assert client.put(f"/api/v1/events/{event_id}/review/", {"summary": "x"}, format="json").status_code == 409
    for status in ("in_progress", "finished"):
        assert client.post(f"/api/v1/events/{event_id}/status/", {"status": status}, format="json").status_code == 200
    review = client.put(
        f"/api/v1/events/{event_id}/review/",
        {"summary": "圆满完成", "lessons": [{"text": "完善交通管制预案", "kind": "mechanism"}]},
        format="json",
    )
    assert review.status_code == 200
    lesson_id = review.json()["lessons"][0]["id"]
    saved = client.post(f"/api/v1/events/lessons/{lesson_id}/save/", {}, format="json")
    assert saved.status_code == 200 and saved.json()["saved_section"] is not None
    templates = client.get("/api/v1/events/templates/").json()
    assert "完善交通管制预案" in [s["title"] for s in templates[0]["sections"]]
    assert client.get(f"/api/v1/events/{event_id}/").json()["status"] == "reviewed"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"end_date": "2026-11-01"}, "end_date"),
        ({"lead_org": "C430202"}, "lead_org"),  # 荷塘区: outside the clerk's jurisdiction
        ({"template": 999999}, "template"),
        ({"venues": [{"name": "无位置"}]}, "venues"),
        ({"security_level": "x"}, "security_level"),
        ({"risk_radius_m": 0}, "risk_radius_m"),
    ],
)
def test_bad_input_is_400_and_writes_nothing(api, template, grids, zhuzhou, people, changes, field):
    response = api(people.district_clerk).post("/api/v1/events/", body(template, zhuzhou, **changes), format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] and error["message"] and field in error["fields"]
    assert not Event.objects.exists() and not PlanTask.objects.exists()


def test_a_bad_finding_conversion_writes_nothing(api, event, grids, people):
    client = api(people.district_clerk)
    sweep = client.post(
        f"/api/v1/events/{event.pk}/sweeps/",
        {"region": grids.taishan_1.code, "swept_on": START.isoformat(), "findings": [{"description": "邻里争吵"}]},
        format="json",
    ).json()
    finding_id = sweep["findings"][0]["id"]
    response = client.post(
        f"/api/v1/events/findings/{finding_id}/case/", {"target": "dispute", "category": "neighbour"}, format="json"
    )
    assert response.status_code == 400 and "parties" in response.json()["error"]["fields"]
    assert SweepFinding.objects.get(pk=finding_id).case is None


def test_another_district_gets_404(api, event, people):
    client = api(people.hetang_clerk)
    assert client.get("/api/v1/events/").json()["results"] == []
    task = event.tasks.first()
    for method, url in [
        ("get", f"/api/v1/events/{event.pk}/"),
        ("get", f"/api/v1/events/{event.pk}/tasks/"),
        ("get", f"/api/v1/events/{event.pk}/sweeps/"),
        ("get", f"/api/v1/events/{event.pk}/roster/"),
        ("get", f"/api/v1/events/{event.pk}/reports/"),
        ("post", f"/api/v1/events/{event.pk}/status/"),
        ("post", f"/api/v1/events/tasks/{task.pk}/complete/"),
    ]:
        response = getattr(client, method)(url, {"status": "in_progress", "record": "x"}, format="json")
        assert response.status_code == 404, url
        assert response.json()["error"]["code"] == "not_found"
    task.refresh_from_db()
    assert task.status == "open"
