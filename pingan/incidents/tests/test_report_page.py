"""The phone reporting page /report/: one screen, an installable web app with its own service worker."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings

STATIC = Path(settings.BASE_DIR) / "pingan" / "static" / "incidents"


def test_the_page_offers_category_buttons_camera_location_and_the_workers_grids(client, grids):
    client.force_login(grids.worker)
    response = client.get("/report/")
    assert response.status_code == 200
    page = response.content.decode()
    for name in ("治安隐患", "安全生产", "消防", "环境卫生", "市政设施", "矛盾纠纷线索", "特殊人群", "其他"):
        assert f">{name}</label>" in page
    assert 'accept="image/*" capture="environment" multiple' in page
    assert 'data-default-urgency="urgent"' in page  # 消防 and 治安隐患 preselect 紧急
    assert '<optgroup label="我的网格"><option value="430211004001001">' in page
    assert 'rel="manifest"' in page and "incidents/report.js" in page
    assert "<script>" not in page  # no inline script under the CSP


def test_the_page_lists_the_workers_recent_reports(client, grids, incident):
    client.force_login(grids.worker)
    page = client.get("/report/").content.decode()
    assert incident.title in page
    # The page's script puts each report it sends on top of this list, keeping as many as the page shows.
    assert '<ul class="list-group recent-reports" data-limit="10">' in page
    assert f'data-case="{incident.pk}"' in page


def test_a_leader_who_cannot_report_is_refused(client, grids, people):
    client.force_login(people.leader)
    response = client.get("/report/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "您的岗位不能上报事件" in page and 'id="report-form"' not in page


def test_the_service_worker_is_served_for_the_report_scope(client):
    response = client.get("/report/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/report/"
    assert b"pingan-report-v1" in response.content


def test_the_manifest_makes_the_page_installable():
    manifest = json.loads((STATIC / "manifest.webmanifest").read_text())
    assert manifest["start_url"] == manifest["scope"] == "/report/"
    assert manifest["display"] == "standalone"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        assert (STATIC / icon["src"]).read_bytes().startswith(b"\x89PNG")
