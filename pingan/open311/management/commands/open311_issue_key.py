"""`manage.py open311_issue_key`: register an Open311 client application of an organisation and print
its API key, once (only its hash is stored). `--rotate <prefix>` replaces the key of an existing client.

    manage.py open311_issue_key --organization ZZZX-430200 --name "12345随手拍(演示)"
    manage.py open311_issue_key --rotate 1a2b3c4d
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from pingan.core.errors import ApplicationError
from pingan.open311.models import Open311Client
from pingan.open311.services import client_issue, client_key_rotate
from pingan.regions.models import Organization


class Command(BaseCommand):
    help = "签发 Open311 接入应用的 API 密钥(只显示一次)"

    def add_arguments(self, parser):
        parser.add_argument("--organization", help="接入单位的机构代码,如 ZZZX-430200(演示数据的株洲市综治中心)")
        parser.add_argument("--name", help="应用名称")
        parser.add_argument("--rate-limit", type=int, default=60, help="每分钟提交上限(默认60)")
        parser.add_argument("--rotate", metavar="KEY_PREFIX", help="为已有应用重新签发密钥(旧密钥立即失效)")

    def handle(self, *args, organization=None, name=None, rate_limit=60, rotate=None, **options):
        try:
            if rotate:
                client = Open311Client.objects.filter(key_prefix=rotate).first()
                if client is None:
                    raise CommandError(f"没有密钥前缀为“{rotate}”的接入应用")
                issued = client_key_rotate(actor=None, client=client)
            else:
                if not organization or not name:
                    raise CommandError("请同时提供 --organization 与 --name(或用 --rotate 重新签发)")
                org = Organization.objects.select_related("region").filter(code=organization).first()
                if org is None:
                    raise CommandError(f"机构代码“{organization}”不存在")
                issued = client_issue(actor=None, name=name, organization=org, rate_limit=rate_limit)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"接入应用:{issued.client}")
        self.stdout.write("API 密钥(只显示这一次,请立即交给接入单位妥善保存):")
        self.stdout.write(issued.key)
