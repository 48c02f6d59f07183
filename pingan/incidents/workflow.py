"""The incident kind (网格事件, the 数字城管 loop): its states, guarded transitions and clocks, declared once.

FIRST DRAFT by the lead: the incidents helper owns and refines this file (handlers for 派遣 to a
department, 处置/反馈 with photos, 不予立案, the dispute-lead conversion)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from pingan.accounts.choices import Role
from pingan.cases import action_forms as af
from pingan.cases import services as cs
from pingan.cases.choices import ClockUnit, StateType, Urgency
from pingan.cases.workflows import State, Transition, Workflow, register

from .choices import KIND
from .choices import IncidentState as S

CENTRE = frozenset({Role.CENTRE_STAFF, Role.CENTRE_HEAD})
WORKERS = CENTRE | {Role.DEPARTMENT_STAFF}


def T(action, label, sources, target, handler, form=af.ActionForm, **kwargs) -> Transition:  # noqa: N802
    return Transition(
        action=action, label=label, sources=frozenset(sources), target=target, handler=handler, form=form, **kwargs
    )


INCIDENT = register(
    Workflow(
        kind=KIND,
        label=_("网格事件"),
        number_prefix="SJ",
        initial=S.REPORTED,
        work_state=S.HANDLING,
        states=(
            State(S.REPORTED, S.REPORTED.label),
            State(S.FILED, S.FILED.label),
            State(S.DISPATCHED, S.DISPATCHED.label),
            State(S.HANDLING, S.HANDLING.label),
            State(S.FED_BACK, S.FED_BACK.label, StateType.RESOLVED),
            State(S.CLOSED, S.CLOSED.label, StateType.CLOSED),
            State(S.REJECTED, S.REJECTED.label, StateType.CLOSED),
        ),
        clocks={
            Urgency.NORMAL: (5, ClockUnit.WORKING_DAYS),
            Urgency.URGENT: (1, ClockUnit.WORKING_DAYS),
            Urgency.CRITICAL: (4, ClockUnit.WORKING_HOURS),
        },
        transitions=(
            T("file", _("立案"), {S.REPORTED}, S.FILED, cs.handle_accept, roles=CENTRE),
            T("dispatch", _("派遣"), {S.FILED}, S.DISPATCHED, cs.handle_dispatch, af.OrgTargetForm, roles=CENTRE),
            T("accept", _("接收处置"), {S.DISPATCHED}, S.HANDLING, cs.handle_accept, roles=WORKERS),
            T(
                "verify",
                _("核查"),
                {S.FED_BACK},
                S.CLOSED,
                cs.handle_verify,
                af.VerifyForm,
                roles=CENTRE,
                superior_roles=CENTRE,
                forbid=("resolved_by_id", "assignee_id"),
                options={"rework_to": S.HANDLING},
            ),
            T(
                "rate",
                _("综合评价"),
                {S.CLOSED},
                None,
                cs.handle_rate,
                af.RateForm,
                roles=CENTRE,
                superior_roles=CENTRE,
                condition=cs.is_not_rated,
                condition_message=_("本事件已评价"),
            ),
        ),
    )
)
