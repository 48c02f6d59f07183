"""A small, known 法治护航 record set for the ledger's tests (and the demo check's).

The kinds `consult` and `lawservice` belong to other apps (pingan.consultations, pingan.lawchecks) that stats
must not import: here they are throwaway workflows registered under the contract's kind strings, inside the
test suite only (the way tests/test_throwaway_kind.py declares its kind), with the contract's category
codes. Suggestions' later states, recovered losses and ratings have no service in pingan.lawguard yet (the
kinds write them): the scene sets them as those services will leave them."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone

from conftest import make_org, make_user
from pingan.accounts.choices import Role
from pingan.accounts.models import User
from pingan.cases import services as cs
from pingan.cases import workflows
from pingan.cases.choices import Channel, ClockUnit, StateType, Urgency
from pingan.cases.common_transitions import T
from pingan.cases.models import Case, Category
from pingan.cases.services import case_register, case_transition
from pingan.cases.workflows import ClockSpec, State, Workflow
from pingan.lawguard.choices import GuardRole, LinkRelation, RecoveryMethod, Severity, SuggestionStatus
from pingan.lawguard.models import GuardAssignment, RecoveredLoss, ServiceRating, Suggestion, Workstation
from pingan.lawguard.services import link_case, suggestion_issue
from pingan.regions.choices import OrgType

WORKERS = frozenset({Role.CENTRE_STAFF, Role.CENTRE_HEAD, Role.DEPARTMENT_STAFF})


def _kind(kind: str, label: str, prefix: str) -> Workflow:
    return Workflow(
        kind=kind,
        label=label,
        number_prefix=prefix,
        initial="new",
        states=(
            State("new", "待办理"),
            State("answered", "已办理", StateType.RESOLVED),
            State("closed", "已办结", StateType.CLOSED),
        ),
        clocks={Urgency.NORMAL: (3, ClockUnit.WORKING_DAYS)},
        clock_specs=(ClockSpec("answer", "答复", primary=True),),
        org_types=frozenset({OrgType.CENTRE, OrgType.LAW_WORKSTATION}),
        transitions=(
            T("answer", "答复", {"new"}, "answered", cs.handle_accept, roles=WORKERS),
            T("close", "办结", {"answered"}, "closed", cs.handle_close, roles=WORKERS),
        ),
    )


CATEGORIES = (
    ("consult", "consult_general", "一般法律咨询"),
    ("lawservice", "lawservice_checkup", "法治体检"),
    ("lawservice", "lawservice_contract", "合同审查"),
)


@contextmanager
def lawguard_kinds() -> Iterator[None]:
    """The kinds `consult` and `lawservice` as throwaway workflows, with the contract's categories, in place of
    the real ones (pingan.consultations, pingan.lawchecks) for the test's duration: the ledger counts by the
    contract (kind strings, category codes, ServiceLink), never by those apps' code. The real ones are put
    back afterwards."""
    real = [workflow for workflow in workflows.kinds() if workflow.kind in ("consult", "lawservice")]
    for workflow in (_kind("consult", "法律咨询", "ZX"), _kind("lawservice", "法律服务", "FW")):
        workflows.register(workflow)
    for kind, code, name in CATEGORIES:
        Category.objects.get_or_create(code=code, defaults={"kind": kind, "name": name})
    try:
        yield
    finally:
        workflows.unregister("consult")
        workflows.unregister("lawservice")
        for workflow in real:
            workflows.register(workflow)


def local(*args) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*args), timezone.get_default_timezone())


PARTY = {"name": "株洲钻石切削刀具股份有限公司", "role": "applicant", "address": "泰山路1号"}


def register(actor, kind: str, category: str, region, at: datetime.datetime, title: str = "企业法律服务") -> Case:
    return case_register(
        parties=[PARTY] if kind == "dispute" else [],
        actor=actor,
        kind=kind,
        category=Category.objects.get(code=category),
        title=title,
        description="企业就合同履行中的法律风险提出咨询。",
        channel=Channel.PHONE,
        region=region,
        registered_at=at,
    )


def answered_on_time(case: Case) -> Case:
    """Answered and closed at once by a member of the unit the case was routed to."""
    actor = User.objects.filter(memberships__organization=case.assigned_org).first()
    if actor is None:
        actor = make_user(f"u{case.assigned_org.code}".lower(), "办理人", (case.assigned_org, Role.CENTRE_STAFF))
    case = case_transition(case=case, actor=actor, action="answer")
    return case_transition(case=case, actor=actor, action="close")


def guard_set(enterprise, started_on: datetime.date) -> None:
    for role in GuardRole.values:
        GuardAssignment.objects.create(
            enterprise=enterprise, role=role, person_name=f"{role}人员", unit="单位", started_on=started_on
        )


def build(g, zhuzhou, people, *, when: datetime.datetime) -> SimpleNamespace:
    """The scene's records in the month of `when` (the period) and a year earlier:

    嵩山路 (天元区): consult c1 (lawyer, answered on time), consult c2 (judge, 20 days old, open, overdue);
    lawservice s1 (法治体检, expert), s2 (合同审查, staff, also linked to a second enterprise of the
    station); a dispute d1 linked as 涉企纠纷 (police); three suggestions (verified, implemented, issued);
    two losses (1,000.50 + 2,000.00) and one of the month before; ratings 4 and 5.
    荷塘区: a second workstation serving 荷塘机电 (with 三官一律), a consult h1, a suggestion, a loss of 500.
    A year earlier: one consult c0 in 嵩山路."""
    r = SimpleNamespace()
    day = datetime.timedelta(days=1)
    r.hetang_station = Workstation.objects.create(
        organization=make_org("W430202001", "月塘法治护航工作站", OrgType.LAW_WORKSTATION, zhuzhou.yuetang),
        address="株洲市荷塘区月塘路9号",
        opened_on=datetime.date(2022, 3, 1),
    )
    g.other.workstation = r.hetang_station
    g.other.save()
    guard_set(g.other, datetime.date(2022, 3, 1))
    station, ent, clerk = g.station, g.enterprise, people.clerk

    def linked(case, enterprise, relation, role, workstation=None):
        link_case(enterprise=enterprise, case=case, relation=relation, provider_role=role, workstation=workstation)
        return case

    r.c1 = linked(
        answered_on_time(register(clerk, "consult", "consult_general", zhuzhou.taishan, when - 2 * day)),
        ent,
        LinkRelation.CONSULTATION,
        "lawyer",
    )
    r.c2 = linked(
        register(clerk, "consult", "consult_general", zhuzhou.taishan, when - 20 * day),
        ent,
        LinkRelation.CONSULTATION,
        "judge",
    )
    r.s1 = linked(
        register(clerk, "lawservice", "lawservice_checkup", zhuzhou.taishan, when - 3 * day),
        ent,
        LinkRelation.SERVICE,
        "expert",
    )
    r.s2 = linked(
        register(clerk, "lawservice", "lawservice_contract", zhuzhou.taishan, when - 4 * day),
        ent,
        LinkRelation.SERVICE,
        "staff",
    )
    # A second enterprise of the same station on the same case: the case still counts once.
    from conftest import credit_code
    from pingan.lawguard.models import Enterprise

    r.second = Enterprise.objects.create(
        name="株洲硬质合金配套有限公司",
        credit_code=credit_code("91430211MA4L0E5F6"),
        industry="C",
        scale="small",
        address="株洲市天元区泰山路3号",
        region=zhuzhou.taishan,
        workstation=station,
    )
    linked(r.s2, r.second, LinkRelation.SERVICE, "staff")
    r.d1 = register(clerk, "dispute", "neighbour", zhuzhou.taishan, when - 5 * day, title="涉企纠纷")
    linked(r.d1, ent, LinkRelation.DISPUTE, "police")
    r.h1 = linked(
        register(people.hetang_clerk, "consult", "consult_general", zhuzhou.yuetang_c, when - 2 * day),
        g.other,
        LinkRelation.CONSULTATION,
        "lawyer",
    )
    r.c0 = linked(
        register(clerk, "consult", "consult_general", zhuzhou.taishan, when.replace(year=when.year - 1) - 2 * day),
        ent,
        LinkRelation.CONSULTATION,
        "lawyer",
    )

    def suggestion(enterprise, status, at):
        s = suggestion_issue(
            actor=g.staff,
            enterprise=enterprise,
            title="完善劳动合同",
            content="建议补签书面劳动合同。",
            severity=Severity.ORANGE,
            revisit_on=(at + 30 * day).date(),
            source_case=r.s1,
            issued_at=at,
        )
        Suggestion.objects.filter(pk=s.pk).update(status=status)
        return s

    r.sg_verified = suggestion(ent, SuggestionStatus.VERIFIED, when - 3 * day)
    r.sg_implemented = suggestion(ent, SuggestionStatus.IMPLEMENTED, when - 3 * day)
    r.sg_issued = suggestion(ent, SuggestionStatus.ISSUED, when - 2 * day)
    r.sg_hetang = suggestion(g.other, SuggestionStatus.VERIFIED, when - 2 * day)

    def loss(enterprise, case, amount, on, workstation):
        return RecoveredLoss.objects.create(
            enterprise=enterprise,
            case=case,
            workstation=workstation,
            amount=Decimal(amount),
            method=RecoveryMethod.MEDIATION,
            recovered_on=on,
            description="调解挽回货款。",
            recorded_by=g.staff,
        )

    today = timezone.localtime(when).date()
    r.loss_1 = loss(ent, r.d1, "1000.50", today - 2 * day, station)
    r.loss_2 = loss(ent, r.s1, "2000.00", today - 1 * day, station)
    r.loss_before = loss(ent, r.s1, "700.00", today.replace(day=1) - day, station)
    r.loss_hetang = loss(g.other, r.h1, "500.00", today - day, r.hetang_station)
    for case, score in ((r.c1, 4), (r.s1, 5)):
        ServiceRating.objects.create(case=case, enterprise=ent, score=score, rated_at=when - day)
    return r
