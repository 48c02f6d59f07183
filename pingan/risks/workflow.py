"""The risk kind (重大风险): the closed loop 预见 → 应对 → 处置 → 总结 → 提升 → 已闭环, declared once.

Each stage is a state; one transition leaves each (start_response, start_disposal, start_summary,
start_improvement, close_loop), refused while the stage's tasks are open (and, for 处置, until the
residual level is set; for 总结, until the review is signed off by a centre above — never its author).
Everything else a person does on a risk is a transition too (score, tasks, evidence, review, sign-off,
improvements, the periodic review), so the detail page's buttons, the API's `allowed_actions` and the
guard in the services read this one declaration."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from pingan.accounts.choices import Role
from pingan.cases import action_forms as af
from pingan.cases import common_transitions as ct
from pingan.cases.choices import ClockUnit, StateType, Urgency
from pingan.cases.common_transitions import T
from pingan.cases.events import EventSpec
from pingan.cases.workflows import Handler, State, Transition, Workflow, register
from pingan.regions.choices import OrgType

from . import forms as f
from . import services as s
from .choices import KIND, NUMBER_PREFIX, RiskEvent
from .choices import RiskStage as S

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.apps.registry import Apps
    from django.db.backends.base.schema import BaseDatabaseSchemaEditor
    from django.utils.functional import Promise

    from pingan.cases.models import Case

CENTRE = frozenset({Role.CENTRE_STAFF, Role.CENTRE_HEAD})
WORKERS = CENTRE | {Role.DEPARTMENT_STAFF}
SIGNERS = CENTRE | {Role.LEADER}
OPEN = frozenset({S.FORESIGHT, S.RESPONSE, S.DISPOSAL, S.SUMMARY, S.IMPROVEMENT})
TASK_STAGES = frozenset({S.RESPONSE, S.DISPOSAL, S.IMPROVEMENT})
# Who owns and works risks: centres and the departments (公安, 司法, 人社, 住建, 信访, others); never a
# court, a procuratorate, an arbitration or a mediation committee.
ORG_TYPES = frozenset(
    {OrgType.CENTRE, OrgType.POLICE, OrgType.JUSTICE, OrgType.LABOUR, OrgType.HOUSING, OrgType.LETTERS, OrgType.OTHER}
)
WHO: dict[str, Any] = {"roles": WORKERS, "superior_roles": CENTRE, "assignee": True}


def _restore_reference_data(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """The categories, matrix and level policies the data migration wrote (for tests that flush)."""
    importlib.import_module("pingan.risks.migrations.0002_reference_data").create_reference_data(apps, schema_editor)


def _advance(
    action: str,
    label: str | Promise,
    source: str,
    target: str,
    condition: Callable[[Case], bool],
    message: str | Promise,
    handler: Handler = s.handle_advance,
) -> Transition:
    """The one transition out of a stage, refused (409, with `message`) while `condition` fails."""
    return T(action, label, {source}, target, handler, condition=condition, condition_message=message, **WHO)


RISK = register(
    Workflow(
        kind=KIND,
        label=_("重大风险"),
        number_prefix=NUMBER_PREFIX,
        initial=S.FORESIGHT,
        event_types=tuple(EventSpec(e.value, e.label) for e in RiskEvent),
        reference_data=(_restore_reference_data,),
        states=(
            State(S.FORESIGHT, S.FORESIGHT.label),
            State(S.RESPONSE, S.RESPONSE.label),
            State(S.DISPOSAL, S.DISPOSAL.label),
            State(S.SUMMARY, S.SUMMARY.label),
            State(S.IMPROVEMENT, S.IMPROVEMENT.label),
            State(S.CLOSED, S.CLOSED.label, StateType.CLOSED),
        ),
        # The whole loop's own clock (the case's deadline); the level's respond/dispose clocks come on top.
        clocks={
            Urgency.NORMAL: (30, ClockUnit.WORKING_DAYS),
            Urgency.URGENT: (10, ClockUnit.WORKING_DAYS),
            Urgency.CRITICAL: (5, ClockUnit.WORKING_DAYS),
        },
        org_types=ORG_TYPES,
        transitions=(
            T("score", _("重新评估"), OPEN, None, s.handle_score, f.ScoreForm, **WHO),
            _advance(
                "start_response",
                _("进入应对"),
                S.FORESIGHT,
                S.RESPONSE,
                s.stage_tasks_done,
                _("预见阶段还有未完成的任务,不能进入应对"),
            ),
            T(
                "add_task",
                _("新增任务"),
                {S.RESPONSE, S.DISPOSAL},
                None,
                s.handle_add_task,
                f.TaskForm,
                options={"stages": {S.RESPONSE: (S.RESPONSE, S.DISPOSAL), S.DISPOSAL: (S.DISPOSAL,)}},
                style="secondary",
                **WHO,
            ),
            T(
                "apply_template",
                _("套用预案模板"),
                {S.RESPONSE},
                None,
                s.handle_apply_template,
                f.TemplateForm,
                condition=s.has_templates,
                condition_message=_("尚无可用的预案模板"),
                style="secondary",
                **WHO,
            ),
            T(
                "record_task",
                _("处置记录"),
                {S.RESPONSE, S.DISPOSAL},
                None,
                s.handle_record_task,
                f.RecordTaskForm,
                condition=s.has_open_task,
                condition_message=_("本阶段没有进行中的任务"),
                **WHO,
            ),
            T(
                "cancel_task",
                _("取消任务"),
                TASK_STAGES,
                None,
                s.handle_cancel_task,
                f.CancelTaskForm,
                condition=s.has_open_task,
                condition_message=_("本阶段没有进行中的任务"),
                style="secondary",
                **WHO,
            ),
            _advance(
                "start_disposal",
                _("进入处置"),
                S.RESPONSE,
                S.DISPOSAL,
                s.stage_tasks_done,
                _("应对阶段还有未完成的任务,不能进入处置"),
            ),
            T("set_residual", _("评估剩余风险"), {S.DISPOSAL}, None, s.handle_set_residual, f.ResidualForm, **WHO),
            _advance(
                "start_summary",
                _("进入总结"),
                S.DISPOSAL,
                S.SUMMARY,
                s.disposal_done,
                _("处置阶段的任务须全部完成(或取消)并评估剩余风险后,才能进入总结"),
            ),
            T(
                "write_review",
                _("撰写总结"),
                {S.SUMMARY},
                None,
                s.handle_write_review,
                f.ReviewForm,
                condition=s.review_unsigned,
                condition_message=_("总结已签批,不能再修改"),
                **WHO,
            ),
            T(
                "sign_off",
                _("总结签批"),
                {S.SUMMARY},
                None,
                s.handle_sign_off,
                f.SignOffForm,
                superior_roles=SIGNERS,
                forbid=("risk.review.author_id",),
                condition=s.review_awaiting_sign_off,
                condition_message=_("尚无待签批的总结"),
                style="success",
            ),
            _advance(
                "start_improvement",
                _("进入提升"),
                S.SUMMARY,
                S.IMPROVEMENT,
                s.review_signed,
                _("总结须经上级综治中心签批后,才能进入提升阶段"),
            ),
            T(
                "add_improvement",
                _("新增提升措施"),
                {S.IMPROVEMENT},
                None,
                s.handle_add_task,
                f.ImprovementForm,
                options={"stages": {S.IMPROVEMENT: (S.IMPROVEMENT,)}},
                style="secondary",
                **WHO,
            ),
            T(
                "complete_improvement",
                _("提升措施完成"),
                {S.IMPROVEMENT},
                None,
                s.handle_complete_improvement,
                f.CompleteImprovementForm,
                condition=s.has_open_task,
                condition_message=_("没有进行中的提升措施"),
                **WHO,
            ),
            _advance(
                "close_loop",
                _("闭环"),
                S.IMPROVEMENT,
                S.CLOSED,
                s.stage_tasks_done,
                _("提升措施尚未全部完成,不能闭环"),
                s.handle_close_loop,
            ),
            T(
                "periodic_review",
                _("定期复核"),
                OPEN,
                None,
                s.handle_periodic_review,
                af.ActionForm,
                style="secondary",
                **WHO,
            ),
            ct.supervise(OPEN),
        ),
    )
)
