"""Load the Zhuzhou demo: regions with their outlines, grids, organisations, named accounts, grid people
and rosters, two years of disputes, a year of patrols, the cameras of the 雪亮工程, demo incidents and the
special drives (专项排查化解)."""

from __future__ import annotations

import datetime
import functools
import gc
import time
from argparse import ArgumentParser
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from pingan.demo import (
    cameras,
    checks,
    consultations,
    dispute_scene,
    disputes,
    drives,
    geography,
    grid_people,
    incidents,
    lawchecks,
    lawguard_figures,
    lawguard_outcomes,
    lawguard_register,
    majorevents,
    patrols,
    people,
    periods,
    risks,
    shapes,
    staff,
)
from pingan.demo.models import DemoDataset
from pingan.gridwork.choices import MemberRole
from pingan.workcalendar.calendar import WorkCalendar

YEARS = (2021, 2022)


class Command(BaseCommand):
    help = (
        "加载株洲演示数据(幂等,可重复执行)。Load the Zhuzhou demo data, idempotently:\n"
        "1) the region tree from pingan/regions/data/zhuzhou_regions.json (1 city, 9 counties, 112 townships, "
        "1,400 communities) and 3,261 generated grid cells (网格) below the communities;\n"
        "2) organisations: 1,397 governance centres (综治中心) as in the seed article — one for the city, every "
        "county, every township and every community except 125 (the 6 virtual communities of parks and farms "
        "and 119 village committees in a fixed order), whose cases the township centre takes — plus the "
        "政法委, courts, procuratorates, police, justice, labour, housing, arbitration and letters offices of "
        "the city and counties, and each township's 派出所, 司法所 and 人民调解委员会;\n"
        "3) the named demo accounts (see `manage.py demo_accounts`), all with the password Pingan@2022, to be changed "
        "at each account's first sign-in (--keep-demo-passwords waives that, for automated walkthroughs);\n"
        "4) the disputes of 2022 (11,841 mediated at a 97.8%% success rate, plus some still open at year end and "
        "finished early in 2023) and of 2021 (0.9 times as many), and those of the twelve months before --today, "
        "each as far along as it would be at the start of --today (most closed on time, some late, the open ones "
        "green, yellow or red; extensions and 督办), times --scale;\n"
        "5) the outlines: the 9 county outlines (pingan/regions/data/zhuzhou_outlines.geojson) and a generated "
        "tessellation of townships, communities and grid cells inside them; the grid people (a full-time grid "
        "worker per grid, part-time ones, 楼栋长, 天元区's 格格平安 volunteers) and the duty roster of the "
        "current and next week;\n"
        "6) the patrols and visits of 2022 (醴陵市's 夜巡夜访夜话 the busiest) and of the twelve months before "
        "--today and the week after it, 100,000 cameras of the 雪亮工程, each times --scale, and the demo "
        "incidents of 2022 and of the twelve months before --today (pingan.demo.incidents). "
        "Regions, organisations and accounts are upserted by code and username; every generated data set is "
        "loaded only once (marked in demo.DemoDataset); roster shifts already planned are kept."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--scale", type=float, default=1.0, help="规模系数:案件、巡查走访和监控点位的数量乘以该系数(默认 1.0)"
        )
        parser.add_argument("--seed", type=int, default=2022, help="随机种子(默认 2022),相同种子生成相同数据")
        parser.add_argument(
            "--no-cases",
            action="store_true",
            help="只加载区划(含边界)、组织、账号和网格力量,不生成案件、巡查走访、监控点位和事件",
        )
        parser.add_argument(
            "--keep-demo-passwords",
            action="store_true",
            help=(
                "演示账号首次登录不要求修改密码(仅供自动化演练、基准测试使用,如 scripts/api_walkthrough.py;"
                "对外演示或部署时不要使用)。默认每个演示账号首次登录须先修改密码,重新加载会恢复演示密码并再次要求修改"
            ),
        )
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            help=(
                "演示数据的“今天”(YYYY-MM-DD,默认为上海时区的今天):近 12 个月的案件、事件和巡查走访截至该日零时,"
                "排班从该日所在的周开始;同一天生成相同的数据"
            ),
        )

    def handle(
        self,
        *args: Any,
        scale: float,
        seed: int,
        no_cases: bool,
        today: datetime.date | None,
        keep_demo_passwords: bool = False,
        **options: Any,
    ) -> None:
        if not 0 < scale <= 5:
            raise CommandError("--scale must be in (0, 5]")
        # The plans of a data set are millions of small objects without reference cycles: the cyclic garbage
        # collector would walk them again and again for nothing. It runs once after each data set instead.
        collecting = gc.isenabled()
        gc.disable()
        try:
            self.load(
                scale=scale,
                seed=seed,
                no_cases=no_cases,
                today=today or timezone.localdate(),
                first_login_change=not keep_demo_passwords,
            )
        finally:
            if collecting:
                gc.enable()

    def load(
        self, *, scale: float, seed: int, no_cases: bool, today: datetime.date, first_login_change: bool = True
    ) -> None:
        started = time.perf_counter()
        if connection.vendor == "sqlite":
            # A page cache big enough for the indexes of the million rows written below (this connection only).
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size = -262144")
        with transaction.atomic():
            region_ids = geography.regions_load()
            org_ids = geography.organizations_load(region_ids)
            accounts = staff.accounts_load(org_ids, first_login_change=first_login_change)
        reference_seconds = time.perf_counter() - started
        self.stdout.write(
            f"区划 {len(region_ids) - len(geography.grid_rows())} 个,网格 {len(geography.grid_rows())} 个,"
            f"组织机构 {len(org_ids)} 个(综治中心 {sum(c.startswith('ZZZX-') for c in org_ids)} 个),"
            f"演示账号 {accounts} 个 — {reference_seconds:.1f} 秒"
        )
        self.grids_load(region_ids, seed=seed, today=today)
        if no_cases:
            return
        calendar = WorkCalendar()  # one calendar for every clock: it caches the override table
        counties = dispute_scene.scene_load()
        identities = people.Identities(seed)
        planner = disputes.make_planner(calendar)
        for year in YEARS:
            key = f"disputes-{year}"
            if DemoDataset.objects.filter(key=key).exists():
                self.stdout.write(f"{year} 年矛盾纠纷演示数据已存在,跳过。")
                continue
            year_started = time.perf_counter()
            with transaction.atomic():
                plans = disputes.year_generate(
                    year=year,
                    seed=seed,
                    scale=scale,
                    counties=counties,
                    calendar=calendar,
                    identities=identities,
                    planner=planner,
                )
                counts = {
                    **disputes.plans_write(plans, planner=planner),
                    **disputes.plans_summary(plans, year),
                }
                DemoDataset.objects.create(key=key, seed=seed, scale=scale, counts=counts)
            gc.collect()
            self.stdout.write(
                f"{year} 年:案件 {counts['cases']} 件(当年调解终结 {counts['mediated']} 件,成功 {counts['success']} 件,"
                f"成功率 {counts['success_rate']:.1%};年底在办 {counts['open']} 件),当事人 {counts['parties']} 人,"
                f"办理记录 {counts['events']} 条,历史版本 {counts['history']} 条,审计日志 {counts['audit']} 条,"
                f"时限 {counts['clocks']} 个"
                f" — {time.perf_counter() - year_started:.1f} 秒"
            )
        cutoff = periods.recent_cutoff(today)

        def recent_disputes() -> dict:
            plans = disputes.recent_generate(
                today=today,
                seed=seed,
                scale=scale,
                counties=counties,
                calendar=calendar,
                identities=identities,
                planner=planner,
            )
            counts = disputes.plans_write(plans, planner=planner)
            return counts | checks.light_figures((p.case for p in plans), cutoff) | {"today": today.isoformat()}

        self.once(
            "disputes-recent",
            seed=seed,
            scale=scale,
            load=recent_disputes,
            report=lambda c: (
                f"近 12 个月矛盾纠纷 {c['cases']} 件,截至 {today:%Y-%m-%d} 零时{checks.light_report(c)},"
                f"延期申请 {c['extensions']} 件,当事人 {c['parties']} 人,办理记录 {c['events']} 条,"
                f"历史版本 {c['history']} 条,审计日志 {c['audit']} 条,时限 {c['clocks']} 个"
            ),
        )
        self.activity_load(region_ids, seed=seed, scale=scale, today=today)
        # The special drives count the cases above (never copied): the seed's 2022 drive and a live one.
        self.once(
            "drives",
            seed=seed,
            scale=scale,
            load=lambda: drives.drives_load(today=today),
            report=drives.drives_report,
        )
        self.major_events_load(seed=seed, today=today)
        self.lawguard_load(seed=seed, scale=scale, today=today, first_login_change=first_login_change)
        with connection.cursor() as cursor:  # fresh planner statistics after a bulk load
            cursor.execute("ANALYZE")
        self.stdout.write(self.style.SUCCESS(f"演示数据加载完成,共用时 {time.perf_counter() - started:.1f} 秒。"))

    def major_events_load(self, *, seed: int, today: datetime.date) -> None:
        """Major-event security: the 2022 events (from the templates, reviewed) and one in progress."""
        self.once(
            "major-events-2022",
            seed=seed,
            scale=1.0,  # a few events, whatever the scale
            load=lambda: majorevents.events_2022_load(seed=seed),
            report=lambda c: (
                f"2022 年重大活动安保 {c['events']} 项(任务 {c['tasks']} 项,完成 {c['done']} 项;日报 {c['reports']} 期;"
                f"排查发现 {c['findings']} 条;经验存入预案模板 {c['lessons']} 条)"
            ),
        )
        self.once(
            "major-events-live",
            seed=seed,
            scale=1.0,
            load=lambda: majorevents.live_load(seed=seed, today=today),
            report=lambda c: (
                f"进行中的重大活动 1 项({c['today']} 前后):任务完成 {c['done']} 项、逾期 {c['late']} 项,"
                f"值班 {c['shifts']} 班次,日报 {c['reports']} 期"
            ),
        )

    def lawguard_load(self, *, seed: int, scale: float, today: datetime.date, first_login_change: bool = True) -> None:
        """法治护航 (docs/lawguard.md), in order, each step reading what the ones before wrote: the register
        (workstations, experts, enterprises with their 三官一律, portal accounts), the consultations, the legal
        services and 法治体检 with their suggestions, the suggestions' lifecycle, disputes helped and losses
        recovered; last, the ledger's check of the seed's 2022 figures. The 2022 volumes follow --scale (the
        register, the ¥30.6M recovered and the structure figures do not), and so do the check's thresholds."""

        def scaled(count: int) -> int:
            return max(1, round(count * scale))

        self.once(
            lawguard_register.DATASET,
            seed=seed,
            scale=1.0,  # the seed's register, whatever the scale
            load=lambda: lawguard_register.load(seed=seed, today=today, first_login_change=first_login_change),
            report=lawguard_register.report,
        )
        self.once(
            consultations.KEY,
            seed=seed,
            scale=scale,
            load=lambda: consultations.load(seed=seed, today=today, count=scaled(consultations.SEED_COUNT)),
            report=consultations.report,
        )
        self.once(
            lawchecks.DATASET,
            seed=seed,
            scale=scale,
            load=lambda: lawchecks.load(
                seed=seed,
                today=today,
                services=scaled(lawchecks.SERVICES_2022),
                checkups=scaled(lawchecks.CHECKUPS_2022),
                suggestions=scaled(lawchecks.SUGGESTIONS_2022),
            ),
            report=lawchecks.report,
        )
        self.once(
            lawguard_outcomes.DATASET,
            seed=seed,
            scale=scale,
            load=lambda: lawguard_outcomes.load(seed=seed, today=today, disputes=scaled(lawguard_outcomes.DISPUTES)),
            report=lawguard_outcomes.report,
        )
        volumes = {"lg_services", "lg_consultations", "lg_suggestions"}
        thresholds = {
            code: scaled(int(least)) if code in volumes else least for code, least in lawguard_figures.SEED.items()
        }
        self.once(
            "lawguard-figures",
            seed=seed,
            scale=scale,
            load=lambda: lawguard_figures.load(seed=seed, today=today, thresholds=thresholds),
            report=lawguard_figures.report,
        )

    def once(
        self, key: str, *, seed: int, scale: float, load: Callable[[], dict], report: Callable[[dict], str]
    ) -> None:
        """Load a generated data set unless its DemoDataset marker says it is there already."""
        if DemoDataset.objects.filter(key=key).exists():
            self.stdout.write(f"演示数据 {key} 已存在,跳过。")
            return
        started = time.perf_counter()
        with transaction.atomic():
            counts = load()
            DemoDataset.objects.create(key=key, seed=seed, scale=scale, counts=counts)
        gc.collect()
        self.stdout.write(f"{report(counts)} — {time.perf_counter() - started:.1f} 秒")

    def grids_load(self, region_ids: dict[str, int], *, seed: int, today: datetime.date) -> None:
        """Outlines, grid people and the duty roster: the grid geography every later step stands on."""
        self.once(
            "shapes",
            seed=0,  # the tessellation does not depend on --seed
            scale=1.0,
            load=lambda: shapes.shapes_load(region_ids),
            report=lambda c: (
                f"边界:市 {c.get('city', 0)} 个、区县 {c.get('county', 0)} 个(真实轮廓),"
                f"生成乡镇 {c.get('township', 0)} 个、村社区 {c.get('community', 0)} 个、网格 {c.get('grid', 0)} 个"
            ),
        )
        self.once(
            "grid-people",
            seed=seed,
            scale=1.0,
            load=lambda: grid_people.members_load(region_ids, seed=seed),
            report=lambda c: "网格力量:" + ",".join(f"{role.label} {c.get(role.value, 0)} 人" for role in MemberRole),
        )
        started = time.perf_counter()
        shifts = grid_people.roster_load(today=today)
        days = grid_people.roster_weeks(today)
        self.stdout.write(
            f"值班排班({days[0]:%m-%d} 至 {days[-1]:%m-%d}):新增 {shifts} 班次 — {time.perf_counter() - started:.1f} 秒"
        )

    def activity_load(self, region_ids: dict[str, int], *, seed: int, scale: float, today: datetime.date) -> None:
        """Patrols, cameras and incidents: generated once each, after the cases."""
        scene = functools.cache(patrols.Scene)  # built once, and only if some patrols are to be generated

        def patrol_report(label: str) -> Callable[[dict], str]:
            return lambda c: (
                f"{label}巡查走访 {c['patrols']} 次(已完成 {c['done']},计划 {c['planned']};醴陵市 {c['liling']}),"
                f"发现问题 {c['findings']} 条"
            )

        self.once(
            "patrols-2022",
            seed=seed,
            scale=scale,
            load=lambda: patrols.patrols_write(patrols.year_generate(year=2022, seed=seed, scale=scale, scene=scene())),
            report=patrol_report("2022 年"),
        )
        self.once(
            "patrols-recent",
            seed=seed,
            scale=scale,
            load=lambda: (
                patrols.patrols_write(patrols.recent_generate(today=today, seed=seed, scale=scale, scene=scene()))
                | {"today": today.isoformat()}
            ),
            report=patrol_report(f"近 12 个月及未来一周({today:%Y-%m-%d} 前后)"),
        )
        self.once(
            "cameras",
            seed=seed,
            scale=scale,
            load=lambda: cameras.cameras_write(cameras.cameras_generate(region_ids=region_ids, seed=seed, scale=scale)),
            report=lambda c: f"雪亮工程监控点位 {c['cameras']} 个(在线 {c['online']},城区 {c['urban']})",
        )
        incidents.load_incidents(stdout=self.stdout, seed=seed, scale=scale, today=today)
        # The risk register, after the disputes it raises risks from and sweeps for suggestions (docs/risks-insight.md).
        self.once(
            risks.DATASET,
            seed=seed,
            scale=1.0,
            load=lambda: risks.risks_load(seed=seed, today=today),
            report=risks.report,
        )
