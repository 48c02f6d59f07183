"""The done-means path through the API: raise a risk, score it red, plan tasks from a template, dispose with
evidence, write the review, sign-off refused to its author and done by a centre above, an improvement saved
as a template, and a stage skip refused (409, in Chinese). Plus jurisdiction and bad input."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pingan.cases.models import Case
from pingan.risks.models import Risk, RiskPlanTemplate, RiskPlanTemplateTask, RiskTask

from .conftest import PNG


@pytest.fixture
def template(db):
    template = RiskPlanTemplate.objects.create(name="涉稳群体性风险应对预案")
    RiskPlanTemplateTask.objects.create(template=template, stage="response", title="成立工作专班", due_in_days=1)
    RiskPlanTemplateTask.objects.create(
        template=template, stage="disposal", title="化解诉求", due_in_days=3, required_evidence="化解协议"
    )
    return template


def payload(zhuzhou, **changes):
    return {
        "category": "risk_disputes",
        "title": "某楼盘业主逾期交房聚集风险",
        "description": "200余户业主因逾期交房多次到售楼部聚集,扬言集体上访",
        "source": "dispute_escalation",
        "likelihood": 3,
        "impact": 3,
        "region": zhuzhou.songshan.code,
        "owner_org": zhuzhou.songshan_centre.code,
        "parties": [{"name": "张建国", "phone": "13800138000", "role": "reporter"}],
        **changes,
    }


def step(client, case_id, action, **data):
    return client.post(f"/api/v1/cases/{case_id}/transitions/", {"action": action, **data}, format="json")


def test_the_whole_loop_through_the_api(api, zhuzhou, people, template, dispute):
    clerk, boss = api(people.clerk), api(people.district_clerk)
    created = clerk.post("/api/v1/risks/", payload(zhuzhou, source_case=dispute.pk), format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    case_id = body["id"]
    assert body["number"].startswith("FX") and body["status"] == "foresight"
    assert body["risk"]["level"] == "yellow" and body["source_case"] == dispute.number
    assert "start_response" in body["allowed_actions"]
    assert Case.objects.get(pk=case_id).parties.get().name == "张建国"  # stored, shown masked by the engine

    assert step(clerk, case_id, "score", likelihood=5, impact=5, note="扬言集体上访").json()["risk"]["level"] == "red"
    skipped = step(clerk, case_id, "start_summary")
    assert skipped.status_code == 409
    assert "不能执行“进入总结”" in skipped.json()["error"]["message"]

    assert step(clerk, case_id, "start_response").status_code == 200
    planned = step(clerk, case_id, "apply_template", template=template.pk)
    assert planned.status_code == 200
    tasks = {t["title"]: t for t in planned.json()["risk"]["tasks"]}
    early = step(clerk, case_id, "start_disposal")
    assert early.status_code == 409 and "应对阶段还有未完成的任务" in early.json()["error"]["message"]
    step(clerk, case_id, "record_task", task=tasks["成立工作专班"]["id"], record="专班成立", complete=True)
    assert step(clerk, case_id, "start_disposal").status_code == 200

    refused = step(clerk, case_id, "record_task", task=tasks["化解诉求"]["id"], record="已签协议", complete=True)
    assert refused.status_code == 400 and "evidence" in refused.json()["error"]["fields"]
    upload = clerk.post(
        f"/api/v1/cases/{case_id}/attachments/",
        {"file": SimpleUploadedFile("协议.png", PNG, content_type="image/png")},
        format="multipart",
    )
    assert upload.status_code == 201
    done = step(
        clerk,
        case_id,
        "record_task",
        task=tasks["化解诉求"]["id"],
        record="已签协议",
        evidence=[upload.json()["id"]],
        complete=True,
    )
    assert done.status_code == 200, done.json()
    assert step(clerk, case_id, "set_residual", likelihood=1, impact=3).json()["risk"]["residual_level"] == "blue"
    assert step(clerk, case_id, "start_summary").status_code == 200

    assert step(clerk, case_id, "write_review", worked="包案化解", failed="预警滞后").status_code == 200
    own = step(clerk, case_id, "sign_off")
    assert own.status_code == 409
    signed = step(boss, case_id, "sign_off", comment="同意")
    assert signed.status_code == 200, signed.json()
    review = signed.json()["risk"]["review"]
    assert review["approved_by"]["username"] == people.district_clerk.username
    assert review["approved_org"]["code"] == zhuzhou.tianyuan_centre.code
    assert review["approval_snapshot"]["level"] == "red"

    assert step(clerk, case_id, "start_improvement").status_code == 200
    added = step(clerk, case_id, "add_improvement", title="逾期交房风险快速响应流程", due_date="2026-11-25")
    measure = next(t for t in added.json()["risk"]["tasks"] if t["stage"] == "improvement")
    assert step(clerk, case_id, "close_loop").status_code == 409
    completed = step(
        clerk, case_id, "complete_improvement", task=measure["id"], record="流程已印发", save_as="template"
    )
    assert completed.status_code == 200, completed.json()
    templates = clerk.get("/api/v1/risks/templates/").json()
    assert "逾期交房风险快速响应流程" in {t["name"] for t in templates}
    closed = step(clerk, case_id, "close_loop")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"

    detail = clerk.get(f"/api/v1/risks/{case_id}/").json()
    assert [s["kind"] for s in detail["risk"]["scores"]] == ["inherent", "inherent", "residual"]
    assert detail["allowed_actions"] == []


def test_list_filters_and_reference_data(api, zhuzhou, people):
    clerk = api(people.clerk)
    clerk.post("/api/v1/risks/", payload(zhuzhou, likelihood=5, impact=5, title="红色风险"), format="json")
    clerk.post("/api/v1/risks/", payload(zhuzhou, likelihood=1, impact=1, title="蓝色风险"), format="json")
    red = clerk.get("/api/v1/risks/", {"level": "red"}).json()
    assert [r["title"] for r in red["results"]] == ["红色风险"]
    assert clerk.get("/api/v1/risks/", {"stage": "foresight", "category": "risk_disputes"}).json()["count"] == 2
    assert clerk.get("/api/v1/risks/", {"owner_org": zhuzhou.songshan_centre.code}).json()["count"] == 2
    assert clerk.get("/api/v1/risks/", {"region": zhuzhou.hetang.code}).json()["count"] == 0
    assert clerk.get("/api/v1/risks/", {"overdue": "true"}).json()["count"] == 0
    bad = clerk.get("/api/v1/risks/", {"level": "purple"})
    assert bad.status_code == 400 and "level" in bad.json()["error"]["fields"]
    matrix = clerk.get("/api/v1/risks/matrix/").json()
    assert matrix["cells"][4][4] == "red" and len(matrix["likelihood_labels"]) == 5
    policies = {p["level"]: p for p in clerk.get("/api/v1/risks/level-policies/").json()}
    assert (policies["red"]["respond_amount"], policies["red"]["respond_unit"]) == (2, "calendar_hours")


def test_another_county_sees_nothing(api, zhuzhou, people):
    created = api(people.clerk).post("/api/v1/risks/", payload(zhuzhou), format="json").json()
    other = api(people.hetang_clerk)
    assert other.get("/api/v1/risks/").json()["count"] == 0
    assert other.get(f"/api/v1/risks/{created['id']}/").status_code == 404
    assert other.get(f"/api/v1/cases/{created['id']}/").status_code == 404
    assert step(other, created["id"], "start_response").status_code == 404


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"likelihood": 7}, "likelihood"),  # outside the 5×5 matrix
        ({"likelihood": 0}, "likelihood"),
        ({"source": "rumour"}, "source"),
        ({"category": "neighbour"}, "category"),  # a dispute category, not a risk one
        ({"owner_org": "F430211"}, "owner_org"),  # a court owns no risk
        ({"owner_org": "C430202"}, "owner_org"),  # outside the clerk's jurisdiction
        ({"region": None}, "region"),
        ({"grid_codes": ["430202001001"]}, "grid_codes"),
        ({"parties": [{"name": "张三", "id_number": "123"}]}, "parties[0].id_number"),
    ],
)
def test_bad_input_is_400_and_nothing_is_written(api, zhuzhou, people, category, changes, field):
    response = api(people.clerk).post("/api/v1/risks/", payload(zhuzhou, **changes), format="json")
    assert response.status_code == 400, response.json()
    error = response.json()["error"]
    assert error["message"] and field in error["fields"], error
    assert not Case.objects.filter(kind="risk").exists() and not Risk.objects.exists()
    assert not RiskTask.objects.exists()


def test_the_lists_cost_the_same_queries_for_one_risk_or_many(api, client, zhuzhou, people, raise_risk):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(get):
        with CaptureQueriesContext(connection) as queries:
            assert get().status_code == 200
        return len(queries)

    raise_risk()
    client.force_login(people.clerk)
    clerk = api(people.clerk)
    one = (count(lambda: clerk.get("/api/v1/risks/")), count(lambda: client.get("/risks/")))
    for n in range(4):
        raise_risk(title=f"风险{n}", likelihood=1 + n, impact=2)
    many = (count(lambda: clerk.get("/api/v1/risks/")), count(lambda: client.get("/risks/")))
    assert one == many
