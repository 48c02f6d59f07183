"""`manage.py check_id_numbers`: finds every stored ID number through the app registry, lists the invalid
ones (which record, masked, why, in Chinese), answers in JSON on request, exits 1 when any is invalid,
and leaves a line in the audit log. Expected numbers come from GB 11643-1999's formula
(pingan.core.testing), not from our validator."""

from __future__ import annotations

import datetime
import io
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from pingan.cases.models import Party
from pingan.core.management.commands.check_id_numbers import id_number_fields
from pingan.core.models import AuditAction, AuditLog
from pingan.core.testing import with_check_digit
from pingan.gridwork.choices import MemberRole
from pingan.gridwork.models import GridMember

VALID = with_check_digit("43022119620701334")  # 株洲县 (abolished 2018) stays valid
WRONG_CHECK_DIGIT = VALID[:17] + ("0" if VALID[17] != "0" else "1")
FIRST_GENERATION = "430221620701334"  # stored by an older version: 15 digits, GB 11643-1989


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(datetime.datetime(2026, 6, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


def run(*args: str) -> tuple[int | str | None, str]:
    out = io.StringIO()
    try:
        call_command("check_id_numbers", *args, stdout=out)
    except SystemExit as exit_:
        return exit_.code, out.getvalue()
    return 0, out.getvalue()


def test_the_id_number_fields_are_found_by_field_not_listed_by_hand(db):
    found = {f"{model._meta.label_lower}.{field.name}" for model, field in id_number_fields()}
    assert {"cases.party.id_number", "grids.gridmember.id_number"} <= found
    assert not any(".historical" in name for name in found)


def test_invalid_numbers_are_listed_with_their_case_or_grid_masked_and_the_command_fails(dispute, grids):
    bad_party = Party.objects.create(case=dispute, role="respondent", name="李四", id_number=WRONG_CHECK_DIGIT)
    old_member = GridMember.objects.create(
        grid=grids.taishan_2, role=MemberRole.BUILDING_HEAD, name="郑楼长", id_number=FIRST_GENERATION
    )
    GridMember.objects.create(grid=grids.taishan_2, role=MemberRole.BUILDING_HEAD, name="冯楼长", id_number=VALID)

    status, output = run("--json")
    assert status == 1
    report = json.loads(output)
    assert report["checked"]["cases.party.id_number"] == 2  # the dispute's applicant and the bad one
    assert report["checked"]["grids.gridmember.id_number"] == 2
    assert report["invalid"] == [
        {
            "model": "cases.party",
            "model_name": "当事人",
            "pk": bad_party.pk,
            "field": "id_number",
            "record": "被申请人 李*",
            "belongs_to": {"案件": str(dispute)},
            "region_code": dispute.region_code,
            "id_number": f"{VALID[:6]}********{WRONG_CHECK_DIGIT[-4:]}",
            "code": "id_checksum",
            "reason": "身份证号码校验位错误,请核对",
        },
        {
            "model": "grids.gridmember",
            "model_name": "网格力量",
            "pk": old_member.pk,
            "field": "id_number",
            "record": "郑**(楼栋长)",
            "belongs_to": {"网格": "泰山社区第2网格"},
            "region_code": grids.taishan_2.code,
            "id_number": "430221*****1334",
            "code": "id_not_canonical",
            "reason": f"未按18位规范形式保存,应为 {VALID[:6]}********{VALID[-4:]}",
        },
    ]
    assert WRONG_CHECK_DIGIT not in output and FIRST_GENERATION not in output

    status, text = run()
    assert status == 1
    assert f"当事人 #{bad_party.pk} 被申请人 李*(案件:{dispute})" in text and "身份证号码校验位错误,请核对" in text
    assert f"网格力量 #{old_member.pk} 郑**(楼栋长)(网格:泰山社区第2网格)" in text
    assert "当事人.身份证号码:已复核 2 个,无效 1 个" in text


def test_a_clean_database_passes_and_the_run_is_audited(dispute):
    status, text = run()
    assert status == 0 and "当事人.身份证号码:已复核 1 个,无效 0 个" in text
    entry = AuditLog.objects.get(action=AuditAction.VIEW_PERSONAL, object_type="cases.party")
    assert entry.changes == {"command": "check_id_numbers", "field": "id_number", "checked": 1, "invalid": 0}
    assert entry.reason == "复核已保存的身份证号码"
