"""The mediation agreement (人民调解协议书): what an official document must carry."""

from __future__ import annotations

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from docx import Document

from conftest import GOOD_ID, mediate_to_agreement, mediate_to_failure, register_dispute
from pingan.core.errors import NotFoundError
from pingan.disputes.documents import agreement_docx, agreement_filename, numbered_terms


def docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    paragraphs = [p.text for p in document.paragraphs]
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(paragraphs + cells)


# 10:00 in Zhuzhou on 20 November 2026: the day the agreement is signed, for the ages it states.
SIGNED = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def agreed(people, zhuzhou, category):
    with time_machine.travel(SIGNED, tick=False):
        case = register_dispute(zhuzhou, people, category)
        return mediate_to_agreement(case, people)


def age(born: datetime.date, on: datetime.date) -> int:
    """周岁: whole years lived; computed here from the calendar, not by the code under test."""
    return on.year - born.year - (1 if (on.month, on.day) < (born.month, born.day) else 0)


def test_agreement_carries_every_item_of_article_29(agreed):
    """《中华人民共和国人民调解法》(2010年8月28日 主席令第三十四号) 第二十九条: 调解协议书可以载明下列事项:
    (一)当事人的基本情况;(二)纠纷的主要事实、争议事项以及各方当事人的责任;(三)当事人达成调解协议的内容,
    履行的方式、期限。调解协议书自各方当事人签名、盖章或者按指印,人民调解员签名并加盖人民调解委员会印章之日
    起生效。调解协议书由当事人各执一份,人民调解委员会留存一份。
    The basic details of a person as the 司法部 model agreement lists them: 姓名、性别、年龄(出生日期)、民族、
    职业、单位或住址 (and 联系方式)."""
    text = docx_text(agreement_docx(agreed))
    signed_on = SIGNED.date()

    # (一) 当事人的基本情况. 张三's gender and birth date are read here from his ID number by GB 11643-1999:
    # digits 7-14 are the birth date, the 17th digit is odd for a man.
    born = datetime.date(int(GOOD_ID[6:10]), int(GOOD_ID[10:12]), int(GOOD_ID[12:14]))
    gender = "男" if int(GOOD_ID[16]) % 2 else "女"
    assert (
        f"申请人:张三,{gender},{born.year}年{born.month}月{born.day}日出生,{age(born, signed_on)}岁,汉族,"
        f"个体工商户,住株洲市天元区泰山路88号3栋201室,身份证号码:{GOOD_ID},联系电话:13800138000。"
    ) in text
    assert (
        f"被申请人:李四,女,1990年7月1日出生,{age(datetime.date(1990, 7, 1), signed_on)}岁,土家族,"
        "工作单位:株洲市天元区某物业服务有限公司,联系电话:0731-22880000。"
    ) in text

    # (二) 纠纷的主要事实、争议事项以及各方当事人的责任.
    assert "楼上卫生间漏水导致楼下天花板受损,双方就赔偿协商未果。" in text
    assert "争议事项" in text and "楼上漏水造成的天花板维修费用由谁承担。" in text
    assert "申请人张三:无责任。" in text and "被申请人李四:对漏水负全部责任。" in text

    # (三) 协议的内容,履行的方式、期限.
    assert "一、李四于十日内赔偿张三维修费用人民币3000元。" in text
    assert "履行方式:一次性履行" in text and "履行方式说明:银行转账" in text
    due = signed_on + datetime.timedelta(days=10)
    assert f"履行期限:{due.year}年{due.month}月{due.day}日前履行完毕。" in text

    # The effect: signed, sealed or fingerprinted by each party, signed by the mediator, the committee's seal.
    assert "本协议自各方当事人签名、盖章或者按指印,人民调解员签名并加盖人民调解委员会印章之日起生效。" in text
    assert "申请人:张三(签名、盖章或按指印)" in text and "被申请人:李四(签名、盖章或按指印)" in text
    assert "人民调解员(签名):____________(王调解)" in text
    assert "嵩山路街道人民调解委员会(印章)" in text  # the mediator's committee, not the case's centre
    assert f"{signed_on.year}年{signed_on.month}月{signed_on.day}日" in text

    # One copy per party (two here) and one for the committee: 2 + 1 = 三.
    assert "本协议一式三份,当事人各执一份,人民调解委员会留存一份。" in text

    assert "人民调解协议书" in text and agreed.mediation.agreement_number in text
    assert "第三十三条" in text and "司法确认" in text
    assert "{{" not in text and "{%" not in text


def test_party_text_is_escaped_not_interpreted(agreed):
    party = agreed.parties.first()
    party.address = "泰山路<88>号 & 3栋"
    party.save()
    assert "泰山路<88>号 & 3栋" in docx_text(agreement_docx(agreed))


def test_filename_names_the_agreement(agreed):
    assert agreement_filename(agreed) == f"人民调解协议书-{agreed.mediation.agreement_number}.docx"


def test_failed_mediation_has_no_agreement(dispute, people):
    case = mediate_to_failure(dispute, people)
    with pytest.raises(NotFoundError):
        agreement_docx(case)
    with pytest.raises(NotFoundError):
        agreement_filename(case)


def test_unmediated_dispute_has_no_agreement(dispute):
    with pytest.raises(NotFoundError):
        agreement_docx(dispute)


def test_terms_are_numbered_once():
    assert numbered_terms("1、甲付款\n\n(2)乙撤诉\n第三条 双方不再追究") == [
        "一、甲付款",
        "二、乙撤诉",
        "三、双方不再追究",
    ]
