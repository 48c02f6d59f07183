"""Writes of the risk kind: raising a risk, and the handlers of its closed loop's transitions (scoring,
tasks, evidence, residual level, review and sign-off, improvements, periodic review).

Every write goes through the case engine: `risk_raise` registers the case through `case_register`, and
every other step is a guarded transition (`cases.services.case_transition`) whose handler is here."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from pingan.accounts.models import User
from pingan.cases import clocks, workflows
from pingan.cases import services as cs
from pingan.cases.choices import Urgency
from pingan.cases.models import Attachment, Case, Category
from pingan.cases.parties import PartyInput
from pingan.core.errors import ApplicationError
from pingan.core.outbox import publish
from pingan.regions.choices import RegionLevel
from pingan.regions.models import Organization, Region
from pingan.regions.selectors import organization_by_code
from pingan.workcalendar.calendar import WorkCalendar

from .choices import (
    DEFAULT_CELLS,
    DEFAULT_LEVEL_POLICIES,
    IMPACT_LABELS,
    KIND,
    LIKELIHOOD_LABELS,
    SOURCE_CHANNEL,
    ImprovementOutcome,
    RiskEvent,
    RiskLevel,
    RiskSource,
    RiskStage,
    ScoreKind,
    TaskStatus,
)
from .models import (
    LevelPolicy,
    Risk,
    RiskMatrix,
    RiskMechanism,
    RiskPlanTemplate,
    RiskPlanTemplateTask,
    RiskReview,
    RiskScore,
    RiskTask,
)

# --- the matrix and the level policies --------------------------------------------------------------


def active_matrix() -> RiskMatrix:
    """The matrix in use: the first active one; the default 5×5 when an administrator left none."""
    matrix = RiskMatrix.objects.filter(is_active=True).order_by("id").first()
    if matrix is None:
        matrix = RiskMatrix(
            name="默认 5×5", likelihood_labels=LIKELIHOOD_LABELS, impact_labels=IMPACT_LABELS, cells=DEFAULT_CELLS
        )
    return matrix


def level_of(*, likelihood: int, impact: int, matrix: RiskMatrix | None = None) -> str:
    """The level the matrix gives a likelihood × impact; figures outside the matrix are refused (400)."""
    matrix = matrix or active_matrix()
    for field, value, label in (("likelihood", likelihood, _("可能性")), ("impact", impact, _("影响程度"))):
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= matrix.size:
            raise ApplicationError(
                _("%(label)s须为 1 至 %(size)s 的整数") % {"label": label, "size": matrix.size}, field=field
            )
    return matrix.level_for(likelihood, impact)


def level_policy(level: str) -> LevelPolicy:
    """The level's policy row; the default figures when an administrator deleted it."""
    policy = LevelPolicy.objects.filter(level=level).first()
    if policy is None:
        default = DEFAULT_LEVEL_POLICIES.get(level) or DEFAULT_LEVEL_POLICIES[RiskLevel.BLUE]
        policy = LevelPolicy(
            level=level,
            respond_amount=default["respond"][0],
            respond_unit=default["respond"][1],
            dispose_amount=default["dispose"][0],
            dispose_unit=default["dispose"][1],
            review_interval_days=default["review_days"],
        )
    return policy


def next_review(level: str, *, after: datetime.datetime | None = None) -> datetime.datetime:
    """When a risk of `level` is next due for its periodic review (复核), counted from `after` (now)."""
    return (after or timezone.now()) + datetime.timedelta(days=level_policy(level).review_interval_days)


def _policy_of_case(case: Case) -> LevelPolicy | None:
    if case.pk is None:  # being registered: its risk row comes right after (risk_raise refreshes the rule)
        return None
    level = Risk.objects.filter(pk=case.pk).values_list("level", flat=True).first()
    return level_policy(level) if level else None


def respond_rule(case: Case) -> tuple[int, str] | None:
    """应对时限 of a risk: its level's policy (ClockSpec.rule_for of the `respond` clock)."""
    policy = _policy_of_case(case)
    return (policy.respond_amount, policy.respond_unit) if policy else None


def dispose_rule(case: Case) -> tuple[int, str] | None:
    """处置时限 of a risk: its level's policy (ClockSpec.rule_for of the `dispose` clock)."""
    policy = _policy_of_case(case)
    return (policy.dispose_amount, policy.dispose_unit) if policy else None


def review_sweep(*, now: datetime.datetime | None = None) -> int:
    """复核提醒: every open risk whose `next_review_at` has come and whose owner unit was not told yet for
    that date gets one notification per member who works cases there; a review (or re-score, or a stage
    moving on) sets the next date and clears the mark. A handful of statements, whatever the number."""
    from pingan.accounts.models import Membership
    from pingan.cases.models import Notification
    from pingan.cases.tasks import NOTIFIED_ROLES

    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            Risk.objects.select_for_update(of=("self",))
            .filter(next_review_at__lte=now, review_notified_at__isnull=True, case__closed_at__isnull=True)
            .select_related("case")
            .order_by("pk")
        )
        if not due:
            return 0
        members: dict[int, set[int]] = {}
        for org_id, user_id in Membership.objects.filter(
            organization_id__in={risk.owner_org_id for risk in due}, is_active=True, role__in=NOTIFIED_ROLES
        ).values_list("organization_id", "user_id"):
            members.setdefault(org_id, set()).add(user_id)
        Notification.objects.bulk_create(
            Notification(
                user_id=user_id,
                case_id=risk.pk,
                message=_("风险 %(number)s 已到定期复核时间,请复核并视情况重新评估") % {"number": risk.case.number},
            )
            for risk in due
            for user_id in sorted(members.get(risk.owner_org_id, set()))
        )
        Risk.objects.filter(pk__in=[risk.pk for risk in due]).update(review_notified_at=now)
    return len(due)


# --- raising a risk -----------------------------------------------------------------------------------


def _grid_codes_check(grid_codes: Iterable[str], *, actor: User) -> list[str]:
    codes = sorted({str(code).strip() for code in grid_codes if str(code).strip()})
    if not codes:
        return []
    found = set(
        Region.objects.filter(code__in=codes, level=RegionLevel.GRID, is_active=True).values_list("code", flat=True)
    )
    unknown = [code for code in codes if code not in found or not actor.can_see_code(code)]
    if unknown:
        raise ApplicationError(
            _("网格“%(codes)s”不存在或不在您的辖区内") % {"codes": "、".join(unknown)}, field="grid_codes"
        )
    return codes


@transaction.atomic
def risk_raise(
    *,
    actor: User,
    category: Category,
    title: str,
    description: str,
    source: str,
    likelihood: int,
    impact: int,
    region: Region | None = None,
    owner_org: Organization | None = None,
    lat: float | Decimal | None = None,
    lng: float | Decimal | None = None,
    address: str = "",
    parties: Iterable[Mapping[str, Any] | PartyInput] = (),
    source_case: Case | None = None,
    grid_codes: Iterable[str] = (),
    urgency: str = Urgency.NORMAL,
    registered_at: datetime.datetime | None = None,
) -> Case:
    """Raise a risk (预见): register its case through the engine's one door (the source case as its
    parent), with its Risk row — source, score, level from the active matrix, owner unit (the case's
    assigned organisation), grids — and the first score of its history (固有风险), all or nothing.

    Without `region`, the first grid's region stands for it (or the point's grid, as the engine finds)."""
    if source not in RiskSource.values:
        raise ApplicationError(_("风险来源无效"), field="source")
    level = level_of(likelihood=likelihood, impact=impact)
    codes = _grid_codes_check(grid_codes, actor=actor)
    if region is None and lat is None and lng is None and codes:
        region = Region.objects.get(code=codes[0])
    if owner_org is not None:
        if not owner_org.is_active:
            raise ApplicationError(_("责任单位已停用"), field="owner_org")
        refusal = workflows.get(KIND).org_refusal(owner_org)
        if refusal:
            raise ApplicationError(refusal, field="owner_org", code="org_type_not_allowed")
        if not actor.can_see_code(owner_org.region.code):
            raise ApplicationError(_("责任单位不在您的辖区内"), field="owner_org")
    if source_case is not None and not actor.can_see_code(source_case.region_code):
        raise ApplicationError(_("来源案件不存在或不在您的辖区内"), field="source_case")
    registered_at = registered_at or timezone.now()
    case = cs.case_register(
        actor=actor,
        kind=KIND,
        category=category,
        title=title,
        description=description,
        channel=SOURCE_CHANNEL[RiskSource(source)],
        region=region,
        urgency=urgency,
        address=address,
        lat=lat,
        lng=lng,
        parties=parties,
        parent=source_case,
        assigned_org=owner_org,
        registered_at=registered_at,
    )
    if owner_org is not None and case.region_code and not case.region_code.startswith(owner_org.region.prefix):
        raise ApplicationError(_("责任单位的管辖范围不包含风险所在地"), field="owner_org")
    risk = Risk.objects.create(
        case=case,
        source=source,
        likelihood=likelihood,
        impact=impact,
        level=level,
        owner_org=case.assigned_org,
        grid_codes=codes,
        scored_at=registered_at,
        next_review_at=next_review(level, after=registered_at),
    )
    RiskScore.objects.create(
        risk=risk,
        kind=ScoreKind.INHERENT,
        stage=RiskStage.FORESIGHT,
        likelihood=likelihood,
        impact=impact,
        level=level,
        scored_by=actor,
        scored_at=registered_at,
    )
    clocks.clocks_rule_refresh(case=case)  # the level's respond/dispose clocks, now that it has a level
    return case


# --- conditions of the transitions ------------------------------------------------------------------


def _risk(case: Case) -> Risk:
    return Risk.objects.select_for_update().get(pk=case.pk)


def open_tasks(case: Case, stage: str | None = None) -> int:
    """How many tasks of `stage` (the case's current stage) are still open."""
    return RiskTask.objects.filter(risk_id=case.pk, stage=stage or case.status, status=TaskStatus.OPEN).count()


def stage_tasks_done(case: Case) -> bool:
    """A stage cannot end while its tasks are open."""
    return open_tasks(case) == 0


def disposal_done(case: Case) -> bool:
    """处置 ends when its tasks are closed and the residual level after the measures is set."""
    return stage_tasks_done(case) and Risk.objects.filter(pk=case.pk).exclude(residual_level="").exists()


def review_signed(case: Case) -> bool:
    """总结 ends when its review is signed off (and its tasks, if any, are closed)."""
    return stage_tasks_done(case) and RiskReview.objects.filter(risk_id=case.pk, approved_at__isnull=False).exists()


def review_unsigned(case: Case) -> bool:
    return not RiskReview.objects.filter(risk_id=case.pk, approved_at__isnull=False).exists()


def review_awaiting_sign_off(case: Case) -> bool:
    return RiskReview.objects.filter(risk_id=case.pk, approved_at__isnull=True).exists()


def has_open_task(case: Case) -> bool:
    return RiskTask.objects.filter(risk_id=case.pk, stage=case.status, status=TaskStatus.OPEN).exists()


def has_templates(case: Case) -> bool:
    return RiskPlanTemplate.objects.filter(is_active=True).exists()


# --- the handlers ---------------------------------------------------------------------------------


def _reset_review(risk: Risk, *, at: datetime.datetime | None = None) -> None:
    risk.next_review_at = next_review(risk.level, after=at)
    risk.review_notified_at = None


def handle_score(
    *, case: Case, actor: User, transition: workflows.Transition, data: Mapping[str, Any]
) -> workflows.Effect:
    """评估 / 重新评估: likelihood × impact → level on the active matrix; a history row (固有 at 预见,
    当前 after); the re-score prompt cleared and the review date reset."""
    risk = _risk(case)
    likelihood, impact = data["likelihood"], data["impact"]
    level = level_of(likelihood=likelihood, impact=impact)
    kind = ScoreKind.INHERENT if case.status == RiskStage.FORESIGHT else ScoreKind.CURRENT
    previous = risk.level
    now = timezone.now()
    risk.likelihood, risk.impact, risk.level, risk.scored_at = likelihood, impact, level, now
    risk.rescore_prompted_at = None
    _reset_review(risk, at=now)
    risk.save()
    if level != previous:
        clocks.clocks_rule_refresh(case=case)  # the new level's respond/dispose times
    RiskScore.objects.create(
        risk=risk,
        kind=kind,
        stage=case.status,
        likelihood=likelihood,
        impact=impact,
        level=level,
        note=data.get("note", ""),
        scored_by=actor,
        scored_at=now,
    )
    return workflows.Effect(
        RiskEvent.SCORED,
        {
            "risk_likelihood": likelihood,
            "risk_impact": impact,
            "risk_level": level,
            "risk_previous_level": previous,
            "risk_score_kind": kind,
        },
        notify_org=False,
    )


def handle_advance(
    *, case: Case, actor: User, transition: workflows.Transition, data: Mapping[str, Any]
) -> workflows.Effect:
    """进入下一阶段 (the declared target): the review date resets with each stage."""
    risk = _risk(case)
    _reset_review(risk)
    risk.save(update_fields=["next_review_at", "review_notified_at"])
    return workflows.Effect(RiskEvent.STAGE, {"risk_from_stage": case.status, "risk_to_stage": transition.target})


def handle_close_loop(
    *, case: Case, actor: User, transition: workflows.Transition, data: Mapping[str, Any]
) -> workflows.Effect:
    """闭环: the case closes (its clocks stop, the on-time verdict frozen); no more periodic reviews."""
    now = timezone.now()
    case.resolved_at = case.resolved_at or now
    case.resolved_by = case.resolved_by or actor
    case.closed_at = now
    clocks.clocks_stop_all(case=case, at=now)
    Risk.objects.filter(pk=case.pk).update(next_review_at=None, rescore_prompted_at=None)
    return workflows.Effect(RiskEvent.CLOSED, {"on_time": case.on_time}, notify_org=False)


def handle_periodic_review(
    *, case: Case, actor: User, transition: workflows.Transition, data: Mapping[str, Any]
) -> workflows.Effect:
    """定期复核: the risk was looked at again; the next review date resets by its level."""
    risk = _risk(case)
    _reset_review(risk)
    risk.save(update_fields=["next_review_at", "review_notified_at"])
    return workflows.Effect(
        RiskEvent.REVIEWED,
        {"risk_next_review_at": timezone.localtime(risk.next_review_at).isoformat()},
        notify_org=False,
    )


def _owner(code: str, *, case: Case, default: Organization) -> Organization:
    if not code:
        return default
    org = organization_by_code(code, field="owner_org")
    if not case.region_code.startswith(org.region.prefix) and not org.region.code.startswith(
        case.assigned_org.region.prefix
    ):
        raise ApplicationError(_("责任单位须为风险所在地的单位或本单位辖区内的单位"), field="owner_org")
    return org


def _due_check(due: datetime.date) -> None:
    if due < timezone.localdate():
        raise ApplicationError(_("完成期限不能早于今天"), field="due_date")


def handle_add_task(
    *, case: Case, actor: User, transition: workflows.Transition, data: Mapping[str, Any]
) -> workflows.Effect:
    """新增任务: a task of the response plan (应对 or 处置) or an improvement measure (提升): owner unit,
    due date, required evidence."""
    risk = _risk(case)
    stage = data.get("stage") or case.status
    allowed = transition.options.get("stages", {}).get(case.status, (case.status,))
    if stage not in allowed:
        raise ApplicationError(
            _("当前阶段只能新增“%(stages)s”阶段的任务")
            % {"stages": "、".join(str(RiskStage(s).label) for s in allowed)},
            field="stage",
        )
    _due_check(data["due_date"])
    task = RiskTask.objects.create(
        risk=risk,
        stage=stage,
        title=data["title"].strip(),
        owner_org=_owner(data.get("owner_org", ""), case=case, default=risk.owner_org),
        due_date=data["due_date"],
        required_evidence=data.get("required_evidence", "").strip(),
        created_by=actor,
    )
    event = RiskEvent.IMPROVEMENT_ADDED if stage == RiskStage.IMPROVEMENT else RiskEvent.TASK_ADDED
    return workflows.Effect(
        event,
        {
            "task": task.pk,
            "risk_task_title": task.title,
            "risk_task_owner": task.owner_org.name,
            "risk_task_due": str(task.due_date),
        },
    )


def template_due_date(
    days: int, *, today: datetime.date | None = None, calendar: WorkCalendar | None = None
) -> datetime.date:
    """The due date of a template task `days` working days after today (the day itself does not count)."""
    today = today or timezone.localdate()
    if days <= 0:
        return today
    return list((calendar or WorkCalendar()).working_days(today, days))[-1]


def handle_apply_template(
    *, case: Case, actor: User, transition: workflows.Transition, data: Mapping[str, Any]
) -> workflows.Effect:
    """套用预案模板: the template's tasks copied to the risk, due so many working days from today."""
    risk = _risk(case)
    template = RiskPlanTemplate.objects.filter(pk=data["template"], is_active=True).first()
    if template is None:
        raise ApplicationError(_("预案模板不存在或已停用"), field="template")
    items = list(template.tasks.all())
    if not items:
        raise ApplicationError(_("预案模板“%(name)s”没有任务") % {"name": template.name}, field="template")
    calendar = WorkCalendar()
    tasks = RiskTask.objects.bulk_create(
        RiskTask(
            risk=risk,
            stage=item.stage,
            title=item.title,
            owner_org=risk.owner_org,
            due_date=template_due_date(item.due_in_days, calendar=calendar),
            required_evidence=item.required_evidence,
            created_by=actor,
        )
        for item in items
    )
    return workflows.Effect(
        RiskEvent.PLAN_APPLIED,
        {"template": template.pk, "risk_template_name": template.name, "risk_task_count": len(tasks)},
    )


def _task(case: Case, task_id: int, *, stages: Iterable[str] | None = None) -> RiskTask:
    task = RiskTask.objects.select_for_update().filter(pk=task_id, risk_id=case.pk).first()
    if task is None:
        raise ApplicationError(_("任务不存在"), field="task")
    if task.status != TaskStatus.OPEN:
        raise ApplicationError(
            _("任务“%(title)s”已%(status)s") % {"title": task.title, "status": task.get_status_display()}, field="task"
        )
    if task.stage not in (stages or (case.status,)):
        raise ApplicationError(
            _("任务“%(title)s”属于%(stage)s阶段,当前不能办理")
            % {"title": task.title, "stage": task.get_stage_display()},
            field="task",
        )
    return task


def _evidence(case: Case, ids: Iterable[int]) -> list[Attachment]:
    ids = list(dict.fromkeys(ids))
    found = list(Attachment.objects.filter(case=case, pk__in=ids))
    if len(found) != len(ids):
        raise ApplicationError(_("佐证附件须为本风险已上传的附件"), field="evidence")
    return found


def _prompt_rescore(case: Case, risk: Risk, stage: str) -> bool:
    """When the last open task of a stage finishes: prompt a re-score (flag + notification) until the risk
    is scored again."""
    tasks = RiskTask.objects.filter(risk=risk, stage=stage).aggregate(
        total=Count("pk"), open=Count("pk", filter=Q(status=TaskStatus.OPEN))
    )
    if not tasks["total"] or tasks["open"]:
        return False
    risk.rescore_prompted_at = timezone.now()
    risk.save(update_fields=["rescore_prompted_at"])
    from pingan.cases.tasks import notify_organization

    publish(
        notify_organization,
        case_id=case.pk,
        org_id=risk.owner_org_id,
        message=str(
            _("风险 %(number)s:%(stage)s阶段任务已全部完成,请重新评估风险等级")
            % {"number": case.number, "stage": RiskStage(stage).label}
        ),
    )
    return True


def handle_record_task(
    *, case: Case, actor: User, transition: workflows.Transition, data: Mapping[str, Any]
) -> workflows.Effect:
    """处置记录: the record of what was done on a task, with evidence files (the risk's attachments);
    `complete` finishes it — refused without a file when the task names its required evidence."""
    risk = _risk(case)
    task = _task(case, data["task"])
    files = _evidence(case, data.get("evidence") or [])
    record = data["record"].strip()
    task.record = f"{task.record}\n{record}".strip() if task.record else record
    if files:
        task.evidence.add(*files)
    complete = bool(data.get("complete"))
    if complete and task.required_evidence and not task.evidence.exists():
        raise ApplicationError(
            _("任务“%(title)s”须提交佐证材料(%(evidence)s),请先上传附件并选择")
            % {"title": task.title, "evidence": task.required_evidence},
            field="evidence",
        )
    if complete:
        task.status, task.done_by, task.done_at = TaskStatus.DONE, actor, timezone.now()
    task.save()
    prompted = complete and _prompt_rescore(case, risk, task.stage)
    return workflows.Effect(
        RiskEvent.TASK_DONE if complete else RiskEvent.TASK_RECORDED,
        {
            "task": task.pk,
            "risk_task_title": task.title,
            "evidence": [f.pk for f in files],
            "rescore_prompted": prompted,
        },
        notify_org=False,
    )


def handle_cancel_task(
    *, case: Case, actor: User, transition: workflows.Transition, data: Mapping[str, Any]
) -> workflows.Effect:
    """取消任务, with its reason: a cancelled task no longer holds its stage open."""
    risk = _risk(case)
    task = _task(case, data["task"])
    task.status, task.cancel_reason, task.done_by, task.done_at = (
        TaskStatus.CANCELLED,
        data["comment"].strip(),
        actor,
        timezone.now(),
    )
    task.save()
    prompted = _prompt_rescore(case, risk, task.stage)
    return workflows.Effect(
        RiskEvent.TASK_CANCELLED,
        {"task": task.pk, "risk_task_title": task.title, "rescore_prompted": prompted},
        notify_org=False,
    )


def handle_set_residual(
    *, case: Case, actor: User, transition: workflows.Transition, data: Mapping[str, Any]
) -> workflows.Effect:
    """剩余风险: likelihood × impact after the measures → the residual level (社会稳定风险评估's 采取措施后的
    风险等级); a 剩余 row in the score history."""
    risk = _risk(case)
    likelihood, impact = data["likelihood"], data["impact"]
    level = level_of(likelihood=likelihood, impact=impact)
    risk.residual_likelihood, risk.residual_impact, risk.residual_level = likelihood, impact, level
    risk.save(update_fields=["residual_likelihood", "residual_impact", "residual_level"])
    RiskScore.objects.create(
        risk=risk,
        kind=ScoreKind.RESIDUAL,
        stage=case.status,
        likelihood=likelihood,
        impact=impact,
        level=level,
        note=data.get("note", ""),
        scored_by=actor,
    )
    return workflows.Effect(
        RiskEvent.RESIDUAL,
        {"risk_likelihood": likelihood, "risk_impact": impact, "risk_residual_level": level},
        notify_org=False,
    )


def handle_write_review(
    *, case: Case, actor: User, transition: workflows.Transition, data: Mapping[str, Any]
) -> workflows.Effect:
    """撰写总结: what worked and what failed; rewriting an unsigned review makes the writer its author."""
    risk = _risk(case)
    review = RiskReview.objects.select_for_update().filter(risk=risk).first()
    if review is not None and review.is_signed:
        raise ApplicationError(_("总结已签批,不能再修改"))
    review = review or RiskReview(risk=risk)
    review.worked, review.failed = data["worked"].strip(), data["failed"].strip()
    review.author, review.written_at = actor, timezone.now()
    review.save()
    return workflows.Effect(RiskEvent.REVIEW_WRITTEN, {"review": review.pk})


def risk_snapshot(risk: Risk) -> dict[str, Any]:
    """The risk's state a sign-off applied to: level and score, residual level, task counts by status."""
    counts = dict.fromkeys(TaskStatus.values, 0)
    for row in risk.tasks.values("status").annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    return {
        "level": risk.level,
        "likelihood": risk.likelihood,
        "impact": risk.impact,
        "residual_level": risk.residual_level,
        "residual_likelihood": risk.residual_likelihood,
        "residual_impact": risk.residual_impact,
        "tasks": counts,
        "scored_at": timezone.localtime(risk.scored_at).isoformat(),
    }


def _signing_org(case: Case, actor: User) -> Organization | None:
    """The centre above the case the signer acts for: the lowest one covering the case."""
    covering = [
        m.organization
        for m in actor.active_memberships
        if m.organization_id != case.assigned_org_id and case.region_code.startswith(m.organization.region.prefix)
    ]
    return max(covering, key=lambda org: org.region.level, default=None)


def handle_sign_off(
    *, case: Case, actor: User, transition: workflows.Transition, data: Mapping[str, Any]
) -> workflows.Effect:
    """签批: a centre above the owner signs the review off (never its author: the transition forbids it),
    recording who, for which organisation, and the risk's state it applied to."""
    risk = _risk(case)
    review = RiskReview.objects.select_for_update().filter(risk=risk).first()
    if review is None or review.is_signed:
        raise ApplicationError(_("没有待签批的总结"))
    if review.author_id == actor.pk:  # the declaration forbids it too; never rely on one check
        raise ApplicationError(_("总结不能由撰写人本人签批"))
    review.approved_by, review.approved_org = actor, _signing_org(case, actor)
    review.approved_at = timezone.now()
    review.approval_comment = data.get("comment", "")[:500]
    review.approval_snapshot = risk_snapshot(risk)
    review.save()
    return workflows.Effect(
        RiskEvent.SIGNED_OFF,
        {
            "review": review.pk,
            "risk_signing_org": review.approved_org.name if review.approved_org else "",
            "risk_level": risk.level,
            "risk_residual_level": risk.residual_level,
        },
    )


def handle_complete_improvement(
    *, case: Case, actor: User, transition: workflows.Transition, data: Mapping[str, Any]
) -> workflows.Effect:
    """提升措施完成, optionally saved as a reusable plan template (its one task due in as many working
    days as the measure had) or as a standing mechanism (长效机制)."""
    _risk(case)  # locks the risk row
    task = _task(case, data["task"], stages=(RiskStage.IMPROVEMENT,))
    files = _evidence(case, data.get("evidence") or [])
    if files:
        task.evidence.add(*files)
    if task.required_evidence and not task.evidence.exists():
        raise ApplicationError(
            _("提升措施“%(title)s”须提交佐证材料(%(evidence)s),请先上传附件并选择")
            % {"title": task.title, "evidence": task.required_evidence},
            field="evidence",
        )
    record = data["record"].strip()
    task.record = f"{task.record}\n{record}".strip() if task.record else record
    task.status, task.done_by, task.done_at = TaskStatus.DONE, actor, timezone.now()
    task.outcome = data.get("save_as") or ImprovementOutcome.NONE
    task.save()
    params: dict[str, Any] = {"task": task.pk, "risk_task_title": task.title, "risk_saved_as": task.outcome}
    if task.outcome == ImprovementOutcome.TEMPLATE:
        name = (data.get("save_name") or task.title).strip()[:100]
        template = RiskPlanTemplate.objects.create(
            name=name,
            category=case.category,
            description=record,
            created_by=actor,
            source_task=task,
        )
        days = WorkCalendar().working_days_between(task.created_at.date(), task.due_date) if task.due_date else 1
        RiskPlanTemplateTask.objects.create(
            template=template,
            stage=RiskStage.DISPOSAL,
            title=task.title,
            due_in_days=max(days, 1),
            required_evidence=task.required_evidence,
        )
        params.update(template=template.pk, risk_template_name=template.name)
    elif task.outcome == ImprovementOutcome.MECHANISM:
        mechanism = RiskMechanism.objects.create(
            name=(data.get("save_name") or task.title).strip()[:200],
            content=record,
            category=case.category,
            owner_org=task.owner_org,
            source_task=task,
            created_by=actor,
        )
        params.update(mechanism=mechanism.pk)
    return workflows.Effect(RiskEvent.IMPROVEMENT_DONE, params, notify_org=False)
