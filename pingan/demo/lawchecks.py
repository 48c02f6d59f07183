"""The demo's legal services (法律服务, 法治体检 among them), step "lawguard-checks" (after the register and the
consultations): in 2022, 736 services over the enterprises that exist (the seed's "730+"), of which 300
法治体检 through the whole flow — booked (most in the portal), self-check, the check with the experts'
会诊 and the findings, the report drafted by one workstation member and approved by another, issued, 回访,
closed — whose findings become exactly 1,305 suggestions issued in 2022 (the seed's figure); and a few
live 体检 of recent weeks at each stage (one awaiting review) so the pages have work.

Everything goes through the services and the engine's guarded transitions, with `registered_at` and the
report's `issued_on` (补录) in 2022; the transitions' own timeline entries are stamped when the loader runs.
Documents: the first few reports are rendered and frozen at issue; the rest are issued with `render=False`
and rendered on their first download (documents.py makes the same report from the frozen findings).

It reads what exists: enterprises with an active workstation (`Enterprise.objects`), that workstation's
members (two are needed: a drafter and a reviewer; the loader adds demo accounts at a workstation that has
fewer), and the active experts. With no such enterprise it loads nothing."""

from __future__ import annotations

import datetime
import random
from collections import Counter
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from pingan.accounts.choices import Role
from pingan.accounts.models import Membership, User
from pingan.cases.models import Case, Category
from pingan.cases.services import case_transition
from pingan.demo.staff import DEMO_PASSWORD
from pingan.lawchecks.choices import CHECKUP, KIND, Origin, ServiceState
from pingan.lawchecks.models import CheckItem
from pingan.lawchecks.services import service_register
from pingan.lawguard.choices import ProviderRole
from pingan.lawguard.models import Enterprise, EnterpriseAccount, Expert, GuardAssignment, Workstation
from pingan.workcalendar.calendar import WorkCalendar

DATASET = "lawguard-checks"
SERVICES_2022 = 736
CHECKUPS_2022 = 300
SUGGESTIONS_2022 = 1305
RENDERED = 3  # reports rendered and frozen at issue; the rest on first download
SEVERITIES = ("red", "orange", "orange", "yellow", "yellow", "yellow", "yellow")
WORKERS = (Role.DEPARTMENT_STAFF, Role.CENTRE_STAFF, Role.CENTRE_HEAD)
DESCRIPTIONS = {
    "contract": "合同未经法务审查即签订,部分条款约定不明",
    "labour": "部分员工入职超过一个月仍未签订书面劳动合同",
    "ip": "职务发明权属未在劳动合同中约定",
    "compliance": "安全生产责任制未覆盖全部岗位",
    "environment": "排污许可证载明事项与实际排放不一致",
    "data": "未制定个人信息保护管理制度,客户信息未分类管理",
    "safety": "新入职员工未经安全培训即上岗",
    "tax": "纳税申报缺少复核环节,曾逾期申报",
}


def _staff(station: Workstation) -> tuple[User, User]:
    """Two members of the workstation (drafter, reviewer), demo accounts added where it has fewer."""
    users = list(
        User.objects.filter(
            memberships__organization=station.organization,
            memberships__is_active=True,
            memberships__role__in=WORKERS,
            is_active=True,
        )
        .exclude(username__startswith="portal-")
        .distinct()
        .order_by("id")[:2]
    )
    # The demo password's one hash (every demo account shares it), taken from a demo account.
    shared = User.objects.filter(username="city_clerk").values_list("password", flat=True).first()
    password = users[0].password if users else (shared or make_password(DEMO_PASSWORD))
    for index in range(len(users), 2):
        user, _created = User.objects.get_or_create(
            username=f"demo-{station.organization.code}-{index + 1}".lower(),
            defaults={"full_name": f"{station.organization.name[:8]}工作人员{index + 1}", "password": password},
        )
        Membership.objects.get_or_create(user=user, organization=station.organization, role=Role.DEPARTMENT_STAFF)
        users.append(user)
    return users[0], users[1]


def _moments(year: int, count: int, rng: random.Random, calendar: WorkCalendar) -> list[datetime.datetime]:
    days = [
        datetime.date(year, 1, 1) + datetime.timedelta(days=n)
        for n in range(365)
        if calendar.is_workday(datetime.date(year, 1, 1) + datetime.timedelta(days=n))
    ]
    days = [d for d in days if d <= datetime.date(year, 12, 10)]  # issued within the year
    return sorted(
        timezone.make_aware(
            datetime.datetime.combine(rng.choice(days), datetime.time(rng.randint(9, 16), rng.randint(0, 59)))
        )
        for _n in range(count)
    )


def _act(case: Case, actor: User, action: str, **data: Any) -> Case:
    return case_transition(case=case, actor=actor, action=action, data=data)


def _provider(enterprise: Enterprise, rng: random.Random, fallback: User) -> tuple[str, str]:
    guards = list(GuardAssignment.objects.filter(enterprise=enterprise, ended_on__isnull=True))
    if guards and rng.random() < 0.7:
        guard = rng.choice(guards)
        return guard.role, guard.person_name
    return ProviderRole.STAFF, fallback.full_name or fallback.username


def _checkup(
    case: Case,
    *,
    drafter: User,
    reviewer: User,
    rng: random.Random,
    experts: list[Expert],
    findings: int,
    stage: str,
    issued_on: datetime.date | None,
    render: bool,
    self_check: bool = True,
) -> Case:
    """Walk a booked 体检 to `stage` (ServiceState), with `findings` findings."""
    order: list[str] = [
        ServiceState.BOOKED,
        ServiceState.SELF_CHECK,
        ServiceState.CHECKING,
        ServiceState.REVIEW,
        ServiceState.ISSUED,
        ServiceState.REVISIT,
        ServiceState.CLOSED,
    ]
    target = order.index(stage)
    if target < 1:
        return case
    case = _act(case, drafter, "confirm")
    items = list(CheckItem.objects.filter(service_id=case.pk).order_by("sort_order"))
    if self_check:  # the others' self-check was done on paper at the visit
        case = _act(case, drafter, "self_check", answers={str(i.pk): {"answer": "yes"} for i in items})
    if target < 2:
        return case
    role, name = _provider(case.legalservice.enterprise, rng, drafter)
    case = _act(case, drafter, "start_check", provider_role=role, provider_name=name)
    failing = rng.sample(items, min(findings, len(items)))
    answers = {str(i.pk): {"answer": "no" if i in failing else "yes"} for i in items}
    registered = timezone.localtime(case.registered_at).date()
    rows = [
        {
            "item": (failing[n % len(failing)]).pk,
            "description": DESCRIPTIONS.get(failing[n % len(failing)].area, "制度不健全"),
            "severity": rng.choice(SEVERITIES),
            "implement_by": (registered + datetime.timedelta(days=rng.choice((30, 60, 90)))).isoformat(),
        }
        for n in range(findings)
    ]
    consulted = [e.pk for e in rng.sample(experts, min(len(experts), rng.randint(1, 2)))] if experts else []
    case = _act(case, drafter, "record_check", answers=answers, experts=consulted, findings=rows)
    if target < 3:
        return case
    case = _act(case, drafter, "draft_report")
    if target < 4:
        return case
    case = _act(case, reviewer, "approve_report", comment="同意出具")
    case = _act(
        case,
        drafter,
        "issue_report",
        issued_on=issued_on.isoformat() if issued_on else "",
        generate="true" if render else "false",
    )
    if target < 5:
        return case
    case = _act(case, drafter, "start_revisit")
    if target < 6:
        return case
    return _act(case, drafter, "finish", outcome="回访:整改建议已逐项落实,企业合规制度已完善")


def load(
    *,
    seed: int,
    today: datetime.date,
    services: int = SERVICES_2022,
    checkups: int = CHECKUPS_2022,
    suggestions: int = SUGGESTIONS_2022,
) -> dict[str, Any]:
    """The 2022 services and the live 体检 (see the module's docstring); the figures are the seed's unless a
    test asks for a smaller scene."""
    rng = random.Random(seed)
    calendar = WorkCalendar()
    enterprises = list(
        Enterprise.objects.filter(is_active=True, workstation__is_active=True)
        .select_related("workstation__organization", "region")
        .order_by("id")
    )
    if not enterprises:
        return {"services": 0, "checkups": 0, "suggestions": 0, "live": 0, "categories": {}}
    staff = {station.pk: _staff(station) for station in {e.workstation for e in enterprises if e.workstation}}
    experts = list(Expert.objects.filter(is_active=True).order_by("id"))
    portal_users = dict(EnterpriseAccount.objects.filter(is_active=True).values_list("enterprise_id", "user_id"))
    categories = {c.code: c for c in Category.objects.filter(kind=KIND, is_active=True)}
    others = sorted(code for code in categories if code != CHECKUP)
    # 1,305 findings over the 300 体检: 4 each, one more for the first 105.
    base, extra = divmod(suggestions, checkups)
    moments = _moments(2022, services, rng, calendar)
    kinds = [CHECKUP] * checkups + [others[n % len(others)] for n in range(services - checkups)]
    rng.shuffle(kinds)
    made: Counter[str] = Counter()
    walked = 0
    for index, (when, code) in enumerate(zip(moments, kinds, strict=True)):
        enterprise = enterprises[index % len(enterprises)]
        drafter, reviewer = staff[enterprise.workstation_id]  # type: ignore[index]
        portal = code == CHECKUP and enterprise.pk in portal_users and rng.random() < 0.3
        case = service_register(
            actor=drafter,
            enterprise=enterprise,
            category=categories[code],
            origin=Origin.PORTAL if portal else Origin.OFFERED,
            booked_by=User.objects.get(pk=portal_users[enterprise.pk]) if portal else None,
            concerns=rng.choice(["劳动用工", "合同管理", "数据合规", "知识产权", ""]),
            registered_at=when,
        )
        made[code] += 1
        if code == CHECKUP:
            issued_on = min(
                calendar_day(when) + datetime.timedelta(days=rng.randint(7, 18)), datetime.date(2022, 12, 30)
            )
            _checkup(
                case,
                drafter=drafter,
                reviewer=reviewer,
                rng=rng,
                experts=experts,
                findings=base + (1 if walked < extra else 0),
                stage=ServiceState.CLOSED,
                issued_on=issued_on,
                render=walked < RENDERED,
                self_check=portal,
            )
            walked += 1
        else:
            role, name = _provider(enterprise, rng, drafter)
            case = _act(case, drafter, "start_service", provider_role=role, provider_name=name)
            _act(case, drafter, "finish", outcome=f"已为企业提供{categories[code].name}服务")
    live = _live(enterprises, staff, experts, portal_users, rng, today)
    from pingan.lawguard.models import Suggestion

    return {
        "services": sum(made.values()),
        "checkups": made[CHECKUP],
        "categories": dict(made),
        "suggestions": Suggestion.objects.filter(source_case__kind=KIND, issued_at__year=2022).count(),
        "live": live,
    }


def calendar_day(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def _live(
    enterprises: list[Enterprise],
    staff: Mapping[int, tuple[User, User]],
    experts: list[Expert],
    portal_users: Mapping[int, int],
    rng: random.Random,
    today: datetime.date,
) -> int:
    """One 体检 of recent weeks at each stage before 已办结 (the one at 报告审核 awaits its review)."""
    stages = [
        ServiceState.BOOKED,
        ServiceState.SELF_CHECK,
        ServiceState.CHECKING,
        ServiceState.REVIEW,
        ServiceState.ISSUED,
        ServiceState.REVISIT,
    ]
    now = timezone.now()
    category = Category.objects.get(code=CHECKUP)
    for index, stage in enumerate(stages):
        enterprise = enterprises[(index * 7) % len(enterprises)]
        drafter, reviewer = staff[enterprise.workstation_id]  # type: ignore[index]
        portal_user = portal_users.get(enterprise.pk)
        case = service_register(
            actor=drafter,
            enterprise=enterprise,
            category=category,
            origin=Origin.PORTAL if portal_user else Origin.OFFERED,
            booked_by=User.objects.get(pk=portal_user) if portal_user else None,
            wished_date=today + datetime.timedelta(days=7),
            concerns="劳动用工、数据合规",
            registered_at=min(now, now - datetime.timedelta(days=3 * (len(stages) - index))),
        )
        _checkup(
            case,
            drafter=drafter,
            reviewer=reviewer,
            rng=rng,
            experts=experts,
            findings=3,
            stage=stage,
            issued_on=None,
            render=True,
        )
    return len(stages)


def report(counts: Mapping[str, Any]) -> str:
    return (
        f"2022 年法律服务 {counts['services']} 件(法治体检 {counts['checkups']} 件,报告均经审核出具),"
        f"发出风险防范建议 {counts['suggestions']} 条;近期进行中的法治体检 {counts['live']} 件"
    )
