"""The demo's special drives (专项排查化解), created through the drive services as a user would:

- "调解促稳定、喜迎二十大", the city's mediation drive of 2022: every dispute registered in Zhuzhou in 2022,
  results as they stood at the end of the year. Its figures are counted from the dispute records the demo
  generated for 2022 (`disputes.year_generate`: 11,841 mediations concluded in 2022 at 97.8% success, at
  --scale 1), never written in: the load checks them against the generator's own summary of those records
  (`checks.drive_figures_check`).
- 婚恋家庭纠纷排查化解, 天元区's live drive around the demo's today (eight weeks before it to five weeks after),
  the 婚恋家庭 disputes of the district, with a few cases tagged in and one tagged out by the district
  centre's clerk, each with its reason.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q

from pingan.accounts.models import User
from pingan.cases.models import Case, Category
from pingan.disputes.choices import KIND as DISPUTE
from pingan.drives import figures, services
from pingan.drives.choices import DriveStatus, TagMode
from pingan.drives.models import Drive
from pingan.regions.models import Organization, Region

from . import checks
from .geography import centre_code
from .models import DemoDataset

CITY = "430200"
TIANYUAN = "430211"
SEED_DRIVE = "调解促稳定、喜迎二十大"
LIVE_DRIVE = "婚恋家庭纠纷排查化解"
LIVE_BEFORE, LIVE_AFTER = 56, 35  # days around the demo's today
TAGGED_IN = 3


def _seed_drive(actor: User) -> Drive:
    city = Region.objects.get(code=CITY)
    return services.drive_save(
        actor=actor,
        name=SEED_DRIVE,
        description=(
            "全市矛盾纠纷“调解促稳定、喜迎二十大”专项行动:2022 年全年各级综治中心和人民调解组织登记的矛盾纠纷,"
            "调解结果以 2022 年底为准。"
        ),
        start_date=datetime.date(2022, 1, 1),
        end_date=datetime.date(2022, 12, 31),
        kinds=[DISPUTE],
        categories=[],
        region=city,
        target_regions=[],
        lead_org=Organization.objects.get(code=centre_code(CITY)),
        status=DriveStatus.FINISHED,
    )


def _live_drive(actor: User, today: datetime.date) -> Drive:
    return services.drive_save(
        actor=actor,
        name=LIVE_DRIVE,
        description="天元区婚恋家庭类矛盾纠纷专项排查化解:家庭、婚姻、赡养抚养纠纷早发现、早调处,防止“民转刑”。",
        start_date=today - datetime.timedelta(days=LIVE_BEFORE),
        end_date=today + datetime.timedelta(days=LIVE_AFTER),
        kinds=[DISPUTE],
        categories=[Category.objects.get(code="marriage_family")],
        region=Region.objects.get(code=TIANYUAN),
        target_regions=[],
        lead_org=Organization.objects.get(code=centre_code(TIANYUAN)),
        status=DriveStatus.ACTIVE,
    )


def _tags(drive: Drive, clerk: User) -> dict[str, int]:
    """A few disputes of other categories whose story is a family's, tagged in; one 婚恋家庭 dispute that
    turned out to be about a loan, tagged out. Chosen in a fixed order, so the same data gives the same tags."""
    in_window = Case.objects.filter(
        kind=DISPUTE, region_code__startswith=drive.region.prefix, registered_at__gte=drive.starts_at
    ).order_by("registered_at", "id")
    others = in_window.filter(~Q(category__code="marriage_family"), category__code__in=["neighbour", "other"])
    tagged_in = 0
    for case in others[:TAGGED_IN]:
        services.drive_tag(
            drive=drive,
            case_ref=case.pk,
            actor=clerk,
            mode=TagMode.INCLUDE,
            reason="经排查,纠纷起因于婚姻家庭矛盾(离婚后财产分割、赡养),纳入专项行动跟踪化解",
        )
        tagged_in += 1
    tagged_out = 0
    wrong = in_window.filter(category__code="marriage_family").first()
    if wrong is not None:
        services.drive_tag(
            drive=drive,
            case_ref=wrong.pk,
            actor=clerk,
            mode=TagMode.EXCLUDE,
            reason="经核实为亲友间民间借贷纠纷,类别登记有误,不计入本专项",
        )
        tagged_out = 1
    return {"tagged_in": tagged_in, "tagged_out": tagged_out}


def drives_load(*, today: datetime.date) -> dict[str, Any]:
    """Create the two drives (through the services) and report their figures, counted from the cases."""
    city_head = User.objects.get(username="city_head")
    seed = _seed_drive(city_head)
    seed_figures = figures.totals(seed, figures.drive_cases(seed, Case.objects.all()))
    year = DemoDataset.objects.filter(key="disputes-2022").first()
    if year is not None:  # the generator's own summary of the records it wrote
        checks.drive_figures_check(SEED_DRIVE, seed_figures, year.counts)
    live = _live_drive(User.objects.get(username="tianyuan_head"), today)
    tags = _tags(live, User.objects.get(username="tianyuan_clerk"))
    live_figures = figures.totals(live, figures.drive_cases(live, Case.objects.all()))
    return {
        "seed_found": seed_figures["found"],
        "seed_mediated": seed_figures["mediated"],
        "seed_successful": seed_figures["successful"],
        "seed_rate": seed_figures["success_rate_display"],
        "live_found": live_figures["found"],
        "live_mediated": live_figures["mediated"],
        "live_successful": live_figures["successful"],
        "live_rate": live_figures["success_rate_display"],
        **tags,
        "today": today.isoformat(),
    }


def drives_report(c: dict[str, Any]) -> str:
    return (
        f"专项行动“{SEED_DRIVE}”:排查 {c['seed_found']} 件,调解终结 {c['seed_mediated']} 件,"
        f"成功 {c['seed_successful']} 件,成功率 {c['seed_rate']};"
        f"“{LIVE_DRIVE}”(天元区,进行中):排查 {c['live_found']} 件,调解终结 {c['live_mediated']} 件,"
        f"成功率 {c['live_rate']},手工纳入 {c['tagged_in']} 件、排除 {c['tagged_out']} 件"
    )
