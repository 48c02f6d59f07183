"""The demo's major-event security (重大活动安保): the two scenario templates (the 二十大's "1+5+6+7" — one
overall plan, five domains, six actions, seven mechanisms — and a smaller one for conferences), about 30
major events of 2022 (the seed's "30余次重大节点、重大活动安保维稳任务"), among them the 第十届中国湘商大会 in
Zhuzhou and the 二十大 security plan, all finished and reviewed, with sweeps, rosters and sent daily
reports; and one event in progress around --today with a board that has something to show (tasks done,
some late, a sweep's findings to convert, an open risk of the register at the venue when there is one, the
roster, today's report as a draft).

Everything goes through pingan.majorevents.services, as a user's clicks would; dates of 2022 are given
to the services explicitly. The dates and venues of the 2022 events are illustrative. The number of
events does not scale with --scale: they are few and quick (about a second)."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from pingan.accounts.models import User
from pingan.cases.models import Case
from pingan.geo.models import RegionShape
from pingan.majorevents import services
from pingan.majorevents.choices import EventStatus, SectionKind, SecurityLevel, TaskStatus
from pingan.majorevents.models import Event, ScenarioTemplate, Sweep
from pingan.regions.models import Organization

from .geography import CITY_CODE, centre_code
from .staff import COUNTY_SLUGS

OV, D, A, M = SectionKind.OVERALL, SectionKind.DOMAIN, SectionKind.ACTION, SectionKind.MECHANISM
FULL = "重大节点安保维稳“1+5+6+7”作战图"
CONFERENCE = "大型会议活动安保预案"


def _t(title: str, org_type: str = "", offset: int = -3, evidence: str = "") -> dict[str, Any]:
    return {"title": title, "org_type": org_type, "due_offset_days": offset, "required_evidence": evidence}


FULL_SECTIONS: list[dict[str, Any]] = [
    {
        "kind": OV,
        "title": "安保维稳总体方案",
        "description": "党的二十大安保维稳总体方案(市委政法委牵头)。",
        "tasks": [_t("印发安保维稳总体方案", "plac", -30, "方案文件"), _t("召开动员部署会", "plac", -25, "会议纪要")],
    },
    {"kind": D, "title": "政治安全领域", "tasks": [_t("重点目标安全防范", "police", -7)]},
    {"kind": D, "title": "社会治安领域", "tasks": [_t("社会面巡逻防控等级勤务", "police", -2, "勤务记录")]},
    {"kind": D, "title": "矛盾纠纷领域", "tasks": [_t("重点矛盾纠纷清单化管理", "", -10, "台账")]},
    {"kind": D, "title": "公共安全领域", "tasks": [_t("消防、燃气、道路交通隐患排查", "housing", -7)]},
    {"kind": D, "title": "网络安全领域", "tasks": [_t("涉稳网络舆情监测", "police", -5)]},
    {"kind": A, "title": "矛盾纠纷大排查大化解行动", "tasks": [_t("全市矛盾纠纷拉网式排查", "", -14, "排查台账")]},
    {"kind": A, "title": "“调解促稳定、喜迎二十大”专项调解行动", "tasks": [_t("专项调解周报", "justice", -3)]},
    {"kind": A, "title": "重点人员稳控行动", "tasks": [_t("重点人员一人一策", "letters", -7, "稳控方案")]},
    {"kind": A, "title": "治安大巡防行动", "tasks": [_t("街面屯警、夜巡夜访", "police", -1)]},
    {"kind": A, "title": "公共安全隐患大整治行动", "tasks": [_t("隐患整改销号", "housing", -3)]},
    {"kind": A, "title": "网络清朗行动", "tasks": [_t("网上有害信息处置", "police", -2)]},
    {"kind": M, "title": "领导包保机制", "tasks": [_t("县级领导包保乡镇", "", -10)]},
    {"kind": M, "title": "日报告零报告机制", "tasks": [_t("每日报送安保日报", "", 0)]},
    {"kind": M, "title": "会商研判机制", "tasks": [_t("每日风险会商研判", "", 0)]},
    {"kind": M, "title": "督导检查机制", "tasks": [_t("明察暗访督导", "plac", -2)]},
    {"kind": M, "title": "应急处置机制", "tasks": [_t("应急处置演练", "police", -5, "演练记录")]},
    {"kind": M, "title": "联勤联动机制", "tasks": []},
    {"kind": M, "title": "责任追究机制", "tasks": []},
]
CONFERENCE_SECTIONS: list[dict[str, Any]] = [
    {"kind": OV, "title": "活动安保工作方案", "tasks": [_t("制定安保工作方案", "", -10, "方案文件")]},
    {"kind": D, "title": "会场及驻地安保", "tasks": [_t("会场安检与封控", "police", -1)]},
    {"kind": D, "title": "交通保障", "tasks": [_t("交通管制与线路保障", "police", -1)]},
    {"kind": D, "title": "社会面稳控", "tasks": [_t("周边重点人员稳控", "letters", -3)]},
    {"kind": A, "title": "周边矛盾纠纷排查", "tasks": [_t("场馆周边排查化解", "", -5, "排查台账")]},
    {"kind": M, "title": "日报告机制", "tasks": [_t("每日报送安保日报", "", 0)]},
]


@dataclass(frozen=True)
class Spec:
    name: str
    start: datetime.date
    days: int
    county: str  # region code of the lead centre; the city for city events
    level: str
    template: str
    venue: str


def _d(month: int, day: int) -> datetime.date:
    return datetime.date(2022, month, day)


TY, HT, LS, SF, LK, YX, CL, YL, LL = (
    "430211",
    "430202",
    "430203",
    "430204",
    "430212",
    "430223",
    "430224",
    "430225",
    "430281",
)
C = CITY_CODE
EVENTS_2022 = [
    Spec("2022年元旦安保维稳", _d(1, 1), 3, C, SecurityLevel.SECOND, CONFERENCE, "神农城广场"),
    Spec("2022年春节安保维稳", _d(1, 31), 7, C, SecurityLevel.FIRST, CONFERENCE, "株洲火车站"),
    Spec("2022年元宵节灯会安保", _d(2, 15), 1, LS, SecurityLevel.SECOND, CONFERENCE, "芦淞区滨江风光带"),
    Spec("2022年全国两会安保维稳", _d(3, 4), 10, C, SecurityLevel.SPECIAL, FULL, "株洲市行政中心"),
    Spec("壬寅年炎帝陵祭祖典礼", _d(4, 5), 1, YL, SecurityLevel.FIRST, CONFERENCE, "炎帝陵"),
    Spec("2022年清明节安保", _d(4, 3), 3, LK, SecurityLevel.THIRD, CONFERENCE, "渌口区公墓"),
    Spec("2022年“五一”假期安保", _d(4, 30), 5, C, SecurityLevel.SECOND, CONFERENCE, "方特欢乐世界"),
    Spec("荷塘区第二届社区文化节", _d(5, 20), 2, HT, SecurityLevel.THIRD, CONFERENCE, "荷塘区文化广场"),
    Spec("2022年高考安保", _d(6, 7), 3, C, SecurityLevel.FIRST, CONFERENCE, "株洲市第二中学考点"),
    Spec("2022年端午龙舟赛", _d(6, 3), 1, LL, SecurityLevel.THIRD, CONFERENCE, "渌江龙舟赛道"),
    Spec("2022年中考安保", _d(6, 18), 3, C, SecurityLevel.SECOND, CONFERENCE, "株洲市南方中学考点"),
    Spec("庆祝建党101周年活动安保", _d(7, 1), 1, C, SecurityLevel.FIRST, CONFERENCE, "株洲市行政中心"),
    Spec("醴陵国际陶瓷产业博览会", _d(7, 22), 4, LL, SecurityLevel.SECOND, CONFERENCE, "醴陵陶瓷会展中心"),
    Spec("攸县第三届美食文化节", _d(8, 5), 3, YX, SecurityLevel.THIRD, CONFERENCE, "攸县文化广场"),
    Spec("茶陵茶祖文化节", _d(8, 19), 2, CL, SecurityLevel.THIRD, CONFERENCE, "茶陵县文化中心"),
    Spec("中国国际轨道交通和装备制造产业博览会", _d(8, 26), 4, TY, SecurityLevel.FIRST, CONFERENCE, "株洲国际会展中心"),
    Spec("第十届中国湘商大会", _d(9, 15), 3, C, SecurityLevel.SPECIAL, CONFERENCE, "株洲国际会展中心"),
    Spec("2022年中秋节安保", _d(9, 10), 3, C, SecurityLevel.SECOND, CONFERENCE, "神农公园"),
    Spec("2022年国庆假期安保", _d(10, 1), 7, C, SecurityLevel.FIRST, CONFERENCE, "神农城广场"),
    Spec("党的二十大安保维稳", _d(10, 16), 7, C, SecurityLevel.SPECIAL, FULL, "株洲市行政中心"),
    Spec("石峰区工业遗址文化节", _d(10, 28), 2, SF, SecurityLevel.THIRD, CONFERENCE, "清水塘工业遗址"),
    Spec("株洲市第十一届运动会开幕式", _d(11, 5), 1, C, SecurityLevel.FIRST, CONFERENCE, "株洲体育中心"),
    Spec("天元区重点项目集中开工仪式", _d(11, 10), 1, TY, SecurityLevel.THIRD, CONFERENCE, "天元区长江南路"),
    Spec("全市政法工作推进会", _d(11, 18), 1, C, SecurityLevel.SECOND, CONFERENCE, "株洲市行政中心"),
    Spec("芦淞服饰节", _d(11, 25), 3, LS, SecurityLevel.SECOND, CONFERENCE, "芦淞服饰城"),
    Spec("渌口区招商引资推介会", _d(12, 2), 1, LK, SecurityLevel.THIRD, CONFERENCE, "渌口区会议中心"),
    Spec("炎陵黄桃产业大会", _d(12, 6), 2, YL, SecurityLevel.THIRD, CONFERENCE, "炎陵县会议中心"),
    Spec("中央经济工作会议期间安保维稳", _d(12, 15), 2, C, SecurityLevel.FIRST, FULL, "株洲市行政中心"),
    Spec("2022年冬至祭扫安保", _d(12, 22), 1, LL, SecurityLevel.THIRD, CONFERENCE, "醴陵市公墓"),
    Spec("2022年岁末年初安全稳定", _d(12, 28), 4, C, SecurityLevel.SECOND, CONFERENCE, "株洲火车站"),
]
REVIEWED_FULLY = {"第十届中国湘商大会", "党的二十大安保维稳"}

FINDINGS = [
    ("会场周边工地拖欠农民工工资,有聚集讨薪苗头", "risk", "risk_public_order"),
    ("小区两户居民因噪音长期争吵", "dispute", "neighbour"),
    ("会场周边人行道井盖缺失", "incident", "inc_municipal"),
]
LESSONS = [
    ("夜间巡防力量不足,增加夜间备勤班次", "task"),
    ("场馆周边风险每日会商", "mechanism"),
]


def templates_load() -> dict[str, ScenarioTemplate]:
    found = {t.name: t for t in ScenarioTemplate.objects.filter(name__in=[FULL, CONFERENCE])}
    if FULL not in found:
        found[FULL] = services.template_create(
            name=FULL,
            description="总体方案 + 五大领域 + 六大行动 + 七大机制(株洲市委政法委,党的二十大安保维稳)",
            sections=FULL_SECTIONS,
        )
    if CONFERENCE not in found:
        found[CONFERENCE] = services.template_create(
            name=CONFERENCE, description="大型会议、节会、考试等活动的安保预案", sections=CONFERENCE_SECTIONS
        )
    return found


def _actor(region_code: str) -> User:
    slug = "city" if region_code == CITY_CODE else COUNTY_SLUGS[region_code]
    return User.objects.get(username=f"{slug}_clerk")


def _venue_grid(region_code: str, rng: random.Random) -> RegionShape | None:
    shapes = list(RegionShape.objects.grids().filter(region_code__startswith=region_code).order_by("region_code")[:40])
    return rng.choice(shapes) if shapes else None


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _event(
    spec: Spec, template: ScenarioTemplate, actor: User, rng: random.Random, *, near_risk: bool = False
) -> Event:
    """The event with its venue at a grid's label point; with `near_risk`, at the point of an open risk of
    the region when the risk register has one (so the board shows it)."""
    region_code = TY if spec.county == CITY_CODE and spec.venue.startswith("株洲国际会展中心") else spec.county
    shape = _venue_grid(region_code, rng)
    venue: dict[str, Any] = {"name": spec.venue, "address": spec.venue}
    risk = (
        Case.objects.open()
        .filter(kind="risk", region_code__startswith=region_code, lat__isnull=False)
        .order_by("id")
        .first()
        if near_risk
        else None
    )
    if risk is not None:
        venue |= {"lat": risk.lat, "lng": risk.lng}
    elif shape is not None:
        venue |= {"lat": round(shape.label_lat, 6), "lng": round(shape.label_lng, 6)}
    return services.event_create(
        actor=actor,
        name=spec.name,
        start_date=spec.start,
        end_date=spec.start + datetime.timedelta(days=spec.days - 1),
        security_level=spec.level,
        lead_org=Organization.objects.get(code=centre_code(spec.county)),
        template=template,
        venues=[venue] if "lat" in venue else [],
    )


def _sweep(event: Event, actor: User, day: datetime.date) -> Sweep:
    """A sweep of the venue's grid with three findings, left for a person to turn into a risk, a dispute and
    an incident: the demo's cases are generated as histories that end before --today with their own
    invariants (docs/demo.md), which a case registered now through the services would break."""
    venue = event.venues.prefetch_related("grids").first()
    grid = venue.grids.first() if venue else None
    region = grid or event.region
    sweep = services.sweep_create(
        actor=actor,
        event=event,
        region=region,
        swept_on=day,
        note="场馆及周边拉网式排查",
        findings=[
            {"description": text, "lat": venue.lat if venue else None, "lng": venue.lng if venue else None}
            for text, _target, _category in FINDINGS
        ],
    )
    return sweep


def _roster(event: Event, actors: list[User], days: list[datetime.date]) -> int:
    count = 0
    for day in days:
        for shift, (user, post) in zip(
            ("day", "night"), zip(actors, ("带班领导", "值班员"), strict=False), strict=False
        ):
            services.roster_add(
                actor=actors[0], event=event, date=day, shift=shift, org=event.lead_org, user=user, post=post
            )
            count += 1
    return count


def _complete(event: Event, actor: User, rng: random.Random, *, until: datetime.date, late_share: float) -> int:
    """Complete the tasks due before `until`: most on their day, some a day or two late."""
    done = 0
    for task in event.tasks.filter(due_date__lt=until).order_by("due_date", "id"):
        late = rng.random() < late_share
        day = task.due_date + datetime.timedelta(days=rng.randint(1, 2) if late else 0)
        if day >= until:
            continue
        evidence = None
        if task.required_evidence:
            evidence = ContentFile(b"%PDF-1.4\n% demo evidence\n" + b"0" * 64, name=f"{task.required_evidence}.pdf")
        services.task_complete(actor=actor, task=task, record="已按要求落实。", evidence=evidence, done_at=_at(day, 17))
        done += 1
    return done


def events_2022_load(*, seed: int) -> dict[str, int]:
    """The 2022 events: created from their templates, swept, staffed, reported day by day (sent), finished
    and reviewed; the lessons of the 湘商大会 and the 二十大 saved into their templates."""
    rng = random.Random(f"majorevents-{seed}")
    templates = templates_load()
    counts = {"events": 0, "tasks": 0, "done": 0, "reports": 0, "findings": 0, "shifts": 0, "lessons": 0}
    for spec in EVENTS_2022:
        actor = _actor(spec.county)
        head = User.objects.filter(username=actor.username.replace("_clerk", "_head")).first()
        event = _event(spec, templates[spec.template], actor, rng)
        days = event.days
        counts["events"] += 1
        counts["tasks"] += event.tasks.count()
        full = spec.name in REVIEWED_FULLY
        if full:
            counts["findings"] += _sweep(event, actor, spec.start - datetime.timedelta(days=3)).findings.count()
        counts["shifts"] += _roster(event, [u for u in (head, actor) if u], days)
        event = services.event_advance(actor=actor, event=event, status=EventStatus.IN_PROGRESS)
        counts["done"] += _complete(event, actor, rng, until=days[-1] + datetime.timedelta(days=3), late_share=0.1)
        for day in days:
            report = services.report_generate(actor=actor, event=event, day=day)
            report = services.report_edit(actor=actor, report=report, next_steps="继续落实各项安保措施。")
            services.report_send(actor=actor, report=report, sent_at=_at(day, 20))
            counts["reports"] += 1
        event = services.event_advance(actor=actor, event=event, status=EventStatus.FINISHED)
        review = services.review_write(
            actor=actor,
            event=event,
            summary=f"{spec.name}期间全市社会大局平稳,未发生影响活动的案事件。",
            worked="提前排查、屯警街面、日报告零报告落实到位。",
            failed="个别任务佐证材料报送不及时。" if full else "",
            lessons=[{"text": text, "kind": kind} for text, kind in LESSONS] if full else [],
            written_at=_at(days[-1] + datetime.timedelta(days=2), 10),
        )
        for lesson in review.lessons.all():
            section = templates[spec.template].sections.filter(kind=SectionKind.DOMAIN).order_by("order").first()
            if lesson.kind == "task" and spec.template == CONFERENCE:
                continue  # one improvement of the conference template is left for a person to save
            services.lesson_save_to_template(actor=actor, lesson=lesson, section=section)
            counts["lessons"] += 1
    return counts


def live_load(*, seed: int, today: datetime.date) -> dict[str, Any]:
    """One event in progress around --today (yesterday to tomorrow) in 天元区: tasks of the past days done,
    some late and some still open past their day, the sweep's risk finding raised as a risk at the venue,
    a roster for every day, yesterday's report sent and today's as a draft."""
    rng = random.Random(f"majorevents-live-{seed}")
    templates = templates_load()
    actor = _actor(TY)
    head = User.objects.get(username="tianyuan_head")
    spec = Spec(
        f"{today.year}年中国国际轨道交通和装备制造产业博览会",
        today - datetime.timedelta(days=1),
        3,
        TY,
        SecurityLevel.FIRST,
        CONFERENCE,
        "株洲国际会展中心",
    )
    event = _event(spec, templates[CONFERENCE], actor, rng, near_risk=True)
    now_day = min(today, timezone.localdate())
    sweep = _sweep(event, actor, now_day - datetime.timedelta(days=3))
    findings = sweep.findings.count()
    # The wage arrears found at the venue's building site are raised as a risk (橙, 3 × 4) now, through the
    # sweep's one step, so the board has an open risk at the venue; the dispute and the incident found wait
    # for a person (the demo's dispute and incident histories end before --today, docs/demo.md).
    text, target, category = FINDINGS[0]
    services.finding_to_case(
        actor=actor,
        finding=sweep.findings.get(description=text),
        target=target,
        category=category,
        likelihood=3,
        impact=4,
    )
    shifts = _roster(event, [head, actor], event.days)
    event = services.event_advance(actor=actor, event=event, status=EventStatus.IN_PROGRESS)
    done = _complete(event, actor, rng, until=now_day - datetime.timedelta(days=2), late_share=0.5)
    reports = 0
    for day in event.days:
        if day > now_day:
            break
        report = services.report_generate(actor=actor, event=event, day=day)
        reports += 1
        if day < now_day:
            services.report_send(actor=actor, report=report, sent_at=min(_at(day, 20), timezone.now()))
    late = sum(t.days_late(today) > 0 for t in event.tasks.all())
    open_tasks = event.tasks.filter(status=TaskStatus.OPEN).count()
    return {
        "event": event.pk,
        "findings": findings,
        "shifts": shifts,
        "done": done,
        "late": late,
        "open": open_tasks,
        "reports": reports,
        "today": today.isoformat(),
    }
