#!/usr/bin/env python
"""Latency of the busiest read endpoints on the demo data (run by hand; figures go to docs/benchmarks.md).

    .venv/bin/python manage.py migrate && .venv/bin/python manage.py load_demo --keep-demo-passwords
    .venv/bin/python bench/api_latency.py [--repeat 30]

In-process (Django's test client, no network), against the database the settings point at, as the
city clerk (whole city: ~22,700 cases) and a township clerk. Prints median and p95 per endpoint and the
number of SQL queries each request makes. Targets (ours): list and detail p95 < 150 ms, city-wide
statistics p95 < 1 s on SQLite on one core.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pingan.settings")
# The clerks' sessions are made with force_login: this measures the pages and the API, not the second factor
# (which centre staff need at sign-in, docs/second-factor.md).
os.environ.setdefault("PINGAN_OTP_ENFORCED", "0")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from pingan.accounts.models import User  # noqa: E402
from pingan.cases.models import Case  # noqa: E402


def measure(client: Client, url: str, repeat: int) -> tuple[float, float, int]:
    timings = []
    queries = 0
    for index in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
        if index == 0:
            queries = len(captured)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1], queries


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    case = Case.objects.filter(region_code__startswith="430211001").order_by("-registered_at").first()
    if case is None:
        raise SystemExit("no demo data: run `make demo` (or manage.py load_demo) first")
    print(f"database: {connection.vendor}, cases: {Case.objects.count():,}, repeat: {args.repeat}")
    for username in ("city_clerk", "tianyuan_songshan_clerk"):
        client = Client()
        user = User.objects.get(username=username)
        if user.must_change_password:  # the password policy would send every page to 修改密码
            raise SystemExit("the demo accounts must change their password first: load_demo --keep-demo-passwords")
        client.force_login(user)
        urls = [
            "/api/v1/cases/?page_size=50",
            "/api/v1/cases/?page_size=50&light=red&ordering=deadline",
            "/api/v1/cases/?q=纠纷&page_size=50",
            f"/api/v1/cases/{case.pk}/",
            f"/api/v1/cases/{case.pk}/events/",
            "/api/v1/stats/summary/?date_from=2022-01-01&date_to=2022-12-31",
            "/api/v1/stats/breakdown/?by=month&date_from=2022-01-01&date_to=2022-12-31",
            "/cases/",
            "/",
            "/dashboard/?date_from=2022-01-01&date_to=2022-12-31",
        ]
        print(f"\n{username}")
        print(f"  {'endpoint':<78} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
        for url in urls:
            median, p95, queries = measure(client, url, args.repeat)
            print(f"  {url:<78} {median:>10.1f} {p95:>8.1f} {queries:>8}")


if __name__ == "__main__":
    main()
