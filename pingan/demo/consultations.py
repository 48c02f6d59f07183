"""The demo's legal consultations (法律咨询, docs/consultations.md): the seed's 842 consultations of 2022 over
the enterprises on the register (`Enterprise.objects.all()`, each served by its workstation), and about twenty
in the weeks before --today so that the workbench has work (some awaiting an answer, one overdue).

Channels are mixed (工作站 35%, 12345 热线 25% — a third of those urgent —, 企业端 25%, 上门 15%); the answers
come from the 三官一律 (律师 most), the expert team (the 疑难 ones) and the workstation's staff, almost all in
time, a few late. Everything goes through the services and the guarded transitions: the consultation is
registered by `consultations.services.consultation_register` with `registered_at`; the answer, the expert
escalation and the closing (with the enterprise's rating, or unrated after the window) are the engine's
transitions, each taken at its own moment of 2022 (the clock is moved there, `time_machine`, as the tests do:
the engine's transitions read the time from the clock).

It expects what the register step (lawguard-register) leaves: enterprises with a workstation whose
organisation has a staff member (a 职能部门工作人员 post); experts in a 法律专家团 (an expert with an account
answers their escalations). An enterprise without a workstation, or a workstation without staff, is skipped;
with no enterprise at all nothing is loaded."""

from __future__ import annotations

import datetime
import random
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from pingan.accounts.choices import Role
from pingan.accounts.models import Membership, User
from pingan.cases.choices import Urgency
from pingan.cases.models import Case
from pingan.cases.services import case_transition
from pingan.consultations.choices import ConsultChannel, ConsultState
from pingan.consultations.services import consultation_register
from pingan.lawguard import services as lg
from pingan.lawguard.choices import ProviderRole, Speciality
from pingan.lawguard.models import Enterprise, Expert
from pingan.regions.choices import OrgType
from pingan.workcalendar.calendar import WorkCalendar

KEY = "lawguard-consultations"
SEED_COUNT = 842  # 2022: 842 consultations (the seed's figure)
RECENT_COUNT = 20
SH = ZoneInfo("Asia/Shanghai")
CHANNELS = [
    (ConsultChannel.WORKSTATION, 35),
    (ConsultChannel.HOTLINE, 25),
    (ConsultChannel.PORTAL, 25),
    (ConsultChannel.ONSITE, 15),
]
# Who answers the questions a workstation keeps (the expert team's share comes from the 疑难 ones, 12%).
ROLES = [
    (ProviderRole.LAWYER, 38),
    (ProviderRole.JUDGE, 16),
    (ProviderRole.PROSECUTOR, 10),
    (ProviderRole.POLICE, 14),
    (ProviderRole.STAFF, 22),
]
QUESTIONS = {
    Speciality.CONTRACT: [
        "与供应商的采购合同约定的违约金明显过高,能否请求法院调整?",
        "客户长期拖欠货款,合同未约定管辖法院,应向哪里起诉?",
    ],
    Speciality.LABOUR: [
        "员工试用期内不符合录用条件,解除劳动合同需要支付经济补偿吗?",
        "生产旺季安排加班,加班费的计算基数如何确定?",
    ],
    Speciality.IP: ["经销合同到期后对方仍使用我司商标,如何维权?", "研发人员离职后带走技术资料,能否主张商业秘密侵权?"],
    Speciality.COMPANY: ["公司章程修改需要履行哪些程序?", "股东未按期缴纳出资,公司可以采取哪些措施?"],
    Speciality.FINANCE: ["以设备抵押向银行融资,抵押登记应注意什么?"],
    Speciality.TAX: ["享受高新技术企业税收优惠需要满足哪些条件?"],
    Speciality.ENVIRONMENT: ["环评批复后扩大产能,是否需要重新报批?"],
    Speciality.DATA: ["收集员工人脸信息用于考勤,需要履行哪些告知同意程序?"],
    Speciality.CRIMINAL: ["发现采购人员收受供应商回扣,企业应如何处理并报案?"],
    Speciality.TRADE: ["出口合同约定适用外国法律,发生争议时如何应对?"],
}
ANSWER = (
    "经研究,就贵司所询问题答复如下:{topic}方面,建议依据相关法律规定审查合同与证据材料,"
    "必要时由工作站协助发函或申请调解。"
)


def _pick(rng: random.Random, weighted: list[tuple[Any, int]]) -> Any:
    return rng.choices([value for value, _weight in weighted], [weight for _value, weight in weighted])[0]


@contextmanager
def _at(moment: datetime.datetime) -> Iterator[None]:
    """Take the transitions inside at `moment` (the engine reads the time from the clock)."""
    import time_machine  # a development dependency: every checkout that runs `make demo` installs it

    with time_machine.travel(moment, tick=False):
        yield


class _Desks:
    """Who works each enterprise's consultations: its workstation's staff, the hotline's desk, the experts."""

    def __init__(self) -> None:
        staff: dict[int, User] = {}
        for membership in (
            Membership.objects.filter(
                role=Role.DEPARTMENT_STAFF,
                is_active=True,
                user__is_active=True,
                organization__org_type=OrgType.LAW_WORKSTATION,
                organization__is_active=True,
            )
            .select_related("user")
            .order_by("organization_id", "user_id")
        ):
            staff.setdefault(membership.organization_id, membership.user)
        self.staff = staff
        hotline = (
            Membership.objects.filter(
                role=Role.CENTRE_STAFF, is_active=True, user__is_active=True, organization__org_type=OrgType.CENTRE
            )
            .select_related("user", "organization__region")
            .order_by("organization__region__level", "organization__code", "user_id")
            .first()
        )
        self.hotline = hotline.user if hotline is not None else None
        self.experts = list(
            Expert.objects.filter(is_active=True, user__is_active=True).select_related("user", "team").order_by("id")
        )

    def staff_of(self, enterprise: Enterprise) -> User | None:
        station = enterprise.workstation
        return self.staff.get(station.organization_id) if station is not None else None


def _moments_2022(rng: random.Random, calendar: WorkCalendar, count: int) -> list[datetime.datetime]:
    days = [
        datetime.date(2022, 1, 1) + datetime.timedelta(days=offset)
        for offset in range(365)
        if calendar.is_workday(datetime.date(2022, 1, 1) + datetime.timedelta(days=offset))
    ]
    picked = sorted(rng.choice(days) for _ in range(count))
    return [
        datetime.datetime.combine(day, datetime.time(8, 30), tzinfo=SH)
        + datetime.timedelta(minutes=rng.randrange(0, 8 * 60))
        for day in picked
    ]


def _answer_delay(
    rng: random.Random, calendar: WorkCalendar, start: datetime.datetime, urgent: bool, late: bool
) -> datetime.datetime:
    if urgent:
        minutes = rng.randrange(150, 300) if late else rng.randrange(20, 110)
        return start + datetime.timedelta(minutes=minutes)
    days = rng.choice([4, 5]) if late else rng.choice([0, 0, 1, 1, 1, 2, 2, 3])
    day = timezone.localtime(start).date()
    if days:
        day = list(calendar.working_days(day, days))[-1]
    moment = datetime.datetime.combine(day, datetime.time(9, 0), tzinfo=SH) + datetime.timedelta(
        minutes=rng.randrange(0, 8 * 60)
    )
    return max(moment, start + datetime.timedelta(minutes=30))


def _one(
    rng: random.Random,
    calendar: WorkCalendar,
    desks: _Desks,
    enterprise: Enterprise,
    registered_at: datetime.datetime,
    *,
    serial: int,
    answer: bool,
    close: bool,
    late: bool,
    counts: Counter[str],
) -> Case | None:
    staff = desks.staff_of(enterprise)
    if staff is None:
        return None
    channel = _pick(rng, CHANNELS)
    urgent = channel == ConsultChannel.HOTLINE and rng.random() < 0.33
    topic = rng.choice(list(QUESTIONS))
    actor = staff
    extra: dict[str, Any] = {}
    if channel == ConsultChannel.PORTAL:  # through the workstation's intake account, as the portal does
        actor = lg.portal_intake_user(enterprise)
        account = enterprise.accounts.filter(is_active=True).select_related("user").first()
        extra = {"asked_by": account.user if account else None}
    elif channel == ConsultChannel.HOTLINE:
        actor = desks.hotline or staff
        extra = {"ticket_number": f"ZZ12345-{registered_at:%Y%m%d}-{serial:05d}"}
        if urgent:  # calls marked urgent come at any hour: the hotline has 24-hour cover
            registered_at = registered_at.replace(hour=rng.randrange(0, 24))
    case = consultation_register(
        actor=actor,
        enterprise=enterprise,
        question=rng.choice(QUESTIONS[topic]),
        channel=channel,
        urgency=Urgency.URGENT if urgent else Urgency.NORMAL,
        specialities=[topic],
        registered_at=registered_at,
        **extra,
    )
    counts["channel_" + channel] += 1
    counts["urgent"] += urgent
    if not answer:
        return case
    answered_at = _answer_delay(rng, calendar, registered_at, urgent, late)
    experts = [expert for expert in desks.experts if topic in expert.specialities] or desks.experts
    answerer, role = staff, _pick(rng, ROLES)
    expert = rng.choice(experts) if experts and rng.random() < 0.12 else None
    if expert is not None and expert.user is not None:
        with _at(registered_at + (answered_at - registered_at) / 3):
            case_transition(
                case=case,
                actor=staff,
                action="escalate",
                data={"expert": expert.pk, "comment": "疑难问题,提请专家会诊"},
            )
        answerer, role = expert.user, ProviderRole.EXPERT
    with _at(answered_at):
        case = case_transition(
            case=case,
            actor=answerer,
            action="answer",
            data={"answer": ANSWER.format(topic=Speciality(topic).label), "answered_role": role},
        )
    counts["role_" + role] += 1
    counts["late"] += late
    if close:
        rated = rng.random() < 0.7
        closing = answered_at + datetime.timedelta(days=rng.randrange(1, 5) if rated else 10, hours=1)
        with _at(closing):
            score = _pick(rng, [(5, 70), (4, 25), (3, 5)]) if rated else None
            case_transition(case=case, actor=staff, action="close", data={"score": score or ""})
        counts["rated"] += rated
    return case


def load(*, seed: int, today: datetime.date, count: int = SEED_COUNT) -> dict[str, Any]:
    """The 2022 consultations (`count`, the seed's 842) and the recent ones; their counts."""
    rng = random.Random(seed)
    calendar = WorkCalendar()
    enterprises = list(
        Enterprise.objects.filter(is_active=True).select_related("workstation__organization", "region").order_by("id")
    )
    desks = _Desks()
    served = [enterprise for enterprise in enterprises if desks.staff_of(enterprise) is not None]
    counts: Counter[str] = Counter()
    if not served:
        return {"consultations_2022": 0, "recent": 0, "awaiting": 0, "overdue": 0, "late": 0}
    for serial, moment in enumerate(_moments_2022(rng, calendar, count), start=1):
        enterprise = served[serial % len(served)] if serial <= len(served) else rng.choice(served)
        _one(
            rng,
            calendar,
            desks,
            enterprise,
            moment,
            serial=serial,
            answer=True,
            close=True,
            late=rng.random() < 0.03,
            counts=counts,
        )
        counts["consultations_2022"] += 1
    # The weeks before --today: the older ones answered (some closed), the newest awaiting, one overdue.
    start = datetime.datetime.combine(today, datetime.time(9, 0), tzinfo=SH)
    now = timezone.now()
    for index in range(RECENT_COUNT):
        waiting = index >= RECENT_COUNT - 6
        overdue = index == RECENT_COUNT - 6  # a week back, unanswered: past its 3 working days
        if overdue:
            back = datetime.timedelta(days=7)
        elif waiting:  # within the last day and a half: inside their 3 working days
            back = datetime.timedelta(hours=rng.randrange(2, 36))
        else:
            back = datetime.timedelta(days=RECENT_COUNT + 8 - index, hours=rng.randrange(0, 6))
        registered_at = min(start - back, now)
        case = _one(
            rng,
            calendar,
            desks,
            rng.choice(served),
            registered_at,
            serial=900 + index,
            answer=not waiting,
            close=index < 8,
            late=False,
            counts=Counter(),
        )
        counts["recent"] += case is not None
        counts["awaiting"] += case is not None and case.status == ConsultState.PENDING and waiting
        counts["overdue"] += overdue and case is not None
    return {key: int(value) for key, value in counts.items()}


def report(counts: Mapping[str, Any]) -> str:
    roles = "、".join(
        f"{ProviderRole(key.removeprefix('role_')).label} {value}"
        for key, value in sorted(counts.items())
        if key.startswith("role_")
    )
    return (
        f"法律咨询:2022 年 {counts.get('consultations_2022', 0)} 件(12345 热线 {counts.get('channel_hotline', 0)} 件,"
        f"紧急 {counts.get('urgent', 0)} 件;答复:{roles or '—'};超期答复 {counts.get('late', 0)} 件),"
        f"近期 {counts.get('recent', 0)} 件(待答复 {counts.get('awaiting', 0)} 件)"
    )
