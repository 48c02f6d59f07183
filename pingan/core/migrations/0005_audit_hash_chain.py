"""The audit log's hash chain: seq, prev_hash, hash and chain_version on every row (existing rows chained in
the order they were written: created_at, then id), and the archive records that anchor the chain once old
rows are archived. The triggers come in the next migration, after the last change to the table."""

import datetime
import hashlib
import json

import django.utils.timezone
from django.db import migrations, models

GENESIS = "0" * 64


def _hash_v1(row):
    # Canonical form version 1, frozen here as it is documented in pingan/core/auditchain.py.
    created = row.created_at.astimezone(datetime.UTC)
    ip = models.GenericIPAddressField().get_prep_value(row.ip) if row.ip else None
    obj = {
        "v": 1,
        "seq": row.seq,
        "prev": row.prev_hash,
        "created_at": created.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor": row.actor_id,
        "action": row.action or "",
        "object_type": row.object_type or "",
        "object_id": row.object_id or "",
        "object_repr": row.object_repr or "",
        "region_code": row.region_code or "",
        "ip": ip,
        "user_agent": row.user_agent or "",
        "reason": row.reason or "",
        "changes": row.changes if row.changes is not None else {},
    }
    text = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def chain_existing(apps, schema_editor):
    AuditLog = apps.get_model("core", "AuditLog")
    prev = GENESIS
    batch = []
    for seq, row in enumerate(AuditLog.objects.order_by("created_at", "id").iterator(chunk_size=2000), start=1):
        row.seq, row.prev_hash, row.chain_version = seq, prev, 1
        row.hash = prev = _hash_v1(row)
        batch.append(row)
        if len(batch) >= 2000:
            AuditLog.objects.bulk_update(batch, ["seq", "prev_hash", "hash", "chain_version"])
            batch = []
    if batch:
        AuditLog.objects.bulk_update(batch, ["seq", "prev_hash", "hash", "chain_version"])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_outbox_message"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditlog",
            name="action",
            field=models.CharField(choices=[('create', '新建'), ('update', '修改'), ('delete', '删除'), ('transition', '流转'), ('view_personal', '查看个人信息'), ('unmask', '查看完整个人信息'), ('export', '导出'), ('import', '导入'), ('download', '下载文书'), ('login', '登录'), ('login_failed', '登录失败'), ('logout', '退出登录'), ('lockout', '账号锁定'), ('unlock', '解除锁定'), ('password_change', '修改密码'), ('role_change', '角色变更'), ('permission_change', '权限变更'), ('otp_enrol', '绑定动态口令'), ('otp_reset', '重置动态口令'), ('token_create', '签发接口令牌'), ('token_revoke', '吊销接口令牌'), ('archive', '归档审计日志')], max_length=20, verbose_name='操作'),
        ),
        migrations.AlterField(
            model_name="auditlog",
            name="created_at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name="时间"),
        ),
        migrations.AddField(
            model_name="auditlog",
            name="seq",
            field=models.PositiveBigIntegerField(editable=False, null=True, verbose_name="序号"),
        ),
        migrations.AddField(
            model_name="auditlog",
            name="prev_hash",
            field=models.CharField(default="", editable=False, max_length=64, verbose_name="前一条摘要"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditlog",
            name="hash",
            field=models.CharField(default="", editable=False, max_length=64, verbose_name="摘要"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditlog",
            name="chain_version",
            field=models.PositiveSmallIntegerField(default=1, editable=False, verbose_name="摘要算法版本"),
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="auditlog",
            name="seq",
            field=models.PositiveBigIntegerField(editable=False, unique=True, verbose_name="序号"),
        ),
        migrations.CreateModel(
            name="AuditArchive",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="归档时间")),
                ("before", models.DateTimeField(verbose_name="归档截止")),
                ("rows", models.PositiveBigIntegerField(verbose_name="条数")),
                ("first_seq", models.PositiveBigIntegerField(verbose_name="起始序号")),
                ("last_seq", models.PositiveBigIntegerField(unique=True, verbose_name="结束序号")),
                ("anchor_prev_hash", models.CharField(max_length=64, verbose_name="起始前摘要")),
                ("first_hash", models.CharField(max_length=64, verbose_name="首条摘要")),
                ("last_hash", models.CharField(max_length=64, verbose_name="末条摘要")),
                ("file_name", models.CharField(max_length=200, verbose_name="文件")),
                ("file_sha256", models.CharField(max_length=64, verbose_name="文件摘要")),
            ],
            options={
                "verbose_name": "审计日志归档",
                "verbose_name_plural": "审计日志归档",
                "ordering": ["-last_seq"],
            },
        ),
    ]
