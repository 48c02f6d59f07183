"""List the demo accounts that `load_demo` created, with their password, role and place."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from pingan.accounts.models import User
from pingan.demo.staff import account_specs

LEVEL_LABELS = {"city": "市", "county": "县(市、区)", "township": "乡镇(街道)", "community": "村(社区)"}


class Command(BaseCommand):
    help = (
        "列出演示账号(用户名、密码、角色、所在单位及区划)。Lists the demo accounts created by load_demo; "
        "--json prints a list of objects with username, password, role, organization, region, level, "
        "full_name and role_label."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")

    def handle(self, *args: Any, json: bool = False, **options: Any) -> None:
        specs = account_specs()
        existing = set(User.objects.filter(username__in=[s.username for s in specs]).values_list("username", flat=True))
        accounts = [spec.as_dict() for spec in specs if spec.username in existing]
        if not accounts:
            raise CommandError("尚未加载演示数据,请先运行 python manage.py load_demo")
        if json:
            self.stdout.write(_dumps(accounts))
            return
        header = ("用户名", "密码", "姓名", "角色", "单位代码", "区划代码", "层级")
        rows = [
            (
                a["username"],
                a["password"],
                a["full_name"],
                a["role_label"],
                a["organization"],
                a["region"],
                LEVEL_LABELS[a["level"]],
            )
            for a in accounts
        ]
        widths = [max(_width(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
        for row in [header, tuple("-" * w for w in widths), *rows]:
            self.stdout.write("  ".join(_pad(str(cell), width) for cell, width in zip(row, widths, strict=True)))
        self.stdout.write(f"\n共 {len(accounts)} 个演示账号,密码均为 {accounts[0]['password']}")


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def _width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
