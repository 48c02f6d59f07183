"""GB 11643-1999 ID numbers through the case intake's doors (the API and the web form): 1,000 numbers made
by the standard's formula (pingan.core.testing, not our validator) are accepted in whatever form people
type them, 1,000 with a wrong check digit are refused with the Chinese message, and nothing half-written.
A 15-digit first-generation number is stored in its 18-digit form and the answer says so."""

from __future__ import annotations

import datetime
import random
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from pingan.cases.forms import PartyFormSet
from pingan.cases.models import Case, Party
from pingan.core.testing import as_typed, standard_ids, with_check_digit, with_wrong_check_digit

BATCH = 50  # the intake form's most parties per case; the API gets the same batches
CHECKSUM_ERROR = "身份证号码校验位错误,请核对"


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(datetime.datetime(2026, 6, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


@pytest.fixture(scope="module")
def numbers() -> tuple[list[str], list[str]]:
    rng = random.Random(199911643)
    valid = standard_ids(1000, rng)
    return valid, [with_wrong_check_digit(number, rng) for number in valid]


def batches(values: list[str]):
    for start in range(0, len(values), BATCH):
        yield values[start : start + BATCH]


def api_body(zhuzhou, category, id_numbers: list[str]) -> dict[str, Any]:
    return {
        "kind": "dispute",
        "category": category.code,
        "title": "宅基地边界纠纷",
        "description": "相邻两户就宅基地边界发生争执。",
        "channel": "visit",
        "region": zhuzhou.songshan.code,
        "parties": [
            {"name": f"当事人{i}", "role": "applicant" if i % 2 else "respondent", "id_number": as_typed(n, i)}
            for i, n in enumerate(id_numbers)
        ],
    }


def form_data(zhuzhou, category, id_numbers: list[str]) -> dict[str, Any]:
    data = {
        "kind": "dispute",
        "category": category.pk,
        "title": "宅基地边界纠纷",
        "description": "相邻两户就宅基地边界发生争执。",
        "channel": "visit",
        "urgency": "normal",
        "region": zhuzhou.taishan.code,
        "address": "",
        "lat": "",
        "lng": "",
        "parties-TOTAL_FORMS": str(len(id_numbers)),
        "parties-INITIAL_FORMS": "0",
        "parties-MIN_NUM_FORMS": "1",
        "parties-MAX_NUM_FORMS": str(BATCH),
    }
    for i, number in enumerate(id_numbers):
        data |= {
            f"parties-{i}-name": f"当事人{i}",
            f"parties-{i}-role": "applicant",
            f"parties-{i}-id_number": as_typed(number, i),
            f"parties-{i}-phone": "",
            f"parties-{i}-address": "",
        }
    return data


def test_the_api_accepts_a_thousand_valid_numbers_and_refuses_a_thousand_wrong_ones(
    api, people, zhuzhou, category, numbers
):
    valid, wrong = numbers
    client = api(people.clerk)
    for batch in batches(valid):
        response = client.post("/api/v1/cases/", api_body(zhuzhou, category, batch), format="json")
        assert response.status_code == 201, response.content
        assert response.json()["notices"] == []
    assert sorted(Party.objects.values_list("id_number", flat=True)) == valid
    cases = Case.objects.count()
    for batch in batches(wrong):
        response = client.post("/api/v1/cases/", api_body(zhuzhou, category, batch), format="json")
        assert response.status_code == 400, response.content
        fields = response.json()["error"]["fields"]
        assert [fields[f"parties[{i}].id_number"] for i in range(len(batch))] == [[CHECKSUM_ERROR]] * len(batch)
    assert Case.objects.count() == cases and Party.objects.count() == len(valid)


def test_the_intake_form_accepts_a_thousand_valid_numbers_and_refuses_a_thousand_wrong_ones(
    client, people, zhuzhou, category, numbers
):
    valid, wrong = numbers
    client.force_login(people.clerk)
    for batch in batches(valid):
        response = client.post(reverse("case-new"), form_data(zhuzhou, category, batch))
        assert response.status_code == 302, response.context and response.context["formset"].errors
    assert sorted(Party.objects.values_list("id_number", flat=True)) == valid
    cases = Case.objects.count()
    # The page re-rendered with 50 rows of errors costs about a second; one batch goes through the page,
    # all 1,000 through the page's party form set with the same POST data.
    response = client.post(reverse("case-new"), form_data(zhuzhou, category, wrong[:BATCH]))
    assert response.status_code == 400 and response.content.decode().count(CHECKSUM_ERROR) == BATCH
    for batch in batches(wrong):
        formset = PartyFormSet(form_data(zhuzhou, category, batch), prefix="parties")
        assert not formset.is_valid()
        assert [form.errors["id_number"] for form in formset.forms] == [[CHECKSUM_ERROR]] * len(batch)
    assert Case.objects.count() == cases and Party.objects.count() == len(valid)


# GB 11643-1999 replaced the 15-digit numbers of GB 11643-1989 (area, yymmdd, sequence): the 18-digit form
# puts "19" before the year and adds the check digit, computed here by the standard's formula.
FIRST_GENERATION = "430221620701334"  # 株洲县 (abolished 2018), born 1962-07-01
EIGHTEEN = with_check_digit("43022119620701334")


def test_the_api_stores_a_first_generation_number_in_its_18_digit_form_and_says_so(api, people, zhuzhou, category):
    body = api_body(zhuzhou, category, [EIGHTEEN])
    body["parties"][0]["id_number"] = "４３０２２１\u3000６２０７０１\u3000３３４"
    response = api(people.clerk).post("/api/v1/cases/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["notices"] == [
        {
            "field": "parties[0].id_number",
            "code": "id_converted",
            "message": f"15位身份证号码已转换为18位:{EIGHTEEN[:6]}********{EIGHTEEN[-4:]}",
        }
    ]
    assert Party.objects.get().id_number == EIGHTEEN


def test_the_intake_form_stores_a_first_generation_number_in_its_18_digit_form_and_says_so(
    client, people, zhuzhou, category
):
    client.force_login(people.clerk)
    good = with_check_digit("43021119850315001")
    data = form_data(zhuzhou, category, [good, EIGHTEEN])
    data["parties-1-id_number"] = FIRST_GENERATION
    response = client.post(reverse("case-new"), data, follow=True)
    assert response.status_code == 200
    assert f"当***:15位身份证号码已转换为18位:{EIGHTEEN[:6]}********{EIGHTEEN[-4:]}" in response.content.decode()
    assert sorted(Party.objects.values_list("id_number", flat=True)) == sorted([good, EIGHTEEN])
