"""The consultation kind (法律咨询): 待答复 → (专家会诊) → 已答复 → 已办结, with 退回补充 (the clocks pause while the
enterprise adds detail) and 转交三官一律 (the question goes to the enterprise's judge, prosecutor, police officer
or lawyer), declared once: the detail page's buttons, the API's `allowed_actions` and the services' guard read
this declaration.

Clocks: 办结 (primary, registration → closing, the SLA policies of migration 0002) and 答复 (the answer
time, by urgency: 3 working days, or 2 calendar hours for an urgent 12345 call), stopped by the answer."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from pingan.accounts.choices import Role
from pingan.cases import action_forms as af
from pingan.cases import clocks
from pingan.cases import timeline as tl
from pingan.cases.choices import ClockUnit, StateType
from pingan.cases.common_transitions import T, supervise
from pingan.cases.events import EventSpec
from pingan.cases.workflows import PRIMARY_CLOCK, ClockSpec, ClockTrigger, Panel, State, Workflow, register
from pingan.lawguard.choices import ProviderRole
from pingan.regions.choices import OrgType

from . import forms as f
from . import panels
from . import services as s
from .api.serializers import api_fields
from .choices import ANSWER_CLOCK, CLOSING_RULES, KIND, NUMBER_PREFIX, ConsultEvent
from .choices import ConsultState as S

if TYPE_CHECKING:
    from django.apps.registry import Apps
    from django.db.backends.base.schema import BaseDatabaseSchemaEditor

CENTRE = frozenset({Role.CENTRE_STAFF, Role.CENTRE_HEAD})
# Who works consultations: the workstation's and the expert team's members (职能部门工作人员 posts there), the
# centres (a consultation routed to a centre when the enterprise has neither); and the assignee (a 三官一律 or
# an expert the question was handed to).
WORKERS = CENTRE | {Role.DEPARTMENT_STAFF}
WHO: dict[str, Any] = {"roles": WORKERS, "superior_roles": CENTRE, "assignee": True}
AWAITING = frozenset({S.PENDING, S.CONSULTING})
ORG_TYPES = frozenset({OrgType.CENTRE, OrgType.LAW_WORKSTATION, OrgType.EXPERT_TEAM})


def _restore_reference_data(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """The category and SLA policies the data migration wrote (for tests that flush)."""
    importlib.import_module("pingan.consultations.migrations.0002_reference_data").create_reference_data(
        apps, schema_editor
    )


CONSULT = register(
    Workflow(
        kind=KIND,
        label=_("法律咨询"),
        number_prefix=NUMBER_PREFIX,
        initial=S.PENDING,
        event_types=tuple(EventSpec(e.value, e.label) for e in ConsultEvent),
        reference_data=(_restore_reference_data,),
        intake_check=s.intake_check,
        intake_route=s.intake_route,
        on_register=s.on_register,
        api_fields=api_fields,
        detail_related=("consultation__enterprise", "consultation__escalated_to", "consultation__answered_by"),
        panels=(
            Panel("consultations/panels/question.html", panels.question),
            Panel("consultations/panels/answer.html", panels.answer),
            Panel("consultations/panels/enterprise.html", panels.enterprise, column="side"),
        ),
        param_labels={
            "consult_role": (_("角色"), tl.label_of(ProviderRole)),
            "consult_person": (_("承办人"), str),
            "consult_expert": (_("会诊专家"), str),
            "consult_asked_by": (_("提问人"), str),
            "consult_enterprise": (_("企业"), str),
            "consult_score": (_("评分"), str),
        },
        states=(
            State(S.PENDING, S.PENDING.label),
            State(S.CONSULTING, S.CONSULTING.label),
            State(S.SUPPLEMENT, S.SUPPLEMENT.label),
            State(S.ANSWERED, S.ANSWERED.label, StateType.RESOLVED),
            State(S.CLOSED, S.CLOSED.label, StateType.CLOSED),
        ),
        clocks=CLOSING_RULES,
        org_types=ORG_TYPES,
        clock_specs=(
            ClockSpec(PRIMARY_CLOCK, _("办结"), primary=True),
            ClockSpec(
                ANSWER_CLOCK,
                _("答复"),
                amount=3,
                unit=ClockUnit.WORKING_DAYS,
                stops=(ClockTrigger.action("answer"),),
                rule_for=s.answer_rule,
            ),
        ),
        transitions=(
            T(
                "hand_to_guard",
                _("转交三官一律"),
                {S.PENDING},
                None,
                s.handle_hand_to_guard,
                f.HandToGuardForm,
                condition=s.has_guard_accounts,
                condition_message=_("该企业的三官一律尚未开通系统账号,不能转交"),
                style="secondary",
                **WHO,
            ),
            T(
                "escalate",
                _("专家会诊"),
                {S.PENDING, S.CONSULTING},
                S.CONSULTING,
                s.handle_escalate,
                f.EscalateForm,
                condition=s.has_experts,
                condition_message=_("法律专家库中没有在库的专家"),
                style="secondary",
                **WHO,
            ),
            T(
                "request_info",
                _("退回补充"),
                AWAITING,
                S.SUPPLEMENT,
                clocks.handle_suspend,
                af.SuspendForm,
                condition=clocks.can_suspend,
                condition_message=_("已过办结时限,不能退回补充"),
                style="secondary",
                **WHO,
            ),
            T("supplied", _("补充完毕"), {S.SUPPLEMENT}, None, clocks.handle_resume, **WHO),
            T("answer", _("答复"), AWAITING, S.ANSWERED, s.handle_answer, f.AnswerForm, style="success", **WHO),
            T("close", _("办结"), {S.ANSWERED}, S.CLOSED, s.handle_close, f.CloseForm, **WHO),
            supervise(AWAITING | {S.SUPPLEMENT, S.ANSWERED}),
        ),
    )
)
