"""The incident API: the phone page and every other client report through `POST /api/v1/incidents/`."""

from __future__ import annotations

import pytest

from pingan.cases.models import Attachment, Case
from pingan.incidents.choices import IncidentState as S
from pingan.incidents.services import incident_report

from .conftest import JPEG, PNG

URL = "/api/v1/incidents/"


def form(**extra):
    return {
        "category": "inc_sanitation",
        "description": "垃圾桶满溢,周边堆放生活垃圾。",
        "lng": "113.09",
        "lat": "27.80",
    } | extra


def test_a_report_with_a_photo_and_a_position_lands_in_its_grid_and_centre(api, grids, zhuzhou, photo):
    response = api(grids.worker).post(URL, form(photos=[photo(), photo("近景.jpg", JPEG)]), format="multipart")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["number"].startswith("SJ") and body["status"] == S.REPORTED
    assert body["region"]["code"] == grids.taishan_1.code
    assert body["assigned_org"]["code"] == zhuzhou.taishan_centre.code
    assert body["channel"] == "grid" and body["category"]["code"] == "inc_sanitation"
    assert sorted(p["name"] for p in body["photos"]) == ["现场.png", "近景.jpg"]


def test_the_grid_picked_by_hand_stands_in_for_a_position(api, grids):
    response = api(grids.worker).post(URL, form(lng="", lat="", region=grids.taishan_2.code), format="multipart")
    assert response.status_code == 201, response.json()
    assert response.json()["region"]["code"] == grids.taishan_2.code


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("合同.pdf", b"%PDF-1.4 ...", "not_an_image"),
        ("伪装.png", b"MZ\x90\x00 an executable", "file_content"),
        ("空.jpg", b"", "file_empty"),
    ],
)
def test_a_photo_that_is_not_an_image_is_refused_with_400_and_nothing_is_written(
    api, grids, photo, name, content, code
):
    response = api(grids.worker).post(URL, form(photos=[photo(), photo(name, content)]), format="multipart")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == code and "photos" in error["fields"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in error["message"])
    assert not Case.objects.exists() and not Attachment.objects.exists()


def test_a_photo_too_large_is_refused_with_400(api, grids, photo, settings):
    settings.PINGAN_ATTACHMENT_MAX_BYTES = 1024
    response = api(grids.worker).post(URL, form(photos=[photo("大图.jpg", JPEG + b"\0" * 4096)]), format="multipart")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "file_too_large"
    assert "大图.jpg" in response.json()["error"]["message"]
    assert not Case.objects.exists()


def test_a_position_outside_every_grid_is_refused(api, grids):
    response = api(grids.worker).post(URL, form(lng="112.0", lat="26.0"), format="multipart")
    assert response.status_code == 400
    assert "location" in response.json()["error"]["fields"]


def test_a_report_needs_a_position_or_a_grid(api, grids):
    response = api(grids.worker).post(URL, form(lng="", lat=""), format="multipart")
    assert response.status_code == 400
    assert "location" in response.json()["error"]["fields"]


def test_an_unknown_category_is_refused(api, grids):
    response = api(grids.worker).post(URL, form(category="neighbour"), format="multipart")
    assert response.status_code == 400
    assert "category" in response.json()["error"]["fields"]


def test_a_draft_resent_returns_the_first_report(api, grids, photo):
    client = api(grids.worker)
    first = client.post(URL, form(client_ref="draft-1", photos=[photo()]), format="multipart")
    again = client.post(URL, form(client_ref="draft-1", photos=[photo()]), format="multipart")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"] and Case.objects.count() == 1


def test_json_clients_report_without_photos(api, grids):
    response = api(grids.worker).post(URL, {**form(), "lng": 113.11, "lat": 27.80}, format="json")
    assert response.status_code == 201
    assert response.json()["region"]["code"] == grids.taishan_2.code


# --- reading ---------------------------------------------------------------------------------------


@pytest.fixture
def many(grids):
    for index in range(12):
        incident_report(
            actor=grids.worker, category="inc_municipal", description=f"路灯损坏 {index}", lng=113.09, lat=27.80
        )


def test_the_list_has_no_n_plus_one(api, people, many, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = api(people.clerk).get(URL, {"page_size": 100})
    assert response.status_code == 200 and response.json()["count"] == 12
    row = response.json()["results"][0]
    assert row["lat"] and row["lng"] and row["photo_count"] == 0


def test_another_district_sees_none_of_it(api, people, many, incident):
    client = api(people.hetang_clerk)
    assert client.get(URL).json()["count"] == 0
    assert client.get(f"{URL}{incident.pk}/").status_code == 404
    assert client.post(f"{URL}{incident.pk}/feedback/", {"comment": "x"}, format="multipart").status_code == 404


def test_the_list_filters_open_and_own_reports(api, grids, people, incident):
    client = api(people.clerk)
    assert client.get(URL, {"is_open": "true"}).json()["count"] == 1
    assert client.get(URL, {"is_open": "false"}).json()["count"] == 0
    assert client.get(URL, {"mine": "true"}).json()["count"] == 0
    assert api(grids.worker).get(URL, {"mine": "true"}).json()["count"] == 1


def test_a_dispute_case_is_not_an_incident(api, people, dispute):
    assert api(people.clerk).get(f"{URL}{dispute.pk}/").status_code == 404


# --- the loop through the API ----------------------------------------------------------------------


def transition(client, case_id, action, **data):
    response = client.post(f"/api/v1/cases/{case_id}/transitions/", {"action": action, **data}, format="json")
    assert response.status_code == 200, response.json()
    return response.json()


def test_the_loop_through_the_api(api, incident, people, squad, officer, photo):
    clerk, head, handler = api(people.clerk), api(people.head), api(officer)
    assert "file" in clerk.get(f"/api/v1/cases/{incident.pk}/").json()["allowed_actions"]
    transition(clerk, incident.pk, "file")
    transition(clerk, incident.pk, "dispatch", to_org=squad.code)
    transition(handler, incident.pk, "accept")
    response = handler.post(
        f"{URL}{incident.pk}/feedback/",
        {"comment": "已更换井盖。", "photos": [photo("更换后.jpg", JPEG)]},
        format="multipart",
    )
    assert response.status_code == 200 and response.json()["status"] == S.FED_BACK
    assert [p["name"] for p in response.json()["photos"]] == ["更换后.jpg"]
    transition(head, incident.pk, "verify", passed=True)
    done = transition(clerk, incident.pk, "evaluate", satisfaction="satisfied")
    assert done["status"] == S.EVALUATED and done["status_label"] == "已综合评价"


def test_feedback_photos_are_checked_before_anything_changes(api, incident, people, squad, officer, photo):
    for user, action, data in (
        (people.clerk, "file", {}),
        (people.clerk, "dispatch", {"to_org": squad.code}),
        (officer, "accept", {}),
    ):
        transition(api(user), incident.pk, action, **data)
    response = api(officer).post(
        f"{URL}{incident.pk}/feedback/",
        {"comment": "已处理", "photos": [photo("a.png", PNG), photo("b.txt", b"text", "text/plain")]},
        format="multipart",
    )
    assert response.status_code == 400 and response.json()["error"]["code"] == "not_an_image"
    assert Case.objects.get(pk=incident.pk).status == S.HANDLING and not Attachment.objects.exists()


def test_a_dispute_lead_becomes_a_dispute_through_the_api(api, grids):
    lead = incident_report(
        actor=grids.worker, category="inc_dispute_lead", description="两户因漏水争执。", lng=113.09, lat=27.80
    )
    response = api(grids.worker).post(
        f"{URL}{lead.pk}/convert/",
        {"dispute_category": "neighbour", "parties": [{"name": "张三", "phone": "13800138000"}]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    dispute = response.json()
    assert dispute["kind"] == "dispute" and dispute["parent"]["number"] == lead.number
    assert dispute["parties"][0]["name"] == "张*" and dispute["parties"][0]["phone"] == "138****8000"
    detail = api(grids.worker).get(f"{URL}{lead.pk}/").json()
    assert detail["status"] == S.TRANSFERRED and detail["dispute"] == dispute["number"]


def test_only_a_dispute_lead_converts(api, grids, incident):
    response = api(grids.worker).post(
        f"{URL}{incident.pk}/convert/", {"dispute_category": "neighbour", "parties": [{"name": "张三"}]}, format="json"
    )
    assert response.status_code == 409


def test_the_phone_sends_its_draft_id_as_idempotency_key_and_a_resend_gets_the_first_answer(api, grids, photo):
    """The report page sends `Idempotency-Key: <draft id>` (static/incidents/report.js); the photos are part
    of the request's fingerprint, by content."""
    client = api(grids.worker)

    def send(**extra):
        body = form(client_ref="draft-9", photos=[photo()]) | extra
        return client.post(URL, body, format="multipart", HTTP_IDEMPOTENCY_KEY="draft-9")

    first, again = send(), send()
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Case.objects.count() == 1
    changed = send(photos=[photo("近景.jpg", JPEG)])  # the same draft id, another photo
    assert changed.status_code == 422 and changed.json()["error"]["code"] == "idempotency_key_reused"
    assert Case.objects.count() == 1
