"""One filter per model (issue 8 §5): the case list's filter (cases.filters.CaseFilter) is the one behind the
web list, its Excel export, the API's list and its export, and the incident list extends it. One query string
therefore selects the same cases, in the same order, in all four; a value a filter cannot take is a 400 in
the API's error shape and a Chinese message on the page, never a silently empty list.

The parity test runs over the filter's declared filters (`CaseFilter.base_filters`): a filter added later is
covered by it at once, with sample values derived from its type (every choice, every category, every
region…); a filter whose values cannot be derived fails the test until it is given samples in SAMPLES."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from zoneinfo import ZoneInfo

import django_filters
import pytest
import time_machine
from django.http import HttpResponse
from django.urls import reverse
from openpyxl import load_workbook

from conftest import GOOD_ID, mediate_to_agreement, register_dispute
from pingan.cases.choices import Channel, Light, Urgency
from pingan.cases.filters import CaseFilter
from pingan.cases.models import Case, Category
from pingan.cases.services import case_register, case_transition
from pingan.incidents.api.filtersets import IncidentFilter
from pingan.regions.filters import RegionFilter
from pingan.regions.models import Region

SHANGHAI = ZoneInfo("Asia/Shanghai")
LONG_AGO = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)  # a Monday: long overdue by the tests' now
UNKNOWN_REGION = "999999"


def _register(actor, region, *, when, title, category="neighbour", channel=Channel.VISIT, urgency=Urgency.NORMAL):
    with time_machine.travel(when, tick=False):
        return case_register(
            actor=actor,
            kind="dispute",
            category=Category.objects.get(code=category),
            title=title,
            description="情况说明。",
            channel=channel,
            region=region,
            urgency=urgency,
            address="某路1号",
            parties=[{"name": "王五", "role": "applicant", "phone": "13800138001"}],
        )


@pytest.fixture
def scene(zhuzhou, people, grids, category, incident):
    """Cases of every light, two kinds, two districts, several channels, categories, urgencies and states,
    registered on different days; the city's leader (钱书记) sees them all."""
    s, now = zhuzhou, datetime.datetime.now(tz=SHANGHAI)
    with time_machine.travel(LONG_AGO, tick=False):
        leaking = register_dispute(zhuzhou, people, category)  # 嵩山路街道, 张三 with GOOD_ID: red
        closed = register_dispute(zhuzhou, people, category)
        closed = mediate_to_agreement(closed, people)
        closed = case_transition(case=closed, actor=people.head, action="verify", data={"passed": True})
        closed = case_transition(case=closed, actor=people.head, action="close")  # done, on time
        supervised = case_transition(
            case=leaking, actor=people.leader, action="supervise", data={"comment": "请尽快办理"}
        )
    cases = {
        "supervised": supervised,
        "closed": closed,
        "hetang": _register(people.hetang_clerk, s.yuetang_c, when=LONG_AGO, title="月塘噪音纠纷"),
        "labour": _register(
            people.clerk,
            s.taishan,
            when=now - datetime.timedelta(days=1),
            title="欠薪纠纷",
            category="labour",
            channel=Channel.PHONE,
            urgency=Urgency.URGENT,
        ),
        "incident": incident,  # 泰山社区第1网格, today, green
    }
    # Open disputes registered 1…4 weeks ago at 嵩山路街道: some green, one near its deadline (yellow).
    for weeks in (1, 2, 3, 4):
        cases[f"weeks_{weeks}"] = _register(
            people.clerk, s.songshan, when=now - datetime.timedelta(weeks=weeks), title=f"{weeks}周前的纠纷"
        )
    cases["accepted"] = case_transition(case=cases["weeks_1"], actor=people.clerk, action="accept")
    # One dispute suspended (挂起) while it waits for an appraisal: its clock paused, neither 临期 nor 超期.
    accepted = case_transition(case=cases["weeks_2"], actor=people.clerk, action="accept")
    cases["suspended"] = case_transition(
        case=accepted, actor=people.clerk, action="suspend", data={"comment": "等待房屋漏水鉴定结论"}
    )
    lights = {case.light() for case in Case.objects.all()}
    assert lights == set(Light.values), lights  # the scene holds every light, so the light filter is tested
    return cases


# --- the values each filter is tried with -----------------------------------------------------------------


def _registration_days() -> list[str]:
    days = {case.registered_at.astimezone(SHANGHAI).date() for case in Case.objects.all()}
    around = {day + datetime.timedelta(days=delta) for day in days for delta in (-1, 0, 1)}
    return [day.isoformat() for day in sorted(around)] + ["2026-02-30", "昨天"]


def _choice_values(filter_) -> list[str]:
    field = filter_.field  # the form field evaluates callable choices (every registered kind and state)
    return [str(value) for value, _label in field.choices if value not in ("", None)] + ["bogus"]


def _model_values(filter_) -> list[str]:
    to_field = filter_.extra.get("to_field_name") or "pk"
    values = [str(getattr(obj, to_field)) for obj in filter_.queryset.all()]
    return [*values, "no-such-code"]


SAMPLES: dict[str, Callable[[dict], list[str]]] = {
    # Free-text filters: values that match one case, several, none, and a personal identifier (audited).
    "q": lambda cases: [
        "漏水",
        "纠纷",
        cases["hetang"].number,
        GOOD_ID,
        "13800138001",
        "不存在的标题",
    ],
    # An old page link carried the category's id; it still selects that category.
    "category": lambda cases: [*_model_values(CaseFilter.base_filters["category"]), str(cases["labour"].category_id)],
}


def _values_of(name: str, filter_, cases: dict) -> list[str]:
    if name in SAMPLES:
        return SAMPLES[name](cases)
    if isinstance(filter_, RegionFilter):
        return [*Region.objects.values_list("code", flat=True), UNKNOWN_REGION, "abc"]
    if isinstance(filter_, django_filters.ModelChoiceFilter):
        return _model_values(filter_)
    if isinstance(filter_, django_filters.ChoiceFilter):  # incl. OrderingFilter
        return _choice_values(filter_)
    if isinstance(filter_, django_filters.BooleanFilter):
        return ["true", "false"]
    if isinstance(filter_, django_filters.DateFilter):
        return _registration_days()
    raise AssertionError(f"no sample values for the filter `{name}`: add them to SAMPLES")


# --- what each door answers -----------------------------------------------------------------------------


def _xlsx_numbers(content: bytes) -> list[str]:
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "案件编号"
    return [row[0] for row in rows[1:]]


class Doors:
    """The four ways to list cases with one query string, as the city's leader."""

    def __init__(self, client, api_client):
        self.client, self.api = client, api_client

    def page(self, params: dict):
        response = self.client.get(reverse("case-list"), params)
        assert response.status_code == 200
        return response

    def page_export(self, params: dict):
        response = self.client.get(reverse("case-export"), params)
        assert response.status_code == 200
        if response.templates and response.templates[0].name == "cases/export_request.html":
            # The whole city: an export job with a reason (run at once by the immediate task backend).
            started = self.client.post(
                reverse("case-export-job-new"), {"query": response.context["query"], "reason": "核对筛选结果"}
            )
            assert started.status_code == 302
            job_id = int(started["Location"].rstrip("/").split("/")[-1])
            response = self.client.get(reverse("case-export-job-download", args=[job_id]))
            assert response.status_code == 200
            return _xlsx_numbers(b"".join(response.streaming_content))
        return _xlsx_numbers(response.content)

    def api_list(self, params: dict):
        return self.api.get("/api/v1/cases/", {**params, "page_size": 500})

    def api_export(self, params: dict):
        response = self.api.get("/api/v1/cases/export.xlsx", params)
        if response.status_code == 400 and response.json()["error"]["code"] == "export_job_required":
            # The whole city: an export job with a reason (run at once by the immediate task backend).
            job = self.api.post("/api/v1/exports/", {"filters": params, "reason": "核对筛选结果"}, format="json")
            assert job.status_code == 202, job.content
            response = self.api.get(job.json()["download"])
            assert response.status_code == 200
            response = HttpResponse(b"".join(response.streaming_content))
        return response


@pytest.fixture
def doors(client, api, people):
    client.force_login(people.leader)
    return Doors(client, api(people.leader))


def _listed(page_response) -> list[str]:
    return [case.number for case in page_response.context["page"].paginator.object_list]


def assert_one_answer(doors: Doors, params: dict) -> list[str] | None:
    """The page, its export, the API and its export give the same cases in the same order (returned), or
    all refuse the value: the API with a 400 naming the parameter, the page with that message and no list."""
    page, api_list, api_export = doors.page(params), doors.api_list(params), doors.api_export(params)
    if api_list.status_code == 400:
        error = api_list.json()["error"]
        assert error["fields"] and set(error["fields"]) <= set(params), (params, error)
        assert api_export.status_code == 400 and api_export.json() == api_list.json()
        body = page.content.decode()
        assert page.context["filter"].form.errors and _listed(page) == []
        assert "筛选条件有误" in body and error["message"] in body, params
        # A hand-made export link with the bad value exports nothing: back to the list, which says what is wrong.
        refused = doors.client.get(reverse("case-export"), params)
        assert refused.status_code == 302 and refused["Location"].startswith(reverse("case-list"))
        return None
    assert api_list.status_code == 200, (params, api_list.content)
    assert not page.context["filter"].form.errors, (params, page.context["filter"].form.errors)
    numbers = [row["number"] for row in api_list.json()["results"]]
    assert _listed(page) == numbers, params
    assert doors.page_export(params) == numbers, params
    assert api_export.status_code == 200 and _xlsx_numbers(api_export.content) == numbers, params
    return numbers


@pytest.mark.parametrize("name", list(CaseFilter.base_filters))
def test_every_filter_gives_the_same_cases_on_the_page_the_export_and_the_api(name, scene, doors):
    everything = assert_one_answer(doors, {})
    assert everything is not None and len(everything) == Case.objects.count()
    narrowed = refused = False
    for value in _values_of(name, CaseFilter.base_filters[name], scene):
        numbers = assert_one_answer(doors, {name: value})
        if numbers is None:
            refused = True
        elif numbers != everything:
            narrowed = True
    assert narrowed, f"no sample value of `{name}` changed the list: the test would not see it ignored"
    if name not in SAMPLES:
        assert refused or isinstance(CaseFilter.base_filters[name], django_filters.BooleanFilter)


def test_a_city_code_lists_the_cases_below_it(scene, doors, zhuzhou, grids):
    """/cases/?region=430200 lists every case of the city (issue 8: it listed none while the API did)."""
    city = assert_one_answer(doors, {"region": zhuzhou.city.code})
    assert city is not None and set(city) == {case.number for case in Case.objects.all()}
    district = assert_one_answer(doors, {"region": zhuzhou.hetang.code})
    assert district == [scene["hetang"].number]
    cell = assert_one_answer(doors, {"region": grids.taishan_1.code})
    assert cell == [scene["incident"].number]
    township = assert_one_answer(doors, {"region": zhuzhou.songshan.code})
    assert township is not None and scene["incident"].number in township and scene["hetang"].number not in township


def test_an_unknown_region_code_is_an_error_not_an_empty_list(scene, doors, api, people):
    assert assert_one_answer(doors, {"region": UNKNOWN_REGION}) is None
    response = api(people.leader).get("/api/v1/cases/", {"region": UNKNOWN_REGION})
    assert response.json() == {
        "error": {
            "code": "invalid",
            "message": "区划代码“999999”不存在",
            "fields": {"region": ["区划代码“999999”不存在"]},
        }
    }
    page = doors.page({"region": UNKNOWN_REGION}).content.decode()
    assert "区划代码“999999”不存在" in page and "导出 Excel" not in page
    assert api(people.leader).get("/api/v1/incidents/", {"region": UNKNOWN_REGION}).status_code == 400


def test_a_region_outside_the_jurisdiction_lists_nothing(scene, api, people, zhuzhou):
    """A real code outside the user's jurisdiction is no error: the user simply sees no case there."""
    response = api(people.hetang_clerk).get("/api/v1/cases/", {"region": zhuzhou.songshan.code})
    assert response.status_code == 200 and response.json()["count"] == 0


def test_filters_combine_the_same_way_everywhere(scene, doors, zhuzhou):
    numbers = assert_one_answer(
        doors, {"region": zhuzhou.tianyuan.code, "light": "green", "kind": "dispute", "ordering": "-deadline"}
    )
    assert numbers and len(numbers) >= 2
    deadlines = [Case.objects.get(number=number).deadline for number in numbers]
    assert deadlines == sorted(deadlines, reverse=True)


def test_an_inverted_date_range_is_refused(scene, doors):
    assert assert_one_answer(doors, {"date_from": "2026-11-18", "date_to": "2026-11-01"}) is None


def test_the_old_page_link_with_a_category_id_still_works(scene, doors):
    labour = scene["labour"].category
    assert assert_one_answer(doors, {"category": str(labour.pk)}) == assert_one_answer(doors, {"category": "labour"})


# --- the incident list extends the one filter -----------------------------------------------------------


def test_the_incident_filter_extends_the_case_filter_without_a_copy():
    for name, filter_ in CaseFilter.base_filters.items():
        assert IncidentFilter.base_filters[name] is filter_, name
    assert set(IncidentFilter.base_filters) - set(CaseFilter.base_filters) == {"is_open", "mine"}


@pytest.mark.parametrize("name", list(CaseFilter.base_filters))
def test_the_incident_list_filters_as_the_case_list_does(name, scene, api, people):
    """Every case filter on /api/v1/incidents/ selects what it selects on /api/v1/cases/?kind=incident."""
    client = api(people.leader)
    incident_numbers = {scene["incident"].number}
    for value in _values_of(name, CaseFilter.base_filters[name], scene):
        incidents = client.get("/api/v1/incidents/", {name: value, "page_size": 500})
        cases = client.get("/api/v1/cases/", {"kind": "incident", name: value, "page_size": 500})
        assert incidents.status_code == cases.status_code, (name, value)
        if cases.status_code == 400:
            assert incidents.json() == cases.json()
            continue
        expected = [row["number"] for row in cases.json()["results"] if row["number"] in incident_numbers]
        assert [row["number"] for row in incidents.json()["results"]] == expected, (name, value)


def test_the_incident_list_adds_open_and_own_reports(scene, api, people, grids):
    client = api(people.leader)
    assert [row["number"] for row in client.get("/api/v1/incidents/", {"is_open": "true"}).json()["results"]] == [
        scene["incident"].number
    ]
    assert client.get("/api/v1/incidents/", {"is_open": "false"}).json()["count"] == 0
    assert client.get("/api/v1/incidents/", {"mine": "true"}).json()["count"] == 0
    assert api(grids.worker).get("/api/v1/incidents/", {"mine": "true"}).json()["count"] == 1
    # Not a yes/no: refused as the OpenAPI document's `type: boolean` says (core.filters.BooleanFilter).
    assert client.get("/api/v1/incidents/", {"is_open": "maybe"}).status_code == 400


# --- the OpenAPI document describes every filter --------------------------------------------------------


@pytest.fixture(scope="module")
def openapi() -> dict:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


@pytest.mark.parametrize(
    "path, filterset",
    [
        ("/api/v1/cases/", CaseFilter),
        ("/api/v1/cases/export.xlsx", CaseFilter),
        ("/api/v1/incidents/", IncidentFilter),
    ],
)
def test_the_schema_describes_every_filter(openapi, path, filterset):
    parameters = {p["name"]: p for p in openapi["paths"][path]["get"]["parameters"] if p["in"] == "query"}
    for name in filterset.base_filters:
        assert name in parameters, (path, name)
        assert parameters[name].get("description"), (path, name)
    assert "`incident` 网格事件" in parameters["kind"]["description"]
    assert "`mediating` 调解中" in parameters["status"]["description"]
    assert parameters["category"]["schema"]["type"] == "string"  # a code, not an id


def test_both_exports_log_the_filters_with_the_identifier_masked(scene, doors, people):
    """An export's audit entry names the filters in effect as the one filter reads them (active_filters):
    a search by ID number is logged masked from the page and from the API alike (docs/id-numbers.md)."""
    from pingan.core.models import AuditAction, AuditLog

    params = {"q": GOOD_ID, "region": "430211", "page_size": "10"}
    assert doors.page_export(params) == [row["number"] for row in doors.api_list(params).json()["results"]]
    assert doors.api_export(params).status_code == 200
    exports = AuditLog.objects.filter(action=AuditAction.EXPORT, actor=people.leader).order_by("id")
    assert [entry.changes["filters"] for entry in exports] == [{"q": "430211********0016", "region": "430211"}] * 2
    assert not AuditLog.objects.filter(changes__icontains=GOOD_ID).exists()
