"""The closed loop through the services (the engine's guarded transitions): score, plan from a template,
dispose with evidence, residual level, review and its sign-off, improvements saved as a template or a
mechanism, closing; each stage refused while its tasks are open."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pingan.cases.choices import StateType
from pingan.cases.models import Notification
from pingan.cases.services import attachment_add, case_transition
from pingan.core.errors import ApplicationError, TransitionNotAllowed
from pingan.risks.choices import RiskStage, ScoreKind, TaskStatus
from pingan.risks.models import RiskMechanism, RiskPlanTemplate, RiskPlanTemplateTask, RiskTask

from .conftest import PNG


@pytest.fixture
def template(db):
    template = RiskPlanTemplate.objects.create(name="群体性聚集风险处置预案")
    RiskPlanTemplateTask.objects.create(
        template=template, stage=RiskStage.RESPONSE, title="成立工作专班", due_in_days=1
    )
    RiskPlanTemplateTask.objects.create(
        template=template, stage=RiskStage.DISPOSAL, title="逐户走访化解", due_in_days=3, required_evidence="走访记录"
    )
    return template


def act(case, actor, action, **data):
    return case_transition(case=case, actor=actor, action=action, data=data)


def test_the_whole_loop(raise_risk, people, zhuzhou, template, django_capture_on_commit_callbacks):
    case = raise_risk(likelihood=2, impact=2, owner_org=zhuzhou.songshan_centre, region=zhuzhou.songshan)
    assert case.risk.level == "blue"
    clerk, boss = people.clerk, people.district_clerk

    case = act(case, clerk, "score", likelihood=5, impact=5, note="聚集人数增加")
    case.risk.refresh_from_db()
    assert case.risk.level == "red"
    assert list(case.risk.scores.values_list("kind", "level")) == [
        (ScoreKind.INHERENT, "blue"),
        (ScoreKind.INHERENT, "red"),
    ]

    case = act(case, clerk, "start_response")
    case = act(case, clerk, "apply_template", template=template.pk)
    tasks = {t.title: t for t in case.risk.tasks.all()}
    # 18 Nov 2026 is a Wednesday: 1 working day → Thu 19 Nov; 3 → Mon 23 Nov.
    assert tasks["成立工作专班"].due_date == datetime.date(2026, 11, 19)
    assert tasks["逐户走访化解"].due_date == datetime.date(2026, 11, 23)

    with pytest.raises(TransitionNotAllowed, match="应对阶段还有未完成的任务"):
        act(case, clerk, "start_disposal")
    with django_capture_on_commit_callbacks(execute=True):
        act(case, clerk, "record_task", task=tasks["成立工作专班"].pk, record="专班已成立", complete=True)
    case.risk.refresh_from_db()
    assert case.risk.rescore_prompted_at is not None  # the stage's tasks are done: re-score
    assert Notification.objects.filter(case=case, message__contains="重新评估").exists()
    case = act(case, clerk, "score", likelihood=4, impact=5)
    case.risk.refresh_from_db()
    assert case.risk.rescore_prompted_at is None and case.risk.level == "red"
    assert case.risk.scores.last().kind == ScoreKind.CURRENT

    case = act(case, clerk, "start_disposal")
    visit = tasks["逐户走访化解"]
    with pytest.raises(ApplicationError, match="走访记录") as refused:
        act(case, clerk, "record_task", task=visit.pk, record="已走访", complete=True)
    assert "evidence" in refused.value.fields
    visit.refresh_from_db()
    assert visit.status == TaskStatus.OPEN and visit.record == ""  # nothing half-written
    photo = attachment_add(case=case, actor=clerk, upload=SimpleUploadedFile("走访.png", PNG, content_type="image/png"))
    act(case, clerk, "record_task", task=visit.pk, record="已逐户走访 32 户", evidence=[photo.pk], complete=True)
    visit.refresh_from_db()
    assert visit.status == TaskStatus.DONE and list(visit.evidence.all()) == [photo]

    with pytest.raises(TransitionNotAllowed, match="剩余风险"):
        act(case, clerk, "start_summary")
    act(case, clerk, "set_residual", likelihood=2, impact=2)
    case.risk.refresh_from_db()
    assert case.risk.residual_level == "blue"
    case = act(case, clerk, "start_summary")

    with pytest.raises(TransitionNotAllowed):
        act(case, clerk, "start_improvement")
    act(case, clerk, "write_review", worked="专班包案、逐户走访", failed="早期预警不够及时")
    with pytest.raises(TransitionNotAllowed, match="办理人以外|权限"):
        act(case, clerk, "sign_off")
    with pytest.raises(TransitionNotAllowed, match="权限"):
        act(case, people.head, "sign_off")  # the owner centre's own head is not above it
    act(case, boss, "sign_off", comment="同意")
    review = case.risk.review
    review.refresh_from_db()
    assert review.approved_by == boss and review.approved_org == zhuzhou.tianyuan_centre
    assert review.approval_snapshot["level"] == "red"
    assert review.approval_snapshot["residual_level"] == "blue"
    assert review.approval_snapshot["tasks"] == {"open": 0, "done": 2, "cancelled": 0}
    with pytest.raises(TransitionNotAllowed, match="已签批"):
        act(case, clerk, "write_review", worked="x", failed="y")

    case = act(case, clerk, "start_improvement")
    act(case, clerk, "add_improvement", title="建立物业矛盾季度排查机制", due_date="2026-12-18")
    act(case, clerk, "add_improvement", title="聚集风险快速处置流程", due_date="2026-11-25")
    with pytest.raises(TransitionNotAllowed, match="提升措施尚未全部完成"):
        act(case, clerk, "close_loop")
    measures = {t.title: t for t in RiskTask.objects.filter(risk_id=case.pk, stage=RiskStage.IMPROVEMENT)}
    act(
        case,
        clerk,
        "complete_improvement",
        task=measures["聚集风险快速处置流程"].pk,
        record="形成处置流程图",
        save_as="template",
    )
    act(
        case,
        clerk,
        "complete_improvement",
        task=measures["建立物业矛盾季度排查机制"].pk,
        record="印发",
        save_as="mechanism",
    )
    saved = RiskPlanTemplate.objects.get(source_task=measures["聚集风险快速处置流程"])
    # Created Wed 18 Nov, due Wed 25 Nov: 19, 20, 23, 24, 25 Nov → 5 working days.
    assert [(t.title, t.due_in_days) for t in saved.tasks.all()] == [("聚集风险快速处置流程", 5)]
    assert RiskMechanism.objects.get().name == "建立物业矛盾季度排查机制"

    case = act(case, clerk, "close_loop")
    assert case.status == RiskStage.CLOSED and case.state_type == StateType.CLOSED and case.closed_at
    case.risk.refresh_from_db()
    assert case.risk.next_review_at is None


def test_tasks_are_validated_and_cancelled_with_a_reason(raise_risk, people, zhuzhou):
    case = raise_risk(region=zhuzhou.songshan, owner_org=zhuzhou.songshan_centre)
    case = act(case, people.clerk, "start_response")
    with pytest.raises(ApplicationError) as exc:
        act(case, people.clerk, "add_task", title="x", due_date="2026-11-01")
    assert "due_date" in exc.value.fields
    with pytest.raises(ApplicationError) as exc:
        act(case, people.clerk, "add_task", title="x", due_date="2026-11-30", stage="improvement")
    assert "stage" in exc.value.fields
    with pytest.raises(ApplicationError) as exc:
        act(case, people.clerk, "add_task", title="x", due_date="2026-11-30", owner_org="C430202")
    assert "owner_org" in exc.value.fields
    assert not RiskTask.objects.exists()
    act(case, people.clerk, "add_task", title="排查", due_date="2026-11-30", owner_org="J430211004")
    task = RiskTask.objects.get()
    assert task.owner_org == zhuzhou.songshan_justice
    with pytest.raises(ApplicationError):
        act(case, people.clerk, "cancel_task", task=task.pk)  # a reason is required
    act(case, people.clerk, "cancel_task", task=task.pk, comment="并入其他任务")
    task.refresh_from_db()
    assert task.status == TaskStatus.CANCELLED and task.cancel_reason == "并入其他任务"
    assert act(case, people.clerk, "start_disposal").status == RiskStage.DISPOSAL


def test_the_periodic_review_resets_itself(raise_risk, people):
    case = raise_risk(likelihood=5, impact=5)  # red: weekly
    first = case.risk.next_review_at
    assert first - case.registered_at == datetime.timedelta(days=7)
    import time_machine

    with time_machine.travel(case.registered_at + datetime.timedelta(days=3), tick=False):
        act(case, people.clerk, "periodic_review", comment="现场复核,情况稳定")
        case.risk.refresh_from_db()
        assert case.risk.next_review_at == case.registered_at + datetime.timedelta(days=10)


def test_the_review_sweep_tells_the_owner_once_per_due_date(raise_risk, people, zhuzhou, django_assert_max_num_queries):
    from pingan.cases.models import Notification
    from pingan.risks.services import review_sweep

    case = raise_risk(likelihood=5, impact=5, owner_org=zhuzhou.songshan_centre, region=zhuzhou.songshan)
    raise_risk(likelihood=1, impact=1, owner_org=zhuzhou.songshan_centre, region=zhuzhou.songshan)  # blue: 90 days
    week = case.registered_at + datetime.timedelta(days=7, minutes=1)
    assert review_sweep(now=week - datetime.timedelta(days=1)) == 0
    with django_assert_max_num_queries(6):
        assert review_sweep(now=week) == 1
    told = set(Notification.objects.filter(case=case, message__contains="定期复核").values_list("user", flat=True))
    assert told == {people.clerk.pk, people.head.pk}
    assert review_sweep(now=week) == 0  # once per due date
    import time_machine

    with time_machine.travel(week, tick=False):
        act(case, people.clerk, "periodic_review")
    case.risk.refresh_from_db()
    assert case.risk.review_notified_at is None
    assert case.risk.next_review_at == week + datetime.timedelta(days=7)
