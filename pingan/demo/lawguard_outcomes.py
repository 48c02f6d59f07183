"""The demo's 法治护航 outcomes of 2022 (step "lawguard-outcomes", after the lawchecks step that issues the 2022
suggestions): the suggestions move through their lifecycle (most accepted → implemented → verified at their
回访, about 5 % declined with a reason, some issued late in 2022 still open), about 60 enterprises get help
with a dispute (opened in the engine's dispute loop, registered in 2022), losses recovered in 2022 are
recorded on those disputes and on the legal-service and consultation cases that exist, each with an evidence
file added through the engine's attachment service (¥30.6M in all), and most finished services are rated.

Everything goes through lawguard's services (outcome_services) as a person would: the enterprise's portal
account answers its suggestions and rates (the workstation's staff record it for an enterprise without one);
the workstation's staff verify at the 回访 and record the losses. It reads what exists (enterprises,
workstations, suggestions, linked cases); nothing is required: with no enterprises it does nothing.

The disputes stay in the state the engine registered them in: the dispute loop's transitions take the time of
the call (no registered_at-style date), so a 2022 dispute cannot be mediated "in 2022" here."""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.utils import timezone

from pingan.accounts.choices import Role
from pingan.accounts.models import Membership, User
from pingan.cases import workflows
from pingan.cases.models import Attachment, Case
from pingan.cases.services import attachment_add, case_transition
from pingan.cases.tasks import NOTIFIED_ROLES
from pingan.core.errors import ApplicationError
from pingan.disputes.services import mediators_for
from pingan.lawguard import outcome_services as svc
from pingan.lawguard.choices import LinkRelation, RecoveryMethod, SuggestionStatus
from pingan.lawguard.models import Enterprise, EnterpriseAccount, ServiceLink, Suggestion
from pingan.lawguard.services import portal_intake_user
from pingan.regions.choices import OrgType

DATASET = "lawguard-outcomes"
YEAR = 2022
LOSS_TOTAL = Decimal("30600000.00")  # the seed: over ¥30 million recovered
DISPUTES = 60
DECLINE_SHARE = 0.05
RATE_SHARE = 0.85
# A tiny PNG (the 8-byte signature and an empty body), the kind of file the engine accepts as a photo.
EVIDENCE_PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
DECLINE_REASONS = (
    "企业已聘请常年法律顾问,相关制度正在由顾问单独修订",
    "该业务线已停止经营,建议事项不再适用",
    "企业集团总部统一制定合规制度,子公司无权单独修订",
    "整改成本过高,企业将通过购买保险转移该项风险",
)
REPLIES = ("同意,将按期整改", "采纳,已安排法务部落实", "感谢工作站提醒,按建议整改", "采纳")
NOTES = (
    "已修订合同管理制度并组织培训",
    "已补签劳动合同并建立用工台账",
    "已完成商标续展并建立知识产权台账",
    "已整改,相关材料已报工作站",
)
VERIFY_NOTES = ("现场回访,查阅台账,整改到位", "电话回访并查看材料,已落实", "回访确认制度已执行")
DISPUTE_TOPICS = (
    ("contract_debt", "货款拖欠纠纷", "对方拖欠货款逾期未付,多次催收无果。"),
    ("contract_debt", "工程款结算纠纷", "双方就工程款结算金额发生争议。"),
    ("labour", "劳动报酬争议", "离职员工就加班费与企业发生争议。"),
    ("consumer", "产品质量纠纷", "客户以产品质量问题为由拒付尾款。"),
    ("other", "租赁合同纠纷", "厂房出租方提前收回厂房,双方就违约金发生争议。"),
)
COUNTERPARTIES = (
    ("湖南某贸易有限公司", "长沙市芙蓉区五一大道88号", "周经理"),
    ("株洲某建设工程有限公司", "株洲市芦淞区建设中路36号", "陈总"),
    ("长沙某科技有限公司", "长沙市岳麓区麓谷大道627号", "李董事长"),
    ("某物流有限公司", "株洲市石峰区田心大道12号", "黄经理"),
    ("某机械制造有限公司", "株洲市天元区株洲大道899号", "吴总经理"),
)
METHODS: tuple[str, ...] = (
    RecoveryMethod.MEDIATION,
    RecoveryMethod.SETTLEMENT,
    RecoveryMethod.JUDGMENT,
    RecoveryMethod.ENFORCEMENT,
)
METHOD_WEIGHTS = (0.45, 0.2, 0.2, 0.15)


def _at(day: datetime.date, rng: random.Random) -> datetime.datetime:
    """A working hour of `day`, Asia/Shanghai."""
    naive = datetime.datetime.combine(day, datetime.time(9 + rng.randrange(8), rng.randrange(60)))
    return timezone.make_aware(naive)


def _year_end() -> datetime.date:
    return datetime.date(YEAR, 12, 31)


class People:
    """Who acts for whom: an enterprise's portal user, a workstation's staff member (one per workstation),
    a case's handler (a member of the unit it is assigned to, for the evidence upload)."""

    def __init__(self) -> None:
        self._portal = dict(
            EnterpriseAccount.objects.filter(is_active=True).order_by("pk").values_list("enterprise_id", "user_id")
        )
        self._users: dict[int, User] = {}
        self._staff: dict[int, User | None] = {}
        self._handlers: dict[int, User | None] = {}

    def _user(self, pk: int) -> User:
        if pk not in self._users:
            self._users[pk] = User.objects.get(pk=pk)
        return self._users[pk]

    def staff(self, enterprise: Enterprise) -> User | None:
        station = enterprise.workstation
        if station is None:
            return None
        if station.pk not in self._staff:
            member = (
                Membership.objects.filter(
                    organization_id=station.organization_id,
                    is_active=True,
                    role__in=NOTIFIED_ROLES,
                    user__is_active=True,
                )
                .order_by("pk")
                .first()
            )
            self._staff[station.pk] = member.user if member else portal_intake_user(enterprise)
        return self._staff[station.pk]

    def enterprise_side(self, enterprise: Enterprise) -> User | None:
        user_id = self._portal.get(enterprise.pk)
        return self._user(user_id) if user_id else self.staff(enterprise)

    def centre(self, case: Case, *, besides: User) -> User | None:
        """A staff member of a governance centre over the case's unit (the township's, then the county's), who
        verifies and closes it (not the one who handled it)."""
        codes = [case.region_code[:length] for length in (12, 9, 6) if len(case.region_code) >= length]
        for code in codes:
            member = (
                Membership.objects.filter(
                    organization__org_type=OrgType.CENTRE,
                    organization__region__code=code,
                    role__in=(Role.CENTRE_STAFF, Role.CENTRE_HEAD),
                    is_active=True,
                    user__is_active=True,
                )
                .exclude(user=besides)
                .order_by("pk")
                .first()
            )
            relation = workflows.relation(case, member.user) if member is not None else None
            if member is not None and relation is not None and (relation.own_roles or relation.superior_roles):
                return member.user
        return None

    def handler(self, case: Case) -> User | None:
        if case.assigned_org_id not in self._handlers:
            members = Membership.objects.filter(
                organization_id=case.assigned_org_id, is_active=True, user__is_active=True
            ).order_by("pk")
            found = None
            for membership in members[:5]:
                if workflows.relation(case, membership.user).own_roles:
                    found = membership.user
                    break
            self._handlers[case.assigned_org_id] = found
        return self._handlers[case.assigned_org_id]


def suggestions_move(rng: random.Random, people: People, today: datetime.date) -> dict[str, int]:
    counts = {"accepted": 0, "implemented": 0, "verified": 0, "declined": 0, "open": 0}
    suggestions = (
        Suggestion.objects.filter(issued_at__year=YEAR, status=SuggestionStatus.ISSUED)
        .select_related("enterprise__workstation", "source_case")
        .order_by("issued_at", "pk")
    )
    for suggestion in suggestions:
        enterprise = suggestion.enterprise
        side, staff = people.enterprise_side(enterprise), people.staff(enterprise)
        if side is None or staff is None:
            counts["open"] += 1
            continue
        issued = timezone.localtime(suggestion.issued_at).date()
        roll = rng.random()
        answered = issued + datetime.timedelta(days=rng.randint(2, 10))
        if roll < DECLINE_SHARE:
            svc.suggestion_decline(
                actor=side, suggestion=suggestion, reason=rng.choice(DECLINE_REASONS), at=_at(answered, rng)
            )
            counts["declined"] += 1
            continue
        late = suggestion.revisit_on > _year_end() or suggestion.revisit_on > today
        if late and roll > 0.55:  # issued late in the year: not answered yet
            counts["open"] += 1
            continue
        suggestion = svc.suggestion_accept(
            actor=side, suggestion=suggestion, reply=rng.choice(REPLIES), at=_at(answered, rng)
        )
        counts["accepted"] += 1
        if late and roll > 0.3:
            continue
        deadline = suggestion.implement_by or suggestion.revisit_on
        done = min(answered + datetime.timedelta(days=rng.randint(5, 40)), deadline, today)
        done = max(done, answered)
        hour = datetime.timedelta(hours=1)
        at = max(_at(done, rng), suggestion.accepted_at + hour) if suggestion.accepted_at else _at(done, rng)
        suggestion = svc.suggestion_implement(actor=side, suggestion=suggestion, note=rng.choice(NOTES), at=at)
        counts["implemented"] += 1
        if suggestion.revisit_on > today:
            continue
        visit = max(suggestion.revisit_on, done + datetime.timedelta(days=1))
        if visit > today:
            continue
        svc.suggestion_verify(actor=staff, suggestion=suggestion, note=rng.choice(VERIFY_NOTES), at=_at(visit, rng))
        counts["verified"] += 1
    return counts


def disputes_open(rng: random.Random, people: People, count: int = DISPUTES) -> list[Case]:
    """About 60 enterprises (with a workstation) get help with a dispute in 2022 (`count`, fewer at a small
    --scale)."""
    enterprises = list(
        Enterprise.objects.filter(is_active=True, workstation__isnull=False, workstation__is_active=True)
        .select_related("workstation", "region")
        .order_by("pk")
    )
    if not enterprises:
        return []
    chosen = rng.sample(enterprises, min(count, len(enterprises)))
    chosen += [rng.choice(enterprises) for _ in range(count - len(chosen))]
    cases = []
    for number, enterprise in enumerate(chosen):
        actor = people.enterprise_side(enterprise)
        if actor is None:
            continue
        code, title, description = rng.choice(DISPUTE_TOPICS)
        name, address, representative = rng.choice(COUNTERPARTIES)
        day = datetime.date(YEAR, 1, 1) + datetime.timedelta(days=rng.randrange(300))
        case = svc.dispute_help_open(
            actor=actor,
            enterprise=enterprise,
            counterparty={
                "name": name,
                "party_type": "organization",
                "address": address,
                "legal_representative": representative,
                "phone": f"0731-2{rng.randrange(10**6, 10**7)}",
            },
            title=title,
            description=description,
            category=code,
            registered_at=_at(day, rng),
        )
        cases.append(_mediated(case, people, number))
    return cases


def _mediated(case: Case, people: People, number: int) -> Case:
    """A helped dispute through the loop in 2022, each step at its own moment (the engine reads the time from
    the clock: time_machine, as the consultations' step does): accepted by the unit it was routed to, a mediator
    of the township assigned, one session, an agreement, the evidence of what was paid (the loss recorded later
    cites it), verified and closed by a centre. One that cannot be taken through (no handler, mediator or centre
    in reach) is left as registered."""
    import time_machine  # a development dependency: every checkout that runs `make demo` installs it

    handler = people.handler(case)
    if handler is None:
        return case
    start = case.registered_at

    def at(hours: int) -> Any:
        return time_machine.travel(start + datetime.timedelta(hours=hours), tick=False)

    with at(2):
        case = case_transition(case=case, actor=handler, action="accept")
    mediator = next(iter(mediators_for(case)), None)
    centre = people.centre(case, besides=handler)
    if mediator is None or centre is None:
        return case
    with at(3):
        case = case_transition(case=case, actor=handler, action="assign_mediator", data={"mediator": mediator.username})
    with at(50):
        case = case_transition(
            case=case,
            actor=mediator,
            action="record_session",
            data={
                "held_at": timezone.now(),
                "place": "法治护航工作站调解室",
                "attendees": "双方企业代表、调解员、驻企律师",
                "notes": "双方陈述争议事实,工作站释法明理,达成和解意向。",
            },
        )
    with at(74):
        parties = list(case.parties.all())
        case = case_transition(
            case=case,
            actor=mediator,
            action="conclude",
            data={
                "outcome": "success",
                "disputed_matters": case.title,
                "responsibilities": {
                    str(p.pk): "承担付款责任。" if p.role == "respondent" else "无责任。" for p in parties
                },
                "terms": "被申请人于三十日内向申请人支付欠款,申请人放弃违约金请求。",
                "amount": "",
                "performance_method": "lump_sum",
                "performance_detail": "银行转账",
                "performance_deadline": timezone.localdate() + datetime.timedelta(days=30),
            },
        )
        upload = SimpleUploadedFile(f"履行凭证-{number:04d}.png", EVIDENCE_PNG, content_type="image/png")
        attachment_add(case=case, actor=handler, upload=upload)
    with at(120):
        case = case_transition(case=case, actor=centre, action="verify", data={"passed": True, "comment": "已履行"})
        case = case_transition(case=case, actor=centre, action="close")
    return case


def outside_the_seed_drive(cases: Iterable[Case]) -> int:
    """The helped disputes are the 法治护航 ledger's (涉企纠纷帮扶), not the records the seed's 2022 drive counts
    (the article's 12,084): its lead unit tags each out by hand, with the reason in the drive's log."""
    from pingan.demo.drives import SEED_DRIVE
    from pingan.drives.choices import TagMode
    from pingan.drives.models import Drive
    from pingan.drives.services import drive_tag

    drive = Drive.objects.filter(name=SEED_DRIVE).select_related("lead_org").first()
    if drive is None:
        return 0
    member = (
        Membership.objects.filter(
            organization=drive.lead_org, role__in=(Role.CENTRE_STAFF, Role.CENTRE_HEAD), is_active=True
        )
        .order_by("pk")
        .first()
    )
    if member is None:
        return 0
    tagged = 0
    for case in cases:
        if Case.objects.filter(pk=case.pk).filter(drive.window_q()).exists():
            drive_tag(
                drive=drive,
                case_ref=case.pk,
                actor=member.user,
                mode=TagMode.EXCLUDE,
                reason="法治护航工作站帮扶化解的涉企纠纷,在法治护航台账单独统计,不计入本专项",
            )
            tagged += 1
    return tagged


def _evidence(case: Case, people: People, number: int) -> list[Attachment]:
    existing = list(case.attachments.order_by("pk")[:1])
    if existing:
        return existing
    if case.is_closed:
        return []
    handler = people.handler(case)
    if handler is None:
        return []
    upload = SimpleUploadedFile(f"挽回损失证明-{number:04d}.png", EVIDENCE_PNG, content_type="image/png")
    return [attachment_add(case=case, actor=handler, upload=upload)]


def _amounts(rng: random.Random, n: int) -> list[Decimal]:
    """n amounts (to the hundred yuan) adding up to LOSS_TOTAL exactly: a few large, most modest."""
    weights = [rng.paretovariate(1.3) for _ in range(n)]
    total = sum(weights)
    amounts = [max(Decimal("1000"), (LOSS_TOTAL * Decimal(w / total)).quantize(Decimal("100"))) for w in weights]
    amounts[-1] += LOSS_TOTAL - sum(amounts)
    return amounts


def losses_record(rng: random.Random, people: People, disputes: Iterable[Case]) -> dict[str, Any]:
    links = (
        ServiceLink.objects.filter(
            Q(case__in=[c.pk for c in disputes])
            | Q(relation__in=[LinkRelation.SERVICE, LinkRelation.CONSULTATION], case__registered_at__year=YEAR)
        )
        .select_related("enterprise__workstation", "case__assigned_org")
        .order_by("case__registered_at", "pk")
    )
    targets = []
    for number, link in enumerate(links):
        staff = people.staff(link.enterprise)
        if staff is None:
            continue
        evidence = _evidence(link.case, people, number)
        if evidence:
            targets.append((link, staff, evidence))
    if not targets:
        return {"losses": 0, "loss_total": "0.00"}
    if len(targets) > 150:  # losses recovered on about 150 cases, the disputes first
        targets = targets[:DISPUTES] + rng.sample(targets[DISPUTES:], 150 - DISPUTES)
    recorded = Decimal("0")
    for (link, staff, evidence), amount in zip(targets, _amounts(rng, len(targets)), strict=True):
        start = timezone.localtime(link.case.registered_at).date()
        on = min(start + datetime.timedelta(days=rng.randint(10, 90)), _year_end())
        on = max(on, start)
        try:
            svc.recovered_loss_record(
                actor=staff,
                enterprise=link.enterprise,
                case=link.case,
                amount=amount,
                method=rng.choices(METHODS, METHOD_WEIGHTS)[0],
                recovered_on=on,
                description=f"经法治护航工作站介入,为企业挽回经济损失 {amount} 元",
                evidence=evidence,
                recorded_at=_at(on, rng) + datetime.timedelta(hours=1),
            )
        except ApplicationError:  # staff whose jurisdiction does not cover the enterprise: left out
            continue
        recorded += amount
    return {"losses": len(targets), "loss_total": str(recorded)}


def ratings_give(rng: random.Random, people: People, today: datetime.date) -> int:
    finished = (
        ServiceLink.objects.filter(case__registered_at__year=YEAR)
        .filter(Q(case__state_type__in=svc.FINISHED_STATE_TYPES) | Q(case__closed_at__isnull=False))
        .exclude(case__enterprise_ratings__isnull=False)
        .select_related("enterprise__workstation", "case")
        .order_by("case__registered_at", "pk")
    )
    rated = 0
    for link in finished:
        if rng.random() > RATE_SHARE:
            continue
        actor = people.enterprise_side(link.enterprise)
        if actor is None:
            continue
        ended = link.case.closed_at or link.case.registered_at
        day = min(timezone.localtime(ended).date() + datetime.timedelta(days=rng.randint(1, 10)), today)
        score = rng.choices((5, 4, 3, 2), (0.72, 0.22, 0.05, 0.01))[0]
        svc.service_rate(
            actor=actor,
            enterprise=link.enterprise,
            case=link.case,
            score=score,
            comment="服务及时、专业" if score >= 4 else "",
            rated_at=_at(day, rng),
        )
        rated += 1
    return rated


def load(*, seed: int, today: datetime.date, disputes: int = DISPUTES) -> dict[str, Any]:
    rng = random.Random(seed * 1_000_003 + 11)
    people = People()
    counts: dict[str, Any] = suggestions_move(rng, people, today)
    helped = disputes_open(rng, people, disputes)
    counts["disputes"] = len(helped)
    counts["disputes_closed"] = sum(1 for case in helped if case.closed_at is not None)
    counts["outside_drive"] = outside_the_seed_drive(helped)
    counts.update(losses_record(rng, people, helped))
    counts["ratings"] = ratings_give(rng, people, today)
    return counts


def report(counts: dict[str, Any]) -> str:
    return (
        f"2022 年风险防范建议:采纳 {counts['accepted']} 条(落实 {counts['implemented']} 条,回访验证 "
        f"{counts['verified']} 条),未采纳 {counts['declined']} 条,待答复 {counts['open']} 条;涉企纠纷帮扶 "
        f"{counts['disputes']} 件(调解结案 {counts.get('disputes_closed', 0)} 件,不计入 2022 年专项行动 "
        f"{counts.get('outside_drive', 0)} 件);挽回损失 {counts['losses']} 笔,合计 {counts['loss_total']} 元;服务评价 "
        f"{counts['ratings']} 条"
    )
