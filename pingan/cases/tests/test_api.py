"""The case API as its clients use it: the dispute loop end to end, the one error shape, jurisdiction."""

from __future__ import annotations

import datetime
import io
from importlib.util import find_spec
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from conftest import GOOD_ID, PASSWORD, mediate_to_agreement
from pingan.cases.models import Case, Notification
from pingan.cases.services import attachment_add, case_register
from pingan.core.models import AuditAction, AuditLog
from pingan.disputes.choices import DisputeState

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def token_client(username: str) -> APIClient:
    client = APIClient()
    response = client.post("/api/v1/auth/token/", {"username": username, "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


def intake(**overrides) -> dict[str, Any]:
    body = {
        "kind": "dispute",
        "category": "neighbour",
        "title": "楼道堆物纠纷",
        "description": "邻居长期在楼道堆放杂物,影响通行,协商未果。",
        "channel": "visit",
        "urgency": "normal",
        "region": "430211004",
        "address": "泰山路12号2栋",
        "lat": "27.8302",
        "lng": "113.0801",
        "parties": [
            {
                "name": "王五",
                "role": "applicant",
                "id_number": GOOD_ID,
                "phone": "13800138000",
                "ethnicity": "01",
                "address": "泰山路12号2栋201",
            },
            {
                "name": "赵六",
                "role": "respondent",
                "phone": "13900139000",
                "address": "泰山路12号2栋301",
                "gender": "1",
                "birth_date": "1979-12-31",
                "ethnicity": "06",
            },
        ],
    }
    body.update(overrides)
    return body


def act(client: APIClient, case_id: int, action: str, **params):
    return client.post(f"/api/v1/cases/{case_id}/transitions/", {"action": action, **params}, format="json")


def assert_error(response, status: int, field: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.content
    error: dict[str, Any] = response.json()["error"]
    assert set(error) == {"code", "message", "fields"} and error["message"]
    if field is not None:
        assert field in error["fields"], error
    return error


# --- the dispute loop ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_dispute_loop_through_the_api(zhuzhou, people, category):
    clerk, head, mediator = (
        token_client("songshan_clerk"),
        token_client("songshan_head"),
        token_client("songshan_mediator"),
    )

    created = clerk.post("/api/v1/cases/", intake(), format="json")
    assert created.status_code == 201, created.content
    case = created.json()
    assert case["number"].startswith("MJ") and case["status"] == DisputeState.REGISTERED
    assert case["assigned_org"] == {"code": "C430211004", "name": "嵩山路街道综治中心"}
    assert case["deadline"] and case["light"] == "green"
    assert case["parties"][0]["id_number"] == "430211********0016" and case["parties"][0]["name"] == "王*"
    assert "accept" in case["allowed_actions"] and case["can_unmask"] is True
    case_id = case["id"]

    events = clerk.get(f"/api/v1/cases/{case_id}/events/").json()
    assert [e["type"] for e in events] == ["registered", "routed"]

    assert act(clerk, case_id, "accept").json()["status"] == DisputeState.ACCEPTED
    mediators = clerk.get(f"/api/v1/mediators/?case={case_id}").json()
    assert {"username": "songshan_mediator", "name": "王调解"} in mediators
    assigned = act(clerk, case_id, "assign_mediator", mediator="songshan_mediator").json()
    assert assigned["status"] == DisputeState.MEDIATING and assigned["assignee"]["username"] == "songshan_mediator"

    held_at = timezone.now().isoformat()
    session = act(
        mediator,
        case_id,
        "record_session",
        held_at=held_at,
        place="嵩山路街道调解室",
        attendees="王五、赵六、王调解",
        notes="双方同意清理楼道。",
    )
    assert session.status_code == 200, session.content
    assert len(session.json()["sessions"]) == 1
    applicant, respondent = (p["id"] for p in case["parties"])
    concluded = act(
        mediator,
        case_id,
        "conclude",
        outcome="success",
        disputed_matters="楼道杂物由谁清理。",
        responsibilities={str(applicant): "无责任。", str(respondent): "负责清理楼道杂物。"},
        terms="赵六于三日内清理楼道杂物。",
        amount="0",
        performance_method="other",
        performance_detail="自行清理,王五现场确认",
        performance_deadline=(timezone.localdate() + datetime.timedelta(days=3)).isoformat(),
    )
    assert concluded.status_code == 200, concluded.content
    detail = concluded.json()
    assert detail["status"] == DisputeState.CONCLUDED and detail["mediation"]["outcome"] == "success"

    if find_spec("pingan.disputes.documents"):  # written by another helper; the step waits for it
        agreement = clerk.get(f"/api/v1/cases/{case_id}/agreement.docx")
        assert agreement.status_code == 200, agreement.content
        assert agreement["Content-Type"].startswith("application/vnd.openxmlformats-officedocument")
        assert agreement.content.startswith(b"PK") and "attachment" in agreement["Content-Disposition"]
        assert AuditLog.objects.filter(action=AuditAction.DOWNLOAD, object_id=str(case_id)).exists()

    # The mediator who concluded may not verify (four eyes); the centre head may.
    assert "verify" not in mediator.get(f"/api/v1/cases/{case_id}/").json()["allowed_actions"]
    assert act(head, case_id, "verify", passed=True).json()["status"] == DisputeState.VERIFIED
    closed = act(head, case_id, "close").json()
    assert closed["status"] == DisputeState.CLOSED and closed["light"] == "done" and closed["on_time"] is True
    rated = act(clerk, case_id, "rate", satisfaction="satisfied", method="phone")
    assert rated.status_code == 200 and rated.json()["satisfaction"] == "satisfied"

    types = [e["type"] for e in clerk.get(f"/api/v1/cases/{case_id}/events/").json()]
    assert types == [
        "registered",
        "routed",
        "accepted",
        "mediator_assigned",
        "session_recorded",
        "concluded",
        "verified",
        "closed",
        "rated",
    ]
    verified = next(e for e in clerk.get(f"/api/v1/cases/{case_id}/events/").json() if e["type"] == "verified")
    assert verified["actor"]["name"] == "陈主任" and verified["actor_org"]["code"] == "C430211004"
    assert verified["from_status_label"] and verified["type_label"]


@pytest.mark.django_db
def test_illegal_transition_is_409_and_changes_nothing(dispute, people, api):
    before = dispute.events.count()
    response = act(api(people.clerk), dispute.pk, "close")
    assert assert_error(response, 409)["code"] == "transition_not_allowed"
    dispute.refresh_from_db()
    assert dispute.status == DisputeState.REGISTERED and dispute.events.count() == before


@pytest.mark.django_db
def test_transition_with_bad_params_is_400(dispute, people, api):
    client = api(people.clerk)
    act(client, dispute.pk, "accept")
    assert_error(act(client, dispute.pk, "assign_mediator"), 400, "mediator")
    assert_error(act(client, dispute.pk, "assign_mediator", mediator="nobody"), 400, "mediator")
    assert_error(act(client, dispute.pk, "no_such_action"), 400, "action")
    dispute.refresh_from_db()
    assert dispute.status == DisputeState.ACCEPTED


# --- intake validation -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_bad_id_number_names_the_party_field(people, category, api):
    bad = intake()
    bad["parties"][0]["id_number"] = "430211198503150010"
    error = assert_error(api(people.clerk).post("/api/v1/cases/", bad, format="json"), 400, "parties[0].id_number")
    assert "身份证" in error["fields"]["parties[0].id_number"][0]
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_unknown_region_and_category_codes_are_400(people, category, api):
    client = api(people.clerk)
    assert (
        "999999"
        in assert_error(client.post("/api/v1/cases/", intake(region="999999"), format="json"), 400, "region")["message"]
    )
    assert_error(client.post("/api/v1/cases/", intake(category="no_such"), format="json"), 400, "category")
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_region_outside_jurisdiction_is_400(people, category, api):
    assert_error(api(people.clerk).post("/api/v1/cases/", intake(region="430202001"), format="json"), 400, "region")
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_missing_fields_are_named(people, category, api):
    error = assert_error(api(people.clerk).post("/api/v1/cases/", {"kind": "dispute"}, format="json"), 400)
    assert {"category", "title", "description", "channel", "region"} <= set(error["fields"])


@pytest.mark.django_db
def test_multipart_intake_with_attachments(people, category, api):
    body = intake(parties='[{"name": "王五", "role": "applicant"}]', lat="", lng="")
    body["attachments"] = [SimpleUploadedFile("scene.png", PNG, content_type="image/png")]
    response = api(people.clerk).post("/api/v1/cases/", body, format="multipart")
    assert response.status_code == 201, response.content
    assert [a["name"] for a in response.json()["attachments"]] == ["scene.png"]
    assert response.json()["lat"] is None


@pytest.mark.django_db
def test_bad_attachment_rolls_back_the_intake(people, category, api):
    body = intake(parties='[{"name": "王五", "role": "applicant"}]')
    body["attachments"] = [SimpleUploadedFile("scene.png", b"not a png at all", content_type="image/png")]
    assert_error(api(people.clerk).post("/api/v1/cases/", body, format="multipart"), 400, "attachments")
    assert not Case.objects.exists()


# --- reading ---------------------------------------------------------------------------------------


@pytest.fixture
def many_cases(zhuzhou, people, category):
    for index in range(30):
        case_register(
            actor=people.clerk,
            kind="dispute",
            category=category,
            title=f"纠纷{index}",
            description="情况",
            channel="phone" if index % 2 else "visit",  # phoned-in cases go to the community
            region=zhuzhou.taishan if index % 2 else zhuzhou.songshan,
            parties=[{"name": "张三", "role": "applicant"}],
        )


@pytest.mark.django_db
def test_case_list_has_no_n_plus_one(many_cases, people, django_assert_max_num_queries):
    client = token_client("songshan_clerk")
    with django_assert_max_num_queries(5):  # token+user, memberships, count, page
        response = client.get("/api/v1/cases/?page_size=100")
    body = response.json()
    assert body["count"] == 30 and len(body["results"]) == 30
    row = body["results"][0]
    assert {"number", "status_label", "light", "assigned_org", "category", "region"} <= set(row)
    assert "parties" not in row


@pytest.mark.django_db
def test_case_list_filters(many_cases, people, api, zhuzhou):
    client = api(people.clerk)
    assert client.get("/api/v1/cases/?region=430211004001").json()["count"] == 15
    assert client.get("/api/v1/cases/?region=430211").json()["count"] == 30
    assert client.get("/api/v1/cases/?category=neighbour&kind=dispute&status=registered").json()["count"] == 30
    assert client.get("/api/v1/cases/?category=labour").json()["count"] == 0
    assert client.get("/api/v1/cases/?light=green").json()["count"] == 30
    assert client.get("/api/v1/cases/?light=done").json()["count"] == 0
    assert client.get("/api/v1/cases/?assigned_org=C430211004").json()["count"] == 15
    assert client.get("/api/v1/cases/?q=纠纷2").json()["count"] == 11  # 纠纷2, 纠纷20…纠纷29
    today = timezone.localdate()
    assert client.get(f"/api/v1/cases/?date_from={today}&date_to={today}").json()["count"] == 30
    assert client.get(f"/api/v1/cases/?date_to={today - datetime.timedelta(days=1)}").json()["count"] == 0
    numbers = [row["number"] for row in client.get("/api/v1/cases/?ordering=deadline&page_size=100").json()["results"]]
    assert len(numbers) == 30
    assert_error(client.get("/api/v1/cases/?light=purple"), 400, "light")
    assert_error(client.get("/api/v1/cases/?date_from=yesterday"), 400, "date_from")


@pytest.mark.django_db
def test_other_district_sees_an_empty_list(many_cases, people, api):
    assert api(people.hetang_clerk).get("/api/v1/cases/").json()["count"] == 0
    assert api(people.district_clerk).get("/api/v1/cases/").json()["count"] == 30


@pytest.mark.django_db
def test_detail_masks_parties_and_lists_what_the_user_may_do(dispute, people, api):
    detail = api(people.clerk).get(f"/api/v1/cases/{dispute.pk}/").json()
    assert detail["status_label"] == "待受理" and detail["kind_label"] == "矛盾纠纷"
    assert [p["name"] for p in detail["parties"]] == ["张*", "李*"]
    assert "*" in detail["parties"][1]["phone"] and "22880000" not in detail["parties"][1]["phone"]
    assert set(detail["allowed_actions"]) >= {"accept", "dispatch", "escalate"}
    assert detail["mediation"] is None and detail["sessions"] == [] and detail["parent"] is None
    leader_view = api(people.leader).get(f"/api/v1/cases/{dispute.pk}/").json()
    assert leader_view["can_unmask"] is False and leader_view["allowed_actions"] == ["supervise"]


# --- personal data, files and documents ------------------------------------------------------------


@pytest.mark.django_db
def test_unmask_shows_full_parties_and_logs(dispute, people, api):
    response = api(people.clerk).post(
        f"/api/v1/cases/{dispute.pk}/unmask/", {"reason": "电话回访核实身份"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()[0]["id_number"] == GOOD_ID and response.json()[0]["name"] == "张三"
    log = AuditLog.objects.get(action=AuditAction.UNMASK)
    assert log.actor == people.clerk and log.reason == "电话回访核实身份" and log.object_id == str(dispute.pk)


@pytest.mark.django_db
def test_unmask_needs_a_reason_and_the_right(dispute, people, api):
    assert_error(api(people.clerk).post(f"/api/v1/cases/{dispute.pk}/unmask/", {}, format="json"), 400, "reason")
    assert_error(
        api(people.clerk).post(f"/api/v1/cases/{dispute.pk}/unmask/", {"reason": "12"}, format="json"), 400, "reason"
    )
    assert_error(
        api(people.leader).post(f"/api/v1/cases/{dispute.pk}/unmask/", {"reason": "查看完整信息"}, format="json"), 403
    )
    assert not AuditLog.objects.filter(action=AuditAction.UNMASK).exists()


@pytest.mark.django_db
def test_attachment_upload_and_download(dispute, people, api):
    client = api(people.clerk)
    upload = SimpleUploadedFile("photo.png", PNG, content_type="image/png")
    response = client.post(f"/api/v1/cases/{dispute.pk}/attachments/", {"file": upload}, format="multipart")
    assert response.status_code == 201, response.content
    attachment = response.json()
    assert attachment["name"] == "photo.png" and attachment["size"] == len(PNG)
    download = client.get(attachment["download_url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG
    assert "photo.png" in download["Content-Disposition"]
    assert AuditLog.objects.filter(action=AuditAction.DOWNLOAD, object_type="cases.attachment").exists()
    assert_error(client.get(f"/api/v1/cases/{dispute.pk}/attachments/999999/download/"), 404)


@pytest.mark.django_db
def test_attachment_of_wrong_type_is_400(dispute, people, api):
    upload = SimpleUploadedFile("run.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    response = api(people.clerk).post(f"/api/v1/cases/{dispute.pk}/attachments/", {"file": upload}, format="multipart")
    assert_error(response, 400, "file")


@pytest.mark.django_db
def test_agreement_docx(dispute, people, api):
    pytest.importorskip("pingan.disputes.documents")
    assert_error(api(people.clerk).get(f"/api/v1/cases/{dispute.pk}/agreement.docx"), 404)  # not concluded yet
    mediate_to_agreement(dispute, people)
    response = api(people.clerk).get(f"/api/v1/cases/{dispute.pk}/agreement.docx")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert ".docx" in response["Content-Disposition"]
    log = AuditLog.objects.get(action=AuditAction.DOWNLOAD)
    assert log.actor == people.clerk and log.object_id == str(dispute.pk)
    # The leader sees the case but not personal data in full: no document.
    assert_error(api(people.leader).get(f"/api/v1/cases/{dispute.pk}/agreement.docx"), 403)


@pytest.mark.django_db
def test_export_xlsx_uses_the_list_filters_and_logs(many_cases, people, api):
    pytest.importorskip("pingan.cases.exports")
    openpyxl = pytest.importorskip("openpyxl")
    response = api(people.clerk).get("/api/v1/cases/export.xlsx?region=430211004001")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row >= 15
    log = AuditLog.objects.get(action=AuditAction.EXPORT)
    assert log.changes == {"filters": {"region": "430211004001"}, "rows": 15}
    hetang = api(people.hetang_clerk).get("/api/v1/cases/export.xlsx")
    assert hetang.status_code == 200
    assert AuditLog.objects.filter(action=AuditAction.EXPORT, actor=people.hetang_clerk).get().changes["rows"] == 0


# --- jurisdiction: every case endpoint answers 404 outside it --------------------------------------


CASE_ENDPOINTS = [
    ("get", "/api/v1/cases/{id}/", None),
    ("get", "/api/v1/cases/{id}/events/", None),
    ("post", "/api/v1/cases/{id}/transitions/", {"action": "accept"}),
    ("post", "/api/v1/cases/{id}/unmask/", {"reason": "核实身份"}),
    ("post", "/api/v1/cases/{id}/attachments/", "file"),
    ("get", "/api/v1/cases/{id}/attachments/{att}/download/", None),
    ("get", "/api/v1/cases/{id}/agreement.docx", None),
    ("get", "/api/v1/mediators/?case={id}", None),
]


@pytest.fixture
def concluded_with_file(dispute, people):
    case = mediate_to_agreement(dispute, people)
    attachment = attachment_add(case=case, actor=people.clerk, upload=SimpleUploadedFile("a.png", PNG))
    return case, attachment


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "url", "body"), CASE_ENDPOINTS)
def test_other_district_gets_404_on_every_case_endpoint(method, url, body, concluded_with_file, people, api):
    case, attachment = concluded_with_file
    url = url.format(id=case.pk, att=attachment.pk)
    before = (case.events.count(), AuditLog.objects.count(), case.attachments.count())
    if body == "file":
        body, fmt = {"file": SimpleUploadedFile("b.png", PNG)}, "multipart"
    else:
        fmt = "json"
    client = api(people.hetang_clerk)
    response = client.get(url) if method == "get" else client.post(url, body, format=fmt)
    assert_error(response, 404)
    assert (case.events.count(), AuditLog.objects.count(), case.attachments.count()) == before
    if method == "get":  # …while someone inside the jurisdiction gets it
        assert api(people.clerk).get(url).status_code == 200


@pytest.mark.django_db
def test_unknown_case_is_404(people, api):
    assert_error(api(people.clerk).get("/api/v1/cases/999999/"), 404)


# --- lookups -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_categories_by_kind(people, api):
    categories = api(people.clerk).get("/api/v1/categories/?kind=dispute").json()
    assert {"code": "neighbour", "name": "邻里", "kind": "dispute"} in categories
    assert api(people.clerk).get("/api/v1/categories/?kind=nothing").json() == []
    assert len(api(people.clerk).get("/api/v1/categories/").json()) >= len(categories)


@pytest.mark.django_db
def test_mediators_needs_a_case(people, api):
    assert_error(api(people.clerk).get("/api/v1/mediators/"), 400, "case")


@pytest.mark.django_db
def test_notifications_mine_unread_first(dispute, people, api):
    older = Notification.objects.create(
        user=people.clerk, case=dispute, message="旧提醒", created_at=timezone.now() - datetime.timedelta(days=1)
    )
    read = Notification.objects.create(user=people.clerk, case=dispute, message="已读", read_at=timezone.now())
    newer = Notification.objects.create(user=people.clerk, case=dispute, message="新提醒")
    theirs = Notification.objects.create(user=people.hetang_clerk, case=dispute, message="别人的")
    client = api(people.clerk)
    rows = client.get("/api/v1/notifications/").json()["results"]
    assert [row["id"] for row in rows] == [newer.pk, older.pk, read.pk]
    assert (
        rows[0]["case"] == {"id": dispute.pk, "number": dispute.number, "kind": "dispute"}
        and rows[0]["is_read"] is False
    )
    assert [r["id"] for r in client.get("/api/v1/notifications/?unread=true").json()["results"]] == [newer.pk, older.pk]

    marked = client.post(f"/api/v1/notifications/{newer.pk}/read/")
    assert marked.status_code == 200 and marked.json()["is_read"] is True
    assert_error(client.post(f"/api/v1/notifications/{theirs.pk}/read/"), 404)
    theirs.refresh_from_db()
    assert theirs.read_at is None
