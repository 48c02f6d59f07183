"""The drives' part of the scene: disputes in 天元区 (嵩山路街道) and 荷塘区 (月塘街道), one of them registered
before the drive, and a city drive over November 2026 run by the city's 政法委 leader."""

from __future__ import annotations

import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine

from conftest import make_user, mediate_to_agreement, mediate_to_failure, register_dispute
from pingan.accounts.choices import Role
from pingan.cases.choices import Channel
from pingan.cases.models import Category
from pingan.cases.services import case_register
from pingan.drives import services
from pingan.drives.choices import DriveStatus

TZ = ZoneInfo("Asia/Shanghai")
NOVEMBER = (datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))


def hetang_dispute(zhuzhou, people, category):
    return case_register(
        actor=people.hetang_clerk,
        kind="dispute",
        category=category,
        title="月塘社区噪音纠纷",
        description="楼下商铺夜间噪音扰民。",
        channel=Channel.PHONE,
        region=zhuzhou.yuetang,
        parties=[{"name": "周五", "role": "applicant", "phone": "13800138001"}],
    )


def make_drive(actor, region, lead_org, *, dates=NOVEMBER, kinds=("dispute",), **extra):
    return services.drive_save(
        actor=actor,
        name=extra.pop("name", "矛盾纠纷专项排查"),
        start_date=dates[0],
        end_date=dates[1],
        kinds=list(kinds),
        region=region,
        lead_org=lead_org,
        status=extra.pop("status", DriveStatus.ACTIVE),
        **extra,
    )


@pytest.fixture
def scene(zhuzhou, people, category):
    """In 嵩山路街道: a dispute mediated to agreement, a 婚恋家庭 one that failed, one still open, and one
    registered in October (before the drive); in 月塘街道 one open dispute. The city drive counts November."""
    s = SimpleNamespace(z=zhuzhou, p=people)
    marriage = Category.objects.get(code="marriage_family")
    with time_machine.travel(datetime.datetime(2026, 10, 20, 10, 0, tzinfo=TZ), tick=False):
        s.october = register_dispute(zhuzhou, people, category)
    s.agreed = mediate_to_agreement(register_dispute(zhuzhou, people, category), people)
    s.failed = mediate_to_failure(register_dispute(zhuzhou, people, marriage), people)
    s.open = register_dispute(zhuzhou, people, category)
    s.hetang = hetang_dispute(zhuzhou, people, category)
    s.drive = make_drive(people.leader, zhuzhou.city, zhuzhou.city_centre)
    s.grid_worker = make_user("songshan_grid", "网格员甲", (zhuzhou.taishan_centre, Role.GRID_WORKER))
    return s
