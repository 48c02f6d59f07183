"""The legal-service kind (法律服务, numbers FW…), declared once.

法治体检 (category `lawservice_checkup`): 已预约 → 自查 → 体检中 → 报告审核 → 已出具 → 回访 → 已办结. The
enterprise's self-check (from the portal through the workstation's intake account, or staff fill it), the
on-site check with the experts' 会诊 and the findings, the report drafted and reviewed by someone other than
its drafter (at the workstation, or a centre above it), issued (documents frozen, suggestions tracked).
Other services (合同审查, 法治宣讲/培训, 合规指导, 法律文书): 已预约 → 服务中 → 已办结 with an outcome.

Clocks (service commitments, docs/lawchecks.md): the whole service (primary, by urgency); 服务 — booking to
the start of the 体检 or service within SERVE_DAYS working days; 出具 — draft to issue within ISSUE_DAYS."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from pingan.accounts.choices import Role
from pingan.cases import common_transitions as ct
from pingan.cases.choices import ClockUnit, StateType, Urgency
from pingan.cases.common_transitions import T
from pingan.cases.events import EventSpec
from pingan.cases.workflows import PRIMARY_CLOCK, ClockSpec, ClockTrigger, Panel, State, Workflow, register
from pingan.regions.choices import OrgType

from . import forms as f
from . import panels
from . import services as s
from .api.serializers import api_fields
from .choices import ISSUE_DAYS, KIND, NUMBER_PREFIX, SERVE_DAYS, ServiceEvent
from .choices import ServiceState as S

if TYPE_CHECKING:
    from django.apps.registry import Apps
    from django.db.backends.base.schema import BaseDatabaseSchemaEditor

CENTRE = frozenset({Role.CENTRE_STAFF, Role.CENTRE_HEAD})
WORKERS = CENTRE | {Role.DEPARTMENT_STAFF}
WHO: dict[str, Any] = {"roles": WORKERS, "assignee": True}
REVIEWERS: dict[str, Any] = {"roles": WORKERS, "superior_roles": CENTRE | {Role.LEADER}}
OPEN = frozenset({S.BOOKED, S.SELF_CHECK, S.CHECKING, S.REVIEW, S.ISSUED, S.REVISIT, S.SERVING})
DRAFTER = ("legalservice.drafted_by_id",)


def _restore_reference_data(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """The categories and seeded checklists the data migration wrote (for tests that flush)."""
    importlib.import_module("pingan.lawchecks.migrations.0002_reference_data").create_reference_data(
        apps, schema_editor
    )


def _is_checkup(case: Any) -> bool:
    return s.is_checkup(case)


LAWSERVICE = register(
    Workflow(
        kind=KIND,
        label=_("法律服务"),
        number_prefix=NUMBER_PREFIX,
        initial=S.BOOKED,
        event_types=tuple(EventSpec(e.value, e.label) for e in ServiceEvent),
        reference_data=(_restore_reference_data,),
        api_fields=api_fields,
        panels=(
            Panel("lawchecks/panels/service.html", panels.service, column="side"),
            Panel("lawchecks/panels/checklist.html", panels.checklist),
            Panel("lawchecks/panels/findings.html", panels.findings),
            Panel("lawchecks/panels/report.html", panels.report),
        ),
        param_labels={
            "lawservice_items": (_("事项数"), str),
            "lawservice_findings": (_("问题数"), str),
            "lawservice_finding": (_("问题"), str),
            "lawservice_report": (_("报告编号"), str),
            "lawservice_suggestions": (_("风险防范建议"), str),
        },
        states=(
            State(S.BOOKED, S.BOOKED.label),
            State(S.SELF_CHECK, S.SELF_CHECK.label),
            State(S.CHECKING, S.CHECKING.label),
            State(S.REVIEW, S.REVIEW.label),
            State(S.ISSUED, S.ISSUED.label),
            State(S.REVISIT, S.REVISIT.label),
            State(S.SERVING, S.SERVING.label),
            State(S.CLOSED, S.CLOSED.label, StateType.CLOSED),
        ),
        clocks={
            Urgency.NORMAL: (30, ClockUnit.WORKING_DAYS),
            Urgency.URGENT: (15, ClockUnit.WORKING_DAYS),
            Urgency.CRITICAL: (5, ClockUnit.WORKING_DAYS),
        },
        org_types=frozenset({OrgType.LAW_WORKSTATION, OrgType.CENTRE}),
        clock_specs=(
            ClockSpec(PRIMARY_CLOCK, _("办结"), primary=True),
            ClockSpec(
                "serve",
                _("服务"),
                amount=SERVE_DAYS,
                unit=ClockUnit.WORKING_DAYS,
                stops=(ClockTrigger.state(S.CHECKING), ClockTrigger.state(S.SERVING)),
            ),
            ClockSpec(
                "issue",
                _("出具"),
                amount=ISSUE_DAYS,
                unit=ClockUnit.WORKING_DAYS,
                starts=ClockTrigger.action("draft_report"),
                stops=(ClockTrigger.state(S.ISSUED),),
            ),
        ),
        transitions=(
            T(
                "confirm",
                _("确认预约"),
                {S.BOOKED},
                S.SELF_CHECK,
                s.handle_confirm,
                condition=_is_checkup,
                condition_message=_("仅法治体检需要企业自查"),
                **WHO,
            ),
            T("self_check", _("填报自查"), {S.SELF_CHECK}, None, s.handle_self_check, f.SelfCheckForm, **WHO),
            T(
                "start_check",
                _("开始体检"),
                {S.SELF_CHECK},
                S.CHECKING,
                s.handle_start,
                f.StartForm,
                **WHO,
            ),
            T(
                "start_service",
                _("开始服务"),
                {S.BOOKED},
                S.SERVING,
                s.handle_start,
                f.StartForm,
                condition=s.not_checkup,
                condition_message=_("法治体检须先确认预约并由企业自查"),
                **WHO,
            ),
            T("record_check", _("记录体检结果"), {S.CHECKING}, None, s.handle_record_check, f.RecordCheckForm, **WHO),
            T("add_finding", _("记录问题"), {S.CHECKING}, None, s.handle_add_finding, f.FindingForm, **WHO),
            T(
                "remove_finding",
                _("删除问题"),
                {S.CHECKING},
                None,
                s.handle_remove_finding,
                f.RemoveFindingForm,
                condition=s.has_findings,
                condition_message=_("尚无问题记录"),
                style="secondary",
                **WHO,
            ),
            T(
                "draft_report",
                _("生成报告草稿"),
                {S.CHECKING},
                S.REVIEW,
                s.handle_draft,
                condition=s.all_checked,
                condition_message=_("清单事项尚未全部记录体检结果,不能生成报告"),
                **WHO,
            ),
            T(
                "return_report",
                _("退回修改"),
                {S.REVIEW},
                S.CHECKING,
                s.handle_return,
                f.ReturnForm,
                forbid=DRAFTER,
                style="secondary",
                **REVIEWERS,
            ),
            T(
                "approve_report",
                _("审核通过"),
                {S.REVIEW},
                None,
                s.handle_approve,
                forbid=DRAFTER,
                condition=s.awaiting_review,
                condition_message=_("报告已审核通过"),
                style="success",
                **REVIEWERS,
            ),
            T(
                "issue_report",
                _("出具报告"),
                {S.REVIEW},
                S.ISSUED,
                s.handle_issue,
                f.IssueForm,
                condition=s.approved,
                condition_message=_("报告尚未经他人审核通过,不能出具"),
                roles=WORKERS,
            ),
            T("start_revisit", _("开始回访"), {S.ISSUED}, S.REVISIT, s.handle_revisit, **WHO),
            T("finish", _("办结"), {S.REVISIT, S.SERVING}, S.CLOSED, s.handle_finish, f.FinishForm, **WHO),
            ct.supervise(OPEN),
        ),
    )
)
