"""The dispute kind (矛盾纠纷): its states, guarded transitions and default clocks, declared once."""

from __future__ import annotations

import importlib
from typing import Any

from django.utils.translation import gettext_lazy as _

from pingan.accounts.choices import Role
from pingan.cases import action_forms as af
from pingan.cases import common_transitions as ct
from pingan.cases import services as cs
from pingan.cases import timeline as tl
from pingan.cases.choices import ClockUnit, Outcome, StateType, Urgency
from pingan.cases.common_transitions import T
from pingan.cases.events import EventSpec
from pingan.cases.workflows import Panel, State, Workflow, register
from pingan.regions.choices import OrgType

from . import forms as df
from . import panels
from . import services as ds
from .api.serializers import api_fields
from .choices import KIND, PUBLIC_EVENTS, AdvisedRoute, DisputeEvent
from .choices import DisputeState as S

CENTRE = frozenset({Role.CENTRE_STAFF, Role.CENTRE_HEAD})
WORKERS = CENTRE | {Role.DEPARTMENT_STAFF}
HANDLERS = WORKERS | {Role.MEDIATOR}
OPEN = frozenset({S.REGISTERED, S.ACCEPTED, S.MEDIATING, S.SUSPENDED, S.CONCLUDED, S.VERIFIED})
# Where a dispute may be suspended (挂起) and may ask for more time: once accepted, while it is worked.
WORKED = frozenset({S.ACCEPTED, S.MEDIATING})
AFTER_CONCLUSION = frozenset({S.CONCLUDED, S.VERIFIED, S.CLOSED})
# Who works disputes: centres; the mediation committees (their mediators record sessions and conclude);
# the departments whose staff accept and mediate (司法所, 派出所, 信访, 人社, 住建 and others); and the
# court, arbitration committee or administrative department that takes over a failed mediation
# (转入诉讼/仲裁/行政 registers the follow-up case with them). The 政法委 and the procuratorate hold none
# of the roles the transitions below name, so a dispute sent to them would sit with nobody. A 法治护航工作站
# (where the 三官一律 mediate enterprises' disputes) may hold one; the 法律专家团 answers questions, it does
# not mediate.
ORG_TYPES = frozenset(OrgType.values) - {OrgType.PLA_COMMITTEE, OrgType.PROCURATORATE, OrgType.EXPERT_TEAM}


def _restore_categories(apps: Any, schema_editor: Any) -> None:
    """The categories the data migration wrote (for tests that flush the database)."""
    importlib.import_module("pingan.disputes.migrations.0002_default_categories").create_categories(apps, schema_editor)


DISPUTE = register(
    Workflow(
        kind=KIND,
        label=_("矛盾纠纷"),
        number_prefix="MJ",
        initial=S.REGISTERED,
        work_state=S.MEDIATING,
        states=(
            State(S.REGISTERED, S.REGISTERED.label),
            State(S.ACCEPTED, S.ACCEPTED.label),
            State(S.MEDIATING, S.MEDIATING.label),
            # Suspended (挂起): its clock is paused; nothing is mediated or concluded until it is resumed.
            State(S.SUSPENDED, S.SUSPENDED.label),
            State(S.CONCLUDED, S.CONCLUDED.label, StateType.RESOLVED),
            State(S.VERIFIED, S.VERIFIED.label, StateType.RESOLVED),
            State(S.CLOSED, S.CLOSED.label, StateType.CLOSED),
        ),
        clocks={
            Urgency.NORMAL: (15, ClockUnit.WORKING_DAYS),
            Urgency.URGENT: (5, ClockUnit.WORKING_DAYS),
            Urgency.CRITICAL: (24, ClockUnit.WORKING_HOURS),
        },
        org_types=ORG_TYPES,
        event_types=tuple(EventSpec(e.value, e.label, public=e in PUBLIC_EVENTS) for e in DisputeEvent),
        param_labels={
            "mediator_name": (_("调解员"), str),
            "held_at": (_("调解时间"), tl.when),
            "outcome": (_("调解结果"), tl.label_of(Outcome)),
            "advised_route": (_("引导途径"), tl.label_of(AdvisedRoute)),
            "court_name": (_("受理法院"), str),
            "child_number": (_("后续案件"), str),
            "route": (_("途径"), tl.label_of(AdvisedRoute)),
        },
        intake_check=ds.intake_check,
        panels=(
            Panel("disputes/panels/mediation.html", panels.mediation),
            Panel("disputes/panels/confirmation.html", panels.confirmation, column="side"),
        ),
        api_fields=api_fields,
        detail_related=("mediation__mediator",),
        detail_prefetch=("sessions__recorded_by",),
        reference_data=(_restore_categories,),
        transitions=(
            T("accept", _("受理"), {S.REGISTERED}, S.ACCEPTED, cs.handle_accept, roles=HANDLERS),
            T(
                "dispatch",
                _("派遣"),
                {S.REGISTERED, S.ACCEPTED},
                S.REGISTERED,
                cs.handle_dispatch,
                af.OrgTargetForm,
                roles=CENTRE,
                condition=lambda c: c.assigned_org.org_type == OrgType.CENTRE,
                condition_message=_("只有综治中心可以派遣"),
            ),
            T(
                "escalate",
                _("上报"),
                {S.REGISTERED, S.ACCEPTED, S.MEDIATING},
                S.REGISTERED,
                cs.handle_escalate,
                af.EscalateForm,
                roles=HANDLERS,
                style="warning",
            ),
            T(
                "return",
                _("退回"),
                {S.REGISTERED},
                S.REGISTERED,
                cs.handle_return,
                af.ReasonForm,
                roles=HANDLERS,
                condition=cs.can_return,
                condition_message=_("本案件没有可退回的上一承办单位"),
                style="warning",
            ),
            T(
                "transfer",
                _("转办"),
                {S.REGISTERED, S.ACCEPTED},
                S.REGISTERED,
                cs.handle_transfer,
                af.TransferForm,
                roles=WORKERS,
                superior_roles=CENTRE,
                style="secondary",
            ),
            ct.supervise(OPEN),
            ct.request_extension(WORKED, roles=HANDLERS),
            ct.approve_extension(WORKED),
            ct.suspend(WORKED, S.SUSPENDED, roles=HANDLERS),
            ct.resume({S.SUSPENDED}, roles=HANDLERS),
            T(
                "assign_mediator",
                _("指派调解员"),
                {S.ACCEPTED, S.MEDIATING},
                S.MEDIATING,
                ds.handle_assign_mediator,
                df.AssignMediatorForm,
                roles=WORKERS,
            ),
            T(
                "record_session",
                _("记录调解"),
                {S.MEDIATING},
                None,
                ds.handle_record_session,
                df.RecordSessionForm,
                roles=frozenset({Role.MEDIATOR}),
                assignee=True,
            ),
            T(
                "conclude",
                _("调解终结"),
                {S.MEDIATING},
                S.CONCLUDED,
                ds.handle_conclude,
                df.ConcludeForm,
                roles=frozenset({Role.MEDIATOR}),
                assignee=True,
                condition=ds.has_session,
                condition_message=_("请先记录至少一次调解"),
            ),
            T(
                "verify",
                _("核查"),
                {S.CONCLUDED},
                S.VERIFIED,
                cs.handle_verify,
                af.VerifyForm,
                roles=CENTRE,
                superior_roles=CENTRE,
                forbid=("resolved_by_id", "assignee_id"),
                options={"rework_to": S.MEDIATING},
            ),
            T("close", _("结案"), {S.VERIFIED}, S.CLOSED, cs.handle_close, roles=CENTRE, superior_roles=CENTRE),
            T(
                "rate",
                _("回访评价"),
                {S.CLOSED},
                None,
                cs.handle_rate,
                af.RateForm,
                roles=CENTRE,
                superior_roles=CENTRE,
                forbid=("assignee_id",),
                condition=cs.is_not_rated,
                condition_message=_("本案件已回访"),
            ),
            T(
                "request_confirmation",
                _("申请司法确认"),
                AFTER_CONCLUSION,
                None,
                ds.handle_request_confirmation,
                df.RequestConfirmationForm,
                roles=HANDLERS,
                assignee=True,
                condition=ds.is_successful_without_confirmation,
                condition_message=_("仅调解成功且未申请过的案件可申请"),
                style="secondary",
            ),
            T(
                "open_followup",
                _("转入诉讼/仲裁/行政"),
                AFTER_CONCLUSION,
                None,
                ds.handle_open_followup,
                df.OpenFollowupForm,
                roles=WORKERS,
                superior_roles=CENTRE,
                condition=ds.is_failed_without_followup,
                condition_message=_("仅调解不成且未转出的案件可转入后续程序"),
                style="secondary",
            ),
        ),
    )
)
