"""The major-event pages through the test client: list with filters, a new event from a template, the board
(tasks by domain and unit with lateness, risks near the venues, today's report and roster), task completion,
sweeps and a finding into a case, the roster, report editing and sending, the DOCX, the review and a lesson
saved into the template; and another district's 404."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from pingan.cases.models import Case
from pingan.majorevents import services
from pingan.majorevents.models import DailyReport, Event, TemplateTask

from .conftest import START


def test_list_new_and_board(client, template, grids, zhuzhou, people, django_assert_max_num_queries):
    client.force_login(people.district_clerk)
    assert client.get("/events/new/").status_code == 200
    bad = client.post("/events/new/", {"name": "缺日期"})
    assert bad.status_code == 400 and not Event.objects.exists()
    response = client.post(
        "/events/new/",
        {
            "template": template.pk,
            "name": "株洲马拉松",
            "start_date": "2026-11-17",
            "end_date": "2026-11-19",
            "security_level": "second",
            "lead_org": zhuzhou.tianyuan_centre.pk,
            "venue_name": "神农城",
            "venue_lat": "27.80",
            "venue_lng": "113.09",
        },
    )
    event = Event.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/events/{event.pk}/"
    listed = client.get("/events/", {"q": "马拉松", "status": "preparing"})
    assert "株洲马拉松" in listed.content.decode()
    assert "株洲马拉松" not in client.get("/events/", {"status": "finished"}).content.decode()
    people.clerk.phone = "13907331234"
    people.clerk.save()
    services.roster_add(
        actor=people.district_clerk,
        event=event,
        date=datetime.date(2026, 11, 18),
        shift="day",
        org=zhuzhou.songshan_centre,
        user=people.clerk,
        post="带班领导",
    )
    services.report_generate(actor=people.district_clerk, event=event, day=datetime.date(2026, 11, 18))
    with django_assert_max_num_queries(30):
        board = client.get(f"/events/{event.pk}/")
    text = board.content.decode()
    assert board.status_code == 200
    for expected in (
        "社会面治安",
        "天元区人民法院",
        "逾期 2 天",
        "带班领导",
        "139****1234",
        "第1期",
        "神农城",
        "泰山社区第1网格",
    ):
        assert expected in text, expected
    assert "13907331234" not in text


def test_task_sweep_roster_report_review_pages(client, event, grids, zhuzhou, people, template):
    client.force_login(people.district_clerk)
    overall = event.tasks.get(title="制定安保总体方案")
    assert client.get(f"/events/tasks/{overall.pk}/complete/").status_code == 200
    assert client.post(f"/events/tasks/{overall.pk}/complete/", {"record": "已制定"}).status_code == 400
    done = client.post(
        f"/events/tasks/{overall.pk}/complete/",
        {"record": "已制定", "evidence": SimpleUploadedFile("方案.pdf", b"%PDF-1.4\n" + b"0" * 64)},
    )
    assert done.status_code == 302
    evidence = client.get(f"/events/tasks/{overall.pk}/evidence/")
    assert evidence.status_code == 200 and b"".join(evidence.streaming_content).startswith(b"%PDF")

    swept = client.post(
        f"/events/{event.pk}/sweeps/",
        {"region": grids.taishan_1.code, "swept_on": "2026-11-16", "findings": "井盖缺失\n邻里因噪音争吵"},
    )
    assert swept.status_code == 302
    sweep = event.sweeps.get()
    assert client.post(f"/events/sweeps/{sweep.pk}/findings/", {"description": "路灯损坏"}).status_code == 302
    assert sweep.findings.count() == 3
    finding = sweep.findings.get(description="邻里因噪音争吵")
    refused = client.post(
        f"/events/findings/{finding.pk}/case/", {"target": "dispute", "category": "neighbour", "urgency": "normal"}
    )
    assert refused.status_code == 400 and not Case.objects.exists()
    converted = client.post(
        f"/events/findings/{finding.pk}/case/",
        {"target": "dispute", "category": "neighbour", "urgency": "normal", "party_name": "王五"},
    )
    case = Case.objects.get()
    assert converted.status_code == 302 and converted["Location"] == f"/cases/{case.pk}/"
    page = client.get(f"/events/{event.pk}/sweeps/").content.decode()
    assert case.number in page

    roster = client.post(
        f"/events/{event.pk}/roster/",
        {"date": "2026-11-18", "shift": "night", "org": zhuzhou.songshan_centre.pk, "username": people.clerk.username},
    )
    assert roster.status_code == 302
    outside = client.post(
        f"/events/{event.pk}/roster/",
        {"date": "2026-12-18", "shift": "night", "org": zhuzhou.songshan_centre.pk, "username": people.clerk.username},
    )
    assert outside.status_code == 400

    generated = client.post(f"/events/{event.pk}/reports/", {"day": "2026-11-17"})
    report = DailyReport.objects.get()
    assert generated.status_code == 302 and report.number == 1
    fields = {name: getattr(report, name) for name in DailyReport.TEXT_FIELDS}
    assert client.post(f"/events/reports/{report.pk}/", {**fields, "next_steps": "加强巡防"}).status_code == 302
    assert client.post(f"/events/reports/{report.pk}/send/").status_code == 302
    # A refused action answers with its status on the page it came from, its message shown (never a 302).
    sent_again = client.post(f"/events/reports/{report.pk}/send/")
    assert 400 <= sent_again.status_code < 500 and "alert-danger" in sent_again.content.decode()
    undated = client.post(f"/events/{event.pk}/reports/", {"day": ""})
    assert undated.status_code == 400 and "请选择日期" in undated.content.decode()
    assert client.post(f"/events/{event.pk}/status/", {"status": "bogus"}).status_code in (400, 409)
    frozen = client.get(f"/events/reports/{report.pk}/").content.decode()
    assert "已冻结" in frozen and "加强巡防" in frozen and "<textarea" not in frozen
    resent = client.post(f"/events/reports/{report.pk}/", {**fields, "overview": "改动"})
    assert resent.status_code == 409
    report.refresh_from_db()
    assert report.overview != "改动"
    docx = client.get(f"/events/reports/{report.pk}/report.docx")
    assert docx.status_code == 200 and docx["Content-Type"].endswith("wordprocessingml.document")

    for status in ("in_progress", "finished"):
        client.post(f"/events/{event.pk}/status/", {"status": status})
    review = client.post(
        f"/events/{event.pk}/review/", {"summary": "圆满完成", "lessons": "增加备勤力量\n机制:每日碰头会"}
    )
    assert review.status_code == 302
    event.refresh_from_db()
    assert event.status == "reviewed"
    task_lesson, mechanism = event.review.lessons.order_by("id")
    assert mechanism.kind == "mechanism" and mechanism.text == "每日碰头会"
    domain = template.sections.get(kind="domain")
    unsaved = client.post(f"/events/lessons/{task_lesson.pk}/save/", {"section": ""})
    assert unsaved.status_code == 400 and "alert-danger" in unsaved.content.decode()
    assert client.post(f"/events/lessons/{task_lesson.pk}/save/", {"section": domain.pk}).status_code == 302
    assert TemplateTask.objects.filter(section=domain, title="增加备勤力量").exists()
    assert "已存入模板" in client.get(f"/events/{event.pk}/review/").content.decode()


def test_another_district_gets_404(client, event, people):
    client.force_login(people.hetang_clerk)
    assert "湘商大会" not in client.get("/events/").content.decode()
    task = event.tasks.first()
    for url in (
        f"/events/{event.pk}/",
        f"/events/{event.pk}/sweeps/",
        f"/events/{event.pk}/roster/",
        f"/events/{event.pk}/review/",
        f"/events/tasks/{task.pk}/complete/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/events/{event.pk}/status/", {"status": "in_progress"}).status_code == 404
    assert client.post(f"/events/{event.pk}/reports/", {"day": START.isoformat()}).status_code == 404
    event.refresh_from_db()
    assert event.status == "preparing" and not event.reports.exists()
