"""The mediation agreement (人民调解协议书): what an official document must carry."""

from __future__ import annotations

import io

import pytest
from docx import Document

from conftest import GOOD_ID, mediate_to_agreement, mediate_to_failure
from pingan.core.errors import NotFoundError
from pingan.disputes.documents import agreement_docx, agreement_filename, numbered_terms


def docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    paragraphs = [p.text for p in document.paragraphs]
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(paragraphs + cells)


@pytest.fixture
def agreed(dispute, people):
    return mediate_to_agreement(dispute, people)


def test_agreement_carries_parties_terms_number_and_signature_lines(agreed):
    text = docx_text(agreement_docx(agreed))
    assert "人民调解协议书" in text
    assert agreed.mediation.agreement_number in text
    assert "嵩山路街道人民调解委员会" in text  # the mediator's committee, not the case's centre
    assert "张三" in text and "李四" in text
    assert GOOD_ID in text  # the official document shows the ID number in full
    assert "13800138000" in text and "0731-22880000" in text
    assert "楼上卫生间漏水导致楼下天花板受损" in text
    assert "一、李四于十日内赔偿张三维修费用人民币3000元。" in text
    assert "申请人 张三(签名/盖章)" in text and "被申请人 李四(签名/盖章)" in text
    assert "调解员签名" in text and "王调解" in text
    assert "(印章)" in text
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
