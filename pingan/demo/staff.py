"""The demo's named accounts: every role at every level, with readable usernames and one demo password.

City: 政法委领导, centre staff and head, and the three separated administrators (三员), none of them a
superuser: each works through the group of their role (`setup_roles`). Each county: centre
staff and head. Two fully staffed townships (天元区嵩山路街道 and 荷塘区月塘街道): centre staff and head, two
mediators, 司法所 and 派出所 staff, and a grid worker in their first community. Every other township: a
centre clerk (who accepts, verifies and closes its cases) and a mediator (who mediates them).

Where the incident loop needs someone in an organisation without a named account (a 派出所 or a community
centre that handles incidents, outside the two featured townships), a duty account (值班人员, `duty_…`) takes
the steps, so that every step of the demo has an actor the workflow admits (`duty_accounts_load`).
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import transaction

from pingan.accounts.choices import ADMIN_ROLES, Role
from pingan.accounts.management.commands.setup_roles import AUDITOR, SECADMIN, SYSADMIN
from pingan.accounts.models import Membership, User
from pingan.accounts.services import password_change_require
from pingan.regions.choices import RegionLevel
from pingan.regions.models import Organization

from .actors import DUTY_PREFIX
from .geography import CITY_CODE, LEVEL_NAMES, RegionRow, centre_code, children_of, department_code, rows_at

DEMO_PASSWORD = "Pingan@2022"
GROUP_OF_ROLE: dict[str, str] = {Role.SYSADMIN: SYSADMIN, Role.SECADMIN: SECADMIN, Role.AUDITOR: AUDITOR}

COUNTY_SLUGS = {
    "430202": "hetang",
    "430203": "lusong",
    "430204": "shifeng",
    "430211": "tianyuan",
    "430212": "lukou",
    "430223": "youxian",
    "430224": "chaling",
    "430225": "yanling",
    "430281": "liling",
}
# (county code, township name, slug): the two townships staffed in full; the first township of the
# county stands in if the name is not in the fixture.
FEATURED_TOWNSHIPS = [("430211", "嵩山路街道", "songshan"), ("430202", "月塘街道", "yuetang")]

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万严覃戴易向汤文欧阳"
)
GIVEN_NAMES = [
    "建国",
    "晓燕",
    "志强",
    "丽华",
    "海峰",
    "秀英",
    "卫东",
    "红梅",
    "国庆",
    "玉兰",
    "立新",
    "春华",
    "振华",
    "美玲",
    "建军",
    "桂芳",
    "德明",
    "小红",
    "文斌",
    "雪梅",
    "永刚",
    "慧敏",
    "光辉",
    "淑珍",
    "志勇",
    "艳萍",
    "明亮",
    "婷婷",
    "学军",
    "金凤",
    "宏伟",
    "丽娟",
    "新民",
    "凤英",
    "跃进",
    "秋菊",
    "少华",
    "晓丽",
    "水生",
    "翠兰",
    "湘平",
    "湘云",
    "湘军",
    "楚红",
    "家豪",
    "思远",
    "子涵",
    "雨欣",
    "浩然",
    "梓萱",
    "俊杰",
    "诗琪",
    "博文",
    "欣怡",
    "宇航",
    "佳琪",
]


def person_name(index: int) -> str:
    """A fixed Chinese full name for the index-th demo account (deterministic, varied)."""
    surname = SURNAMES[(index * 7) % len(SURNAMES)]
    given = GIVEN_NAMES[(index * 11 + index // len(GIVEN_NAMES)) % len(GIVEN_NAMES)]
    return surname + given


@dataclass(frozen=True)
class AccountSpec:
    username: str
    full_name: str
    role: str
    organization: str  # organisation code
    region: str  # the organisation's region code
    level: int  # the organisation's region level

    @property
    def level_name(self) -> str:
        return LEVEL_NAMES[self.level]

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label)

    def as_dict(self) -> dict[str, str]:
        return {
            "username": self.username,
            "password": DEMO_PASSWORD,
            "role": self.role,
            "organization": self.organization,
            "region": self.region,
            "level": self.level_name,
            "full_name": self.full_name,
            "role_label": self.role_label,
        }


def featured_townships() -> list[tuple[RegionRow, str]]:
    """The two fully staffed townships with their username slugs."""
    chosen = []
    for county, name, slug in FEATURED_TOWNSHIPS:
        townships = children_of(county)
        row = next((t for t in townships if t.name == name), None)
        chosen.append((row, slug) if row else (townships[0], townships[0].code[-3:]))
    return chosen


@cache
def account_specs() -> tuple[AccountSpec, ...]:
    specs: list[tuple[str, str, str, str, int]] = []  # username, role, org code, region code, level

    def add(username: str, role: str, org: str, region: str, level: int) -> None:
        specs.append((username, role, org, region, level))

    city = CITY_CODE
    add("city_leader", Role.LEADER, department_code("ZFW", city), city, RegionLevel.CITY)
    add("city_clerk", Role.CENTRE_STAFF, centre_code(city), city, RegionLevel.CITY)
    add("city_head", Role.CENTRE_HEAD, centre_code(city), city, RegionLevel.CITY)
    for role in (Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR):
        add(f"city_{role}", role, centre_code(city), city, RegionLevel.CITY)
    for county in rows_at(RegionLevel.COUNTY):
        slug = COUNTY_SLUGS.get(county.code, county.code)
        add(f"{slug}_clerk", Role.CENTRE_STAFF, centre_code(county.code), county.code, RegionLevel.COUNTY)
        add(f"{slug}_head", Role.CENTRE_HEAD, centre_code(county.code), county.code, RegionLevel.COUNTY)

    featured = {row.code: slug for row, slug in featured_townships()}
    for township in rows_at(RegionLevel.TOWNSHIP):
        t = township.code
        county_slug = COUNTY_SLUGS.get(township.parent_code, township.parent_code)
        level = RegionLevel.TOWNSHIP
        if t in featured:
            base = f"{county_slug}_{featured[t]}"
            add(f"{base}_clerk", Role.CENTRE_STAFF, centre_code(t), t, level)
            add(f"{base}_head", Role.CENTRE_HEAD, centre_code(t), t, level)
            add(f"{base}_mediator1", Role.MEDIATOR, department_code("TWH", t), t, level)
            add(f"{base}_mediator2", Role.MEDIATOR, department_code("TWH", t), t, level)
            add(f"{base}_justice", Role.DEPARTMENT_STAFF, department_code("SFS", t), t, level)
            add(f"{base}_police", Role.DEPARTMENT_STAFF, department_code("PCS", t), t, level)
            community = children_of(t)[0].code
            add(f"{base}_grid", Role.GRID_WORKER, centre_code(community), community, RegionLevel.COMMUNITY)
        else:
            base = f"{county_slug}_{t[-3:]}"
            add(f"{base}_clerk", Role.CENTRE_STAFF, centre_code(t), t, level)
            add(f"{base}_mediator", Role.MEDIATOR, department_code("TWH", t), t, level)
    return tuple(AccountSpec(u, person_name(i), r, o, g, lv) for i, (u, r, o, g, lv) in enumerate(specs))


@transaction.atomic
def accounts_load(org_ids: dict[str, int], *, first_login_change: bool = True) -> int:
    """Upsert the demo users by username (one password hash for all, to be changed at the first sign-in)
    and their memberships."""
    specs = account_specs()
    password = make_password(DEMO_PASSWORD)
    users = []
    for spec in specs:
        admin = spec.role in ADMIN_ROLES
        users.append(
            User(
                username=spec.username,
                full_name=spec.full_name,
                password=password,
                is_active=True,
                is_staff=admin,
                is_superuser=False,  # 三员分立: a superuser would hold all three administrators' rights
            )
        )
    User.objects.bulk_create(
        users,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["username"],
        update_fields=["full_name", "password", "is_active", "is_staff", "is_superuser"],
    )
    user_ids = dict(User.objects.filter(username__in=[s.username for s in specs]).values_list("username", "id"))
    # The demo password is one everybody knows: like an imported account's first password, each demo user
    # changes it at their first sign-in (a reload puts the demo password back and asks again), unless the
    # demo is loaded for automated walkthroughs and benches (`load_demo --keep-demo-passwords`).
    password_change_require(user_ids.values(), required=first_login_change)
    Membership.objects.bulk_create(
        [Membership(user_id=user_ids[s.username], organization_id=org_ids[s.organization], role=s.role) for s in specs],
        batch_size=500,
        ignore_conflicts=True,
    )
    _admin_groups_join(specs, user_ids)
    return len(specs)


def _admin_groups_join(specs: Iterable[AccountSpec], user_ids: dict[str, int]) -> None:
    """三员分立: each demo administrator joins the group of their role (created by `setup_roles`)."""
    call_command("setup_roles", stdout=io.StringIO())
    groups = dict(Group.objects.filter(name__in=GROUP_OF_ROLE.values()).values_list("name", "id"))
    User.groups.through.objects.bulk_create(
        [
            User.groups.through(user_id=user_ids[s.username], group_id=groups[GROUP_OF_ROLE[s.role]])
            for s in specs
            if s.role in GROUP_OF_ROLE
        ],
        ignore_conflicts=True,
    )


def duty_username(org_code: str) -> str:
    return DUTY_PREFIX + org_code.lower().replace("-", "_")


@transaction.atomic
def duty_accounts_load(orgs: dict[str, str]) -> int:
    """A duty account (值班人员) for each organisation of `orgs` (code → the role it needs there) where nobody
    active holds that role: the person who takes the steps the workflow gives that organisation (a 派出所
    accepting an incident, a community centre handling it), so that every step of the demo has an actor the
    workflow admits. They share the demo password; `demo_accounts` lists only the named accounts. Upserted
    by username; returns how many were needed."""
    held = set(
        Membership.objects.filter(is_active=True, user__is_active=True, organization__code__in=list(orgs)).values_list(
            "organization__code", "role"
        )
    )
    needed = sorted((code, role) for code, role in orgs.items() if (code, role) not in held)
    if not needed:
        return 0
    password = User.objects.filter(username__in=[s.username for s in account_specs()]).values_list(
        "password", flat=True
    ).first() or make_password(DEMO_PASSWORD)
    first = len(account_specs())
    User.objects.bulk_create(
        [
            User(username=duty_username(code), full_name=person_name(first + i), password=password, is_active=True)
            for i, (code, _role) in enumerate(needed)
        ],
        batch_size=500,
        ignore_conflicts=True,
    )
    user_ids = dict(
        User.objects.filter(username__in=[duty_username(code) for code, _role in needed]).values_list("username", "id")
    )
    password_change_require(user_ids.values())
    org_ids = dict(Organization.objects.filter(code__in=[code for code, _role in needed]).values_list("code", "id"))
    Membership.objects.bulk_create(
        [
            Membership(user_id=user_ids[duty_username(code)], organization_id=org_ids[code], role=role)
            for code, role in needed
        ],
        batch_size=500,
        ignore_conflicts=True,
    )
    return len(needed)
