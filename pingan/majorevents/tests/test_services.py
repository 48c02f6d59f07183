"""Major events through the services: the plan from the template, lateness, the event's steps, tasks done
with evidence, sweep findings into cases (both ways), rosters, numbered reports frozen when sent, the
review whose lessons improve the template, and risks near the venues."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from pingan.cases.models import Case, Category
from pingan.core.errors import ApplicationError, ConflictError, PermissionDeniedError
from pingan.majorevents import selectors, services
from pingan.majorevents.choices import EventStatus, LessonKind, SectionKind, TaskStatus
from pingan.majorevents.models import DailyReport, Event, PlanTask, RosterShift, SweepFinding, TemplateTask
from pingan.risks.services import risk_raise

from .conftest import END, START, VENUE, at

PDF = b"%PDF-1.4\n" + b"0" * 64


def pdf(name: str = "方案.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def task(event: Event, title: str) -> PlanTask:
    return event.tasks.get(title=title)


# --- the plan from the template --------------------------------------------------------------------


def test_the_plan_is_copied_from_the_template(event, zhuzhou, grids):
    sections = list(event.sections.order_by("order"))
    assert [(s.kind, s.title) for s in sections] == [
        (SectionKind.OVERALL, "总体方案"),
        (SectionKind.DOMAIN, "社会面治安"),
        (SectionKind.ACTION, "矛盾纠纷大排查"),
        (SectionKind.MECHANISM, "日报告零报告"),
    ]
    overall = task(event, "制定安保总体方案")
    assert overall.due_date == START - datetime.timedelta(days=5)
    assert overall.required_evidence == "方案文本" and overall.org == zhuzhou.tianyuan_centre
    # The court task goes to the court nearest the event's region (天元区人民法院), the others to the lead unit.
    assert task(event, "涉诉信访人员稳控").org == zhuzhou.tianyuan_court
    assert task(event, "涉诉信访人员稳控").due_date == START + datetime.timedelta(days=1)
    assert event.region_code == zhuzhou.tianyuan.code and event.status == EventStatus.PREPARING
    # The venue's grid is found from its point.
    assert list(event.venues.get().grids.all()) == [grids.taishan_1]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "  "}, "name"),
        ({"end_date": START - datetime.timedelta(days=1)}, "end_date"),
        ({"security_level": "top"}, "security_level"),
        ({"venues": [{"name": "无位置场馆"}]}, "venues"),
        ({"venues": [{**VENUE, "lat": "95"}]}, "venues"),
        ({"venues": [{"name": "月塘", "grids": ["430202001001001"]}]}, "venues"),  # a grid of another district
    ],
)
def test_bad_input_writes_nothing(template, grids, zhuzhou, people, changes, field):
    values = {
        "actor": people.district_clerk,
        "name": "测试活动",
        "start_date": START,
        "end_date": END,
        "security_level": "second",
        "lead_org": zhuzhou.tianyuan_centre,
        "template": template,
        "venues": [VENUE],
        **changes,
    }
    with pytest.raises(ApplicationError) as caught:
        services.event_create(**values)
    assert field in caught.value.fields
    assert not Event.objects.exists() and not PlanTask.objects.exists()


def test_only_centres_covering_the_region_create_events(template, grids, zhuzhou, people):
    with pytest.raises(ApplicationError) as caught:  # 荷塘区 cannot name a 天元区 lead unit
        services.event_create(
            actor=people.hetang_clerk,
            name="越界活动",
            start_date=START,
            end_date=END,
            security_level="third",
            lead_org=zhuzhou.tianyuan_centre,
        )
    assert "lead_org" in caught.value.fields
    with pytest.raises(PermissionDeniedError):  # a mediator holds no centre post
        services.event_create(
            actor=people.mediator,
            name="调解员登记",
            start_date=START,
            end_date=END,
            security_level="third",
            lead_org=zhuzhou.songshan_centre,
        )


# --- lateness --------------------------------------------------------------------------------------


def test_lateness_counts_whole_days_past_the_deadline_in_local_time(event, people):
    """A task is due by the end of its day in Asia/Shanghai: done on the day is on time, however late in the
    evening (23:59 local is 15:59 UTC the same day); open, it is late by the days since, up to today."""
    t = task(event, "重点部位巡防")  # due 11-16
    assert t.due_date == datetime.date(2026, 11, 16)
    assert t.days_late(datetime.date(2026, 11, 16)) == 0
    assert t.days_late() == 2  # open on 11-18 (TEST_NOW)
    t.status, t.done_at = TaskStatus.DONE, timezone.make_aware(datetime.datetime(2026, 11, 16, 23, 59))
    assert t.days_late() == 0
    t.done_at = timezone.make_aware(datetime.datetime(2026, 11, 17, 0, 1))
    assert t.days_late() == 1
    t.status = TaskStatus.CANCELLED
    assert t.days_late() == 0


def test_the_board_and_the_list_count_late_tasks_alike(event, people):
    services.task_complete(
        actor=people.district_clerk,
        task=task(event, "开展排查"),
        record="已排查",
        done_at=at(END - datetime.timedelta(days=1), 9),
    )
    # Late: 总体方案 (open, due 11-12), 重点部位巡防 (open, due 11-16), 开展排查 done 11-18 for 11-17.
    board = selectors.board(user=people.district_clerk, event=event)
    assert (board.total, board.done, board.late) == (4, 1, 3)
    listed = selectors.event_list(user=people.district_clerk).get(pk=event.pk)
    assert (listed.task_count, listed.done_count, listed.late_count) == (4, 1, 3)
    domain = next(row for row in board.sections if row.section.kind == SectionKind.DOMAIN)
    assert [(u.org.name, len(u.tasks), u.late) for u in domain.units] == [
        ("天元区综治中心", 1, 1),
        ("天元区人民法院", 1, 0),
    ]


# --- the event's steps -----------------------------------------------------------------------------


def test_the_event_moves_one_step_at_a_time(event, people):
    with pytest.raises(ConflictError):
        services.event_advance(actor=people.district_clerk, event=event, status=EventStatus.FINISHED)
    with pytest.raises(ApplicationError):
        services.event_advance(actor=people.district_clerk, event=event, status=EventStatus.REVIEWED)
    event = services.event_advance(actor=people.district_clerk, event=event, status=EventStatus.IN_PROGRESS)
    event = services.event_advance(actor=people.district_clerk, event=event, status=EventStatus.FINISHED)
    assert event.status == EventStatus.FINISHED
    with pytest.raises(PermissionDeniedError):
        services.event_advance(actor=people.hetang_clerk, event=event, status=EventStatus.IN_PROGRESS)


# --- tasks -----------------------------------------------------------------------------------------


def test_a_task_asking_for_evidence_needs_the_file(event, people, zhuzhou):
    overall = task(event, "制定安保总体方案")
    with pytest.raises(ApplicationError) as caught:
        services.task_complete(actor=people.district_clerk, task=overall, record="已制定")
    assert "evidence" in caught.value.fields
    overall.refresh_from_db()
    assert overall.status == TaskStatus.OPEN and overall.done_at is None
    done = services.task_complete(actor=people.district_clerk, task=overall, record="已制定", evidence=pdf())
    assert done.status == TaskStatus.DONE and done.evidence_name == "方案.pdf" and done.evidence.read() == PDF
    assert done.done_by == people.district_clerk and done.days_late() == 6  # due 11-12, done 11-18
    with pytest.raises(ConflictError):
        services.task_complete(actor=people.district_clerk, task=overall, record="再次", evidence=pdf())


def test_the_unit_of_a_task_may_complete_it(event, people, zhuzhou):
    from conftest import make_user
    from pingan.accounts.choices import Role

    judge = make_user("tianyuan_court", "法院联络员", (zhuzhou.tianyuan_court, Role.DEPARTMENT_STAFF))
    court_task = task(event, "涉诉信访人员稳控")
    assert services.task_complete(actor=judge, task=court_task, record="已稳控").status == TaskStatus.DONE
    with pytest.raises(PermissionDeniedError):
        services.task_complete(actor=judge, task=task(event, "重点部位巡防"), record="不是本单位的")


# --- sweeps and findings ---------------------------------------------------------------------------


@pytest.fixture
def sweep(event, people, grids):
    return services.sweep_create(
        actor=people.district_clerk,
        event=event,
        region=grids.taishan_1,
        swept_on=START - datetime.timedelta(days=1),
        note="会展中心周边排查",
        findings=[
            {"description": "会展中心东侧工地欠薪,工人扬言聚集", "lat": "27.801", "lng": "113.091"},
            {"description": "两户居民因停车位长期争吵"},
            {"description": "人行道井盖缺失"},
        ],
    )


def test_a_finding_becomes_a_risk_in_one_step_linked_both_ways(sweep, people):
    finding = sweep.findings.get(description__startswith="会展中心")
    case = services.finding_to_case(
        actor=people.district_clerk,
        finding=finding,
        target="risk",
        category="risk_public_order",
        likelihood=4,
        impact=5,
    )
    finding.refresh_from_db()
    assert finding.case == case and finding.target == "risk"
    assert Case.objects.get(pk=case.pk).sweep_finding == finding  # and back
    assert case.kind == "risk" and case.risk.source == "pre_event_sweep" and case.risk.level == "red"
    assert case.risk.owner_org == sweep.org and case.region_code == sweep.region_code
    with pytest.raises(ConflictError):
        services.finding_to_case(
            actor=people.district_clerk, finding=finding, target="incident", category="inc_municipal"
        )


def test_a_finding_becomes_a_dispute_or_an_incident(sweep, people):
    dispute_finding = sweep.findings.get(description__startswith="两户")
    with pytest.raises(ApplicationError) as caught:  # a dispute names a party: nothing is written
        services.finding_to_case(
            actor=people.district_clerk, finding=dispute_finding, target="dispute", category="neighbour"
        )
    assert "parties" in caught.value.fields
    dispute_finding.refresh_from_db()
    assert dispute_finding.case is None and not Case.objects.exists()
    dispute = services.finding_to_case(
        actor=people.district_clerk,
        finding=dispute_finding,
        target="dispute",
        category="neighbour",
        parties=[{"name": "张三", "role": "applicant", "phone": "13800138000"}],
    )
    assert dispute.kind == "dispute" and dispute.channel == "screening" and dispute.sweep_finding == dispute_finding
    assert dispute.parties.get().name == "张三"
    incident = services.finding_to_case(
        actor=people.district_clerk,
        finding=sweep.findings.get(description="人行道井盖缺失"),
        target="incident",
        category="inc_municipal",
    )
    assert incident.kind == "incident" and incident.region_code == sweep.region_code
    assert "湘商大会" in incident.description


def test_a_finding_needs_the_kinds_category_and_a_score(sweep, people):
    finding = sweep.findings.get(description="人行道井盖缺失")
    with pytest.raises(ApplicationError) as caught:
        services.finding_to_case(actor=people.district_clerk, finding=finding, target="incident", category="neighbour")
    assert "category" in caught.value.fields
    with pytest.raises(ApplicationError) as caught:
        services.finding_to_case(
            actor=people.district_clerk, finding=finding, target="risk", category="risk_other", likelihood=6, impact=1
        )
    assert "likelihood" in caught.value.fields
    assert not Case.objects.exists() and SweepFinding.objects.filter(case__isnull=False).count() == 0


def test_a_sweep_lies_inside_the_event_region(event, people, grids):
    with pytest.raises(ApplicationError) as caught:
        services.sweep_create(actor=people.district_clerk, event=event, region=grids.yuetang_1, swept_on=START)
    assert "region" in caught.value.fields


# --- rosters ---------------------------------------------------------------------------------------


def test_the_roster_keeps_to_the_event_days(event, people, zhuzhou):
    people.clerk.phone = "13907331234"
    people.clerk.save()
    entry = services.roster_add(
        actor=people.district_clerk,
        event=event,
        date=START,
        shift="day",
        org=zhuzhou.songshan_centre,
        user=people.clerk,
        post="值班员",
    )
    assert list(selectors.roster_of(event, START)) == [entry]
    with pytest.raises(ConflictError):
        services.roster_add(
            actor=people.district_clerk,
            event=event,
            date=START,
            shift="day",
            org=zhuzhou.songshan_centre,
            user=people.clerk,
        )
    with pytest.raises(ApplicationError) as caught:
        services.roster_add(
            actor=people.district_clerk,
            event=event,
            date=END + datetime.timedelta(days=1),
            shift="day",
            org=zhuzhou.songshan_centre,
            user=people.clerk,
        )
    assert "date" in caught.value.fields
    assert RosterShift.objects.count() == 1


# --- daily reports ---------------------------------------------------------------------------------


def test_reports_are_numbered_in_the_order_they_are_drawn_up(event, people):
    second_day = services.report_generate(
        actor=people.district_clerk, event=event, day=START + datetime.timedelta(days=1)
    )
    first_day = services.report_generate(actor=people.district_clerk, event=event, day=START)
    assert (second_day.number, first_day.number) == (1, 2)
    with pytest.raises(ConflictError):
        services.report_generate(actor=people.district_clerk, event=event, day=START)
    with pytest.raises(ApplicationError):  # 11-19 has not come yet
        services.report_generate(actor=people.district_clerk, event=event, day=END)
    with pytest.raises(ApplicationError):  # not an event day
        services.report_generate(actor=people.district_clerk, event=event, day=START - datetime.timedelta(days=1))
    assert DailyReport.objects.count() == 2


def test_a_report_is_drawn_up_from_the_days_records(event, people, sweep, dispute):
    services.task_complete(actor=people.district_clerk, task=task(event, "开展排查"), record="已排查")
    other_day = START - datetime.timedelta(days=1)  # the sweep's day, not the report's
    report = services.report_generate(actor=people.district_clerk, event=event, day=timezone.localdate())
    figures = report.figures
    assert figures["tasks_done"] == 1 and figures["tasks_done_late"] == 1  # due 11-17, done 11-18
    assert figures["tasks_overdue"] == 2  # 总体方案 and 重点部位巡防
    assert figures["findings"] == 0 and figures["cases"] == {"dispute": 1}  # the `dispute` fixture, registered today
    assert "开展排查" in report.tasks and "逾期完成" in report.tasks and "矛盾纠纷 1 件" in report.cases
    earlier = services.report_generate(actor=people.district_clerk, event=event, day=START)
    assert earlier.figures["findings"] == 0
    assert sweep.swept_on == other_day and "第1天" in earlier.overview


def test_sending_freezes_the_report(event, people):
    report = services.report_generate(actor=people.district_clerk, event=event, day=START)
    report = services.report_edit(
        actor=people.district_clerk, report=report, overview="总体平稳。", next_steps="继续巡防。"
    )
    with pytest.raises(ApplicationError) as caught:
        services.report_edit(actor=people.district_clerk, report=report, overview="  ")
    assert "overview" in caught.value.fields
    sent = services.report_send(actor=people.district_clerk, report=report)
    assert (
        sent.is_sent
        and sent.sent_by == people.district_clerk
        and sent.sent_at.date() == START + datetime.timedelta(days=1)
    )
    with pytest.raises(ConflictError):
        services.report_edit(actor=people.district_clerk, report=report, overview="改动")
    with pytest.raises(ConflictError):
        services.report_send(actor=people.district_clerk, report=report)
    report.refresh_from_db()
    assert report.overview == "总体平稳。" and report.next_steps == "继续巡防。"


def test_the_docx_carries_the_report(event, people):
    import io

    from docx import Document

    from pingan.majorevents import documents

    report = services.report_generate(actor=people.district_clerk, event=event, day=START)
    report = services.report_edit(
        actor=people.district_clerk, report=report, overview="总体平稳。\n无重大情况。", risks=""
    )
    text = [p.text for p in Document(io.BytesIO(documents.report_docx(report))).paragraphs]
    assert "第十届中国湘商大会安保工作日报" in text and "第1期" in text
    assert "天元区综治中心        2026年11月17日" in text
    assert (
        text.index("一、总体情况") < text.index("总体平稳。") < text.index("无重大情况。") < text.index("二、任务落实")
    )
    assert text[text.index("五、场馆周边风险") + 1] == "—"  # an emptied part
    assert "草稿(未报送)" in text
    assert documents.report_filename(report) == "第十届中国湘商大会安保工作日报-第1期.docx"


# --- review and 提升 --------------------------------------------------------------------------------


def finish(event, people):
    event = services.event_advance(actor=people.district_clerk, event=event, status=EventStatus.IN_PROGRESS)
    return services.event_advance(actor=people.district_clerk, event=event, status=EventStatus.FINISHED)


def test_the_review_comes_after_the_event_and_its_lessons_improve_the_template(event, people, template, zhuzhou):
    with pytest.raises(ConflictError):
        services.review_write(actor=people.district_clerk, event=event, summary="尚未结束")
    event = finish(event, people)
    review = services.review_write(
        actor=people.district_clerk,
        event=event,
        summary="安保工作圆满完成。",
        worked="提前排查",
        failed="夜间巡防力量不足",
        lessons=[{"text": "增加夜间巡防班次", "kind": "task"}, {"text": "场馆周边风险每日会商", "kind": "mechanism"}],
    )
    event.refresh_from_db()
    assert event.status == EventStatus.REVIEWED
    night, daily = review.lessons.order_by("id")
    domain = template.sections.get(kind=SectionKind.DOMAIN)
    with pytest.raises(ApplicationError):  # a task lesson goes into a section of the event's template
        services.lesson_save_to_template(actor=people.district_clerk, lesson=night)
    services.lesson_save_to_template(actor=people.district_clerk, lesson=night, section=domain)
    services.lesson_save_to_template(actor=people.district_clerk, lesson=daily)
    with pytest.raises(ConflictError):
        services.lesson_save_to_template(actor=people.district_clerk, lesson=daily)
    saved = TemplateTask.objects.get(title="增加夜间巡防班次")
    assert saved.section == domain and saved.from_lesson == night
    assert template.sections.filter(kind=SectionKind.MECHANISM, title="场馆周边风险每日会商").exists()
    # The next event from the template starts with both.
    next_event = services.event_create(
        actor=people.district_clerk,
        name="下一届活动",
        start_date=datetime.date(2026, 12, 1),
        end_date=datetime.date(2026, 12, 2),
        security_level="second",
        lead_org=zhuzhou.tianyuan_centre,
        template=template,
        venues=[VENUE],
    )
    assert next_event.tasks.filter(title="增加夜间巡防班次", section__title="社会面治安").exists()
    assert next_event.sections.filter(kind=SectionKind.MECHANISM, title="场馆周边风险每日会商").exists()
    assert daily.kind == LessonKind.MECHANISM


# --- risks near the venues -------------------------------------------------------------------------


def test_haversine_against_a_published_vector():
    """Rosetta Code, "Haversine formula": Nashville BNA (36.12, -86.67) to LAX (33.94, -118.40) is
    2887.2599506071106 km on a sphere of radius 6372.8 km."""
    assert selectors.haversine_m(36.12, -86.67, 33.94, -118.40, radius_km=6372.8) == pytest.approx(2887259.95, abs=0.01)


def test_open_risks_near_the_venues(event, people, grids):
    def raise_at(title, **where):
        return risk_raise(
            actor=people.district_clerk,
            category=Category.objects.get(code="risk_other"),
            title=title,
            description=title,
            source="grid_report",
            likelihood=3,
            impact=3,
            **where,
        )

    near = raise_at("会展中心北侧聚集苗头", lat=27.805, lng=113.09)  # ~556 m north
    raise_at("远处风险", lat=27.80, lng=113.119)  # ~2.86 km east, in 第2网格: outside the 2 km
    in_grid = raise_at("网格内无坐标风险", region=grids.taishan_1)
    raise_at("第2网格风险", region=grids.taishan_2)
    found = selectors.risks_near_venues(event)
    assert [(r.case, r.distance_m is not None) for r in found] == [(near, True), (in_grid, False)]
    assert 550 <= found[0].distance_m <= 560
    assert found[0].venue == "株洲国际会展中心"
