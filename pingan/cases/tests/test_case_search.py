"""The case list's search (`q`) on the pages and in the API: a party's ID number or phone, typed in any
accepted form, finds the case by exact match; number, title and address by part; only inside the
jurisdiction; every search by a personal identifier is in the audit log, masked; the query count does not
grow with the number of matches."""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import GOOD_ID
from pingan.cases.choices import Channel
from pingan.cases.services import case_register
from pingan.core.models import AuditAction, AuditLog
from pingan.core.testing import as_typed, with_check_digit

MASKED_ID = "430211********0016"
OTHER_ID = with_check_digit("43020219900101002")  # GB 11643-1999 formula, in the test helper


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(datetime.datetime(2026, 6, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


def register(people, zhuzhou, category, title: str, *parties: dict[str, Any]):
    return case_register(
        actor=people.clerk,
        kind="dispute",
        category=category,
        title=title,
        description="双方协商未果,申请调解。",
        channel=Channel.VISIT,
        region=zhuzhou.songshan,
        parties=list(parties),
    )


@pytest.fixture
def cases(dispute, people, zhuzhou, category):
    """The dispute (张三 GOOD_ID 13800138000, 李四 0731-22880000) and one more with other people."""
    other = register(
        people,
        zhuzhou,
        category,
        "占道经营纠纷",
        {"name": "王五", "role": "applicant", "id_number": OTHER_ID, "phone": "13907330009"},
    )
    return dispute, other


def found_on_the_page(client, q: str) -> set[str]:
    response = client.get(reverse("case-list"), {"q": q})
    assert response.status_code == 200
    return {case.number for case in response.context["cases"]}


def found_in_the_api(client, q: str) -> set[str]:
    response = client.get("/api/v1/cases/", {"q": q})
    assert response.status_code == 200, response.content
    return {row["number"] for row in response.json()["results"]}


@pytest.fixture(params=["page", "api"])
def search(request, client, api, people):
    if request.param == "page":
        client.force_login(people.clerk)
        return lambda q: found_on_the_page(client, q)
    clerk = api(people.clerk)
    return lambda q: found_in_the_api(clerk, q)


@pytest.mark.parametrize(
    "typed",
    [*(as_typed(GOOD_ID, i) for i in range(6)), "430211850315001"],  # the last: its 15-digit first generation
)
def test_a_partys_id_number_in_any_typed_form_finds_the_case(search, cases, typed):
    dispute, _other = cases
    assert search(typed) == {dispute.number}


@pytest.mark.parametrize(
    "typed", ["13800138000", "+86 138-0013-8000", "138 0013 8000", "0731 2288 0000", "073122880000"]
)
def test_a_partys_phone_in_any_format_finds_the_case(search, cases, typed):
    dispute, _other = cases
    assert search(typed) == {dispute.number}


def test_number_title_and_address_are_still_found_by_part_and_a_partial_id_finds_nothing(search, cases):
    dispute, other = cases
    assert search("漏水") == {dispute.number}
    assert search(other.number.lower()) == {other.number}
    assert search("泰山路88号") == {dispute.number}
    assert search(GOOD_ID[:14]) == set()  # exact match only: no fishing by birth date
    assert search("1380013") == set()


def test_a_party_of_another_district_is_not_found(api, client, people, cases):
    client.force_login(people.hetang_clerk)
    assert found_on_the_page(client, GOOD_ID) == set()
    assert found_in_the_api(api(people.hetang_clerk), GOOD_ID) == set()


def test_a_search_by_id_number_or_phone_is_audited_masked(search, cases, people):
    search(as_typed(GOOD_ID, 4))
    search("0731 2288 0000")
    search("漏水")
    entries = AuditLog.objects.filter(action=AuditAction.VIEW_PERSONAL, object_type="cases.party")
    assert [(e.actor, e.changes) for e in entries.order_by("id")] == [
        (people.clerk, {"search": {"id_number": MASKED_ID}}),
        (people.clerk, {"search": {"phone": "0731-****0000"}}),
    ]
    assert all(e.reason == "按当事人身份证号码或电话检索案件" for e in entries)


def test_an_export_searched_by_id_number_keeps_the_number_masked_in_the_log(client, people, cases):
    client.force_login(people.clerk)
    response = client.get(reverse("case-export"), {"q": GOOD_ID})
    assert response.status_code == 200
    export = AuditLog.objects.get(action=AuditAction.EXPORT)
    assert export.changes["filters"] == {"q": MASKED_ID} and export.changes["rows"] == 1
    assert not AuditLog.objects.filter(changes__icontains=GOOD_ID).exists()


def test_the_query_count_does_not_grow_with_the_matches(client, api, people, zhuzhou, category, cases):
    client.force_login(people.clerk)
    clerk = api(people.clerk)

    def queries(fetch) -> int:
        with CaptureQueriesContext(connection) as captured:
            fetch()
        return len(captured)

    page = lambda: found_on_the_page(client, GOOD_ID)  # noqa: E731
    listed = lambda: found_in_the_api(clerk, GOOD_ID)  # noqa: E731
    before = (queries(page), queries(listed))
    for n in range(5):
        register(people, zhuzhou, category, f"续案{n}", {"name": "张三", "role": "applicant", "id_number": GOOD_ID})
    assert len(found_on_the_page(client, GOOD_ID)) == 6
    assert (queries(page), queries(listed)) == before
