"""The enterprise portal (/qiye/ and /api/v1/portal/): its pages render for the enterprise's user on a phone
layout, refuse staff and users without an enterprise account, and never show another enterprise's
suggestions, disputes or ratings (404); the sign-in lands an enterprise user on /qiye/."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import PASSWORD, make_user
from pingan.lawguard import outcome_services as svc
from pingan.lawguard.choices import SuggestionStatus as S

from .outcome_scene import issue, linked_dispute

pytestmark = pytest.mark.django_db
PAGES = ["/qiye/", "/qiye/suggestions/", "/qiye/disputes/", "/qiye/disputes/new/", "/qiye/ratings/"]


@pytest.fixture
def g(lawguard_scene):
    return lawguard_scene


def test_pages_render_for_the_portal_user(client, g, dispute, people, django_assert_max_num_queries):
    s = issue(g, source_case=dispute)
    linked_dispute(g, dispute, people, concluded=True, with_file=False)
    client.force_login(g.portal_user)
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'name="viewport"' in response.content.decode()
    home = client.get("/qiye/").content.decode()
    assert "周**" in home or "周*" in home  # the judge's name masked, the unit shown
    assert "周法官" not in home and "天元区人民法院" in home
    assert "有 1 条整改建议待答复" in home and "有 1 项已办结的服务待评价" in home
    assert s.title in client.get("/qiye/suggestions/").content.decode()
    with django_assert_max_num_queries(20):
        client.get("/qiye/")


def test_the_enterprise_answers_in_the_portal(client, g, dispute):
    s = issue(g, source_case=dispute)
    client.force_login(g.portal_user)
    detail = reverse("portal-suggestion-detail", args=[s.pk])
    assert "采纳" in client.get(detail).content.decode()
    bad = client.post(reverse("portal-suggestion-answer", args=[s.pk, "decline"]), {"reason": ""})
    assert bad.status_code == 400
    assert client.post(reverse("portal-suggestion-answer", args=[s.pk, "accept"]), {"reply": "好"}).status_code == 302
    assert client.post(reverse("portal-suggestion-answer", args=[s.pk, "verify"]), {"note": "x"}).status_code == 404
    late = client.post(reverse("portal-suggestion-answer", args=[s.pk, "accept"]), {})
    assert late.status_code == 409
    done = client.post(reverse("portal-suggestion-answer", args=[s.pk, "implement"]), {"note": "已完成"})
    assert done.status_code == 302
    s.refresh_from_db()
    assert s.status == S.IMPLEMENTED


def test_disputes_and_ratings_in_the_portal(client, g, dispute, people):
    client.force_login(g.portal_user)
    form = {
        "title": "货款纠纷",
        "category": "contract_debt",
        "description": "对方拖欠货款",
        "counterparty_name": "某贸易公司",
        "counterparty_type": "organization",
    }
    response = client.post("/qiye/disputes/new/", form)
    assert response.status_code == 302
    case = g.enterprise.links.get().case
    page = client.get(reverse("portal-dispute-detail", args=[case.pk])).content.decode()
    assert case.number in page and "登记" in page
    finished, _ = linked_dispute(g, dispute, people, concluded=True, with_file=False)
    assert client.post(reverse("portal-rate", args=[finished.pk]), {"score": "9"}).status_code == 400
    assert client.post(reverse("portal-rate", args=[finished.pk]), {"score": "5"}).status_code == 302
    assert client.post(reverse("portal-rate", args=[finished.pk]), {"score": "4"}).status_code == 409
    assert client.post(reverse("portal-rate", args=[case.pk]), {"score": "4"}).status_code == 409  # not finished


def test_enterprise_a_never_sees_b(client, api, g, dispute, people):
    s = issue(g, source_case=dispute)
    finished, _ = linked_dispute(g, dispute, people, concluded=True, with_file=False)
    svc.service_rate(actor=g.portal_user, enterprise=g.enterprise, case=finished, score=5, comment="很好")
    client.force_login(g.other_user)  # 荷塘机电
    for url in (
        reverse("portal-suggestion-detail", args=[s.pk]),
        reverse("portal-dispute-detail", args=[finished.pk]),
    ):
        assert client.get(url).status_code == 404
    assert client.post(reverse("portal-suggestion-answer", args=[s.pk, "accept"]), {}).status_code == 404
    assert client.post(reverse("portal-rate", args=[finished.pk]), {"score": "5"}).status_code == 404
    for url in PAGES:
        body = client.get(url).content.decode()
        assert s.title not in body and finished.number not in body and g.enterprise.name not in body
    other = api(g.other_user)
    assert other.get(f"/api/v1/portal/suggestions/{s.pk}/").status_code == 404
    assert other.post(f"/api/v1/portal/suggestions/{s.pk}/accept/", {}, format="json").status_code == 404
    assert other.get(f"/api/v1/portal/disputes/{finished.pk}/").status_code == 404
    assert other.post("/api/v1/portal/ratings/", {"case": finished.pk, "score": 1}, format="json").status_code == 404
    for url in ("/api/v1/portal/suggestions/", "/api/v1/portal/disputes/", "/api/v1/portal/ratings/"):
        assert other.get(url).json()["count"] == 0


def test_the_portal_api_for_the_enterprise(api, g, dispute, people):
    s = issue(g, source_case=dispute)
    finished, _ = linked_dispute(g, dispute, people, concluded=True, with_file=False)
    own = api(g.portal_user)
    listing = own.get("/api/v1/portal/suggestions/").json()
    assert listing["results"][0]["allowed_actions"] == ["accept", "decline"]
    assert own.post(f"/api/v1/portal/suggestions/{s.pk}/accept/", {"reply": "同意"}, format="json").status_code == 200
    implemented = own.post(f"/api/v1/portal/suggestions/{s.pk}/implement/", {"note": "完成"}, format="json")
    assert implemented.json()["allowed_actions"] == []  # verifying is the workstation's
    disputes = own.get("/api/v1/portal/disputes/").json()
    assert [d["number"] for d in disputes["results"]] == [finished.number]
    detail = own.get(f"/api/v1/portal/disputes/{finished.pk}/").json()
    assert detail["timeline"] and all(set(entry) == {"at", "event"} for entry in detail["timeline"])
    rated = own.post("/api/v1/portal/ratings/", {"case": finished.pk, "score": 5, "comment": "满意"}, format="json")
    assert rated.status_code == 201
    again = own.post("/api/v1/portal/ratings/", {"case": finished.pk, "score": 5}, format="json")
    assert again.status_code == 409
    opened = own.post(
        "/api/v1/portal/disputes/",
        {"title": "货款纠纷", "category": "contract_debt", "description": "拖欠", "counterparty_name": "某公司"},
        format="json",
    )
    assert opened.status_code == 201 and opened.json()["number"]


def test_staff_and_plain_users_are_refused(client, api, g, people, zhuzhou):
    nobody = make_user("nobody", "无岗位")
    for user in (g.staff, people.clerk, nobody):
        client.force_login(user)
        for url in PAGES:
            assert client.get(url).status_code == 403, (user, url)
        assert api(user).get("/api/v1/portal/suggestions/").status_code == 403
    client.force_login(g.portal_user)  # and the portal user is refused by the staff pages
    assert client.get("/lawguard/suggestions/").status_code == 403
    assert api(g.portal_user).get("/api/v1/lawguard/losses/").status_code == 403


def test_sign_in_lands_an_enterprise_user_on_the_portal(client, g):
    response = client.post(reverse("login"), {"username": "zuanshi", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/qiye/"
    client.logout()
    response = client.post(reverse("login"), {"username": g.staff.username, "password": PASSWORD})
    assert response["Location"] == "/"
