"""A kind is an app: a kind declared here, inside the test suite only, plugs into the engine with no file of
`pingan.cases` changed — its states, actions with their own form, a clock of its own that pauses while the
case is suspended (挂起), its own timeline event with a labelled parameter, an intake check, a panel on the
detail page and a field in the API's case detail — and is walked through the API and the detail page like
the dispute and incident kinds.

(What "no file of cases changed" means in practice: this module is the only place the kind exists.)"""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from pingan.accounts.choices import Role
from pingan.cases import action_forms as af
from pingan.cases import services as cs
from pingan.cases import workflows
from pingan.cases.choices import ClockUnit, RoutingBasis, StateType, Urgency
from pingan.cases.common_transitions import T, resume, supervise, suspend
from pingan.cases.events import EventSpec, event_spec
from pingan.cases.models import Case, CaseEvent, Category
from pingan.cases.workflows import ClockSpec, ClockTrigger, Effect, Panel, State, Workflow
from pingan.core.errors import ApplicationError
from pingan.regions.choices import OrgType

KIND = "probe"
CENTRE = frozenset({Role.CENTRE_STAFF, Role.CENTRE_HEAD})


class FindingsForm(af.ActionForm):
    result = forms.ChoiceField(label="检查结论", choices=[("sound", "无隐患"), ("hazard", "有隐患")])
    hazards = forms.IntegerField(label="隐患数", min_value=0, required=False)


def handle_inspect(*, case, actor, transition, data) -> Effect:
    return Effect("probe_inspected", {"result": data["result"], "hazards": data.get("hazards") or 0})


def intake_check(*, parties, category, channel, region) -> None:
    if channel != "screening":
        raise ApplicationError("试验事项只能由排查登记", field="channel")


def panel_context(case, user) -> dict:
    inspections = [e.params for e in case.events.all() if e.type == "probe_inspected"]
    return {"probe_inspections": inspections}


PROBE = Workflow(
    kind=KIND,
    label=_("试验事项"),
    number_prefix="TS",
    initial="new",
    states=(
        State("new", "待检查"),
        State("inspecting", "检查中"),
        State("suspended", "已挂起"),
        State("inspected", "已检查", StateType.RESOLVED),
        State("closed", "已结案", StateType.CLOSED),
    ),
    clocks={Urgency.NORMAL: (3, ClockUnit.WORKING_DAYS)},
    clock_specs=(
        ClockSpec("handling", "办理", primary=True),
        # 现场检查: 48 calendar hours from acceptance to the inspection, paused while the case is suspended.
        ClockSpec(
            "inspection",
            "现场检查",
            amount=48,
            unit=ClockUnit.CALENDAR_HOURS,
            starts=ClockTrigger.action("accept"),
            stops=(ClockTrigger.action("inspect"),),
        ),
    ),
    org_types=frozenset({OrgType.CENTRE}),
    transitions=(
        T("accept", "接收", {"new"}, "inspecting", cs.handle_accept, roles=CENTRE),
        T("inspect", "检查", {"inspecting"}, "inspected", handle_inspect, FindingsForm, roles=CENTRE),
        T("close", "结案", {"inspected"}, "closed", cs.handle_close, roles=CENTRE),
        supervise({"new", "inspecting"}),
        suspend({"inspecting"}, "suspended", roles=CENTRE),
        resume({"suspended"}, roles=CENTRE),
    ),
    event_types=(EventSpec("probe_inspected", "现场检查"),),
    param_labels={"result": ("检查结论", lambda v: {"sound": "无隐患", "hazard": "有隐患"}.get(v, v))},
    intake_check=intake_check,
    panels=(Panel("probe/panel.html", panel_context),),
    api_fields=lambda: {"probe_title": serializers.CharField(source="title", read_only=True)},
)


@pytest.fixture
def probe_kind(db, settings, tmp_path):
    templates = tmp_path / "templates"
    (templates / "probe").mkdir(parents=True)
    (templates / "probe" / "panel.html").write_text(
        '<section id="probe-panel">现场检查记录:{% for item in probe_inspections %}'
        '<span class="probe-result">{{ item.result }}/{{ item.hazards }}</span>{% endfor %}</section>',
        encoding="utf-8",
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [templates, *settings.TEMPLATES[0]["DIRS"]]}]
    workflows.register(PROBE)
    category = Category.objects.create(kind=KIND, code="probe_fire", name="消防检查")
    yield category
    workflows.unregister(KIND)


def intake(api, user, region, **changes):
    payload = {
        "kind": KIND,
        "category": "probe_fire",
        "title": "商铺消防通道检查",
        "description": "排查发现商铺消防通道堆放杂物,需现场检查。",
        "channel": "screening",
        "region": region.code,
        **changes,
    }
    return api(user).post("/api/v1/cases/", payload, format="json")


def test_a_kind_declared_in_a_test_walks_through_the_api_and_the_detail_page(probe_kind, api, client, zhuzhou, people):
    response = intake(api, people.clerk, zhuzhou.songshan)
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["number"].startswith("TS")
    assert created["kind_label"] == "试验事项"
    assert created["status_label"] == "待检查"
    assert created["probe_title"] == "商铺消防通道检查"  # the kind's own API field
    assert created["allowed_actions"] == ["accept"]  # supervise is for the centres above
    case_id = created["id"]

    url = f"/api/v1/cases/{case_id}/transitions/"
    accepted_at = datetime.datetime.now(tz=datetime.UTC)
    with time_machine.travel(accepted_at, tick=False):
        assert api(people.clerk).post(url, {"action": "accept"}, format="json").status_code == 200

    # The kind's own clock pauses while the case is suspended and resumes with the time it had left.
    with time_machine.travel(accepted_at + datetime.timedelta(hours=10), tick=False):
        suspended = api(people.clerk).post(url, {"action": "suspend", "comment": "等待消防部门联合检查"}, format="json")
    assert suspended.status_code == 200, suspended.json()
    clocks = {clock["name"]: clock for clock in suspended.json()["clocks"]}
    assert suspended.json()["light"] == "paused"
    assert (clocks["inspection"]["state"], clocks["inspection"]["remaining"]) == ("paused", "1 14:00:00")  # 38 h
    assert clocks["inspection"]["pauses"][0]["reason"] == "等待消防部门联合检查"
    with time_machine.travel(accepted_at + datetime.timedelta(hours=100), tick=False):
        resumed = api(people.clerk).post(url, {"action": "resume"}, format="json")
    assert resumed.status_code == 200 and resumed.json()["status"] == "inspecting"
    inspection = {clock["name"]: clock for clock in resumed.json()["clocks"]}["inspection"]
    deadline = datetime.datetime.fromisoformat(inspection["deadline"])
    assert deadline == accepted_at + datetime.timedelta(hours=100 + 38)  # the 38 hours it had left
    # What follows happens after the resumption.
    with time_machine.travel(accepted_at + datetime.timedelta(hours=101), tick=True):
        # The kind's own form checks its own parameters, in the one error shape.
        refused = api(people.clerk).post(url, {"action": "inspect", "result": "maybe"}, format="json")
        assert refused.status_code == 400
        assert "result" in refused.json()["error"]["fields"]
        done = api(people.clerk).post(url, {"action": "inspect", "result": "hazard", "hazards": 2}, format="json")
        assert done.status_code == 200, done.json()
        assert done.json()["status"] == "inspected"
        assert done.json()["state_type"] == StateType.RESOLVED

        events = api(people.clerk).get(f"/api/v1/cases/{case_id}/events/").json()
        inspected = next(e for e in events if e["type"] == "probe_inspected")
        assert inspected["type_label"] == "现场检查"
        assert inspected["params"] == {"result": "hazard", "hazards": 2}

        client.force_login(people.clerk)
        page = client.get(reverse("case-detail", args=[case_id]))
        assert page.status_code == 200
        html = page.content.decode()
        assert '<section id="probe-panel">' in html  # the kind's panel
        assert '<span class="probe-result">hazard/2</span>' in html
        assert "现场检查" in html and "检查结论" in html and "有隐患" in html  # its event and labelled parameter
        assert 'data-action="close"' in html  # its next action, offered by the engine's page

        closed = client.post(reverse("case-action", args=[case_id, "close"]), {"comment": ""})
        assert closed.status_code == 302
        case = Case.objects.get(pk=case_id)
        assert case.status == "closed" and case.closed_at is not None and case.on_time is True
        assert CaseEvent.objects.filter(case=case).values_list("type", flat=True).last() == "closed"


def test_the_kinds_intake_check_refuses_what_it_cannot_take(probe_kind, api, zhuzhou, people):
    response = intake(api, people.clerk, zhuzhou.songshan, channel="visit")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"channel": ["试验事项只能由排查登记"]}
    assert not Case.objects.filter(kind=KIND).exists()


def test_an_unregistered_kind_leaves_nothing_behind(db):
    workflows.register(PROBE)
    assert event_spec("probe_inspected") is not None
    workflows.unregister(KIND)
    assert event_spec("probe_inspected") is None
    with pytest.raises(ApplicationError):
        workflows.get(KIND)
    assert event_spec("registered") is not None  # the engine's own stay


def test_an_undeclared_event_type_is_refused(probe_kind, zhuzhou, people):
    from pingan.cases.events import event_record

    case = cs.case_register(
        actor=people.clerk,
        kind=KIND,
        category=probe_kind,
        title="t",
        description="d",
        channel="screening",
        region=zhuzhou.songshan,
    )
    with pytest.raises(ValueError, match="unregistered event type"):
        event_record(case=case, actor=None, type="probe_unknown")


# --- a clock whose rule depends on the case, and a four-eyes rule through a related record ---------------

RULED = "ruled"


def survey_rule(case):
    """Critical cases: 2 calendar hours; others: the declared 8 working hours."""
    return (2, ClockUnit.CALENDAR_HOURS) if case.urgency == Urgency.CRITICAL else None


RULED_KIND = Workflow(
    kind=RULED,
    label=_("试验规则事项"),
    number_prefix="TR",
    initial="new",
    states=(State("new", "待勘查"), State("closed", "已结案", StateType.CLOSED)),
    clocks={Urgency.NORMAL: (3, ClockUnit.WORKING_DAYS)},
    clock_specs=(
        ClockSpec("handling", "办理", primary=True),
        ClockSpec("survey", "勘查", amount=8, unit=ClockUnit.WORKING_HOURS, rule_for=survey_rule),
    ),
    org_types=frozenset({OrgType.CENTRE}),
    transitions=(
        # Not by whoever registered the case (a dotted path through the related user), nor by the registrar
        # of its parent case (a missing link: no parent forbids no one).
        T(
            "close",
            "结案",
            {"new"},
            "closed",
            cs.handle_close,
            roles=CENTRE,
            superior_roles=CENTRE,
            forbid=("created_by.pk", "parent.created_by_id"),
        ),
    ),
)


@pytest.fixture
def ruled_kind(db):
    workflows.register(RULED_KIND)
    yield Category.objects.create(kind=RULED, code="ruled_survey", name="勘查")
    workflows.unregister(RULED)


def test_a_clock_rule_given_per_case_and_read_again_when_it_changes(ruled_kind, zhuzhou, people):
    """Vectors by hand, office hours 08:30–12:00 and 14:00–17:30 (see workcalendar/tests/test_clock_time.py and
    the State Council's 2026 notice it cites, 国庆节 10月1日至7日放假): registered Wed 30 Sep 2026 16:00."""
    from zoneinfo import ZoneInfo

    from pingan.cases import clocks

    start = datetime.datetime(2026, 9, 30, 16, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(start, tick=False):
        case = cs.case_register(
            actor=people.clerk,
            kind=RULED,
            category=ruled_kind,
            title="t",
            description="d",
            channel="screening",
            region=zhuzhou.songshan,
        )
        survey = case.clocks.get(name="survey")
        # The declared 8 working hours: 16:00–17:30 (1.5 h); 1–7 Oct off; Thu 8 Oct 08:30–12:00 (3.5 h),
        # 14:00 + 3 h = 17:00.
        assert (survey.amount, survey.unit) == (8, ClockUnit.WORKING_HOURS)
        assert survey.deadline == datetime.datetime(2026, 10, 8, 17, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
        assert clocks.clocks_rule_refresh(case=case) == []  # nothing changed
        case.urgency = Urgency.CRITICAL
        case.save()
        [changed] = clocks.clocks_rule_refresh(case=case)
    survey.refresh_from_db()
    # 2 calendar hours from its start, holidays or not: 18:00 the same day.
    assert (survey.amount, survey.unit) == (2, ClockUnit.CALENDAR_HOURS)
    assert survey.deadline == datetime.datetime(2026, 9, 30, 18, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert "按案件的规则" in RULED_KIND.clock_spec("survey").rule()

    primary = ClockSpec("handling", "办理", primary=True, rule_for=survey_rule)
    with pytest.raises(ValueError, match="rule_for"):
        Workflow(**{**RULED_KIND.__dict__, "clock_specs": (primary,)})


def test_forbid_follows_a_dotted_path(ruled_kind, zhuzhou, people):
    case = cs.case_register(
        actor=people.clerk,
        kind=RULED,
        category=ruled_kind,
        title="t",
        description="d",
        channel="screening",
        region=zhuzhou.songshan,
    )
    assert workflows.forbidden_value(case, "parent.created_by_id") is None
    with pytest.raises(workflows.TransitionNotAllowed, match="办理人以外"):
        cs.case_transition(case=case, actor=people.clerk, action="close")
    closed = cs.case_transition(case=case, actor=people.district_clerk, action="close")
    assert closed.status == "closed"


# --- an app's panel on the pages of other kinds (cases.extensions) ---------------------------------------


@pytest.fixture
def probe_extension(probe_kind, settings):
    """A panel "looking in" on the probe kind's pages from outside it: shown to centre heads only."""
    from pingan.cases.extensions import DetailExtension, register_detail_extension, unregister_detail_extension

    templates = settings.TEMPLATES[0]["DIRS"][0]
    (templates / "probe" / "outside.html").write_text(
        '<section id="probe-outside">外部面板:{{ probe_outside.number }}/{{ probe_outside.viewer }}</section>',
        encoding="utf-8",
    )

    def context(case, user):
        if not user.has_role(Role.CENTRE_HEAD):
            return {"probe_outside": None}
        return {"probe_outside": {"number": case.number, "viewer": user.username}}

    register_detail_extension(
        DetailExtension("probe-outside", frozenset({KIND}), "probe/outside.html", context, column="side")
    )
    yield
    unregister_detail_extension("probe-outside")


def test_an_app_adds_a_panel_to_the_pages_of_the_kinds_it_names(probe_extension, client, zhuzhou, people, dispute):
    case = cs.case_register(
        actor=people.clerk,
        kind=KIND,
        category=Category.objects.get(kind=KIND),
        title="t",
        description="d",
        channel="screening",
        region=zhuzhou.songshan,
    )
    client.force_login(people.head)
    html = client.get(reverse("case-detail", args=[case.pk])).content.decode()
    assert f'<section id="probe-outside">外部面板:{case.number}/songshan_head</section>' in html
    # Not on the pages of a kind it does not name.
    assert "probe-outside" not in client.get(reverse("case-detail", args=[dispute.pk])).content.decode()
    # Not for a user its context leaves out.
    client.force_login(people.clerk)
    assert "probe-outside" not in client.get(reverse("case-detail", args=[case.pk])).content.decode()


def test_a_detail_extension_must_name_its_kinds_and_a_known_column():
    from pingan.cases.extensions import DetailExtension

    with pytest.raises(ValueError, match="kinds"):
        DetailExtension("x", frozenset(), "x.html", lambda case, user: {})
    with pytest.raises(ValueError, match="column"):
        DetailExtension("x", frozenset({KIND}), "x.html", lambda case, user: {}, column="top")


# --- a kind's own routing and its own record at registration (Workflow.intake_route, Workflow.on_register) ---

ROUTED = "routed"
ROUTED_LOG: list[tuple[str, str, int]] = []


def route_to_the_named_centre(*, parties, category, region):
    """A kind's routing: the centre named in the first party's address, if any (None: the routing rules)."""
    from pingan.regions.models import Organization

    named = next((p.address for p in parties if p.address.startswith("C")), "")
    return Organization.objects.filter(code=named).first()


def remember_the_registration(*, case, actor, parties):
    ROUTED_LOG.append((case.number, actor.username, len(parties)))


ROUTED_KIND = Workflow(
    kind=ROUTED,
    label=_("试验分流事项"),
    number_prefix="TF",
    initial="new",
    states=(State("new", "待办"), State("closed", "已结案", StateType.CLOSED)),
    clocks={Urgency.NORMAL: (3, ClockUnit.WORKING_DAYS)},
    org_types=frozenset({OrgType.CENTRE}),
    transitions=(T("close", "结案", {"new"}, "closed", cs.handle_close, roles=CENTRE),),
    intake_route=route_to_the_named_centre,
    on_register=remember_the_registration,
)


def basis(case: Case) -> str:
    return case.events.get(type="routed").params["basis"]


@pytest.fixture
def routed_kind(db):
    ROUTED_LOG.clear()
    workflows.register(ROUTED_KIND)
    yield Category.objects.create(kind=ROUTED, code="routed_any", name="分流")
    workflows.unregister(ROUTED)


def test_a_kinds_routing_and_record_at_registration_whatever_the_door(routed_kind, api, zhuzhou, people):
    party = {"name": "株洲某公司", "role": "applicant", "party_type": "organization", "address": "C430211"}
    payload = {
        "kind": ROUTED,
        "category": "routed_any",
        "title": "试验分流",
        "description": "按事项自己的规则分流",
        "channel": "visit",
        "region": zhuzhou.taishan.code,
        "parties": [party],
    }
    routed = api(people.clerk).post("/api/v1/cases/", payload, format="json")
    assert routed.status_code == 201, routed.json()
    case = Case.objects.get(number=routed.json()["number"])
    assert case.assigned_org == zhuzhou.tianyuan_centre  # the kind's routing, not the nearest centre
    # Without a unit from the kind, the engine's routing (a visit: the centre where it was received, 首接负责).
    plain = cs.case_register(
        actor=people.clerk,
        kind=ROUTED,
        category=routed_kind,
        title="试验分流",
        description="无指定单位",
        channel="visit",
        region=zhuzhou.taishan,
    )
    assert plain.assigned_org == zhuzhou.songshan_centre and basis(plain) == RoutingBasis.FIRST_CONTACT
    assert basis(case) == RoutingBasis.ASSIGNED
    # A unit the caller names wins over the kind's routing.
    named = cs.case_register(
        actor=people.clerk,
        kind=ROUTED,
        category=routed_kind,
        title="试验分流",
        description="指定单位",
        channel="visit",
        region=zhuzhou.taishan,
        parties=[party],
        assigned_org=zhuzhou.songshan_centre,
    )
    assert named.assigned_org == zhuzhou.songshan_centre
    # The kind's own record is written once per registration, by either door.
    assert [
        (case.number, "songshan_clerk", 1),
        (plain.number, "songshan_clerk", 0),
        (named.number, "songshan_clerk", 1),
    ] == ROUTED_LOG
