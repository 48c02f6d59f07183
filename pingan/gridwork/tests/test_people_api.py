"""The grid people and roster API: masked output, unmask with a reason, writes through the services,
import all or nothing, one query budget per list, and 404 for everything of another district."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from pingan.core.models import AuditAction, AuditLog
from pingan.core.testing import csv_bytes, upload
from pingan.gridwork import selectors
from pingan.gridwork.choices import MemberRole, Shift
from pingan.gridwork.models import DutyShift, GridMember

TAISHAN_1 = "430211004001001"


@pytest.fixture
def clerk_api(api, people):
    return api(people.clerk)


@pytest.fixture
def hetang_api(api, people):
    return api(people.hetang_clerk)


def test_grid_list_has_counts_and_only_the_jurisdiction(clerk_api, grids):
    body = clerk_api.get("/api/v1/grids/").json()
    rows = {row["code"]: row for row in body["results"]}
    assert set(rows) == {grids.taishan_1.code, grids.taishan_2.code}
    assert rows[TAISHAN_1]["member_count"] == 2
    assert rows[TAISHAN_1]["community"] == {"code": "430211004001", "name": "泰山社区"}


def test_members_are_masked_in_the_list(clerk_api, grids):
    body = clerk_api.get("/api/v1/grid-members/", {"region": TAISHAN_1}).json()
    volunteer = next(row for row in body["results"] if row["id"] == grids.volunteer.pk)
    assert (volunteer["name"], volunteer["phone"]) == ("李**", "139****0002")


def test_unmask_answers_in_full_with_a_reason_and_logs(clerk_api, grids, people):
    response = clerk_api.post(f"/api/v1/grid-members/{grids.volunteer.pk}/unmask/", {"reason": "安排夜巡"})
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["phone"]) == ("李志愿", "13907330002")
    assert AuditLog.objects.filter(action=AuditAction.UNMASK, actor=people.clerk, reason="安排夜巡").exists()


def test_unmask_without_a_reason_is_400(clerk_api, grids):
    response = clerk_api.post(f"/api/v1/grid-members/{grids.volunteer.pk}/unmask/", {"reason": " "})
    assert response.status_code == 400 and response.json()["error"]["fields"]["reason"]


def test_create_member_normalises_the_phone(clerk_api, grids):
    response = clerk_api.post(
        "/api/v1/grid-members/",
        {"grid": grids.taishan_2.code, "role": MemberRole.PART_TIME, "name": "孙兼职", "phone": "+86 139 0733 0099"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert GridMember.objects.get(name="孙兼职").phone == "13907330099"
    assert response.json()["phone"] == "139****0099"


def test_create_member_with_a_bad_phone_is_400_with_the_field(clerk_api, grids):
    response = clerk_api.post(
        "/api/v1/grid-members/",
        {"grid": grids.taishan_2.code, "role": MemberRole.PART_TIME, "name": "孙兼职", "phone": "12"},
        format="json",
    )
    assert response.status_code == 400 and "phone" in response.json()["error"]["fields"]


def test_create_member_in_a_grid_of_another_district_is_refused(hetang_api, grids):
    response = hetang_api.post(
        "/api/v1/grid-members/",
        {"grid": grids.taishan_2.code, "role": MemberRole.VOLUNTEER, "name": "钱志愿"},
        format="json",
    )
    assert response.status_code == 400 and "grid" in response.json()["error"]["fields"]
    assert not GridMember.objects.filter(name="钱志愿").exists()


def test_a_grid_worker_gets_403_when_adding_people(api, grids):
    response = api(grids.worker).post(
        "/api/v1/grid-members/",
        {"grid": grids.taishan_1.code, "role": MemberRole.VOLUNTEER, "name": "钱志愿"},
        format="json",
    )
    assert response.status_code == 403


def test_patch_links_an_account_and_delete_takes_off_duty(clerk_api, grids):
    response = clerk_api.patch(
        f"/api/v1/grid-members/{grids.volunteer.pk}/", {"username": grids.worker.username}, format="json"
    )
    assert response.status_code == 200 and response.json()["username"] == grids.worker.username
    assert clerk_api.delete(f"/api/v1/grid-members/{grids.volunteer.pk}/").status_code == 204
    grids.volunteer.refresh_from_db()
    assert grids.volunteer.is_active is False


def test_import_answers_counts_or_row_errors(clerk_api, grids):
    header = ["网格代码", "姓名", "身份", "联系电话"]
    good = csv_bytes(header, [[grids.taishan_2.code, "郑楼长", "楼栋长", "13907330011"]])
    response = clerk_api.post("/api/v1/grid-members/import/", {"file": upload("p.csv", good)}, format="multipart")
    assert response.status_code == 200 and response.json()["created"] == 1
    bad = csv_bytes(header, [[grids.taishan_2.code, "冯志愿", "队长", ""]])
    response = clerk_api.post("/api/v1/grid-members/import/", {"file": upload("p.csv", bad)}, format="multipart")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["rows"][0].startswith("第 2 行")


def test_roster_plan_and_list(clerk_api, grids):
    start = selectors.week_start(timezone.localdate())
    response = clerk_api.post(
        "/api/v1/duty-shifts/plan/",
        {
            "grid": grids.taishan_1.code,
            "week_start": start.isoformat(),
            "shifts": [
                {"date": start.isoformat(), "shift": Shift.DAY, "member": grids.worker_post.pk},
                {"date": start.isoformat(), "shift": Shift.NIGHT, "member": grids.volunteer.pk},
            ],
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert len(response.json()) == 2
    listed = clerk_api.get("/api/v1/duty-shifts/", {"grid": grids.taishan_1.code}).json()
    assert {(row["shift"], row["member"]["name"]) for row in listed} == {("day", "黄**"), ("night", "李**")}


def test_roster_plan_with_a_member_of_another_grid_is_400(clerk_api, grids):
    start = selectors.week_start(timezone.localdate())
    response = clerk_api.post(
        "/api/v1/duty-shifts/plan/",
        {
            "grid": grids.taishan_2.code,
            "week_start": start.isoformat(),
            "shifts": [{"date": start.isoformat(), "shift": Shift.DAY, "member": grids.volunteer.pk}],
        },
        format="json",
    )
    assert response.status_code == 400 and "shifts[0].member" in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/v1/grids/{grid}/"),
        ("get", "/api/v1/grid-members/{member}/"),
        ("patch", "/api/v1/grid-members/{member}/"),
        ("delete", "/api/v1/grid-members/{member}/"),
        ("post", "/api/v1/grid-members/{member}/unmask/"),
        ("get", "/api/v1/duty-shifts/?grid={grid}"),
    ],
)
def test_another_district_gets_404(hetang_api, grids, method, url):
    target = url.format(grid=grids.taishan_1.code, member=grids.volunteer.pk)
    data = None if method == "get" else {"reason": "查看", "name": "改名"}
    response = getattr(hetang_api, method)(target, data, format="json")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    grids.volunteer.refresh_from_db()
    assert (grids.volunteer.name, grids.volunteer.is_active) == ("李志愿", True)


def test_another_district_sees_none_of_the_people_or_roster(hetang_api, grids):
    DutyShift.objects.create(
        grid=grids.taishan_1, region_code=grids.taishan_1.code, member=grids.volunteer, date=timezone.localdate()
    )
    members = hetang_api.get("/api/v1/grid-members/").json()["results"]
    assert [m["id"] for m in members] == [grids.hetang_worker_post.pk]
    assert hetang_api.get("/api/v1/duty-shifts/").json() == []
    assert [g["code"] for g in hetang_api.get("/api/v1/grids/").json()["results"]] == [grids.yuetang_1.code]


def test_people_lists_keep_to_a_query_budget(clerk_api, grids, django_assert_max_num_queries):
    start = selectors.week_start(timezone.localdate())
    for index in range(30):
        member = GridMember.objects.create(grid=grids.taishan_2, role=MemberRole.VOLUNTEER, name=f"志愿{index}")
        DutyShift.objects.create(
            grid=grids.taishan_2,
            region_code=grids.taishan_2.code,
            member=member,
            date=start + datetime.timedelta(days=index % 7),
        )
    with django_assert_max_num_queries(8):
        assert len(clerk_api.get("/api/v1/grid-members/?page_size=100").json()["results"]) == 32
    with django_assert_max_num_queries(8):
        assert len(clerk_api.get("/api/v1/duty-shifts/").json()) == 30
    with django_assert_max_num_queries(8):
        assert len(clerk_api.get("/api/v1/grids/").json()["results"]) == 2


def test_people_responses_match_the_published_schema(clerk_api, grids):
    from drf_spectacular.generators import SchemaGenerator

    from tests.test_openapi_conformance import assert_conforms

    openapi = SchemaGenerator().get_schema(request=None, public=True)
    start = selectors.week_start(timezone.localdate()).isoformat()
    member = f"/api/v1/grid-members/{grids.volunteer.pk}/"
    calls = [
        ("get", "/api/v1/grids/", None),
        ("get", f"/api/v1/grids/{grids.taishan_1.code}/", None),
        ("get", "/api/v1/grid-members/", None),
        ("get", member, None),
        ("patch", member, {"building": "2栋"}),
        ("post", f"{member}unmask/", {"reason": "核对电话"}),
        ("post", "/api/v1/grid-members/", {"grid": grids.taishan_2.code, "role": "volunteer", "name": "钱志愿"}),
        ("post", "/api/v1/grid-members/", {"grid": grids.taishan_2.code, "role": "volunteer", "name": ""}),
        ("post", "/api/v1/duty-shifts/plan/", {"grid": grids.taishan_1.code, "week_start": start, "shifts": []}),
        ("get", "/api/v1/duty-shifts/", None),
    ]
    for method, url, data in calls:
        response = getattr(clerk_api, method)(url, data, format="json") if data else clerk_api.get(url)
        assert_conforms(openapi, method, url, response)


def test_another_district_cannot_plan_the_roster_of_a_grid(hetang_api, grids):
    start = selectors.week_start(timezone.localdate())
    response = hetang_api.post(
        "/api/v1/duty-shifts/plan/",
        {
            "grid": grids.taishan_1.code,
            "week_start": start.isoformat(),
            "shifts": [{"date": start.isoformat(), "shift": Shift.DAY, "member": grids.volunteer.pk}],
        },
        format="json",
    )
    assert response.status_code == 400 and "grid" in response.json()["error"]["fields"]
    assert not DutyShift.objects.exists()


def test_moving_a_member_keeps_the_account_inside_its_jurisdiction(clerk_api, grids, people, zhuzhou):
    from conftest import make_region
    from pingan.regions.choices import RegionLevel

    other = make_region("430211004002", "其他社区", RegionLevel.COMMUNITY, zhuzhou.songshan)
    far_grid = make_region("430211004002001", "其他社区第1网格", RegionLevel.GRID, other)
    response = clerk_api.patch(f"/api/v1/grid-members/{grids.worker_post.pk}/", {"grid": far_grid.code}, format="json")
    assert response.status_code == 400 and "user" in response.json()["error"]["fields"]
    grids.worker_post.refresh_from_db()
    assert grids.worker_post.grid == grids.taishan_1
