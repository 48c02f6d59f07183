"""List the demo accounts that `load_demo` created, with their password, role and place.

The password policy (pingan.accounts.passwords) treats the demo password like any password someone else
set: each account must change it at its first sign-in, after which the listed password no longer opens it
(`load_demo` again puts the demo password back and asks again; `load_demo --keep-demo-passwords` waives
the change for automated walkthroughs). The list says which accounts still have to change it."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from pingan.accounts.models import User
from pingan.demo.staff import account_specs

LEVEL_LABELS = {"city": "市", "county": "县(市、区)", "township": "乡镇(街道)", "community": "村(社区)"}


class Command(BaseCommand):
    help = (
        "列出演示账号(用户名、密码、角色、所在单位及区划)。Lists the demo accounts created by load_demo; "
        "--json prints a list of objects with username, password, role, organization, region, level, "
        "full_name, role_label, must_change_password (the demo password must still be changed at the first "
        "sign-in) and password_changed (changed: the listed password no longer opens the account)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")

    def handle(self, *args: Any, json: bool = False, **options: Any) -> None:
        specs = account_specs()
        existing = {
            username: (must_change, password)
            for username, must_change, password in User.objects.filter(
                username__in=[s.username for s in specs]
            ).values_list("username", "must_change_password", "password")
        }
        # load_demo hashes the demo password once for everyone: an account whose hash differs has changed it.
        demo_hash = Counter(password for _must, password in existing.values()).most_common(1)
        accounts: list[dict[str, Any]] = [
            {
                **spec.as_dict(),
                "must_change_password": existing[spec.username][0],
                "password_changed": existing[spec.username][1] != demo_hash[0][0],
            }
            for spec in specs
            if spec.username in existing
        ]
        if not accounts:
            raise CommandError("尚未加载演示数据,请先运行 python manage.py load_demo")
        if json:
            self.stdout.write(_dumps(accounts))
            return
        header = ("用户名", "密码", "姓名", "角色", "单位代码", "区划代码", "层级")
        rows = [
            (
                a["username"],
                "(已修改)" if a["password_changed"] else a["password"],
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
        self.stdout.write(f"\n共 {len(accounts)} 个演示账号,初始密码均为 {accounts[0]['password']}。")
        waiting = sum(1 for a in accounts if a["must_change_password"])
        self.stdout.write(
            f"按密码策略(等保 2.0),演示密码与导入账号的初始密码一样,首次登录后须先修改:仍待修改的 {waiting} 个;"
            "已修改的账号以新密码为准(重新运行 load_demo 会恢复演示密码并再次要求修改)。"
        )


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def _width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
