"""法治护航台账: the page (cards with 同比, tables by workstation and by role, every number a drill-down), its
API tables, the summary and drill-down endpoints for group "lawguard", the Excel export's layout, the
jurisdiction, and the page's query count."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from pingan.core.models import AuditAction, AuditLog
from pingan.lawguard.models import RecoveredLoss, Suggestion
from pingan.lawguard.services import suggestion_issue
from pingan.stats import indicators, ledger

from .lawguard_helpers import build, lawguard_kinds, local

NOW = local(2026, 11, 30, 15, 0)
NOVEMBER = {"date_from": "2026-11-01", "date_to": "2026-11-30"}


@pytest.fixture
def records(lawguard_scene, zhuzhou, people):
    with lawguard_kinds():
        yield build(lawguard_scene, zhuzhou, people, when=NOW)


def test_the_ledger_page(records, people, client, lawguard_scene):
    client.force_login(people.leader)
    response = client.get(reverse("dashboard-lawguard"), NOVEMBER)
    assert response.status_code == 200
    html = response.content.decode()
    for code in ledger.CARD_CODES:
        assert f'data-indicator="{code}"' in html and str(indicators.get(code).name) in html
    assert "3,500.50元" in html and "同比" in html and "环比" in html
    station = lawguard_scene.station_org.code
    assert f'data-workstation="{station}"' in html and 'data-role="prosecutor"' in html
    assert f"workstation={station}&amp;indicator=lg_services" in html
    assert "provider_role=lawyer&amp;indicator=lg_consultations" in html
    assert reverse("dashboard-lawguard-export") in html
    # The dashboard links to it.
    assert reverse("dashboard-lawguard") in client.get(reverse("dashboard")).content.decode()


def test_a_table_cell_drills_down_to_its_records(records, people, client, lawguard_scene):
    client.force_login(people.leader)
    station = lawguard_scene.station_org.code
    page = client.get(reverse("dashboard-drilldown"), {**NOVEMBER, "workstation": station, "indicator": "lg_recovered"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "法治护航台账" in html and "1000.50" in html and "2000.00" in html and "500.00" not in html
    cases = client.get(
        reverse("dashboard-drilldown"), {**NOVEMBER, "provider_role": "expert", "indicator": "lg_checkups"}
    )
    assert records.s1.number in cases.content.decode() and records.s2.number not in cases.content.decode()


def test_the_api_serves_the_lawguard_group(records, people, api, lawguard_scene):
    client = api(people.leader)
    summary = client.get("/api/v1/stats/summary/", {**NOVEMBER, "group": "lawguard"}).json()
    items = {item["code"]: item for item in summary["indicators"]}
    assert set(items) == {ind.code for ind in indicators.all_indicators("lawguard")}
    assert items["lg_recovered"]["unit"] == "元" and items["lg_recovered"]["value"] == 3500.5
    assert items["lg_recovered"]["numerator"] == 3
    assert client.get("/api/v1/stats/summary/", {"group": "nope"}).status_code == 400
    # The default summary keeps its shape and its indicators.
    default = client.get("/api/v1/stats/summary/", NOVEMBER).json()["indicators"]
    assert {item["code"] for item in default} == {ind.code for ind in indicators.all_indicators()}
    assert set(default[0]) == set(items["lg_recovered"])
    for code in ("lg_suggestions", "lg_recovered", "lg_workstations", "lg_consultations"):
        body = client.get("/api/v1/stats/drilldown/", {**NOVEMBER, "indicator": code}).json()
        assert body["count"] == items[code]["numerator"], code
    losses = client.get("/api/v1/stats/drilldown/", {**NOVEMBER, "indicator": "lg_recovered"}).json()["results"]
    assert sum(Decimal(row["value"]) for row in losses) == Decimal("3500.50") and losses[0]["source"] == "loss"
    station = lawguard_scene.station_org.code
    rows = client.get("/api/v1/stats/lawguard/workstations/", NOVEMBER).json()["rows"]
    songshan = {f["code"]: f for f in next(r for r in rows if r["key"] == station)["figures"]}
    assert songshan["lg_services"]["numerator"] == 2 and songshan["lg_recovered"]["value"] == 3000.5
    for figure in songshan.values():
        params = {**NOVEMBER, "workstation": station, "indicator": figure["code"]}
        assert client.get("/api/v1/stats/drilldown/", params).json()["count"] == figure["numerator"]
    roles = client.get("/api/v1/stats/lawguard/roles/", NOVEMBER).json()["rows"]
    lawyer = {f["code"]: f["numerator"] for f in next(r for r in roles if r["key"] == "lawyer")["figures"]}
    assert lawyer["lg_consultations"] == 2


def test_hetang_sees_none_of_tianyuans_records(records, people, client, api, lawguard_scene):
    client.force_login(people.hetang_clerk)
    html = client.get(reverse("dashboard-lawguard"), NOVEMBER).content.decode()
    assert "嵩山路" not in html and "月塘法治护航工作站" in html
    assert "500.00元" in html and "3,500.50元" not in html
    station = lawguard_scene.station_org.code
    refused = api(people.hetang_clerk).get("/api/v1/stats/lawguard/workstations/", {"workstation": station})
    assert refused.status_code == 404
    page = client.get(reverse("dashboard-drilldown"), {"workstation": station, "indicator": "lg_suggestions"})
    assert page.status_code == 404
    rows = api(people.hetang_clerk).get("/api/v1/stats/drilldown/", {**NOVEMBER, "indicator": "lg_suggestions"})
    assert [row["enterprise"] for row in rows.json()["results"]] == ["荷塘机电设备有限公司"]


def test_the_export_layout(records, people, client):
    client.force_login(people.leader)
    response = client.get(reverse("dashboard-lawguard-export"), {**NOVEMBER, "region": "430200"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["按区县", "按工作站", "按服务人员角色"]
    sheet = book["按区县"]
    width = len(ledger.DISTRICT_CODES) + 1
    assert sheet.cell(1, 1).value == "株洲市法治护航工作情况统计表(2026-11-01至2026-11-30)"
    assert sheet.cell(2, 1).value == "填报单位:株洲市综治中心" and str(sheet.cell(2, width // 2 + 1).value).startswith(
        "填报日期:"
    )
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"A1:M1", "A3:A4", "B3:C3", "E3:I3", "J3:L3"} <= merged
    assert [sheet.cell(3, c).value for c in (2, 4, 5, 10, 13)] == [
        "工作站建设",
        "服务企业",
        "法律服务",
        "风险防范",
        "挽回损失",
    ]
    assert sheet.cell(4, 2).value == "法治护航工作站数(个)" and sheet.cell(4, 13).value == "挽回损失金额(元)"
    names = [sheet.cell(row, 1).value for row in range(5, sheet.max_row + 1)]
    assert names == ["株洲市(本级)", "荷塘区", "天元区", "合计"]
    total_row = sheet.max_row
    for column in range(2, width + 1):
        header = sheet.cell(4, column).value
        if "率" in header:
            continue
        parts = sum(sheet.cell(row, column).value or 0 for row in range(5, total_row))
        assert sheet.cell(total_row, column).value == pytest.approx(parts), header
    assert sheet.cell(total_row, 13).value == 3500.5 and sheet.cell(total_row, 7).value == 3
    stations = book["按工作站"]
    assert [stations.cell(row, 1).value for row in range(4, stations.max_row + 1)] == [  # by organisation code
        "月塘法治护航工作站",
        "嵩山路法治护航工作站",
    ]
    roles = book["按服务人员角色"]
    assert [roles.cell(row, 1).value for row in range(4, 10)] == [
        "法官",
        "检察官",
        "警官",
        "律师",
        "专家",
        "工作站人员",
    ]
    log = AuditLog.objects.get(action=AuditAction.EXPORT, actor=people.leader)
    assert log.object_type == "stats.lawguard_ledger" and log.changes["filters"]["date_from"] == "2026-11-01"


def test_the_ledger_page_runs_a_constant_number_of_queries(records, people, client, lawguard_scene):
    client.force_login(people.leader)
    client.get(reverse("dashboard-lawguard"), NOVEMBER)  # warm the session and caches

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("dashboard-lawguard"), NOVEMBER).status_code == 200
        return len(captured)

    before = count()
    for index in range(5):
        suggestion_issue(
            actor=lawguard_scene.staff,
            enterprise=lawguard_scene.enterprise,
            title=f"建议{index}",
            content="建议内容。",
            severity="yellow",
            revisit_on=NOW.date(),
            issued_at=NOW,
        )
        RecoveredLoss.objects.create(
            enterprise=lawguard_scene.other,
            case=records.h1,
            workstation=records.hetang_station,
            amount=Decimal("10.00"),
            method="mediation",
            recovered_on=NOW.date(),
            description="挽回。",
        )
    assert Suggestion.objects.count() == 9
    assert count() == before
    # session, user, memberships; the cards: one query per source (3 stocks, cases, suggestions, losses, ratings);
    # by workstation: one per source and the workstations; by role: one; the base page's notifications and
    # region picker.
    assert before <= 20
