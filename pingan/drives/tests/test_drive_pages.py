"""The drive pages through the test client: the list, the dashboard with its figures, tables and chart, the
drill-down lists, the form, and hand tags; other districts' drives are not found."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from pingan.drives.models import Drive, DriveCase

from .conftest import make_drive

pytestmark = pytest.mark.django_db


def _count_on(response) -> int:
    match = re.search(r'id="drill-count">共 (\d+) 件', response.content.decode())
    assert match, "the drill-down shows its count"
    return int(match.group(1))


def test_the_list_shows_the_drives_the_user_sees(client, scene):
    s = scene
    tianyuan = make_drive(s.p.district_clerk, s.z.tianyuan, s.z.tianyuan_centre, name="天元区婚恋家庭纠纷排查化解")
    client.force_login(s.p.hetang_clerk)
    body = client.get(reverse("drive-list")).content.decode()
    assert s.drive.name in body and tianyuan.name not in body
    client.force_login(s.p.clerk)
    response = client.get(reverse("drive-list"), {"q": "婚恋"})
    assert response.status_code == 200 and tianyuan.name in response.content.decode()
    assert s.drive.name not in response.content.decode()
    assert client.get(reverse("drive-list"), {"status": "nonsense"}).status_code == 400
    assert "专项行动" in client.get(reverse("drive-list")).content.decode()  # the navigation's link


def test_the_dashboard_shows_the_figures_tables_and_chart(client, scene):
    s = scene
    client.force_login(s.p.leader)
    response = client.get(reverse("drive-detail", args=[s.drive.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "50.00%" in body and 'data-key="430211"' in body and 'data-key="2026-11-16"' in body
    assert "table-responsive" in body and 'id="chart-week"' in body  # phones: tables scroll, the chart resizes
    assert "/static/vendor/echarts/echarts.min.js" in body and "drives/drive.js" in body
    # Nothing loaded from another host (the networks are closed). Not a search for "cdn": the page's random
    # CSRF tokens (64 letters and digits each) hold those three letters on about one page in 300.
    assert not re.search(r"""(?:src|href)=["'](?:https?:)?//""", body)
    charts = response.context["charts"]
    assert sum(charts["found"]) == 4 and len(charts["labels"]) == 6
    # Drilling into 天元区 breaks it down by township; a township into its communities ("本级").
    response = client.get(reverse("drive-detail", args=[s.drive.pk]), {"region": "430211"})
    assert [row["label"] for row in response.context["region_rows"]] == ["嵩山路街道"]
    response = client.get(reverse("drive-detail", args=[s.drive.pk]), {"region": "430211004"})
    assert [row["label"] for row in response.context["region_rows"]] == ["嵩山路街道(本级)"]
    assert client.get(reverse("drive-detail", args=[s.drive.pk]), {"region": "999999"}).status_code == 404


def test_every_link_of_the_dashboard_lists_as_many_cases_as_it_says(client, scene):
    s = scene
    client.force_login(s.p.leader)
    context = client.get(reverse("drive-detail", args=[s.drive.pk])).context
    checked = 0
    for row in [*context["region_rows"], *context["week_rows"]]:
        for code, url in row["links"].items():
            if row[code]:
                assert _count_on(client.get(url)) == row[code], url
                checked += 1
    for code in ("found", "mediated", "successful"):
        assert _count_on(client.get(context[f"{code}_url"])) == context["totals"][code]
    assert checked >= 6


def test_figures_are_limited_to_the_users_jurisdiction(client, scene):
    s = scene
    client.force_login(s.p.hetang_clerk)
    response = client.get(reverse("drive-detail", args=[s.drive.pk]))
    assert response.context["totals"]["found"] == 1
    body = response.content.decode()
    assert s.agreed.number not in body and "天元区" not in body
    drilled = client.get(reverse("drive-cases", args=[s.drive.pk]), {"figure": "found"})
    assert s.hetang.number in drilled.content.decode() and s.agreed.number not in drilled.content.decode()
    tianyuan = make_drive(s.p.district_clerk, s.z.tianyuan, s.z.tianyuan_centre)
    for name in ("drive-detail", "drive-cases", "drive-edit"):
        assert client.get(reverse(name, args=[tianyuan.pk])).status_code == 404


@pytest.mark.parametrize("params", [{"figure": "x"}, {"week": "2026-11-17"}, {"area": "430211"}])
def test_bad_drilldown_parameters_answer_400(client, scene, params):
    client.force_login(scene.p.leader)
    response = client.get(reverse("drive-cases", args=[scene.drive.pk]), params)
    assert response.status_code == 400 and "alert-danger" in response.content.decode()


def test_centre_staff_create_and_edit_a_drive_through_the_form(client, zhuzhou, people):
    client.force_login(people.district_clerk)
    assert client.get(reverse("drive-new")).status_code == 200
    data = {
        "name": "天元区婚恋家庭纠纷排查化解",
        "start_date": "2026-11-01",
        "end_date": "2026-12-31",
        "kinds": ["dispute"],
        "region": zhuzhou.tianyuan.pk,
        "lead_org": zhuzhou.tianyuan_centre.pk,
        "status": "active",
    }
    bad = client.post(reverse("drive-new"), {**data, "end_date": "2026-10-01"})
    assert bad.status_code == 400 and "结束日期不能早于开始日期" in bad.content.decode()
    assert not Drive.objects.exists()
    response = client.post(reverse("drive-new"), data)
    drive = Drive.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("drive-detail", args=[drive.pk])
    edit = client.post(reverse("drive-edit", args=[drive.pk]), {**data, "name": "二期"})
    assert edit.status_code == 302 and Drive.objects.get().name == "二期"
    # The township's clerk sees the district's drive but may not edit it; a mediator may not create one.
    client.force_login(people.clerk)
    assert client.get(reverse("drive-edit", args=[drive.pk])).status_code == 403
    client.force_login(people.mediator)
    assert client.get(reverse("drive-new")).status_code == 403


def test_a_case_is_tagged_and_untagged_from_the_dashboard(client, scene):
    s = scene
    client.force_login(s.p.clerk)
    url = reverse("drive-tag", args=[s.drive.pk])
    response = client.post(url, {"case": s.october.number, "mode": "include", "reason": "十月排查发现"})
    assert response.status_code == 302
    tag = DriveCase.objects.get()
    assert tag.case == s.october and tag.tagged_by == s.p.clerk
    page = client.get(reverse("drive-detail", args=[s.drive.pk]))
    assert page.context["totals"]["found"] == 4 and s.october.number in page.content.decode()  # 3 + 1 of his
    refused = client.post(url, {"case": s.agreed.number, "mode": "include", "reason": "纳入"})
    assert refused.status_code == 400 and "已自动计入" in refused.content.decode()
    missing = client.post(url, {"case": "MJ00000000-0000", "mode": "include", "reason": "纳入"})
    assert missing.status_code == 400 and "案件不存在或不在您的辖区内" in missing.content.decode()
    untag = client.post(reverse("drive-untag", args=[s.drive.pk]), {"case": s.october.number, "reason": "误标"})
    assert untag.status_code == 302 and not DriveCase.objects.exists()
    client.force_login(s.grid_worker)
    assert client.post(url, {"case": s.october.number, "mode": "include", "reason": "纳入"}).status_code == 403
    assert client.get(url).status_code == 405
