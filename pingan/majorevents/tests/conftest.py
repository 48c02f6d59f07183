"""Scenes of the major-event tests: a small scenario template in the "1+5+6+7" shape (cut down) and an
event of 天元区 created from it, with its venue in 泰山社区第1网格 (conftest `grids`)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from pingan.majorevents import services
from pingan.majorevents.choices import SectionKind

# TEST_NOW is 2026-11-18 10:00 (Asia/Shanghai); the event runs 11-17 to 11-19, so today is its second day.
START = datetime.date(2026, 11, 17)
END = datetime.date(2026, 11, 19)
VENUE = {"name": "株洲国际会展中心", "address": "天元区泰山路", "lat": "27.800000", "lng": "113.090000"}


@pytest.fixture
def template(db):
    return services.template_create(
        name="测试安保预案",
        description="总体方案 + 领域 + 行动 + 机制",
        sections=[
            {
                "kind": SectionKind.OVERALL,
                "title": "总体方案",
                "tasks": [{"title": "制定安保总体方案", "due_offset_days": -5, "required_evidence": "方案文本"}],
            },
            {
                "kind": SectionKind.DOMAIN,
                "title": "社会面治安",
                "tasks": [
                    {"title": "重点部位巡防", "due_offset_days": -1},
                    {"title": "涉诉信访人员稳控", "org_type": "court", "due_offset_days": 1},
                ],
            },
            {
                "kind": SectionKind.ACTION,
                "title": "矛盾纠纷大排查",
                "tasks": [{"title": "开展排查", "due_offset_days": 0}],
            },
            {"kind": SectionKind.MECHANISM, "title": "日报告零报告", "tasks": []},
        ],
    )


@pytest.fixture
def event(template, grids, zhuzhou, people):
    return services.event_create(
        actor=people.district_clerk,
        name="第十届中国湘商大会",
        start_date=START,
        end_date=END,
        security_level="first",
        lead_org=zhuzhou.tianyuan_centre,
        template=template,
        venues=[VENUE],
    )


def at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
