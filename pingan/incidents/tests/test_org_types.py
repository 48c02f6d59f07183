"""Which organisation types may work a kind's cases (Workflow.org_types): incidents never go to a mediation
committee (its mediators have no step in the incident loop), disputes still do; routing skips a rule that
points elsewhere; `cases_misplaced` finds and returns the cases an older installation sent astray."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from pingan.cases import workflows
from pingan.cases.choices import Channel, EventType, RoutingBasis
from pingan.cases.events import event_record
from pingan.cases.models import Case, CaseEvent, Category, RoutingRule
from pingan.cases.selectors import cases_misplaced
from pingan.cases.services import case_register, case_transition, route
from pingan.core.errors import ApplicationError
from pingan.core.models import AuditAction, AuditLog
from pingan.disputes.choices import DisputeState
from pingan.incidents.choices import IncidentState as S
from pingan.regions.choices import OrgType


@pytest.fixture
def filed(incident, people):
    return case_transition(case=incident, actor=people.clerk, action="file")


def _committee_refused(error: ApplicationError, zhuzhou) -> None:
    assert error.code == "org_type_not_allowed"
    assert error.fields == {"to_org": [error.message]}
    assert zhuzhou.songshan_mediation.name in error.message and "人民调解委员会" in error.message


def test_the_declarations():
    incident, dispute = workflows.get("incident"), workflows.get("dispute")
    assert not incident.allows(OrgType.MEDIATION_COMMITTEE) and dispute.allows(OrgType.MEDIATION_COMMITTEE)
    assert incident.allows(OrgType.CENTRE) and dispute.allows(OrgType.CENTRE)
    # The 政法委 holds no role any transition names: a case sent there would sit with nobody.
    assert not incident.allows(OrgType.PLA_COMMITTEE) and not dispute.allows(OrgType.PLA_COMMITTEE)


def test_a_workflow_without_centres_is_refused_at_declaration():
    with pytest.raises(ValueError):
        workflows.Workflow(
            kind="x", label="x", number_prefix="X", states=(), initial="", transitions=(), clocks={},
            org_types=frozenset({OrgType.POLICE}),
        )  # fmt: skip


def test_dispatching_an_incident_to_a_mediation_committee_is_refused(filed, people, zhuzhou):
    events = filed.events.count()
    with pytest.raises(ApplicationError) as refused:
        case_transition(
            case=filed, actor=people.clerk, action="dispatch", data={"to_org": zhuzhou.songshan_mediation.code}
        )
    _committee_refused(refused.value, zhuzhou)
    case = Case.objects.get(pk=filed.pk)
    assert case.status == S.FILED and case.assigned_org_id == filed.assigned_org_id
    assert case.events.count() == events


def test_transfer_and_escalation_refuse_it_too(dispute, people, zhuzhou):
    """The same check guards every move: a procuratorate works no disputes."""
    from conftest import make_org

    procuratorate = make_org("JCY430211", "天元区人民检察院", OrgType.PROCURATORATE, zhuzhou.tianyuan)
    with pytest.raises(ApplicationError) as refused:
        case_transition(
            case=dispute, actor=people.clerk, action="escalate", data={"to_org": procuratorate.code, "comment": "上报"}
        )
    assert refused.value.fields == {"to_org": [refused.value.message]} and "人民检察院" in refused.value.message
    with pytest.raises(ApplicationError):
        case_transition(
            case=dispute, actor=people.clerk, action="transfer", data={"to_org": procuratorate.code, "comment": "转"}
        )
    assert Case.objects.get(pk=dispute.pk).assigned_org == zhuzhou.songshan_centre


def test_a_dispute_may_still_go_to_a_mediation_committee(dispute, people, zhuzhou):
    case = case_transition(
        case=dispute, actor=people.clerk, action="dispatch", data={"to_org": zhuzhou.songshan_mediation.code}
    )
    assert case.assigned_org == zhuzhou.songshan_mediation
    case = case_transition(case=case, actor=people.mediator, action="accept")
    assert case.status == DisputeState.ACCEPTED


def test_the_api_refuses_it_in_the_one_error_shape(filed, people, zhuzhou):
    client = APIClient()
    client.force_authenticate(user=people.clerk)
    response = client.post(
        f"/api/v1/cases/{filed.pk}/transitions/",
        {"action": "dispatch", "to_org": zhuzhou.songshan_mediation.code},
        format="json",
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "org_type_not_allowed" and error["fields"] == {"to_org": [error["message"]]}
    assert Case.objects.get(pk=filed.pk).status == S.FILED
    detail = client.get(f"/api/v1/cases/{filed.pk}/").json()
    assert "police" in detail["org_types"] and "mediation" not in detail["org_types"]


def test_the_dispatch_form_offers_only_allowed_organisations_and_refuses_others(client, filed, people, zhuzhou, squad):
    client.force_login(people.clerk)
    response = client.get(reverse("case-detail", args=[filed.pk]))
    dispatch = next(p for p in response.context["panels"] if p["transition"].action == "dispatch")
    codes = {value for value, _label in dispatch["form"].fields["to_org"].widget.choices if value}
    assert squad.code in codes and zhuzhou.songshan_justice.code in codes
    assert zhuzhou.songshan_mediation.code not in codes and zhuzhou.tianyuan_court.code not in codes

    response = client.post(
        reverse("case-action", args=[filed.pk, "dispatch"]), {"to_org": zhuzhou.songshan_mediation.code}
    )
    assert response.status_code == 400
    dispatch = next(p for p in response.context["panels"] if p["transition"].action == "dispatch")
    assert dispatch["open"] and "不承办网格事件案件" in dispatch["form"].errors["to_org"][0]
    assert Case.objects.get(pk=filed.pk).status == S.FILED


def test_the_dispute_form_still_offers_the_committee(client, dispute, people, zhuzhou):
    client.force_login(people.clerk)
    response = client.get(reverse("case-detail", args=[dispute.pk]))
    dispatch = next(p for p in response.context["panels"] if p["transition"].action == "dispatch")
    codes = {value for value, _label in dispatch["form"].fields["to_org"].widget.choices if value}
    assert zhuzhou.songshan_mediation.code in codes


# --- routing ---------------------------------------------------------------------------------------


def test_routing_skips_a_rule_to_a_disallowed_organisation(grids, zhuzhou):
    category = Category.objects.get(kind="incident", code="inc_municipal")
    general = RoutingRule.objects.create(kind="incident", region=zhuzhou.songshan, organization=zhuzhou.songshan_centre)
    # Saved before this check existed (bulk, or an old installation): deeper and category-specific, so it
    # would win, but incidents may not go to a mediation committee.
    RoutingRule.objects.create(
        kind="incident", category=category, region=zhuzhou.taishan, organization=zhuzhou.songshan_mediation
    )
    assert route(kind="incident", category=category, region=grids.taishan_1) == (
        general.organization,
        RoutingBasis.RULE,
    )
    general.delete()
    assert route(kind="incident", category=category, region=grids.taishan_1) == (
        zhuzhou.taishan_centre,
        RoutingBasis.NEAREST_CENTRE,
    )


def test_a_dispute_rule_to_the_committee_still_routes(zhuzhou, category):
    RoutingRule.objects.create(kind="dispute", region=zhuzhou.songshan, organization=zhuzhou.songshan_mediation)
    assert route(kind="dispute", category=category, region=zhuzhou.taishan) == (
        zhuzhou.songshan_mediation,
        RoutingBasis.RULE,
    )


def test_a_rule_to_a_disallowed_organisation_is_refused_when_saved(zhuzhou, category):
    for kind in ("incident", ""):  # a rule for every kind must suit every kind
        rule = RoutingRule(kind=kind, region=zhuzhou.songshan, organization=zhuzhou.songshan_mediation)
        with pytest.raises(ValidationError) as refused:
            rule.full_clean()
        assert "不承办网格事件案件" in refused.value.message_dict["organization"][0]
    RoutingRule(kind="dispute", region=zhuzhou.songshan, organization=zhuzhou.songshan_mediation).full_clean()


def test_the_back_office_refuses_such_a_rule_on_the_form(client, django_user_model, zhuzhou):
    from pingan.accounts.choices import Role
    from pingan.accounts.models import Membership

    root = django_user_model.objects.create_superuser("root", password="Pingan-admin-2022")
    Membership.objects.create(user=root, organization=zhuzhou.city_centre, role=Role.CENTRE_HEAD)
    client.force_login(root)
    data = {"kind": "incident", "region": zhuzhou.songshan.pk, "is_active": "on"}
    response = client.post("/admin/cases/routingrule/add/", {**data, "organization": zhuzhou.songshan_mediation.pk})
    assert response.status_code == 200 and not RoutingRule.objects.exists()
    assert "不承办网格事件案件" in str(response.context["adminform"].form.errors["organization"])
    response = client.post("/admin/cases/routingrule/add/", {**data, "organization": zhuzhou.songshan_justice.pk})
    assert response.status_code == 302 and RoutingRule.objects.get().organization == zhuzhou.songshan_justice


def test_registering_straight_to_a_disallowed_organisation_is_refused(people, zhuzhou):
    category = Category.objects.get(kind="incident", code="inc_municipal")
    with pytest.raises(ApplicationError) as refused:
        case_register(
            actor=people.clerk,
            kind="incident",
            category=category,
            title="井盖破损",
            description="井盖破损。",
            channel=Channel.VISIT,
            region=zhuzhou.songshan,
            assigned_org=zhuzhou.songshan_mediation,
        )
    assert refused.value.code == "org_type_not_allowed"
    assert not Case.objects.filter(kind="incident").exists()


def test_the_demo_refuses_a_planned_incident_held_by_a_committee(filed, zhuzhou):
    from types import SimpleNamespace

    from pingan.demo import checks

    events = [{"type": e.type, "to_status": e.to_status} for e in filed.events.order_by("id")]
    checks.plans_check("incident", [SimpleNamespace(case=filed, events=events)])
    filed.assigned_org = zhuzhou.songshan_mediation
    with pytest.raises(checks.InvalidDemoData, match="不承办网格事件案件"):
        checks.plans_check("incident", [SimpleNamespace(case=filed, events=events)])


# --- existing installations: cases_misplaced --------------------------------------------------------


@pytest.fixture
def stuck(filed, people, zhuzhou):
    """An incident an older release dispatched to the mediation committee (written as that release did)."""
    Case.objects.filter(pk=filed.pk).update(assigned_org=zhuzhou.songshan_mediation, status=S.DISPATCHED)
    case = Case.objects.get(pk=filed.pk)
    event_record(
        case=case,
        actor=people.clerk,
        type=EventType.DISPATCHED,
        previous=S.FILED,
        params={"from_org": filed.assigned_org.code, "to_org": zhuzhou.songshan_mediation.code},
    )
    return case


def test_the_command_lists_misplaced_cases_and_changes_nothing(stuck, dispute, people, zhuzhou):
    case_transition(
        case=dispute, actor=people.clerk, action="dispatch", data={"to_org": zhuzhou.songshan_mediation.code}
    )
    assert list(cases_misplaced()) == [stuck]
    out = io.StringIO()
    call_command("cases_misplaced", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith(f"{stuck.number}\tincident\t{S.DISPATCHED}\t{zhuzhou.songshan_mediation.code}")
    assert lines[-1] == "1 misplaced open case(s) found"
    assert Case.objects.get(pk=stuck.pk).assigned_org == zhuzhou.songshan_mediation


def test_the_command_returns_them_to_the_dispatching_centre(stuck, filed, people, zhuzhou):
    centre = filed.assigned_org
    out = io.StringIO()
    call_command("cases_misplaced", "--return", stdout=out)
    assert out.getvalue().splitlines()[-1] == "1 misplaced open case(s) returned"
    case = Case.objects.get(pk=stuck.pk)
    assert case.assigned_org == centre and case.status == S.FILED and case.assignee is None
    event = CaseEvent.objects.filter(case=case).latest("id")
    assert event.type == EventType.RETURNED and event.actor is None and event.comment
    assert event.from_status == S.DISPATCHED and event.to_status == S.FILED
    assert event.params["from_org"] == zhuzhou.songshan_mediation.code and event.params["to_org"] == centre.code
    audit = AuditLog.objects.filter(action=AuditAction.TRANSITION, object_id=str(case.pk)).latest("id")
    assert audit.changes == {"action": "return", "from": S.DISPATCHED, "to": S.FILED}
    # The centre can dispatch it again, now to a department that handles incidents.
    case = case_transition(
        case=case, actor=people.clerk, action="dispatch", data={"to_org": zhuzhou.songshan_justice.code}
    )
    assert case.status == S.DISPATCHED
    assert not cases_misplaced().exists()


def test_without_a_known_sender_the_case_goes_to_its_regions_centre(incident, zhuzhou):
    Case.objects.filter(pk=incident.pk).update(assigned_org=zhuzhou.songshan_mediation, status=S.DISPATCHED)
    call_command("cases_misplaced", "--return", stdout=io.StringIO())
    case = Case.objects.get(pk=incident.pk)
    assert case.assigned_org == zhuzhou.taishan_centre and case.status == S.FILED
