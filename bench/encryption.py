#!/usr/bin/env python
"""The cost of encrypting ID numbers and phones at rest (core.crypto, core.fields): run by hand; the figures
go to docs/benchmarks.md.

    .venv/bin/python bench/encryption.py [--cases 500] [--searches 150] [--postgres]

1. Per operation, in-process: encrypt, decrypt and blind index of an ID number and a phone (µs).
2. End to end, through the real services and pages, in one scratch database, interleaved request by request
   (so that the load of a shared machine hits both alike): as the code runs (AES-256-GCM + HMAC index) and
   with a null cipher (encrypt/decrypt the identity, the index the canonical value itself: the same columns,
   the same SQL, no cryptography), so the difference is what the cryptography costs. Each case is registered
   and later read in one mode (the null cipher's rows are plain text):
   - intake: `case_register` of a dispute with two parties, both with an ID number and a phone;
   - search by phone and by ID number: the case list page `/cases/?q=…` as a township clerk (blind index
     lookup), and the API's case detail (the parties decrypted to be shown masked).

SQLite by default (a temporary file); `--postgres` uses its own database `pingan_wt_crypt_bench` on
127.0.0.1:5432 (created, then dropped). The work runs in a child process with its own settings.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_NAME = "pingan_wt_crypt_bench"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_NAME}"
BENCH_KEYS = "b1:" + "QkVOQ0gtZGF0YS1rZXktbm90LWZvci1wcm9kdWN0aW8="  # 32 bytes: "BENCH-data-key-not-for-productio"
BENCH_INDEX = "QkVOQ0gtaW5kZXgta2V5LW5vdC1mb3ItcHJvZHVjdGk="  # 32 bytes


def _pg(sql: str) -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as admin:
        admin.execute(sql)


def per_op(repeat: int) -> dict[str, float]:
    from pingan.core import crypto

    out: dict[str, float] = {}
    ring = crypto.get_keyring()
    for purpose, value in (("id_number", "430211198503150016"), ("phone", "13800138000")):
        token = crypto.encrypt(value, purpose=purpose)
        for name, call in (
            ("encrypt", partial(crypto.encrypt, value, purpose=purpose)),
            ("decrypt", partial(crypto.decrypt, token, purpose=purpose)),
            ("blind_index", partial(crypto.blind_index, value, purpose=purpose)),
            ("  of which canonical", partial(crypto.canonical, value, purpose=purpose)),
            ("  of which HMAC", partial(crypto.index_digest, ring.index_key(purpose), value)),
        ):
            start = time.perf_counter()
            for _ in range(repeat):
                call()
            out[f"{name} {purpose}"] = (time.perf_counter() - start) / repeat * 1e6
    return out


def child(cases: int, searches: int) -> dict[str, object]:
    """Both modes, interleaved, in one fresh database; returns medians in ms per mode."""
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from rest_framework.test import APIClient

    from pingan.accounts.choices import Role
    from pingan.accounts.models import Membership, User
    from pingan.cases.choices import Channel
    from pingan.cases.models import Category
    from pingan.cases.services import case_register
    from pingan.core import crypto
    from pingan.core.testing import with_check_digit
    from pingan.regions.choices import OrgType, RegionLevel
    from pingan.regions.models import Organization, Region

    settings.STORAGES = {  # pages without collectstatic's manifest
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    real = (crypto.encrypt, crypto.decrypt, crypto.blind_index)
    null = (
        lambda value, **kwargs: value,
        lambda token, **kwargs: token,
        lambda value, *, purpose, keyring=None: crypto.canonical(value, purpose=purpose),
    )

    def use(mode: str) -> None:  # core.fields calls crypto.encrypt & co. through the module
        crypto.encrypt, crypto.decrypt, crypto.blind_index = real if mode == "encrypted" else null  # type: ignore[assignment]

    call_command("migrate", verbosity=0)
    city = Region.objects.create(code="430200", name="株洲市", level=RegionLevel.CITY)
    district = Region.objects.create(code="430211", name="天元区", level=RegionLevel.COUNTY, parent=city)
    township = Region.objects.create(code="430211004", name="嵩山路街道", level=RegionLevel.TOWNSHIP, parent=district)
    centre = Organization.objects.create(
        code="C430211004", name="嵩山路街道综治中心", org_type=OrgType.CENTRE, region=township
    )
    clerk = User.objects.create_user(username="clerk", password="Pingan-bench-2022", full_name="刘晓")
    Membership.objects.create(user=clerk, organization=centre, role=Role.CENTRE_STAFF)
    category = Category.objects.get(code="neighbour")
    rng = random.Random(7)
    people = [
        (with_check_digit(f"430211{1950 + i % 50}{1 + i % 12:02d}{1 + i % 28:02d}{i % 1000:03d}"), f"139{i:08d}")
        for i in range(4 * cases)
    ]
    modes = ("plain", "encrypted")
    timings: dict[str, dict[str, list[float]]] = {
        mode: {"intake": [], "search phone": [], "search id": [], "api detail": []} for mode in modes
    }
    registered: dict[str, list[tuple[int, int]]] = {mode: [] for mode in modes}  # (case id, people index)
    for index in range(2 * cases):
        mode = modes[index % 2]
        use(mode)
        (id_a, phone_a), (id_b, phone_b) = people[2 * index], people[2 * index + 1]
        start = time.perf_counter()
        case = case_register(
            actor=clerk,
            kind="dispute",
            category=category,
            title="楼上漏水纠纷",
            description="楼上卫生间漏水导致楼下天花板受损。",
            channel=Channel.VISIT,
            region=township,
            parties=[
                {"name": "张三", "role": "applicant", "id_number": id_a, "phone": phone_a},
                {"name": "李四", "role": "respondent", "id_number": id_b, "phone": phone_b},
            ],
        )
        if index >= cases // 5:  # the first ones warm caches
            timings[mode]["intake"].append((time.perf_counter() - start) * 1000)
        registered[mode].append((case.pk, index))
    web = Client()
    web.force_login(clerk)
    api = APIClient()
    api.force_authenticate(clerk)
    for round_ in range(searches):
        for mode in modes if round_ % 2 else reversed(modes):
            use(mode)
            case_id, index = rng.choice(registered[mode])
            phone, id_number = people[2 * index][1], people[2 * index + 1][0]
            for name, request in (
                ("search phone", partial(web.get, "/cases/", {"q": phone})),
                ("search id", partial(web.get, "/cases/", {"q": id_number})),
                ("api detail", partial(api.get, f"/api/v1/cases/{case_id}/")),
            ):
                start = time.perf_counter()
                response = request()
                timings[mode][name].append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, (name, response.status_code)
                if name.startswith("search"):
                    assert "楼上漏水纠纷" in response.content.decode(), "search found nothing"
    use("encrypted")
    return {
        "vendor": connection.vendor,
        "per_op": per_op(20000),
        **{mode: {name: statistics.median(values) for name, values in timings[mode].items()} for mode in modes},
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=500)
    parser.add_argument("--searches", type=int, default=150)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.cases, args.searches)))
        return
    scratch = tempfile.mkdtemp(prefix="pingan-bench-crypt-")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pingan.settings",
        "PINGAN_VAR_DIR": scratch,
        "PINGAN_DATA_KEYS": BENCH_KEYS,
        "PINGAN_DATA_INDEX_KEY": BENCH_INDEX,
        "PINGAN_TASK_BACKEND": "",
        # The searches are a clerk's page views: this measures the cryptography, not the second factor (which
        # centre staff need at sign-in, docs/second-factor.md).
        "PINGAN_OTP_ENFORCED": "0",
        "DATABASE_URL": PG_URL if args.postgres else f"sqlite:///{scratch}/bench.sqlite3",
    }
    if args.postgres:
        _pg(f'DROP DATABASE IF EXISTS "{PG_NAME}"')
        _pg(f'CREATE DATABASE "{PG_NAME}"')
    try:
        run = subprocess.run(
            [sys.executable, __file__, "--child", "--cases", str(args.cases), "--searches", str(args.searches)],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
    finally:
        if args.postgres:
            _pg(f'DROP DATABASE IF EXISTS "{PG_NAME}"')
    if run.returncode:
        raise SystemExit(run.stderr)
    result = json.loads(run.stdout.strip().splitlines()[-1])
    plain, encrypted = result["plain"], result["encrypted"]
    print(f"database: {result['vendor']}, cases: {args.cases} per mode (2 parties each), searches: {args.searches}")
    print("per operation (µs):")
    for name, value in result["per_op"].items():
        print(f"  {name:32} {value:8.1f}")
    print(f"{'median per request (ms)':28} {'plain':>8} {'encrypted':>10} {'difference':>11}")
    for name in ("intake", "search phone", "search id", "api detail"):
        print(f"  {name:26} {plain[name]:8.2f} {encrypted[name]:10.2f} {encrypted[name] - plain[name]:+11.2f}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
