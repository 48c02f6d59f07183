"""The incident kind (网格事件, the 数字城管 loop): its states, guarded transitions and clocks, declared once.

信息收集 (reported by a grid worker or another channel, routed to the grid's centre) → 立案 (a centre
files it, or refuses it as 不予立案 with a reason: closed, not resolved) → 派遣 (to a department or a
lower centre, against the category's clock) → 处置 (the department accepts and handles it) → 反馈 (the
handler reports the result, with photos) → 核查结案 (a centre checks it — never the handler; failing
sends it back to 处置 and counts rework) → 综合评价. A dispute lead (矛盾纠纷线索) can instead become a
dispute case in one step (转为矛盾纠纷). Clocks: per category in SlaPolicy rows (migration 0002),
else the defaults below."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from pingan.accounts.choices import Role
from pingan.cases import action_forms as af
from pingan.cases import common_transitions as ct
from pingan.cases import services as cs
from pingan.cases.choices import ClockUnit, StateType, Urgency
from pingan.cases.common_transitions import T
from pingan.cases.events import EventSpec
from pingan.cases.workflows import State, Workflow, register
from pingan.regions.choices import OrgType

from . import forms as f
from . import services as s
from .choices import KIND, IncidentEvent
from .choices import IncidentState as S

if TYPE_CHECKING:
    from django.apps.registry import Apps
    from django.db.backends.base.schema import BaseDatabaseSchemaEditor

    from pingan.cases.models import Case

CENTRE = frozenset({Role.CENTRE_STAFF, Role.CENTRE_HEAD})
HANDLERS = CENTRE | {Role.DEPARTMENT_STAFF}
BEFORE_FILING = frozenset({S.REPORTED})
OPEN = frozenset({S.REPORTED, S.FILED, S.DISPATCHED, S.HANDLING, S.FED_BACK})
# Who works incidents: centres and the departments that handle them (派出所 and 公安, 司法所 for dispute
# leads, 人社, 住建 and the other departments) — the holders of the roles below. Never a mediation
# committee: its mediators have no step in this loop (a dispute lead becomes a dispute case instead),
# nor courts, procuratorates, arbitration committees, 信访 or the 政法委.
ORG_TYPES = frozenset({OrgType.CENTRE, OrgType.POLICE, OrgType.JUSTICE, OrgType.LABOUR, OrgType.HOUSING, OrgType.OTHER})


def _at_centre(case: Case) -> bool:
    return case.assigned_org.org_type == OrgType.CENTRE


def _restore_categories(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """The categories and their clocks the data migrations wrote (for tests that flush the database)."""
    importlib.import_module("pingan.incidents.migrations.0001_default_categories").create_categories(
        apps, schema_editor
    )
    importlib.import_module("pingan.incidents.migrations.0002_category_clocks").create_clocks(apps, schema_editor)


INCIDENT = register(
    Workflow(
        kind=KIND,
        label=_("网格事件"),
        number_prefix="SJ",
        initial=S.REPORTED,
        work_state=S.HANDLING,
        event_types=tuple(EventSpec(e.value, e.label) for e in IncidentEvent),
        reference_data=(_restore_categories,),
        states=(
            State(S.REPORTED, S.REPORTED.label),
            State(S.FILED, S.FILED.label),
            State(S.DISPATCHED, S.DISPATCHED.label),
            State(S.HANDLING, S.HANDLING.label),
            State(S.FED_BACK, S.FED_BACK.label, StateType.RESOLVED),
            State(S.CLOSED, S.CLOSED.label, StateType.CLOSED),
            State(S.EVALUATED, S.EVALUATED.label, StateType.CLOSED),
            State(S.REJECTED, S.REJECTED.label, StateType.CLOSED),
            State(S.TRANSFERRED, S.TRANSFERRED.label, StateType.CLOSED),
        ),
        clocks={
            Urgency.NORMAL: (5, ClockUnit.WORKING_DAYS),
            Urgency.URGENT: (1, ClockUnit.WORKING_DAYS),
            Urgency.CRITICAL: (4, ClockUnit.WORKING_HOURS),
        },
        org_types=ORG_TYPES,
        transitions=(
            T("file", _("立案"), BEFORE_FILING, S.FILED, s.handle_file, roles=CENTRE, superior_roles=CENTRE),
            T(
                "reject",
                _("不予立案"),
                BEFORE_FILING,
                S.REJECTED,
                s.handle_reject,
                af.ReasonForm,
                roles=CENTRE,
                superior_roles=CENTRE,
                style="secondary",
            ),
            T(
                "convert",
                _("转为矛盾纠纷"),
                {S.REPORTED, S.FILED},
                S.TRANSFERRED,
                s.handle_convert,
                f.ConvertForm,
                roles=CENTRE | {Role.GRID_WORKER},
                superior_roles=CENTRE,
                condition=s.is_dispute_lead,
                condition_message=_("仅“矛盾纠纷线索”类事件可转为矛盾纠纷"),
                style="warning",
            ),
            T(
                "dispatch",
                _("派遣"),
                {S.FILED},
                S.DISPATCHED,
                s.handle_dispatch,
                af.OrgTargetForm,
                roles=CENTRE,
                superior_roles=CENTRE,
                condition=_at_centre,
                condition_message=_("只有综治中心可以派遣"),
            ),
            T(
                "escalate",
                _("上报"),
                {S.REPORTED, S.FILED},
                None,
                cs.handle_escalate,
                af.EscalateForm,
                roles=CENTRE,
                style="warning",
            ),
            T("accept", _("接收处置"), {S.DISPATCHED}, S.HANDLING, s.handle_take, roles=HANDLERS),
            T(
                "return",
                _("回退"),
                {S.DISPATCHED},
                S.FILED,
                cs.handle_return,
                af.ReasonForm,
                roles=HANDLERS,
                condition=cs.can_return,
                condition_message=_("本事件没有可回退的派遣单位"),
                style="warning",
            ),
            T(
                "feedback",
                _("处置反馈"),
                {S.HANDLING},
                S.FED_BACK,
                s.handle_feedback,
                f.FeedbackForm,
                roles=HANDLERS,
                assignee=True,
            ),
            ct.request_extension({S.DISPATCHED, S.HANDLING}, roles=HANDLERS),
            ct.approve_extension({S.DISPATCHED, S.HANDLING}),
            ct.supervise(OPEN),
            T(
                "verify",
                _("核查结案"),
                {S.FED_BACK},
                S.CLOSED,
                s.handle_verify,
                af.VerifyForm,
                roles=CENTRE,
                superior_roles=CENTRE,
                forbid=("resolved_by_id", "assignee_id"),
                options={"rework_to": S.HANDLING},
            ),
            T(
                "evaluate",
                _("综合评价"),
                {S.CLOSED},
                S.EVALUATED,
                s.handle_evaluate,
                f.EvaluateForm,
                roles=CENTRE,
                superior_roles=CENTRE | {Role.LEADER},
            ),
        ),
    )
)
