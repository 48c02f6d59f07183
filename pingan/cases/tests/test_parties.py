"""The parties' basic details (当事人基本情况): what the ID number gives, what a clerk types, and what the
case page shows masked."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from stdnum.cn import ric

from conftest import GOOD_ID, mediate
from pingan.cases.choices import Ethnicity
from pingan.cases.models import Case, Party
from pingan.cases.services import case_register, party_edit_token, party_update
from pingan.core.errors import ApplicationError
from pingan.core.models import AuditLog
from pingan.core.testing import with_check_digit
from pingan.core.validators import id_check_digit

# GB/T 3304-1991 《中国各民族名称的罗马字母拼写法和代码》, codes 01-56 in the standard's order (36 毛南族
# and 46 德昂族 under the names in force since 1986 and 1985).
GB_T_3304 = [
    "汉族",
    "蒙古族",
    "回族",
    "藏族",
    "维吾尔族",
    "苗族",
    "彝族",
    "壮族",
    "布依族",
    "朝鲜族",
    "满族",
    "侗族",
    "瑶族",
    "白族",
    "土家族",
    "哈尼族",
    "哈萨克族",
    "傣族",
    "黎族",
    "傈僳族",
    "佤族",
    "畲族",
    "高山族",
    "拉祜族",
    "水族",
    "东乡族",
    "纳西族",
    "景颇族",
    "柯尔克孜族",
    "土族",
    "达斡尔族",
    "仫佬族",
    "羌族",
    "布朗族",
    "撒拉族",
    "毛南族",
    "仡佬族",
    "锡伯族",
    "阿昌族",
    "普米族",
    "塔吉克族",
    "怒族",
    "乌孜别克族",
    "俄罗斯族",
    "鄂温克族",
    "德昂族",
    "保安族",
    "裕固族",
    "京族",
    "塔塔尔族",
    "独龙族",
    "鄂伦春族",
    "赫哲族",
    "门巴族",
    "珞巴族",
    "基诺族",
]


# A valid number: the GB 11643-1999 check digit computed by the standard's formula, not by the code under test.
id_number = with_check_digit


def register(people, zhuzhou, category, **party):
    return case_register(
        actor=people.clerk,
        kind="dispute",
        category=category,
        title="邻里纠纷",
        description="双方因噪音发生争执。",
        channel="visit",
        region=zhuzhou.songshan,
        parties=[{"name": "张三", "role": "applicant", **party}],
    )


def test_ethnic_groups_are_the_56_of_gb_t_3304():
    assert [(f"{n:02d}", name) for n, name in enumerate(GB_T_3304, start=1)] == [
        (value, str(label)) for value, label in Ethnicity.choices
    ]


def test_the_helper_agrees_with_the_standards_example():
    assert id_number("11010519491231002") == "11010519491231002X"  # GB 11643-1999's own example
    assert id_check_digit("43021119850315001") == id_number("43021119850315001")[-1]


@pytest.mark.parametrize(
    ("first17", "gender", "born"),
    [
        ("11010519491231002", "2", datetime.date(1949, 12, 31)),  # the standard's example: 17th digit 2 → 女
        ("43020219900701003", "1", datetime.date(1990, 7, 1)),  # 3 → 男
        ("43022120000229004", "2", datetime.date(2000, 2, 29)),  # 株洲县 (abolished 2018), a leap day
    ],
)
def test_gender_and_birth_date_come_from_the_id_number(people, zhuzhou, category, first17, gender, born):
    number = id_number(first17)
    party = register(people, zhuzhou, category, id_number=number).parties.get()
    assert (party.gender, party.birth_date) == (gender, born)
    assert ric.get_birth_date(number) == born  # python-stdnum reads the same digits


def test_a_typed_gender_or_birth_date_that_contradicts_the_id_number_is_refused(people, zhuzhou, category):
    with pytest.raises(ApplicationError) as refused:
        register(people, zhuzhou, category, id_number=GOOD_ID, gender="2", birth_date="1985-03-16")
    assert "性别与身份证号码不符" in refused.value.fields["parties[0].gender"][0]
    assert "出生日期与身份证号码不符" in refused.value.fields["parties[0].birth_date"][0]
    assert not Case.objects.exists()


def test_a_typed_gender_that_agrees_is_kept(people, zhuzhou, category):
    party = register(people, zhuzhou, category, id_number=GOOD_ID, gender="1").parties.get()
    assert party.gender == "1" and party.birth_date == datetime.date(1985, 3, 15)


def test_without_an_id_number_the_typed_details_are_kept(people, zhuzhou, category):
    details = {"gender": "2", "birth_date": "1990-07-01", "ethnicity": "15", "occupation": "教师", "employer": "某小学"}
    case = register(people, zhuzhou, category, **details)
    party = case.parties.get()
    assert (party.gender, party.birth_date, party.ethnicity, party.occupation, party.employer) == (
        "2",
        datetime.date(1990, 7, 1),
        "15",
        "教师",
        "某小学",
    )


@pytest.mark.parametrize(
    ("party", "field"),
    [
        ({"gender": "男"}, "gender"),
        ({"ethnicity": "57"}, "ethnicity"),
        ({"birth_date": "1990-02-30"}, "birth_date"),
        ({"birth_date": "2999-01-01"}, "birth_date"),
        ({"party_type": "organization", "gender": "1"}, "gender"),
        ({"legal_representative": "王五"}, "legal_representative"),
        ({"party_type": "club"}, "party_type"),
    ],
)
def test_bad_details_are_refused_in_chinese(people, zhuzhou, category, party, field):
    with pytest.raises(ApplicationError) as refused:
        register(people, zhuzhou, category, **party)
    message = refused.value.fields[f"parties[0].{field}"][0]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message)
    assert not Party.objects.exists()


@pytest.mark.parametrize(
    ("born", "on", "years"),
    [
        # 周岁 by the calendar: a year more on each birthday; 29 February birthdays come on 1 March.
        (datetime.date(1985, 3, 15), datetime.date(2026, 3, 14), 40),
        (datetime.date(1985, 3, 15), datetime.date(2026, 3, 15), 41),
        (datetime.date(2000, 2, 29), datetime.date(2025, 2, 28), 24),
        (datetime.date(2000, 2, 29), datetime.date(2025, 3, 1), 25),
        (datetime.date(2000, 2, 29), datetime.date(2028, 2, 29), 28),
    ],
)
def test_age_on_a_day(born, on, years):
    assert Party(birth_date=born).age_on(on) == years


def test_api_refuses_a_contradicting_gender_with_the_field_path(api, people, zhuzhou, category):
    client = api(people.clerk)
    response = client.post(
        "/api/v1/cases/",
        {
            "kind": "dispute",
            "category": category.code,
            "title": "邻里纠纷",
            "description": "双方因噪音发生争执。",
            "channel": "visit",
            "region": zhuzhou.songshan.code,
            "parties": [{"name": "张三", "id_number": GOOD_ID, "gender": "2", "ethnicity": "01"}],
        },
        format="json",
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert "性别与身份证号码不符" in error["fields"]["parties[0].gender"][0]
    assert not Case.objects.exists()


def test_intake_form_takes_the_details_and_shows_a_contradiction_on_the_row(client, people, zhuzhou, category):
    client.force_login(people.clerk)
    data = {
        "kind": "dispute",
        "category": category.pk,
        "title": "邻里纠纷",
        "description": "双方因噪音发生争执。",
        "channel": "visit",
        "urgency": "normal",
        "region": zhuzhou.songshan.code,
        "parties-TOTAL_FORMS": "1",
        "parties-INITIAL_FORMS": "0",
        "parties-MIN_NUM_FORMS": "1",
        "parties-MAX_NUM_FORMS": "50",
        "parties-0-name": "张三",
        "parties-0-role": "applicant",
        "parties-0-id_number": GOOD_ID,
        "parties-0-gender": "2",
        "parties-0-ethnicity": "01",
    }
    response = client.post(reverse("case-new"), data)
    assert response.status_code == 400
    assert "性别与身份证号码不符" in response.content.decode()
    response = client.post(reverse("case-new"), {**data, "parties-0-gender": "", "parties-0-occupation": "司机"})
    assert response.status_code == 302
    party = Party.objects.get()
    assert (party.gender, party.ethnicity, party.occupation) == ("1", "01", "司机")


def test_case_page_shows_gender_age_and_occupation_but_not_the_rest_until_unmasked(client, dispute, people):
    client.force_login(people.clerk)
    page = client.get(reverse("case-detail", args=[dispute.pk])).content.decode()
    assert "性别:男" in page and "职业:个体工商户" in page and "年龄:" in page
    assert "汉族" not in page and "1985-03-15" not in page and "某物业服务有限公司" not in page
    full = client.post(reverse("case-unmask", args=[dispute.pk]), {"reason": "安排调解"}).content.decode()
    assert "汉族" in full and "1985-03-15" in full and "某物业服务有限公司" in full


# --- completing or correcting a party (补充/更正) -----------------------------------------------------


def test_the_mediator_completes_a_party_through_the_api(api, dispute, people):
    case = mediate(dispute, people)
    respondent = case.parties.get(role="respondent")
    client = api(people.mediator)
    url = f"/api/v1/cases/{case.pk}/parties/{respondent.pk}/"
    refused = client.patch(url, {"id_number": GOOD_ID, "gender": "2"}, format="json")
    assert refused.status_code == 400
    assert "性别与身份证号码不符" in refused.json()["error"]["fields"]["gender"][0]
    response = client.patch(url, {"id_number": GOOD_ID, "occupation": "退休"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    # A new ID number brings its own gender and birth date; what was not sent stays.
    assert (body["gender"], body["birth_date"], body["occupation"]) == ("1", "1985-03-15", "退休")
    assert body["ethnicity"] == "15" and body["employer"] == "株洲市天元区某物业服务有限公司"
    entry = AuditLog.objects.filter(action="update", object_id=str(respondent.pk)).get()
    assert set(entry.changes["fields"]) == {"id_number", "gender", "birth_date", "occupation"}
    assert GOOD_ID not in str(entry.changes)


def test_only_those_who_work_the_case_may_correct_it(api, dispute, people):
    party = dispute.parties.first()
    url = f"/api/v1/cases/{dispute.pk}/parties/{party.pk}/"
    assert api(people.hetang_clerk).patch(url, {"occupation": "司机"}, format="json").status_code == 404
    assert api(people.leader).patch(url, {"occupation": "司机"}, format="json").status_code == 403
    other = f"/api/v1/cases/{dispute.pk}/parties/{party.pk + 100}/"
    assert api(people.clerk).patch(other, {"occupation": "司机"}, format="json").status_code == 404
    party.refresh_from_db()
    assert party.occupation == "个体工商户"


def test_the_edit_page_is_logged_and_saves(client, dispute, people):
    applicant = dispute.parties.get(role="applicant")
    client.force_login(people.clerk)
    url = reverse("case-party-edit", args=[dispute.pk, applicant.pk])
    page = client.get(url)
    assert page.status_code == 200 and GOOD_ID in page.content.decode()
    assert AuditLog.objects.filter(action="view_personal", object_id=str(applicant.pk)).exists()
    data = {
        "name": "张三",
        "party_type": "person",
        "id_number": GOOD_ID,
        "phone": "13800138000",
        "address": "株洲市天元区泰山路88号3栋201室",
        "gender": "",
        "ethnicity": "03",
        "occupation": "厨师",
    }
    assert client.post(url, {**data, "gender": "2"}).status_code == 400
    response = client.post(url, data)
    assert response.status_code == 302
    applicant.refresh_from_db()
    assert (applicant.gender, applicant.ethnicity, applicant.occupation) == ("1", "03", "厨师")


# --- edits of a stale copy (core.concurrency) ---------------------------------------------------------


def test_a_party_form_opened_before_another_correction_is_refused_with_409(client, dispute, people):
    applicant = dispute.parties.get(role="applicant")
    client.force_login(people.clerk)
    url = reverse("case-party-edit", args=[dispute.pk, applicant.pk])
    page = client.get(url).content.decode()
    token = re.search(r'name="edit_token" value="([0-9a-f]+)"', page)
    assert token
    party_update(case=dispute, actor=people.head, party_id=applicant.pk, data={"phone": "13900001111"})
    data = {
        "edit_token": token.group(1),
        "name": "张三",
        "party_type": "person",
        "id_number": GOOD_ID,
        "phone": "13800138000",  # the old copy's phone, which the head has just corrected
        "address": "株洲市天元区泰山路88号3栋201室",
        "ethnicity": "01",
        "occupation": "厨师",
    }
    response = client.post(url, data)
    assert response.status_code == 409 and "其他人已修改了联系电话" in response.content.decode()
    applicant.refresh_from_db()
    assert (applicant.phone, applicant.occupation) == ("13900001111", "个体工商户")


def test_the_party_api_takes_the_edit_token_as_if_match(api, dispute, people):
    applicant = dispute.parties.get(role="applicant")
    client = api(people.clerk)
    [copy] = [
        p
        for p in client.post(f"/api/v1/cases/{dispute.pk}/unmask/", {"reason": "核对当事人信息"}, format="json").json()
        if p["id"] == applicant.pk
    ]
    party_update(case=dispute, actor=people.head, party_id=applicant.pk, data={"occupation": "司机"})
    url = f"/api/v1/cases/{dispute.pk}/parties/{applicant.pk}/"
    stale = client.patch(url, {"phone": "13900002222"}, format="json", HTTP_IF_MATCH=f'"{copy["edit_token"]}"')
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "stale_edit" and set(stale.json()["error"]["fields"]) == {"occupation"}
    fresh = client.patch(
        url,
        {"phone": "13900002222"},
        format="json",
        HTTP_IF_MATCH=f'"{party_edit_token(Party.objects.get(pk=applicant.pk))}"',
    )
    assert fresh.status_code == 200 and fresh["ETag"]
