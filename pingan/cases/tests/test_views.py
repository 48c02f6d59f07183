"""The staff web UI: sign-in, workbench, intake, list and export, detail and its actions — always with a
user inside the case's jurisdiction (嵩山路街道) and one outside it (荷塘区)."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from conftest import GOOD_ID, mediate_to_agreement
from pingan.cases.choices import Channel
from pingan.cases.models import Attachment, Case, Notification
from pingan.cases.services import attachment_add, case_register
from pingan.core.models import AuditAction, AuditLog
from pingan.disputes.choices import DisputeState

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def clerk_client(client, people):
    client.force_login(people.clerk)
    return client


@pytest.fixture
def hetang_client(client, people):
    client.force_login(people.hetang_clerk)
    return client


def intake_data(zhuzhou, category, **overrides):
    data = {
        "kind": "dispute",
        "category": category.pk,
        "title": "邻里噪音纠纷",
        "description": "楼下商铺夜间噪音扰民,居民多次协商未果。",
        "channel": Channel.VISIT,
        "urgency": "normal",
        "region": zhuzhou.taishan.code,
        "address": "泰山路12号",
        "lat": "",
        "lng": "",
        "parties-TOTAL_FORMS": "3",
        "parties-INITIAL_FORMS": "0",
        "parties-MIN_NUM_FORMS": "1",
        "parties-MAX_NUM_FORMS": "50",
        "parties-0-name": "王五",
        "parties-0-role": "applicant",
        "parties-0-id_number": GOOD_ID,
        "parties-0-phone": "13800138000",
        "parties-0-address": "泰山路12号2栋",
        "parties-1-name": "赵六",
        "parties-1-role": "respondent",
        "parties-1-id_number": "",
        "parties-1-phone": "",
        "parties-1-address": "",
        "parties-2-name": "",
        "parties-2-role": "applicant",
        "parties-2-id_number": "",
        "parties-2-phone": "",
        "parties-2-address": "",
    }
    data.update(overrides)
    return data


# --- sign-in and workbench -------------------------------------------------------------------------


def test_sign_in_page_renders_in_chinese(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "工作人员登录" in body and 'name="username"' in body
    assert "htmx.min.js" in body and "bootstrap.bundle.min.js" in body
    # Every script carries the nonce of this response's Content-Security-Policy.
    nonces = set(re.findall(r'nonce="([^"]+)"', body))
    assert len(nonces) == 1 and f"'nonce-{nonces.pop()}'" in response["Content-Security-Policy"]


def test_sign_in_and_out(client, people):
    response = client.post(reverse("login"), {"username": "songshan_clerk", "password": "Pingan-test-2022"})
    assert response.status_code == 302 and response.url == reverse("workbench")
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("workbench")).status_code == 302


def test_workbench_requires_sign_in(client, db):
    response = client.get(reverse("workbench"))
    assert response.status_code == 302 and reverse("login") in response.url


def test_workbench_lists_my_case_with_its_light(clerk_client, dispute):
    response = clerk_client.get(reverse("workbench"))
    assert response.status_code == 200
    body = response.content.decode()
    assert dispute.number in body and "楼上漏水纠纷" in body
    assert "正常" in body and "登记案件" in body
    assert response.context["counts"] == {"red": 0, "yellow": 0, "green": 1}


def test_workbench_shows_and_marks_notifications(clerk_client, people, dispute):
    note = Notification.objects.create(
        user=people.clerk, case=dispute, message=f"新案件 {dispute.number} 已分流至本单位"
    )
    assert note.message in clerk_client.get(reverse("workbench")).content.decode()
    response = clerk_client.post(reverse("notification-read", args=[note.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    note.refresh_from_db()
    assert note.read_at is not None


def test_workbench_shows_extension_to_decide_for_the_centre_head(client, people, dispute):
    from pingan.cases.services import case_transition

    case_transition(case=dispute, actor=people.clerk, action="accept")
    case_transition(
        case=dispute,
        actor=people.clerk,
        action="request_extension",
        data={"amount": 3, "comment": "当事人外出务工,需等待返回"},
    )
    client.force_login(people.head)
    body = client.get(reverse("workbench")).content.decode()
    assert "待审批的延期申请" in body and dispute.number in body


# --- intake ----------------------------------------------------------------------------------------


def test_intake_form_renders_regions_of_my_jurisdiction(clerk_client, zhuzhou, category):
    response = clerk_client.get(reverse("case-new"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "泰山社区" in body and "嵩山路街道" in body
    assert "月塘社区" not in body  # 荷塘区 is not mine


def test_intake_registers_a_dispute_and_redirects(clerk_client, zhuzhou, category):
    upload = SimpleUploadedFile("现场.png", PNG, content_type="image/png")
    data = intake_data(zhuzhou, category, attachments=upload)
    response = clerk_client.post(reverse("case-new"), data)
    assert response.status_code == 302
    case = Case.objects.get(title="邻里噪音纠纷")
    assert response.url == reverse("case-detail", args=[case.pk])
    assert [p.name for p in case.parties.all()] == ["王五", "赵六"]
    assert case.attachments.count() == 1
    page = clerk_client.get(response.url)
    body = page.content.decode()
    assert f"已登记,编号 {case.number},已分流至 {case.assigned_org.name}" in body


def test_intake_with_a_bad_id_number_rerenders_with_the_error_and_creates_nothing(clerk_client, zhuzhou, category):
    data = intake_data(zhuzhou, category, **{"parties-1-id_number": "430211198503150010"})
    response = clerk_client.post(reverse("case-new"), data)
    assert response.status_code == 400
    assert "身份证号码校验位错误" in response.content.decode()
    formset = response.context["formset"]
    assert formset.forms[1].errors["id_number"]
    assert not Case.objects.filter(title="邻里噪音纠纷").exists()


def test_intake_needs_at_least_one_party(clerk_client, zhuzhou, category):
    data = intake_data(
        zhuzhou,
        category,
        **{
            "parties-0-name": "",
            "parties-0-id_number": "",
            "parties-0-phone": "",
            "parties-0-address": "",
            "parties-1-name": "",
        },
    )
    response = clerk_client.post(reverse("case-new"), data)
    assert response.status_code == 400
    assert not Case.objects.exists()


def test_intake_refuses_a_region_outside_my_jurisdiction(clerk_client, zhuzhou, category):
    response = clerk_client.post(reverse("case-new"), intake_data(zhuzhou, category, region=zhuzhou.yuetang_c.code))
    assert response.status_code == 400
    assert not Case.objects.exists()


def test_a_post_without_intake_is_refused_at_the_door(client, people, zhuzhou, category):
    # The city leader sees 天元区 but holds no intake role: neither the form nor a post, and nothing is created.
    client.force_login(people.leader)
    assert client.get(reverse("case-new")).status_code == 403
    response = client.post(reverse("case-new"), intake_data(zhuzhou, category))
    assert response.status_code == 403
    assert "您的岗位不能登记案件" in response.content.decode()
    assert not Case.objects.exists()


def test_service_errors_land_on_the_right_party_row(people, zhuzhou):
    from pingan.cases.forms import CaseIntakeForm, PartyFormSet
    from pingan.cases.views import place_errors
    from pingan.core.errors import ApplicationError

    form = CaseIntakeForm(data={}, user=people.clerk)
    formset = PartyFormSet(data={"parties-TOTAL_FORMS": "3", "parties-INITIAL_FORMS": "0"}, prefix="parties")
    form.is_valid(), formset.is_valid()
    exc = ApplicationError(
        "x", fields={"parties[1].phone": ["电话号码无效"], "title": ["标题太长"], "parties": ["至少一名"]}
    )
    general = place_errors(exc, form, formset, rows=[0, 2])
    assert formset.forms[2].errors["phone"] == ["电话号码无效"]
    assert "标题太长" in form.errors["title"]
    assert general == ["至少一名"]


# --- list and export -------------------------------------------------------------------------------


def test_list_shows_visible_cases_and_filters(clerk_client, dispute):
    url = reverse("case-list")
    assert dispute.number in clerk_client.get(url).content.decode()
    assert dispute.number in clerk_client.get(url, {"q": "漏水", "light": "green", "kind": "dispute"}).content.decode()
    assert dispute.number in clerk_client.get(url, {"region": "430211004"}).content.decode()
    assert dispute.number not in clerk_client.get(url, {"q": "不存在的标题"}).content.decode()
    assert dispute.number not in clerk_client.get(url, {"light": "red"}).content.decode()
    assert dispute.number not in clerk_client.get(url, {"status": DisputeState.CLOSED}).content.decode()


def test_list_hides_cases_of_another_district(hetang_client, dispute):
    response = hetang_client.get(reverse("case-list"))
    assert response.status_code == 200
    assert dispute.number not in response.content.decode()


def test_list_query_count_does_not_grow_with_rows(
    clerk_client, zhuzhou, people, category, django_assert_max_num_queries
):
    for index in range(30):
        case_register(
            actor=people.clerk,
            kind="dispute",
            category=category,
            title=f"纠纷{index}",
            description="测试",
            channel=Channel.PHONE,
            region=zhuzhou.taishan,
            parties=[{"name": f"当事人{index}", "role": "applicant"}],
        )
    with django_assert_max_num_queries(10):
        response = clerk_client.get(reverse("case-list"), {"kind": "dispute"})
    assert response.status_code == 200
    assert len(response.context["cases"]) == 30


def test_export_gives_masked_xlsx_and_logs(clerk_client, people, dispute):
    response = clerk_client.get(reverse("case-export"), {"q": "漏水"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "案件编号" and len(rows) == 2
    assert rows[1][0] == dispute.number
    parties = rows[1][-1]
    assert isinstance(parties, str) and "张*" in parties and "张三" not in parties
    log = AuditLog.objects.get(action=AuditAction.EXPORT, actor=people.clerk)
    assert log.changes["rows"] == 1 and log.changes["filters"] == {"q": "漏水"}


def test_export_excludes_cases_of_another_district(hetang_client, people, dispute):
    response = hetang_client.get(reverse("case-export"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1  # the header only
    assert AuditLog.objects.get(action=AuditAction.EXPORT, actor=people.hetang_clerk).changes["rows"] == 0


# --- detail and actions ----------------------------------------------------------------------------


def action_buttons(response) -> set[str]:
    return {panel["transition"].action for panel in response.context["panels"]}


def test_detail_shows_masked_parties_and_only_allowed_actions(clerk_client, dispute):
    response = clerk_client.get(reverse("case-detail", args=[dispute.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "张*" in body and "张三" not in body and GOOD_ID not in body
    assert "待受理" in body and "登记" in body and "自动分流" in body
    actions = action_buttons(response)
    assert "accept" in actions and "dispatch" in actions
    assert "close" not in actions and "verify" not in actions and "conclude" not in actions
    assert 'data-action="accept"' in body and 'data-action="close"' not in body


def test_detail_offers_organisations_to_dispatch_to(clerk_client, zhuzhou, dispute):
    response = clerk_client.get(reverse("case-detail", args=[dispute.pk]))
    dispatch = next(p for p in response.context["panels"] if p["transition"].action == "dispatch")
    codes = [value for value, _label in dispatch["form"].fields["to_org"].widget.choices if value]
    assert zhuzhou.songshan_justice.code in codes and zhuzhou.songshan_centre.code not in codes
    assert zhuzhou.hetang_centre.code not in codes


def test_action_via_post_moves_the_case(clerk_client, dispute):
    response = clerk_client.post(reverse("case-action", args=[dispute.pk, "accept"]), {"comment": "材料齐全"})
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == DisputeState.ACCEPTED
    assert dispute.events.last().comment == "材料齐全"
    assert "已完成“受理”" in clerk_client.get(response.url).content.decode()


def test_action_with_parameters_assigns_the_mediator(clerk_client, people, dispute):
    clerk_client.post(reverse("case-action", args=[dispute.pk, "accept"]))
    response = clerk_client.post(
        reverse("case-action", args=[dispute.pk, "assign_mediator"]), {"mediator": people.mediator.username}
    )
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert dispute.assignee == people.mediator and dispute.status == DisputeState.MEDIATING


def test_illegal_action_answers_409_with_a_message(clerk_client, dispute):
    response = clerk_client.post(reverse("case-action", args=[dispute.pk, "close"]))
    assert response.status_code == 409
    assert "不能执行“结案”" in response.content.decode()
    dispute.refresh_from_db()
    assert dispute.status == DisputeState.REGISTERED


def test_invalid_parameters_answer_400_on_the_form(clerk_client, dispute):
    clerk_client.post(reverse("case-action", args=[dispute.pk, "accept"]))
    response = clerk_client.post(reverse("case-action", args=[dispute.pk, "request_extension"]), {"amount": "0"})
    assert response.status_code == 400
    panel = next(p for p in response.context["panels"] if p["transition"].action == "request_extension")
    assert panel["open"] and panel["form"].errors


def test_unmask_requires_a_reason_and_logs(clerk_client, people, dispute):
    url = reverse("case-unmask", args=[dispute.pk])
    response = clerk_client.post(url, {"reason": ""})
    assert response.status_code == 400
    assert "须填写事由" in response.content.decode() and "张三" not in response.content.decode()
    assert not AuditLog.objects.filter(action=AuditAction.UNMASK).exists()

    response = clerk_client.post(url, {"reason": "电话联系当事人安排调解"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "张三" in body and GOOD_ID in body
    log = AuditLog.objects.get(action=AuditAction.UNMASK, actor=people.clerk)
    assert log.reason == "电话联系当事人安排调解"
    # The full data was shown once: the next page view is masked again.
    assert "张三" not in clerk_client.get(reverse("case-detail", args=[dispute.pk])).content.decode()


def test_unmask_through_htmx_returns_the_fragment(clerk_client, dispute):
    response = clerk_client.post(
        reverse("case-unmask", args=[dispute.pk]), {"reason": "核实身份"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<div class="card mb-3" id="parties">') and "张三" in body


def test_attachment_upload_and_download(clerk_client, people, dispute):
    upload = SimpleUploadedFile("照片.png", PNG, content_type="image/png")
    response = clerk_client.post(reverse("case-attachment-upload", args=[dispute.pk]), {"files": [upload]})
    assert response.status_code == 302
    attachment = Attachment.objects.get(case=dispute)
    response = clerk_client.get(reverse("case-attachment", args=[dispute.pk, attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert AuditLog.objects.filter(action=AuditAction.DOWNLOAD, actor=people.clerk).exists()


def test_attachment_with_wrong_content_is_refused(clerk_client, dispute):
    upload = SimpleUploadedFile("假图片.png", b"not a picture", content_type="image/png")
    response = clerk_client.post(reverse("case-attachment-upload", args=[dispute.pk]), {"files": [upload]})
    assert response.status_code == 400
    assert "内容与扩展名不符" in response.content.decode()


def test_successful_dispute_offers_the_agreement(client, people, dispute):
    pytest.importorskip("pingan.disputes.documents")
    case = mediate_to_agreement(dispute, people)
    client.force_login(people.clerk)
    assert "下载调解协议书" in client.get(reverse("case-detail", args=[case.pk])).content.decode()
    response = client.get(reverse("case-agreement", args=[case.pk]))
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert AuditLog.objects.filter(action=AuditAction.DOWNLOAD, actor=people.clerk, object_id=str(case.pk)).exists()


def test_agreement_is_not_found_before_success(clerk_client, dispute):
    response = clerk_client.get(reverse("case-agreement", args=[dispute.pk]))
    assert response.status_code == 404


# --- out of scope: everything answers 404 ---------------------------------------------------------


@pytest.fixture
def attachment(dispute, people):
    return attachment_add(
        case=dispute, actor=people.clerk, upload=SimpleUploadedFile("照片.png", PNG, content_type="image/png")
    )


@pytest.mark.parametrize(
    ("method", "name", "extra"),
    [
        ("get", "case-detail", []),
        ("post", "case-action", ["accept"]),
        ("post", "case-unmask", []),
        ("post", "case-attachment-upload", []),
        ("get", "case-attachment", ["attachment"]),
        ("get", "case-agreement", []),
    ],
)
def test_user_of_another_district_gets_404(hetang_client, dispute, attachment, method, name, extra):
    args = [dispute.pk] + [attachment.pk if item == "attachment" else item for item in extra]
    response = getattr(hetang_client, method)(reverse(name, args=args), {"reason": "看看"} if method == "post" else {})
    assert response.status_code == 404
    assert "不在您的辖区内" in response.content.decode()
    dispute.refresh_from_db()
    assert dispute.status == DisputeState.REGISTERED
    # Nothing about the case is logged (the sign-in of the test client is).
    assert not AuditLog.objects.filter(actor__username="hetang_clerk").exclude(action=AuditAction.LOGIN).exists()


def test_unknown_case_is_404_in_chinese(clerk_client, db):
    response = clerk_client.get(reverse("case-detail", args=[999999]))
    assert response.status_code == 404
    assert "页面或记录不存在" in response.content.decode()


def test_export_keeps_a_title_with_a_control_character_and_a_formula_as_text(clerk_client, people, dispute):
    """A title filed with a BEL (as one came through Open311) and starting like a formula: the export is
    written, the BEL dropped, the formula kept as text (core.spreadsheets)."""
    import io

    from openpyxl import load_workbook

    from pingan.cases.models import Case

    Case.objects.filter(pk=dispute.pk).update(title='=HYPERLINK("http://example.com")\x07漏水')
    response = clerk_client.get(reverse("case-export"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    title = next(row[1] for row in sheet.iter_rows(min_row=2) if row[0].value == dispute.number)
    assert (title.value, title.data_type) == ('=HYPERLINK("http://example.com")漏水', "s")
