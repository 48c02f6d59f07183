"""The incident on the staff case page: its own actions, with their forms, in the loop's words."""

from __future__ import annotations

from pingan.cases.models import Case
from pingan.incidents.choices import IncidentState as S
from pingan.incidents.services import incident_report


def test_the_centre_sees_file_reject_and_convert_for_a_new_dispute_lead(client, grids, people):
    lead = incident_report(
        actor=grids.worker, category="inc_dispute_lead", description="两户争吵。", lng=113.09, lat=27.8
    )
    client.force_login(people.clerk)
    page = client.get(f"/cases/{lead.pk}/").content.decode()
    for action, label in (("file", "立案"), ("reject", "不予立案"), ("convert", "转为矛盾纠纷")):
        assert f'data-action="{action}">{label}</button>' in page
    assert "信息收集待立案" in page


def test_the_grid_worker_converts_a_dispute_lead_on_the_case_page(client, grids):
    lead = incident_report(
        actor=grids.worker, category="inc_dispute_lead", description="两户争吵。", lng=113.09, lat=27.8
    )
    client.force_login(grids.worker)
    response = client.post(
        f"/cases/{lead.pk}/actions/convert/",
        {
            "dispute_category": "neighbour",
            "applicant_name": "张三",
            "applicant_phone": "13800138000",
            "respondent_name": "李四",
        },
    )
    assert response.status_code == 302
    lead.refresh_from_db()
    dispute = Case.objects.get(parent=lead)
    assert lead.status == S.TRANSFERRED and dispute.kind == "dispute"
    assert [(p.name, p.role, p.phone) for p in dispute.parties.all()] == [
        ("张三", "applicant", "13800138000"),
        ("李四", "respondent", ""),
    ]


def test_a_conversion_without_a_party_is_refused_on_the_page(client, grids):
    lead = incident_report(
        actor=grids.worker, category="inc_dispute_lead", description="两户争吵。", lng=113.09, lat=27.8
    )
    client.force_login(grids.worker)
    response = client.post(f"/cases/{lead.pk}/actions/convert/", {"dispute_category": "neighbour"})
    assert response.status_code == 400
    assert "转为矛盾纠纷至少需要一名当事人" in response.content.decode()
    lead.refresh_from_db()
    assert lead.status == S.REPORTED
