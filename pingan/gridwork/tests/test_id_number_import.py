"""GB 11643-1999 ID numbers through the grid people imports (Excel through the API, CSV through the web
page): 1,000 numbers made by the standard's formula (pingan.core.testing, not our validator) in the forms
people type them are stored in canonical form; 1,000 with a wrong check digit are refused row by row with
the Chinese message, and nothing is written."""

from __future__ import annotations

import datetime
import random
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from pingan.core.testing import (
    as_typed,
    csv_bytes,
    standard_ids,
    upload,
    with_check_digit,
    with_wrong_check_digit,
    xlsx_bytes,
)
from pingan.gridwork import services
from pingan.gridwork.models import GridMember
from pingan.regions.services import read_table

HEADER = ["网格代码", "姓名", "身份", "身份证号"]
CHECKSUM_ERROR = "身份证号码校验位错误,请核对"


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(datetime.datetime(2026, 6, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


def rows(grid, id_numbers: list[str]) -> list[list[str]]:
    return [[grid.code, f"楼栋长{i:04d}", "楼栋长", as_typed(n, i)] for i, n in enumerate(id_numbers)]


def test_a_thousand_valid_numbers_import_and_a_thousand_wrong_ones_do_not(api, client, people, grids):
    rng = random.Random(11643)
    valid = standard_ids(1000, rng)
    wrong = [with_wrong_check_digit(number, rng) for number in valid]
    before = GridMember.objects.count()

    data = xlsx_bytes(HEADER, rows(grids.taishan_2, valid))
    response = api(people.clerk).post(
        "/api/v1/grid-members/import/", {"file": upload("people.xlsx", data)}, format="multipart"
    )
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 1000
    stored = GridMember.objects.filter(grid=grids.taishan_2).values_list("id_number", flat=True)
    assert sorted(stored) == valid

    client.force_login(people.clerk)
    data = csv_bytes(HEADER, rows(grids.taishan_1, wrong))
    response = client.post(reverse("grid-member-import"), {"file": upload("people.csv", data)})
    assert response.status_code == 400
    assert response.context["result"].errors == [f"第 {i + 2} 行:{CHECKSUM_ERROR}" for i in range(1000)]
    assert GridMember.objects.count() == before + 1000


def test_an_imported_first_generation_number_is_stored_in_its_18_digit_form(people, grids):
    # GB 11643-1989 numbers are 15 digits (area, yymmdd, sequence); "19" goes before the year and the check
    # digit is computed by the GB 11643-1999 formula (here, not by our code).
    data = csv_bytes(HEADER, [[grids.taishan_2.code, "郑楼长", "楼栋长", "430221620701334"]])
    result = services.members_import(rows=read_table(upload("p.csv", data)), actor=people.clerk)
    assert result.ok, result.errors
    assert GridMember.objects.get(name="郑楼长").id_number == with_check_digit("43022119620701334")
