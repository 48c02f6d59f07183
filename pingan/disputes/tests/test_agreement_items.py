"""Concluding with an agreement records what 人民调解法 第二十九条 asks of the 调解协议书, and refuses
when something is missing; mediation sessions are dated between registration and now."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from conftest import agreement_data, mediate, register_dispute
from pingan.cases.models import Party
from pingan.cases.services import case_register, case_transition, party_update
from pingan.core.errors import ApplicationError
from pingan.disputes.choices import DisputeState
from pingan.disputes.documents import agreement_docx
from pingan.disputes.models import MediationResult
from pingan.disputes.tests.test_documents import docx_text

SHANGHAI = ZoneInfo("Asia/Shanghai")
ADDRESS = {"address": "株洲市天元区泰山路88号3栋101室"}
# 23:30 on the last day of a month and a year in Zhuzhou: local dates must not slip to the UTC day.
NOW = datetime.datetime(2026, 12, 31, 23, 30, tzinfo=SHANGHAI)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def mediating(clock, zhuzhou, people, category):
    return mediate(register_dispute(zhuzhou, people, category), people)


def conclude(case, people, **changes):
    return case_transition(case=case, actor=people.mediator, action="conclude", data=agreement_data(case, **changes))


def test_a_party_without_the_basic_details_stops_the_agreement(mediating, people):
    Party.objects.filter(role="respondent").update(ethnicity="", employer="")
    with pytest.raises(ApplicationError) as refused:
        conclude(mediating, people)
    assert refused.value.fields["parties"] == [
        "调解协议书须载明当事人的基本情况,请先补充:被申请人李*缺少民族、住址或工作单位"
    ]
    mediating.refresh_from_db()
    assert mediating.status == DisputeState.MEDIATING and not MediationResult.objects.exists()
    # The mediator completes the record (补充当事人信息) and concludes.
    respondent = mediating.parties.get(role="respondent")
    party_update(case=mediating, actor=people.mediator, party_id=respondent.pk, data={"ethnicity": "01"} | ADDRESS)
    assert conclude(mediating, people).status == DisputeState.CONCLUDED


def test_each_party_needs_a_responsibility(mediating, people):
    applicant = mediating.parties.get(role="applicant")
    with pytest.raises(ApplicationError) as refused:
        conclude(mediating, people, responsibilities={str(applicant.pk): "无责任。"})
    assert refused.value.fields["responsibilities"] == ["请填写被申请人李*的责任"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"disputed_matters": ""}, "disputed_matters", "调解成功须填写争议事项"),
        ({"performance_method": ""}, "performance_method", "调解成功须选择履行方式"),
        ({"performance_deadline": None}, "performance_deadline", "请填写履行期限"),
        ({"performance_deadline": "2026-12-30"}, "performance_deadline", "履行期限不能早于今天"),
        (
            {"performance_method": "other", "performance_detail": ""},
            "performance_detail",
            "选择“其他方式”时须说明履行方式",
        ),
        (
            {"performance_method": "instalments", "instalments": "2027-01-31 3000"},
            "instalments",
            "分期履行须填写至少两期",
        ),
        (
            {"performance_method": "instalments", "instalments": "2027-02-28 1000\n2027-01-31 2000"},
            "instalments",
            "各期日期应按先后顺序排列",
        ),
        (
            {"performance_method": "instalments", "instalments": "2027-01-31 1000\n2027-02-28 1000"},
            "instalments",
            "各期金额合计 2000.00 元,与涉及金额 3000.00 元不符",
        ),
    ],
)
def test_the_method_and_term_of_performance_are_checked(mediating, people, changes, field, message):
    with pytest.raises(ApplicationError) as refused:
        conclude(mediating, people, **changes)
    assert message in refused.value.fields[field][0]
    assert not MediationResult.objects.exists()


def test_an_instalment_schedule_is_stated_in_the_agreement(mediating, people):
    # Entered as a clerk types it: one line per instalment, dates in order, amounts adding up to 3000.
    case = conclude(
        mediating, people, performance_method="instalments", instalments="2027-01-31 1000\n2027-02-28 2000元"
    )
    mediation = case.mediation
    assert mediation.instalments == [
        {"due": "2027-01-31", "amount": "1000.00"},
        {"due": "2027-02-28", "amount": "2000.00"},
    ]
    assert mediation.performance_deadline == datetime.date(2027, 2, 28)
    text = docx_text(agreement_docx(case))
    assert "履行方式:分期履行" in text and "履行期限:分二期履行," in text
    assert "第一期:2027年1月31日前,人民币1,000.00元;" in text and "第二期:2027年2月28日前,人民币2,000.00元;" in text


def test_immediate_performance_has_no_term_to_wait_for(mediating, people):
    case = conclude(mediating, people, performance_method="immediate", performance_deadline=None)
    assert case.mediation.performance_deadline is None
    assert "履行期限:本协议签订时当场履行完毕。" in docx_text(agreement_docx(case))


def test_an_organisation_and_a_reporter(clock, zhuzhou, people, category):
    """An organisation states 名称、住所、法定代表人; a 反映人 is no party to the agreement: two copies for the
    parties plus one for the committee make 一式三份."""
    case = case_register(
        actor=people.clerk,
        kind="dispute",
        category=category,
        title="物业纠纷",
        description="物业公司停水三日。",
        channel="visit",
        region=zhuzhou.songshan,
        parties=[
            {"name": "赵敏", "role": "applicant", "gender": "2", "birth_date": "1988-05-04", "ethnicity": "01"}
            | {"address": "泰山路1号"},
            {"name": "株洲某物业服务有限公司", "role": "respondent", "party_type": "organization"}
            | {"address": "株洲市天元区泰山路2号", "legal_representative": "钱七", "phone": "0731-22880001"},
            {"name": "孙八", "role": "reporter"},
        ],
    )
    case = mediate(case, people)
    agreement = agreement_data(case)
    reporter = case.parties.get(role="reporter")
    del agreement["responsibilities"][str(reporter.pk)]
    case = case_transition(case=case, actor=people.mediator, action="conclude", data=agreement)
    text = docx_text(agreement_docx(case))
    assert "被申请人:株洲某物业服务有限公司,住所:株洲市天元区泰山路2号,法定代表人:钱七,联系电话:0731-22880001。" in text
    assert "申请人:赵敏,女,1988年5月4日出生,38岁,汉族,住泰山路1号。" in text
    assert "孙八" not in text
    assert "本协议一式三份" in text


# --- session dates ------------------------------------------------------------------------------------


@pytest.fixture
def with_mediator(clock, zhuzhou, people, category):
    """Registered at NOW − 2 days, accepted and given to the mediator."""
    clock.move_to(NOW - datetime.timedelta(days=2))
    case = register_dispute(zhuzhou, people, category)
    case = case_transition(case=case, actor=people.clerk, action="accept")
    case = case_transition(
        case=case, actor=people.clerk, action="assign_mediator", data={"mediator": people.mediator.username}
    )
    clock.move_to(NOW)
    return case


SESSION = {"place": "调解室", "attendees": "张三、李四", "notes": "双方陈述。"}
BAD_TIMES = [
    (NOW - datetime.timedelta(days=3), "调解时间不能早于案件登记时间(2026-12-29 23:30)"),
    (NOW + datetime.timedelta(minutes=5), "调解时间不能晚于现在"),
]


@pytest.mark.parametrize(("held_at", "message"), BAD_TIMES)
def test_a_session_before_registration_or_in_the_future_is_refused_in_the_form(
    client, with_mediator, people, held_at, message
):
    client.force_login(people.mediator)
    url = reverse("case-action", args=[with_mediator.pk, "record_session"])
    response = client.post(url, {**SESSION, "held_at": held_at.strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not with_mediator.sessions.exists()


@pytest.mark.parametrize(("held_at", "message"), BAD_TIMES)
def test_a_session_before_registration_or_in_the_future_is_refused_in_the_api(
    api, with_mediator, people, held_at, message
):
    response = api(people.mediator).post(
        f"/api/v1/cases/{with_mediator.pk}/transitions/",
        {"action": "record_session", "held_at": held_at.isoformat(), **SESSION},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["held_at"] == [message]
    assert not with_mediator.sessions.exists()


def test_a_session_between_registration_and_now_is_recorded(api, with_mediator, people):
    held_at = NOW - datetime.timedelta(days=1)
    response = api(people.mediator).post(
        f"/api/v1/cases/{with_mediator.pk}/transitions/",
        {"action": "record_session", "held_at": held_at.isoformat(), **SESSION},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert with_mediator.sessions.get().held_at == held_at
