"""Load the Zhuzhou demo: regions, grids, organisations, named accounts and two years of disputes."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from pingan.demo import disputes, geography, staff
from pingan.demo.models import DemoDataset
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
        "3) the named demo accounts (see `manage.py demo_accounts`), all with the password Pingan@2022;\n"
        "4) the disputes of 2022 (11,841 mediated at a 97.8%% success rate, plus some still open at year end) "
        "and of 2021 (0.9 times as many), times --scale. Regions, organisations and accounts are upserted by "
        "code and username; a year of disputes is loaded only once (marked in demo.DemoDataset)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--scale", type=float, default=1.0, help="规模系数:案件数量乘以该系数(默认 1.0)")
        parser.add_argument("--seed", type=int, default=2022, help="随机种子(默认 2022),相同种子生成相同数据")
        parser.add_argument("--no-cases", action="store_true", help="只加载区划、组织和账号,不生成案件")

    def handle(self, *args, scale: float, seed: int, no_cases: bool, **options) -> None:
        if not 0 < scale <= 5:
            raise CommandError("--scale must be in (0, 5]")
        started = time.perf_counter()
        with transaction.atomic():
            region_ids = geography.regions_load()
            org_ids = geography.organizations_load(region_ids)
            accounts = staff.accounts_load(org_ids)
        reference_seconds = time.perf_counter() - started
        self.stdout.write(
            f"区划 {len(region_ids) - len(geography.grid_rows())} 个,网格 {len(geography.grid_rows())} 个,"
            f"组织机构 {len(org_ids)} 个(综治中心 {sum(c.startswith('ZZZX-') for c in org_ids)} 个),"
            f"演示账号 {accounts} 个 — {reference_seconds:.1f} 秒"
        )
        if no_cases:
            return
        calendar = WorkCalendar()  # one calendar for every clock: it caches the override table
        counties = disputes.scene_load()
        identities = disputes.Identities(seed)
        for year in YEARS:
            key = f"disputes-{year}"
            if DemoDataset.objects.filter(key=key).exists():
                self.stdout.write(f"{year} 年矛盾纠纷演示数据已存在,跳过。")
                continue
            year_started = time.perf_counter()
            with transaction.atomic():
                plans = disputes.year_generate(
                    year=year, seed=seed, scale=scale, counties=counties, calendar=calendar, identities=identities
                )
                counts = disputes.plans_write(plans)
                counts |= disputes.plans_summary(plans, year)
                DemoDataset.objects.create(key=key, seed=seed, scale=scale, counts=counts)
            self.stdout.write(
                f"{year} 年:案件 {counts['cases']} 件(当年调解终结 {counts['mediated']} 件,成功 {counts['success']} 件,"
                f"成功率 {counts['success_rate']:.1%};年底在办 {counts['open']} 件),当事人 {counts['parties']} 人,"
                f"办理记录 {counts['events']} 条 — {time.perf_counter() - year_started:.1f} 秒"
            )
        with connection.cursor() as cursor:  # fresh planner statistics after a bulk load
            cursor.execute("ANALYZE")
        self.stdout.write(self.style.SUCCESS(f"演示数据加载完成,共用时 {time.perf_counter() - started:.1f} 秒。"))
