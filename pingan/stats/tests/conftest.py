"""A small, known set of disputes in 嵩山路街道, worked through the services to every state the indicators
count, so that each numerator and denominator can be asserted exactly.

Every test here runs with the clock pinned at NOW (Monday 2026-11-30 15:00, Asia/Shanghai): the overdue test,
应结案数 and the default period read the clock, and the suite must pass at any wall-clock time."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from conftest import agreement_data, mediate_to_agreement, mediate_to_failure
from pingan.cases.choices import Channel
from pingan.cases.models import Category
from pingan.cases.services import case_register, case_transition
from pingan.stats.indicators import Period


def register(scene, *, at: datetime.datetime, actor=None, region=None, category=None, title="邻里纠纷"):
    return case_register(
        actor=actor or scene.people.clerk,
        kind="dispute",
        category=category or scene.category,
        title=title,
        description="双方就赔偿问题协商未果。",
        channel=Channel.VISIT,
        region=region or scene.zhuzhou.songshan,
        parties=[
            {
                "name": "张三",
                "role": "applicant",
                "gender": "1",
                "birth_date": "1980-01-01",
                "ethnicity": "01",
                "address": "泰山路1号",
            }
        ],
        registered_at=at,
    )


def local(*args) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*args), timezone.get_default_timezone())


NOW = local(2026, 11, 30, 15, 0)


@pytest.fixture(autouse=True)
def _pinned_clock(time_machine):
    time_machine.move_to(NOW, tick=False)


def verify_and_close(case, people, satisfaction: str = ""):
    case = case_transition(case=case, actor=people.head, action="verify", data={"passed": True})
    case = case_transition(case=case, actor=people.head, action="close")
    if satisfaction:
        case = case_transition(
            case=case, actor=people.clerk, action="rate", data={"satisfaction": satisfaction, "method": "phone"}
        )
    return case


class Scene:
    pass


@pytest.fixture
def scene(zhuzhou, people, category):
    s = Scene()
    s.zhuzhou, s.people, s.category = zhuzhou, people, category
    return s


@pytest.fixture
def cohort(scene):
    """Six disputes registered in the last 100 days (the period) and one before it:

    c1 success → verified → closed on time → 满意          c4 registered 60 days ago, never worked (overdue)
    c2 success → sent back once → success → closed → 基本满意  c5 60 days ago, success, closed late, not rated
    c3 failure → verified → closed on time → 不满意         c6 yesterday, accepted only (not yet due)
    old: 200 days ago, outside the period

    A dispute's normal clock is 15 working days: c4 (registered on 1 October, due in late October) is open
    past it; c5 was closed today, late; c6 is due mid-December, so it is not yet counted as 应结案."""
    people, now = scene.people, timezone.now()
    day = datetime.timedelta(days=1)
    s = Scene()
    s.period = Period(timezone.localdate() - 100 * day, timezone.localdate())

    s.c1 = verify_and_close(
        mediate_to_agreement(register(scene, at=now - day, title="一号"), people), people, "satisfied"
    )
    c2 = mediate_to_agreement(register(scene, at=now - 2 * day, title="二号"), people)
    c2 = case_transition(case=c2, actor=people.head, action="verify", data={"passed": False, "comment": "未写明期限"})
    c2 = case_transition(
        case=c2, actor=people.mediator, action="conclude", data=agreement_data(c2, terms="十日内赔偿3000元。")
    )
    s.c2 = verify_and_close(c2, people, "basically")
    s.c3 = verify_and_close(
        mediate_to_failure(register(scene, at=now - 3 * day, title="三号"), people), people, "unsatisfied"
    )
    s.c4 = register(scene, at=now - 60 * day, region=scene.zhuzhou.taishan, title="四号")
    s.c5 = verify_and_close(mediate_to_agreement(register(scene, at=now - 60 * day, title="五号"), people), people)
    s.c6 = case_transition(case=register(scene, at=now - day, title="六号"), actor=people.clerk, action="accept")
    s.old = register(scene, at=now - 200 * day, title="旧案")
    return s


@pytest.fixture
def labour(db) -> Category:
    return Category.objects.get(code="labour")
