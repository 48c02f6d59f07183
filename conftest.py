"""The scene every test plays in: a slice of Zhuzhou with two districts, their centres, a mediator,
a court, and the people who work there. Names say who they are, so tests read as stories."""

from __future__ import annotations

import datetime
import os
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from pingan.accounts.choices import Role
from pingan.accounts.models import Membership, User
from pingan.cases.choices import Channel
from pingan.cases.models import Category
from pingan.cases.services import case_register, case_transition
from pingan.core.testing import allow_audit_flush_in_tests
from pingan.regions.choices import OrgType, RegionLevel
from pingan.regions.models import Organization, Region

PASSWORD = "Pingan-test-2022"

# The audit log refuses DELETE and TRUNCATE (core migration 0006); a transactional test's flush opens the gate.
allow_audit_flush_in_tests()


# Every test runs at one fixed instant (the clock ticks on from it), so that none depends on the wall clock: a
# month's or a year's boundary, late evening in Asia/Shanghai, a holiday. A Wednesday in mid-November, mid-morning,
# in a year the State Council's notice covers. A test about another moment travels there itself
# (time_machine.travel nests); `TEST_NOW` is the scene's "now". PINGAN_TEST_WALL_CLOCK=1 runs on the real clock
# (under `faketime`, at the boundaries: see the README), to find a test that reads the clock without saying so.
TEST_NOW = datetime.datetime(2026, 11, 18, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _pinned_clock():
    if os.environ.get("PINGAN_TEST_WALL_CLOCK"):  # to look for tests that still read the wall clock
        yield
        return
    with time_machine.travel(TEST_NOW, tick=True):
        yield


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATIC_ROOT.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Every test rolls its grid outlines back: the grid locator must re-check them on every lookup.
    settings.PINGAN_GRID_INDEX_TTL = 0
    # The second factor is off unless a test turns it on (pingan/accounts/tests/test_otp*.py do, and check that
    # it is on by default): most tests sign in with force_login as someone who would need one.
    settings.PINGAN_OTP_ENFORCED = False


def restore_migration_data(django_db_blocker) -> None:
    """Put back what data migrations put in the database (each kind's categories and their clocks, declared
    in its Workflow's `reference_data`): a transactional test (live server, the task worker) flushes every
    table at its end. Django's serialized_rollback would do this but collides with the content types that a
    flush without it recreates. Idempotent."""
    from django.apps import apps

    from pingan.cases import workflows

    with django_db_blocker.unblock():
        for workflow in workflows.kinds():
            for restore in workflow.reference_data:
                restore(apps, None)


@pytest.fixture
def migration_data(django_db_blocker):
    """For transactional tests: the migration data before (an earlier transactional test may have flushed it)
    and after (for the tests that follow in this process). Module-scoped fixtures that load data of their own
    (the demo) call `restore_migration_data` themselves."""
    restore_migration_data(django_db_blocker)
    yield
    restore_migration_data(django_db_blocker)


def make_region(code: str, name: str, level: int, parent: Region | None = None) -> Region:
    return Region.objects.create(code=code, name=name, level=level, parent=parent)


def make_org(code: str, name: str, org_type: str, region: Region) -> Organization:
    return Organization.objects.create(code=code, name=name, org_type=org_type, region=region)


def make_user(username: str, full_name: str, *roles: tuple[Organization, str]) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, full_name=full_name)
    for org, role in roles:
        Membership.objects.create(user=user, organization=org, role=role)
    return user


@pytest.fixture
def zhuzhou(db):
    """Regions and organisations of the scene, as a namespace."""

    class Scene:
        pass

    s = Scene()
    s.city = make_region("430200", "株洲市", RegionLevel.CITY)
    s.tianyuan = make_region("430211", "天元区", RegionLevel.COUNTY, s.city)
    s.songshan = make_region("430211004", "嵩山路街道", RegionLevel.TOWNSHIP, s.tianyuan)
    s.taishan = make_region("430211004001", "泰山社区", RegionLevel.COMMUNITY, s.songshan)
    s.hetang = make_region("430202", "荷塘区", RegionLevel.COUNTY, s.city)
    s.yuetang = make_region("430202001", "月塘街道", RegionLevel.TOWNSHIP, s.hetang)
    s.yuetang_c = make_region("430202001001", "月塘社区", RegionLevel.COMMUNITY, s.yuetang)

    s.city_centre = make_org("C430200", "株洲市综治中心", OrgType.CENTRE, s.city)
    s.tianyuan_centre = make_org("C430211", "天元区综治中心", OrgType.CENTRE, s.tianyuan)
    s.songshan_centre = make_org("C430211004", "嵩山路街道综治中心", OrgType.CENTRE, s.songshan)
    s.taishan_centre = make_org("C430211004001", "泰山社区综治中心", OrgType.CENTRE, s.taishan)
    s.songshan_mediation = make_org("M430211004", "嵩山路街道人民调解委员会", OrgType.MEDIATION_COMMITTEE, s.songshan)
    s.songshan_justice = make_org("J430211004", "嵩山路司法所", OrgType.JUSTICE, s.songshan)
    s.tianyuan_court = make_org("F430211", "天元区人民法院", OrgType.COURT, s.tianyuan)
    s.hetang_centre = make_org("C430202", "荷塘区综治中心", OrgType.CENTRE, s.hetang)
    s.yuetang_centre = make_org("C430202001", "月塘街道综治中心", OrgType.CENTRE, s.yuetang)
    return s


@pytest.fixture
def people(zhuzhou):
    s = zhuzhou

    class People:
        pass

    p = People()
    p.clerk = make_user("songshan_clerk", "刘晓", (s.songshan_centre, Role.CENTRE_STAFF))
    p.head = make_user("songshan_head", "陈主任", (s.songshan_centre, Role.CENTRE_HEAD))
    p.mediator = make_user("songshan_mediator", "王调解", (s.songshan_mediation, Role.MEDIATOR))
    p.district_clerk = make_user("tianyuan_clerk", "赵区", (s.tianyuan_centre, Role.CENTRE_STAFF))
    p.justice = make_user("songshan_justice", "孙司法", (s.songshan_justice, Role.DEPARTMENT_STAFF))
    p.hetang_clerk = make_user("hetang_clerk", "周荷", (s.hetang_centre, Role.CENTRE_STAFF))
    p.leader = make_user("city_leader", "钱书记", (s.city_centre, Role.LEADER))
    return p


@pytest.fixture
def grids(zhuzhou, people):
    """Grid cells with outlines (simple boxes, WGS-84) and a grid worker, as a namespace.

    泰山社区 is split into two grids that share the border at longitude 113.10 (第1网格 west, 第2网格 east);
    月塘社区 is one grid. Each region above has the outline of its box too. A point at (113.09, 27.80) is
    in 第1网格, (113.11, 27.80) in 第2网格, (113.26, 27.86) in 月塘, and (112.0, 26.0) outside the city."""
    from shapely.geometry import box

    from pingan.geo.choices import ShapeSource
    from pingan.geo.models import RegionShape
    from pingan.geo.shapes import shape_fields
    from pingan.gridwork.choices import MemberRole
    from pingan.gridwork.models import GridMember

    s = zhuzhou

    class Grids:
        pass

    g = Grids()
    g.taishan_1 = make_region("430211004001001", "泰山社区第1网格", RegionLevel.GRID, s.taishan)
    g.taishan_2 = make_region("430211004001002", "泰山社区第2网格", RegionLevel.GRID, s.taishan)
    g.yuetang_1 = make_region("430202001001001", "月塘社区第1网格", RegionLevel.GRID, s.yuetang_c)
    boxes = {
        s.city: box(112.9, 27.6, 113.5, 28.0),
        s.tianyuan: box(113.0, 27.7, 113.2, 27.9),
        s.songshan: box(113.05, 27.75, 113.15, 27.85),
        s.taishan: box(113.08, 27.78, 113.12, 27.82),
        g.taishan_1: box(113.08, 27.78, 113.10, 27.82),
        g.taishan_2: box(113.10, 27.78, 113.12, 27.82),
        s.hetang: box(113.2, 27.8, 113.4, 27.95),
        s.yuetang: box(113.22, 27.82, 113.30, 27.90),
        s.yuetang_c: box(113.24, 27.84, 113.28, 27.88),
        g.yuetang_1: box(113.24, 27.84, 113.28, 27.88),
    }
    for region, polygon in boxes.items():
        RegionShape.objects.create(
            region=region,
            region_code=region.code,
            level=region.level,
            source=ShapeSource.IMPORTED,
            **shape_fields(polygon),
        )
    g.worker = make_user("taishan_grid", "黄网格", (s.taishan_centre, Role.GRID_WORKER))
    g.worker_post = GridMember.objects.create(
        grid=g.taishan_1, user=g.worker, role=MemberRole.FULL_TIME, name="黄网格", phone="13907330001"
    )
    g.volunteer = GridMember.objects.create(
        grid=g.taishan_1, role=MemberRole.VOLUNTEER, name="李志愿", phone="13907330002"
    )
    g.hetang_worker = make_user("yuetang_grid", "吴网格", (s.yuetang_centre, Role.GRID_WORKER))
    g.hetang_worker_post = GridMember.objects.create(
        grid=g.yuetang_1, user=g.hetang_worker, role=MemberRole.FULL_TIME, name="吴网格", phone="13907330003"
    )
    return g


@pytest.fixture
def category(db) -> Category:
    return Category.objects.get(code="neighbour")


GOOD_ID = "430211198503150016"  # passes the GB 11643 check digit


@pytest.fixture
def dispute(zhuzhou, people, category):
    """A neighbour dispute registered at the 嵩山路街道 counter, in 泰山社区."""
    return register_dispute(zhuzhou, people, category)


def register_dispute(zhuzhou, people, category):
    """The `dispute` fixture's case, for tests that register it at a pinned time."""
    return case_register(
        actor=people.clerk,
        kind="dispute",
        category=category,
        title="楼上漏水纠纷",
        description="楼上卫生间漏水导致楼下天花板受损,双方就赔偿协商未果。",
        channel=Channel.VISIT,
        region=zhuzhou.songshan,
        address="泰山路88号3栋",
        parties=[
            # Gender and birth date come from the ID number (GB 11643: 17th digit odd → 男, born 1985-03-15).
            {
                "name": "张三",
                "role": "applicant",
                "id_number": GOOD_ID,
                "phone": "13800138000",
                "ethnicity": "01",
                "occupation": "个体工商户",
                "address": "株洲市天元区泰山路88号3栋201室",
            },
            {
                "name": "李四",
                "role": "respondent",
                "phone": "0731-22880000",
                "gender": "2",
                "birth_date": "1990-07-01",
                "ethnicity": "15",
                "employer": "株洲市天元区某物业服务有限公司",
            },
        ],
    )


def mediate(case, people):
    """Accept, assign the township mediator, and record one session."""
    case = case_transition(case=case, actor=people.clerk, action="accept")
    case = case_transition(
        case=case, actor=people.clerk, action="assign_mediator", data={"mediator": people.mediator.username}
    )
    return case_transition(
        case=case,
        actor=people.mediator,
        action="record_session",
        data={
            "held_at": timezone.now(),
            "place": "嵩山路街道调解室",
            "attendees": "张三、李四、王调解",
            "notes": "双方陈述,初步达成赔偿意向。",
        },
    )


def agreement_data(case, **changes) -> dict:
    """What a mediator enters to conclude with an agreement (人民调解法 第二十九条): the disputed matters,
    each party's responsibility, the terms, and the method and term of performance."""
    parties = list(case.parties.all())
    return {
        "outcome": "success",
        "disputed_matters": "楼上漏水造成的天花板维修费用由谁承担。",
        "responsibilities": {
            str(p.pk): "对漏水负全部责任。" if p.role == "respondent" else "无责任。" for p in parties
        },
        "terms": "李四于十日内赔偿张三维修费用人民币3000元。",
        "amount": "3000",
        "performance_method": "lump_sum",
        "performance_detail": "银行转账",
        "performance_deadline": timezone.localdate() + datetime.timedelta(days=10),
        **changes,
    }


def mediate_to_agreement(case, people):
    """The usual path up to a concluded, successful mediation."""
    case = mediate(case, people)
    return case_transition(case=case, actor=people.mediator, action="conclude", data=agreement_data(case))


def mediate_to_failure(case, people):
    """Mediation that ends without agreement; the parties are advised to sue."""
    return case_transition(
        case=mediate(case, people),
        actor=people.mediator,
        action="conclude",
        data={"outcome": "failure", "advised_route": "litigation"},
    )


@pytest.fixture
def api():
    def client_for(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user=user)
        return client

    return client_for


@pytest.fixture
def incident(grids):
    """A broken manhole cover the 泰山社区 grid worker reported from 第1网格 (routed to 泰山社区综治中心)."""
    from pingan.incidents.services import incident_report

    return incident_report(
        actor=grids.worker,
        category="inc_municipal",
        description="泰山路与长江路口井盖破损,行人易踩空。",
        lng=113.09,
        lat=27.80,
        address="泰山路与长江路口",
    )


def credit_code(first17: str) -> str:
    """A 统一社会信用代码 with its GB 32100 check character (the validator's own tests use outside examples)."""
    from pingan.core.validators import credit_code_check_character

    return first17 + credit_code_check_character(first17)


@pytest.fixture
def lawguard_scene(zhuzhou, people):
    """法治护航's scene, as a namespace: 嵩山路法治护航工作站 (an organisation of type 法治护航工作站 in 嵩山路街道,
    serving the township) with a staff member; the city's 法律专家团 with two experts (one with an account);
    株洲钻石切削 (a 国家级"小巨人" in 泰山社区, served by the workstation, with its 三官一律 and a portal user);
    荷塘机电 (in 月塘社区, 荷塘区: outside the workstation's and the 嵩山路 staff's jurisdiction)."""
    from pingan.lawguard.choices import GuardRole, Industry, Scale, SpecialisationLevel, Speciality
    from pingan.lawguard.models import Enterprise, EnterpriseAccount, Expert, GuardAssignment, Workstation

    s = zhuzhou

    class Scene:
        pass

    g = Scene()
    g.station_org = make_org("W430211004", "嵩山路法治护航工作站", OrgType.LAW_WORKSTATION, s.songshan)
    g.station = Workstation.objects.create(
        organization=g.station_org, address="株洲市天元区嵩山路88号", opened_on=datetime.date(2021, 6, 1)
    )
    g.station.regions.set([s.songshan])
    g.staff = make_user("songshan_station", "林站长", (g.station_org, Role.DEPARTMENT_STAFF))
    g.team_org = make_org("E430200", "株洲市法治护航法律专家团", OrgType.EXPERT_TEAM, s.city)
    g.expert_user = make_user("expert_he", "何教授", (g.team_org, Role.DEPARTMENT_STAFF))
    g.expert = Expert.objects.create(
        team=g.team_org,
        name="何教授",
        unit="湖南工业大学法学院",
        title="教授",
        specialities=[Speciality.IP, Speciality.CONTRACT],
        user=g.expert_user,
        joined_on=datetime.date(2021, 5, 1),
    )
    g.expert_2 = Expert.objects.create(
        team=g.team_org,
        name="邓律师",
        unit="湖南某律师事务所",
        specialities=[Speciality.LABOUR],
        joined_on=datetime.date(2021, 5, 1),
    )
    g.enterprise = Enterprise.objects.create(
        name="株洲钻石切削刀具股份有限公司",
        credit_code=credit_code("91430200MA4L0A1B2"),
        industry=Industry.C,
        scale=Scale.MEDIUM,
        level=SpecialisationLevel.LITTLE_GIANT,
        legal_representative="李董事",
        address="株洲市天元区泰山路1号",
        region=s.taishan,
        workstation=g.station,
    )
    for role, name, unit in (
        (GuardRole.JUDGE, "周法官", "天元区人民法院"),
        (GuardRole.PROSECUTOR, "吴检察官", "天元区人民检察院"),
        (GuardRole.POLICE, "郑警官", "嵩山路派出所"),
        (GuardRole.LAWYER, "王律师", "湖南某律师事务所"),
    ):
        GuardAssignment.objects.create(
            enterprise=g.enterprise, role=role, person_name=name, unit=unit, started_on=datetime.date(2022, 1, 1)
        )
    g.other = Enterprise.objects.create(
        name="荷塘机电设备有限公司",
        credit_code=credit_code("91430202MA4L0C3D4"),
        industry=Industry.C,
        scale=Scale.SMALL,
        address="株洲市荷塘区月塘路2号",
        region=s.yuetang_c,
    )
    g.portal_user = User.objects.create_user(username="zuanshi", password=PASSWORD, full_name="钻石切削法务")
    EnterpriseAccount.objects.create(user=g.portal_user, enterprise=g.enterprise, created_by=g.staff)
    g.other_user = User.objects.create_user(username="hetang_jd", password=PASSWORD, full_name="荷塘机电法务")
    EnterpriseAccount.objects.create(user=g.other_user, enterprise=g.other, created_by=g.staff)
    return g
