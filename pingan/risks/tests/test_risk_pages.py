"""The done-means path through the pages (the engine's case detail with the risk's panels and actions):
raise a risk on the form, score it red, plan from a template, dispose with evidence, review, sign-off
refused to its author and given above, an improvement saved as a template; a stage skip refused."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pingan.cases.models import Case
from pingan.risks.models import Risk, RiskPlanTemplate, RiskPlanTemplateTask, RiskTask

from .conftest import PNG


@pytest.fixture
def template(db):
    template = RiskPlanTemplate.objects.create(name="网络舆情风险处置预案")
    RiskPlanTemplateTask.objects.create(
        template=template, stage="disposal", title="发布权威信息", due_in_days=1, required_evidence="通报截图"
    )
    return template


def form(zhuzhou, **changes):
    return {
        "title": "某企业欠薪引发网络舆情风险",
        "category": "risk_cyber",
        "source": "public_opinion",
        "description": "网上出现欠薪维权帖,转发量快速上升",
        "likelihood": "4",
        "impact": "5",
        "region": zhuzhou.songshan.code,
        "owner_org": zhuzhou.songshan_centre.code,
        # The people involved: the engine's party rows (two here, the second blank and not saved).
        "parties-TOTAL_FORMS": "2",
        "parties-INITIAL_FORMS": "0",
        "parties-MIN_NUM_FORMS": "0",
        "parties-MAX_NUM_FORMS": "50",
        "parties-0-name": "李四",
        "parties-0-role": "applicant",
        "parties-0-phone": "13900139000",
        "parties-1-role": "applicant",
        **changes,
    }


def act(client, case, action, **data):
    return client.post(reverse("case-action", args=[case.pk, action]), data)


def walk_the_loop(client, case, people, template, *, signed_level):
    """From 预见 to 已闭环 on the detail page's actions, as the clerk (the review signed by the district)."""
    skipped = act(client, case, "start_summary")
    assert skipped.status_code == 409 and "不能执行“进入总结”" in skipped.content.decode()

    assert act(client, case, "start_response").status_code == 302
    assert act(client, case, "apply_template", template=template.pk).status_code == 302
    assert act(client, case, "start_disposal").status_code == 302
    task = RiskTask.objects.get()
    refused = act(client, case, "record_task", task=task.pk, record="已发布通报", complete="true")
    assert refused.status_code == 400 and "通报截图" in refused.content.decode()
    upload = client.post(
        reverse("case-attachment-upload", args=[case.pk]),
        {"files": SimpleUploadedFile("通报.png", PNG, content_type="image/png")},
    )
    assert upload.status_code == 302
    evidence = case.attachments.get()
    # The record form ticks the risk's files (no ids to type), and a task's unit is chosen from a list.
    disposing = client.get(reverse("case-detail", args=[case.pk])).content.decode()
    assert f'type="checkbox" name="evidence" value="{evidence.pk}"' in disposing
    assert '<select name="owner_org"' in disposing and "天元区综治中心(天元区)" in disposing
    done = act(
        client, case, "record_task", task=task.pk, record="已发布通报", evidence=str(evidence.pk), complete="true"
    )
    assert done.status_code == 302
    page = client.get(reverse("case-detail", args=[case.pk])).content.decode()
    assert "通报.png" in page and "请重新评估风险等级" in page  # the evidence, and the re-score prompt
    act(client, case, "score", likelihood="3", impact="3")
    act(client, case, "set_residual", likelihood="1", impact="2")
    assert act(client, case, "start_summary").status_code == 302
    act(client, case, "write_review", worked="快速发布权威信息", failed="监测发现偏晚")

    own = client.get(reverse("case-detail", args=[case.pk])).content.decode()
    assert 'data-action="sign_off"' not in own  # not to its author
    assert act(client, case, "sign_off").status_code == 409

    client.force_login(people.district_clerk)
    above = client.get(reverse("case-detail", args=[case.pk])).content.decode()
    assert 'data-action="sign_off"' in above
    assert act(client, case, "sign_off", comment="同意").status_code == 302
    signed = client.get(reverse("case-detail", args=[case.pk])).content.decode()
    assert "已签批" in signed and "天元区综治中心" in signed and f"签批时:风险等级 {signed_level}" in signed

    client.force_login(people.clerk)
    assert act(client, case, "start_improvement").status_code == 302
    act(client, case, "add_improvement", title="建立欠薪舆情联动处置机制", due_date="2026-11-30")
    measure = RiskTask.objects.get(stage="improvement")
    saved = act(client, case, "complete_improvement", task=measure.pk, record="已建立", save_as="template")
    assert saved.status_code == 302
    assert RiskPlanTemplate.objects.filter(name="建立欠薪舆情联动处置机制").exists()
    assert act(client, case, "close_loop").status_code == 302
    assert Case.objects.get(pk=case.pk).status == "closed"


def test_the_whole_loop_through_the_pages(client, zhuzhou, people, template):
    client.force_login(people.clerk)
    page = client.get(reverse("risk-new"))
    assert page.status_code == 200 and "几乎肯定" in page.content.decode()  # the matrix's labels
    created = client.post(reverse("risk-new"), form(zhuzhou))
    case = Case.objects.get(kind="risk")
    assert created.status_code == 302 and created["Location"] == reverse("case-detail", args=[case.pk])
    assert case.risk.level == "red"  # 4×5 = 20

    detail = client.get(reverse("case-detail", args=[case.pk])).content.decode()
    for part in ('id="risk-score"', 'class="table table-sm table-bordered', 'id="risk-tasks"', 'id="risk-history"'):
        assert part in detail
    assert "李*" in detail and "13900139000" not in detail  # the person involved, masked
    assert 'data-action="start_response"' in detail and 'data-action="start_summary"' not in detail

    walk_the_loop(client, case, people, template, signed_level="黄色(一般)")


def test_the_done_means_path_from_a_dispute_through_the_pages(client, people, template, dispute):
    """Issue 10's path on the pages: a risk raised from a dispute in one step (群体性, 涉稳; 5 × 4 → 红), then
    planned from a template, disposed of with evidence, reviewed, signed off above its author, an improvement
    saved as a template, the loop closed; a skipped stage refused on the way (walk_the_loop)."""
    client.force_login(people.clerk)
    raised = client.post(
        reverse("risk-raise", args=[dispute.pk]),
        {"signs": ["crowd", "stability"], "category": "risk_public_order", "likelihood": "5", "impact": "4"},
    )
    assert raised.status_code == 302
    case = Case.objects.get(kind="risk")
    assert case.parent == dispute and case.risk.level == "red"
    assert case.number in client.get(reverse("case-detail", args=[dispute.pk])).content.decode()
    walk_the_loop(client, case, people, template, signed_level="黄色(一般)")
    assert dispute.children.get().status == "closed"


def test_the_register_filters_and_fits_a_phone(client, zhuzhou, people, raise_risk):
    raise_risk(title="红色风险甲", likelihood=5, impact=5)
    raise_risk(title="蓝色风险乙", likelihood=1, impact=1)
    client.force_login(people.clerk)
    page = client.get(reverse("risk-list"), {"level": "red"}).content.decode()
    assert "红色风险甲" in page and "蓝色风险乙" not in page
    assert "table-responsive" in page and "risk-cards" in page  # cards on a 390 px phone, a table from md up
    bad = client.get(reverse("risk-list"), {"region": "999999"}).content.decode()
    assert "筛选条件有误" in bad and "红色风险甲" not in bad


def test_the_new_risk_form_refuses_bad_input_and_writes_nothing(client, zhuzhou, people):
    client.force_login(people.clerk)
    response = client.post(reverse("risk-new"), form(zhuzhou, owner_org="C430202"))
    assert response.status_code == 400 and "责任单位不在您的辖区内" in response.content.decode()
    response = client.post(reverse("risk-new"), form(zhuzhou, likelihood="9"))
    assert response.status_code == 400
    response = client.post(reverse("risk-new"), form(zhuzhou, **{"parties-0-phone": "123"}))
    assert response.status_code == 400
    assert not Risk.objects.exists() and not Case.objects.filter(kind="risk").exists()


def test_another_county_gets_404(client, people, raise_risk):
    case = raise_risk()
    client.force_login(people.hetang_clerk)
    assert client.get(reverse("case-detail", args=[case.pk])).status_code == 404
    assert "某小区业主" not in client.get(reverse("risk-list")).content.decode()


def test_the_new_risk_form_takes_several_people_involved(client, zhuzhou, people):
    """A 群体性 risk names more than one person: the engine's party rows, stored encrypted, shown masked; a bad
    phone is shown on its row and nothing is written."""
    client.force_login(people.clerk)
    more = {
        "parties-TOTAL_FORMS": "3",
        "parties-2-name": "王五",
        "parties-2-role": "respondent",
        "parties-2-id_number": "11010519491231002X",  # GB 11643-1999's own example number
    }
    bad = client.post(reverse("risk-new"), form(zhuzhou, **more, **{"parties-2-phone": "12345"}))
    assert bad.status_code == 400 and not Case.objects.filter(kind="risk").exists()
    assert 'name="parties-2-phone"' in bad.content.decode() and "is-invalid" in bad.content.decode()
    created = client.post(reverse("risk-new"), form(zhuzhou, **more))
    assert created.status_code == 302
    case = Case.objects.get(kind="risk")
    assert sorted(p.name for p in case.parties.all()) == ["李四", "王五"]
    page = client.get(reverse("case-detail", args=[case.pk])).content.decode()
    assert "李*" in page and "王*" in page and "11010519491231002X" not in page and "13900139000" not in page
