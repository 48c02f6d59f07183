"""The demo's 法治护航 register (the seed's Zhuzhou 2022): 36 法治护航工作站 spread over the city's counties
(four townships each, 天元区嵩山路街道 among them), the city's 法律专家团 of 18 experts, 127 专精特新"小巨人"
enterprises each with a complete 三官一律 (about a fifth with a holder changed during 2022, so the history
shows who served when), about 150 other enterprises of mixed levels, industries and scales without one, a
contact for each, a staff account per workstation and portal accounts for a handful of enterprises.

Everything goes through lawguard.services as a person would: the city's centre clerk sets up the
workstations, the team and its experts and keeps the register; each workstation's staff opens its
enterprises' portal accounts. Credit codes carry their GB 32100 check character and are unique. The register
reads what exists (the demo's region tree and grids, the city's centre clerk): it runs on the small test
scene too (pingan/lawguard/tests/test_register_demo.py).

Demo logins (password: the demo password, `demo.staff.DEMO_PASSWORD`): `fzhh_songshan` (嵩山路法治护航工作站
staff) and `qiye_zuanshi` (the portal account of 株洲钻石切削刀具股份有限公司, a 小巨人 that station serves)."""

from __future__ import annotations

import datetime
import random
from collections import Counter
from collections.abc import Sequence
from typing import Any

from django.contrib.auth.hashers import check_password, make_password
from django.utils import timezone

from pingan.accounts.choices import Role
from pingan.accounts.models import Membership, User
from pingan.accounts.services import password_change_require
from pingan.core.validators import credit_code_check_character
from pingan.lawguard import services
from pingan.lawguard.choices import GuardRole, Industry, Scale, SpecialisationLevel, Speciality
from pingan.lawguard.models import Enterprise, Workstation
from pingan.regions.choices import OrgType, RegionLevel
from pingan.regions.models import Organization, Region

from .staff import DEMO_PASSWORD, account_specs, person_name

DATASET = "lawguard-register"
STATIONS = 36
EXPERTS = 18
LITTLE_GIANTS = 127
OTHERS = 150
PORTAL_ACCOUNTS = 5
STATION_LOGIN = "fzhh_songshan"
ENTERPRISE_LOGIN = "qiye_zuanshi"
ZUANSHI = "株洲钻石切削刀具股份有限公司"
TEAM_CODE = "FZHH-ZJT"
CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100 表 1

WORDS = [
    "湘江",
    "神农",
    "炎帝",
    "天元",
    "荷塘",
    "芦淞",
    "石峰",
    "渌口",
    "醴陵",
    "攸县",
    "茶陵",
    "炎陵",
    "云龙",
    "栗雨",
    "金山",
    "九方",
    "华强",
    "中联",
    "宏达",
    "鼎盛",
    "恒信",
    "永盛",
    "博远",
    "创新",
    "科达",
    "立德",
    "精工",
    "联诚",
    "启航",
    "同创",
    "瑞丰",
    "伟业",
    "新源",
    "东方",
    "长岭",
    "凤凰",
    "海天",
    "汇通",
    "金鼎",
    "明辉",
]
TRADES: dict[str, list[str]] = {
    Industry.C: [
        "硬质合金",
        "轨道交通装备",
        "航空零部件",
        "陶瓷",
        "服饰",
        "新材料",
        "电机",
        "精密模具",
        "化工",
        "汽车零部件",
    ],
    Industry.I: ["软件", "信息技术", "数据服务"],
    Industry.M: ["检测", "工程技术", "新材料研究"],
    Industry.F: ["商贸", "医药批发", "建材贸易"],
    Industry.E: ["建设工程", "路桥建设"],
    Industry.G: ["物流", "运输"],
    Industry.H: ["餐饮管理", "酒店"],
    Industry.L: ["商务咨询", "人力资源服务"],
}
GIANT_INDUSTRIES = [Industry.C] * 8 + [Industry.I, Industry.M]
OTHER_INDUSTRIES = [Industry.C] * 4 + [
    Industry.F,
    Industry.F,
    Industry.E,
    Industry.I,
    Industry.G,
    Industry.H,
    Industry.L,
]
GIANT_SCALES = [Scale.MEDIUM] * 5 + [Scale.SMALL] * 4 + [Scale.LARGE]
OTHER_SCALES = [Scale.SMALL] * 5 + [Scale.MICRO] * 4 + [Scale.MEDIUM] * 2 + [Scale.LARGE]
OTHER_LEVELS = [SpecialisationLevel.NONE] * 6 + [SpecialisationLevel.INNOVATIVE] * 3 + [SpecialisationLevel.PROVINCIAL]
LAW_FIRMS = [
    "湖南湘君律师事务所",
    "湖南天元律师事务所",
    "湖南炎帝律师事务所",
    "湖南金州律师事务所",
    "湖南株洲律师事务所",
]
EXPERT_UNITS = [
    ("湖南工业大学法学院", "教授"),
    ("湘潭大学法学院", "副教授"),
    ("株洲市中级人民法院", "审判员"),
    ("株洲市人民检察院", "检察官"),
    ("湖南湘君律师事务所", "律师"),
    ("株洲市司法局", "公职律师"),
    ("株洲仲裁委员会", "仲裁员"),
    ("湖南天元律师事务所", "律师"),
]


def _city_clerk() -> User:
    """The city's centre clerk (综治中心工作人员): keeps the register and sets up the workstations."""
    membership = (
        Membership.objects.filter(
            role=Role.CENTRE_STAFF,
            is_active=True,
            organization__org_type=OrgType.CENTRE,
            organization__region__level=RegionLevel.CITY,
        )
        .select_related("user")
        .order_by("user__username")
        .first()
    )
    if membership is None:
        raise RuntimeError("法治护航演示数据需要市综治中心工作人员账号(先加载区划、组织和账号)")
    return membership.user


def _station_townships(rng: random.Random, count: int) -> list[Region]:
    """`count` townships spread evenly over the counties (嵩山路街道 first when it exists)."""
    counties = list(Region.objects.filter(level=RegionLevel.COUNTY, is_active=True).order_by("code"))
    per_county: dict[int, list[Region]] = {}
    for county in counties:
        townships = list(
            Region.objects.filter(parent=county, level=RegionLevel.TOWNSHIP, is_active=True).order_by("code")
        )
        rng.shuffle(townships)
        townships.sort(key=lambda t: t.name != "嵩山路街道")
        per_county[county.pk] = townships
    chosen: list[Region] = []
    while len(chosen) < count and any(per_county.values()):
        for county in counties:
            if per_county[county.pk] and len(chosen) < count:
                chosen.append(per_county[county.pk].pop(0))
    return chosen


def _places(township: Region) -> list[Region]:
    """Where enterprises of a township stand: its grid cells (its communities when it has none)."""
    grids = list(Region.objects.filter(code__startswith=township.prefix, level=RegionLevel.GRID).order_by("code"))
    return grids or list(Region.objects.filter(parent=township).order_by("code")) or [township]


class Codes:
    """Unique 统一社会信用代码 with their computed check character: 9 (市场监管) 1 (企业), the county's
    division code, a 9-character body."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used = set(Enterprise.objects.values_list("credit_code", flat=True))

    def next(self, county_code: str) -> str:
        while True:
            body = "MA4" + "".join(self.rng.choice(CODE_ALPHABET) for _index in range(6))
            first17 = f"91{county_code[:6]}{body}"
            code = first17 + credit_code_check_character(first17)
            if code not in self.used:
                self.used.add(code)
                return code


def _phone(rng: random.Random) -> str:
    return f"139{rng.randint(73000000, 73999999)}"


def _stations_load(clerk: User, townships: list[Region]) -> list[Workstation]:
    stations = []
    for index, township in enumerate(townships):
        stations.append(
            services.workstation_create(
                actor=clerk,
                code=f"FZHH-{township.code}",
                name=f"{township.name}法治护航工作站",
                region=township,
                address=f"株洲市{township.name}综治中心",
                regions=[township],
                opened_on=datetime.date(2021, 3 + index % 9, 1 + index % 28),
                description="三官一律进企业,法治体检、法律咨询、矛盾化解一站式服务。",
            )
        )
    return stations


def _station_staff(stations: list[Workstation], password: str) -> dict[int, User]:
    """One staff account per workstation (职能部门工作人员 at the workstation): the demo's login for 嵩山路's."""
    staff: dict[int, User] = {}
    for index, station in enumerate(stations):
        township_code = station.organization.region.code
        username = STATION_LOGIN if station.organization.region.name == "嵩山路街道" else f"fzhh_{township_code}"
        user, _created = User.objects.update_or_create(
            username=username,
            defaults={"full_name": person_name(3000 + index), "password": password, "is_active": True},
        )
        Membership.objects.get_or_create(user=user, organization=station.organization, role=Role.DEPARTMENT_STAFF)
        staff[station.pk] = user
    return staff


def _experts_load(clerk: User, rng: random.Random, password: str) -> int:
    """The city's 法律专家团: 18 experts, each with an account (`fzzj_01` …, 职能部门工作人员 in the team) so that
    they answer the questions escalated to them."""
    city = Region.objects.filter(level=RegionLevel.CITY).order_by("code").first()
    assert city is not None
    team = Organization.objects.filter(code=f"{TEAM_CODE}-{city.code}").first() or services.expert_team_create(
        actor=clerk, code=f"{TEAM_CODE}-{city.code}", name="株洲市法治护航法律专家团", region=city
    )
    fields = list(Speciality.values)
    for index in range(EXPERTS):
        unit, title = EXPERT_UNITS[index % len(EXPERT_UNITS)]
        specialities = [fields[index % len(fields)], *rng.sample(fields, rng.randint(0, 2))]
        name = person_name(4000 + index)
        user, _created = User.objects.update_or_create(
            username=f"fzzj_{index + 1:02d}", defaults={"full_name": name, "password": password, "is_active": True}
        )
        Membership.objects.get_or_create(user=user, organization=team, role=Role.DEPARTMENT_STAFF)
        services.expert_create(
            actor=clerk,
            team=team,
            name=name,
            unit=unit,
            title=title,
            specialities=sorted(set(specialities), key=fields.index),
            phone=_phone(rng),
            joined_on=datetime.date(2021, 4 + index % 6, 1 + index),
            user=user,
        )
    return EXPERTS


def _enterprise_name(rng: random.Random, industry: str, taken: set[str]) -> str:
    while True:
        name = f"株洲{rng.choice(WORDS)}{rng.choice(TRADES[industry])}有限公司"
        if name not in taken:
            taken.add(name)
            return name


def _guards_load(
    clerk: User, enterprise: Enterprise, station: Workstation, rng: random.Random, index: int
) -> tuple[int, int]:
    """The enterprise's 三官一律 from 2021; about one in five has one role change hands during 2022."""
    region = station.organization.region
    county = region.parent
    units: dict[str, str] = {
        GuardRole.JUDGE: f"{county.name if county else ''}人民法院",
        GuardRole.PROSECUTOR: f"{county.name if county else ''}人民检察院",
        GuardRole.POLICE: f"{region.name.removesuffix('街道').removesuffix('镇').removesuffix('乡')}派出所",
        GuardRole.LAWYER: rng.choice(LAW_FIRMS),
    }
    started = datetime.date(2021, 6, 1) + datetime.timedelta(days=rng.randint(0, 180))
    assigned = changed = 0
    for offset, role in enumerate(GuardRole.values):
        services.guard_assign(
            actor=clerk,
            enterprise=enterprise,
            role=role,
            person_name=person_name(5000 + index * 4 + offset),
            unit=units[role],
            phone=_phone(rng),
            started_on=started,
        )
        assigned += 1
    if rng.random() < 0.2:
        role = rng.choice(GuardRole.values)
        services.guard_assign(
            actor=clerk,
            enterprise=enterprise,
            role=role,
            person_name=person_name(9000 + index),
            unit=units[role] if role != GuardRole.LAWYER else rng.choice(LAW_FIRMS),
            phone=_phone(rng),
            started_on=datetime.date(2022, rng.randint(2, 11), rng.randint(1, 28)),
            end_reason=rng.choice(["工作调动", "岗位轮换", "退休", "所在单位调整派驻人员"]),
        )
        assigned += 1
        changed += 1
    return assigned, changed


def _enterprise(
    clerk: User,
    rng: random.Random,
    codes: Codes,
    names: set[str],
    *,
    place: Region,
    level: str,
    industries: Sequence[str],
    scales: Sequence[str],
    name: str = "",
) -> Enterprise:
    industry = rng.choice(industries)
    county_code = place.code[:6]
    registered = datetime.datetime(2021, 1, 4, 9, tzinfo=timezone.get_current_timezone()) + datetime.timedelta(
        days=rng.randint(0, 700), minutes=rng.randint(0, 480)
    )
    enterprise = services.enterprise_create(
        actor=clerk,
        name=name or _enterprise_name(rng, industry, names),
        credit_code=codes.next(county_code),
        industry=Industry.C if name else industry,
        scale=rng.choice(scales),
        level=level,
        legal_representative=person_name(rng.randint(6000, 8999)),
        address=f"株洲市{place.name}{rng.randint(1, 300)}号",
        region=place,
        created_at=registered,
    )
    services.contact_add(
        actor=clerk,
        enterprise=enterprise,
        name=person_name(rng.randint(10000, 19999)),
        phone=_phone(rng),
        position=rng.choice(["法务经理", "办公室主任", "总经理助理", "人事行政经理"]),
        is_primary=True,
    )
    return enterprise


def load(
    *,
    seed: int,
    today: datetime.date,
    first_login_change: bool = True,
    stations: int = STATIONS,
    little_giants: int = LITTLE_GIANTS,
    others: int = OTHERS,
) -> dict[str, Any]:
    rng = random.Random(f"{seed}-lawguard-register")
    clerk = _city_clerk()
    station_list = _stations_load(clerk, _station_townships(rng, stations))
    # The demo password's hash that every demo account shares (demo.staff hashes it once for everyone).
    shared = (
        User.objects.filter(username__in=[s.username for s in account_specs()])
        .values_list("password", flat=True)
        .first()
    )
    password = shared if shared and check_password(DEMO_PASSWORD, shared) else make_password(DEMO_PASSWORD)
    staff = _station_staff(station_list, password)
    experts = _experts_load(clerk, rng, password)
    codes, names = Codes(rng), set(Enterprise.objects.values_list("name", flat=True))
    places = {station.pk: _places(station.organization.region) for station in station_list}
    counts: Counter[str] = Counter()
    giants: list[tuple[Enterprise, Workstation]] = []
    for index in range(little_giants):
        station = station_list[index % len(station_list)]
        zuanshi = station.organization.region.name == "嵩山路街道" and ZUANSHI not in names
        enterprise = _enterprise(
            clerk,
            rng,
            codes,
            names,
            place=rng.choice(places[station.pk]),
            level=SpecialisationLevel.LITTLE_GIANT,
            industries=GIANT_INDUSTRIES,
            scales=GIANT_SCALES,
            name=ZUANSHI if zuanshi else "",
        )
        names.add(enterprise.name)
        assigned, changed = _guards_load(clerk, enterprise, station, rng, index)
        counts["guards"] += assigned
        counts["changed_2022"] += changed
        giants.append((enterprise, station))
    townships = list(Region.objects.filter(level=RegionLevel.TOWNSHIP, is_active=True).order_by("code"))
    for _index in range(others):
        if rng.random() < 0.7:
            place = rng.choice(places[rng.choice(station_list).pk])
        else:
            place = rng.choice(_places(rng.choice(townships)))
        _enterprise(
            clerk,
            rng,
            codes,
            names,
            place=place,
            level=rng.choice(OTHER_LEVELS),
            industries=OTHER_INDUSTRIES,
            scales=OTHER_SCALES,
        )
    accounts = []
    giants.sort(key=lambda pair: pair[0].name != ZUANSHI)  # the documented login first
    for number, (enterprise, station) in enumerate(giants[:PORTAL_ACCOUNTS]):
        username = ENTERPRISE_LOGIN if enterprise.name == ZUANSHI else f"qiye_{number:02d}"
        account, _temporary = services.enterprise_account_create(
            actor=staff[station.pk],
            enterprise=enterprise,
            username=username,
            full_name=f"{enterprise.name[:40]}法务",
        )
        accounts.append(account.user_id)
    # Like every demo account, the portal accounts open with the documented demo password (the shared hash).
    User.objects.filter(pk__in=accounts).update(password=password)
    password_change_require([*accounts, *(user.pk for user in staff.values())], required=first_login_change)
    enterprises = Enterprise.objects.filter(is_active=True)
    return {
        "workstations": len(station_list),
        "experts": experts,
        "little_giants": enterprises.filter(level=SpecialisationLevel.LITTLE_GIANT).count(),
        "enterprises": enterprises.count(),
        "guards": counts["guards"],
        "changed_2022": counts["changed_2022"],
        "accounts": len(accounts),
        "station_logins": len(staff),
    }


def report(counts: dict[str, Any]) -> str:
    return (
        f"法治护航名录:工作站 {counts['workstations']} 个,法律专家 {counts['experts']} 名,"
        f"企业 {counts['enterprises']} 家(专精特新“小巨人” {counts['little_giants']} 家,均派驻三官一律,"
        f"2022 年更换 {counts['changed_2022']} 人次),企业账号 {counts['accounts']} 个"
    )
