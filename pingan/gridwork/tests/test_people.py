"""Grid people (网格力量): kept by the centre that covers the grid, contact details masked, unmasking with
a reason and logged, imports all or nothing; duty rosters a week at a time; grid pages inside the
jurisdiction only (嵩山路街道 sees 泰山社区's grids, 荷塘区 does not)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import GOOD_ID
from pingan.core.errors import ApplicationError, ConflictError, PermissionDeniedError
from pingan.core.models import AuditAction, AuditLog
from pingan.core.testing import csv_bytes, upload, xlsx_bytes
from pingan.gridwork import selectors, services
from pingan.gridwork.choices import MemberRole, Shift
from pingan.gridwork.models import DutyShift, GridMember

MEMBER_HEADER = ["网格代码", "姓名", "身份", "联系电话", "身份证号", "负责楼栋/片区", "上岗日期"]


@pytest.fixture
def clerk_client(client, people):
    client.force_login(people.clerk)
    return client


@pytest.fixture
def hetang_client(client, people):
    client.force_login(people.hetang_clerk)
    return client


def monday() -> datetime.date:
    return selectors.week_start(timezone.localdate())


# --- keeping grid people ---------------------------------------------------------------------------


def test_centre_staff_add_a_building_head_with_normalised_contact(grids, people):
    member = services.member_create(
        actor=people.clerk,
        grid=grids.taishan_2,
        role=MemberRole.BUILDING_HEAD,
        name="周楼长",
        phone="139 0733 0009",
        id_number=GOOD_ID.lower(),
        building="泰山路12号3栋",
    )
    assert (member.phone, member.id_number, member.region_code) == ("13907330009", GOOD_ID, grids.taishan_2.code)
    entry = AuditLog.objects.get(action=AuditAction.CREATE, object_id=str(member.pk))
    assert "13907330009" not in str(entry.changes) and GOOD_ID not in str(entry.changes)


@pytest.mark.parametrize(
    ("field", "value"),
    [("phone", "12345"), ("id_number", "430211198503150011"), ("name", "  "), ("role", "captain")],
)
def test_bad_member_details_are_refused_field_by_field(grids, people, field, value):
    values = {"grid": grids.taishan_1, "role": MemberRole.PART_TIME, "name": "孙兼职", field: value}
    with pytest.raises(ApplicationError) as refused:
        services.member_create(actor=people.clerk, **values)
    assert field in refused.value.fields
    assert not GridMember.objects.filter(name="孙兼职").exists()


def test_a_grid_worker_cannot_keep_the_grid_people(grids):
    with pytest.raises(PermissionDeniedError):
        services.member_create(actor=grids.worker, grid=grids.taishan_1, role=MemberRole.VOLUNTEER, name="钱志愿")


def test_another_district_cannot_add_people_to_a_grid(grids, people):
    with pytest.raises(PermissionDeniedError):
        services.member_create(actor=people.hetang_clerk, grid=grids.taishan_1, role=MemberRole.VOLUNTEER, name="钱")


def test_the_same_person_is_not_added_twice_to_a_grid(grids, people):
    with pytest.raises(ConflictError):
        services.member_create(actor=people.clerk, grid=grids.taishan_1, role=MemberRole.VOLUNTEER, name="李志愿")


def test_renaming_a_member_to_someone_already_there_is_refused(grids, people):
    with pytest.raises(ConflictError):
        services.member_update(actor=people.clerk, member=grids.volunteer, name="黄网格")
    grids.volunteer.refresh_from_db()
    assert grids.volunteer.name == "李志愿"


def test_an_account_is_linked_only_when_its_jurisdiction_covers_the_grid(grids, people):
    with pytest.raises(ApplicationError) as refused:
        services.member_update(actor=people.clerk, member=grids.volunteer, user=grids.hetang_worker)
    assert "user" in refused.value.fields


def test_taking_a_member_off_duty_keeps_the_record(grids, people):
    services.member_deactivate(actor=people.clerk, member=grids.volunteer)
    grids.volunteer.refresh_from_db()
    assert grids.volunteer.is_active is False
    assert AuditLog.objects.filter(action=AuditAction.UPDATE, object_id=str(grids.volunteer.pk)).exists()


def test_unmasking_a_member_needs_a_reason_and_is_logged(grids, people):
    with pytest.raises(ApplicationError):
        services.member_unmask(actor=people.clerk, member=grids.volunteer, reason=" ")
    services.member_unmask(actor=people.clerk, member=grids.volunteer, reason="电话安排夜巡")
    entry = AuditLog.objects.get(action=AuditAction.UNMASK)
    assert (entry.reason, entry.region_code, entry.actor) == ("电话安排夜巡", grids.taishan_1.code, people.clerk)


def test_a_mediator_may_not_unmask_grid_people(grids, people):
    with pytest.raises(PermissionDeniedError):
        services.member_unmask(actor=people.mediator, member=grids.volunteer, reason="想看看号码")


# --- import ----------------------------------------------------------------------------------------


def test_import_creates_and_updates_people_by_grid_and_name(grids, people):
    rows = [
        [grids.taishan_1.code, "李志愿", "格格平安志愿者", "13907330022", "", "1栋", "2022-03-01"],
        [grids.taishan_2.code, "郑楼长", "楼栋长", "0731-22880000", GOOD_ID, "5栋", ""],
    ]
    from pingan.regions.services import read_table

    result = services.members_import(
        rows=read_table(upload("people.xlsx", xlsx_bytes(MEMBER_HEADER, rows))), actor=people.clerk
    )
    assert result.ok and (result.created, result.updated) == (1, 1)
    grids.volunteer.refresh_from_db()
    assert (grids.volunteer.phone, grids.volunteer.started_on) == ("13907330022", datetime.date(2022, 3, 1))
    assert GridMember.objects.get(name="郑楼长").phone == "0731-22880000"
    assert AuditLog.objects.filter(action=AuditAction.IMPORT, object_type="grids.gridmember").count() == 1


def test_import_with_one_bad_row_writes_nothing_and_names_the_rows(grids, people):
    rows = [
        [grids.taishan_2.code, "郑楼长", "楼栋长", "13907330011", "", "", ""],
        [grids.taishan_2.code, "冯志愿", "队长", "1390733", "", "", "去年"],
        ["430211004001999", "陈兼职", "兼职网格员", "", "", "", ""],
    ]
    from pingan.regions.services import read_table

    result = services.members_import(
        rows=read_table(upload("p.csv", csv_bytes(MEMBER_HEADER, rows))), actor=people.clerk
    )
    assert not result.ok
    assert any(e.startswith("第 3 行") and "身份“队长”无效" in e for e in result.errors)
    assert any(e.startswith("第 3 行") and "上岗日期" in e for e in result.errors)
    assert any(e.startswith("第 4 行") and "430211004001999" in e for e in result.errors)
    assert not GridMember.objects.filter(name__in=["郑楼长", "冯志愿", "陈兼职"]).exists()


def test_import_outside_the_jurisdiction_is_refused(grids, people):
    rows = [[grids.taishan_1.code, "钱志愿", "格格平安志愿者", "", "", "", ""]]
    from pingan.regions.services import read_table

    result = services.members_import(
        rows=read_table(upload("p.csv", csv_bytes(MEMBER_HEADER, rows))), actor=people.hetang_clerk
    )
    assert not result.ok and "不在您的管辖范围内" in result.errors[0]
    assert not GridMember.objects.filter(name="钱志愿").exists()


def test_import_page_shows_row_errors_with_400(clerk_client, grids):
    data = csv_bytes(MEMBER_HEADER, [[grids.taishan_1.code, "钱志愿", "司令", "", "", "", ""]])
    response = clerk_client.post(reverse("grid-member-import"), {"file": upload("p.csv", data)})
    assert response.status_code == 400
    assert "第 2 行" in response.content.decode()


# --- duty rosters ----------------------------------------------------------------------------------


def test_a_week_plan_replaces_the_weeks_roster(grids, people):
    start = monday()
    DutyShift.objects.create(grid=grids.taishan_1, region_code=grids.taishan_1.code, member=grids.volunteer, date=start)
    services.roster_week_plan(
        actor=people.clerk,
        grid=grids.taishan_1,
        week_start=start,
        shifts=[
            services.ShiftInput(date=start, shift=Shift.DAY, member_id=grids.worker_post.pk),
            services.ShiftInput(
                date=start + datetime.timedelta(days=1), shift=Shift.NIGHT, member_id=grids.volunteer.pk
            ),
        ],
    )
    planned = {(s.date, s.shift, s.member_id) for s in DutyShift.objects.filter(grid=grids.taishan_1)}
    assert planned == {
        (start, Shift.DAY, grids.worker_post.pk),
        (start + datetime.timedelta(days=1), Shift.NIGHT, grids.volunteer.pk),
    }


@pytest.mark.parametrize("problem", ["outside_week", "other_grid", "not_monday"])
def test_a_bad_week_plan_changes_nothing(grids, people, problem):
    start = monday()
    member, day, week = grids.worker_post.pk, start, start
    if problem == "outside_week":
        day = start + datetime.timedelta(days=7)
    elif problem == "other_grid":
        member = grids.hetang_worker_post.pk
    else:
        week = start + datetime.timedelta(days=1)
    with pytest.raises(ApplicationError):
        services.roster_week_plan(
            actor=people.clerk,
            grid=grids.taishan_1,
            week_start=week,
            shifts=[services.ShiftInput(date=day, shift=Shift.DAY, member_id=member)],
        )
    assert not DutyShift.objects.exists()


def test_a_grid_worker_does_not_plan_the_roster(grids):
    with pytest.raises(PermissionDeniedError):
        services.roster_week_plan(actor=grids.worker, grid=grids.taishan_1, week_start=monday(), shifts=[])


def test_roster_page_saves_the_ticked_shifts(clerk_client, grids):
    start = monday()
    url = reverse("grid-roster", args=[grids.taishan_1.code])
    response = clerk_client.post(
        url, {"week": start.isoformat(), "shift": [f"{start.isoformat()}|night|{grids.volunteer.pk}"]}
    )
    assert response.status_code == 302
    assert DutyShift.objects.get().shift == Shift.NIGHT
    page = clerk_client.get(f"{url}?week={start.isoformat()}").content.decode()
    assert f'value="{start.isoformat()}|night|{grids.volunteer.pk}" aria-label' in page and "checked" in page


# --- pages -----------------------------------------------------------------------------------------


def test_grid_list_shows_the_grids_of_the_jurisdiction_with_counts(clerk_client, grids):
    body = clerk_client.get(reverse("grid-list")).content.decode()
    assert "泰山社区第1网格" in body and "泰山社区第2网格" in body
    assert "月塘社区第1网格" not in body


def test_grid_list_counts_people_and_open_cases(grids, people, dispute):
    from pingan.cases.models import Case

    Case.objects.filter(pk=dispute.pk).update(region=grids.taishan_1, region_code=grids.taishan_1.code)
    row = selectors.grid_list(user=people.clerk).get(code=grids.taishan_1.code)
    assert (row.member_count, row.open_cases) == (2, 1)


def test_grid_page_shows_people_masked_roster_and_open_cases(clerk_client, grids, people, dispute):
    from pingan.cases.models import Case

    Case.objects.filter(pk=dispute.pk).update(region=grids.taishan_1, region_code=grids.taishan_1.code)
    DutyShift.objects.create(
        grid=grids.taishan_1, region_code=grids.taishan_1.code, member=grids.volunteer, date=timezone.localdate()
    )
    body = clerk_client.get(reverse("grid-detail", args=[grids.taishan_1.code])).content.decode()
    assert "139****0002" in body and "13907330002" not in body
    assert "李**" in body and "李志愿" not in body
    assert dispute.number in body
    assert "今天" in body


def test_unmask_on_the_page_shows_the_member_once_and_logs(clerk_client, grids):
    url = reverse("grid-member-unmask", args=[grids.volunteer.pk])
    response = clerk_client.post(url, {"reason": "电话安排夜巡"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "13907330002" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert AuditLog.objects.filter(action=AuditAction.UNMASK, reason="电话安排夜巡").exists()


def test_unmask_without_htmx_shows_a_page_with_the_member(clerk_client, grids):
    response = clerk_client.post(reverse("grid-member-unmask", args=[grids.volunteer.pk]), {"reason": "电话安排夜巡"})
    body = response.content.decode()
    assert response.status_code == 200 and "13907330002" in body and "返回网格" in body


def test_unmask_without_a_reason_answers_400(clerk_client, grids):
    response = clerk_client.post(reverse("grid-member-unmask", args=[grids.volunteer.pk]), {"reason": ""})
    assert response.status_code == 400 and "13907330002" not in response.content.decode()


def test_member_form_adds_a_person_and_shows_phone_errors(clerk_client, grids):
    data = {"grid": grids.taishan_2.code, "role": MemberRole.VOLUNTEER, "name": "钱志愿", "phone": "110"}
    response = clerk_client.post(reverse("grid-member-new"), data)
    assert response.status_code == 400 and "电话号码" in response.content.decode()
    data["phone"] = "13907330077"
    response = clerk_client.post(reverse("grid-member-new"), data)
    assert response.status_code == 302
    assert GridMember.objects.get(name="钱志愿").grid == grids.taishan_2


def test_member_form_edits_a_person(clerk_client, grids):
    url = reverse("grid-member-edit", args=[grids.volunteer.pk])
    assert clerk_client.get(url).status_code == 200
    data = {"grid": grids.taishan_1.code, "role": MemberRole.VOLUNTEER, "name": "李志愿", "building": "3栋"}
    assert clerk_client.post(url, data).status_code == 302
    grids.volunteer.refresh_from_db()
    assert (grids.volunteer.building, grids.volunteer.is_active) == ("3栋", False)  # the box was left unticked


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("grid-detail", "get"),
        ("grid-roster", "get"),
        ("grid-roster", "post"),
        ("grid-member-edit", "get"),
        ("grid-member-edit", "post"),
        ("grid-member-unmask", "post"),
    ],
)
def test_another_district_gets_404_for_grid_pages(hetang_client, grids, name, method):
    arg = grids.taishan_1.code if name.startswith("grid-roster") or name == "grid-detail" else grids.volunteer.pk
    response = getattr(hetang_client, method)(reverse(name, args=[arg]), {"reason": "查看"} if method == "post" else {})
    assert response.status_code == 404


def test_member_list_is_masked_and_scoped(hetang_client, grids):
    body = hetang_client.get(reverse("grid-member-list")).content.decode()
    assert "吴**" in body and "李**" not in body and "13907330003" not in body


def test_grid_pages_do_not_repeat_queries_per_row(clerk_client, grids, django_assert_max_num_queries):
    for index in range(20):
        GridMember.objects.create(grid=grids.taishan_2, role=MemberRole.VOLUNTEER, name=f"志愿{index}")
    with django_assert_max_num_queries(12):
        assert clerk_client.get(reverse("grid-list")).status_code == 200
    with django_assert_max_num_queries(12):
        assert clerk_client.get(reverse("grid-member-list")).status_code == 200


def test_grid_page_keeps_to_a_query_budget(clerk_client, grids, people, django_assert_max_num_queries):
    from pingan.gridwork.choices import PatrolKind

    for index in range(15):
        member = GridMember.objects.create(grid=grids.taishan_1, role=MemberRole.VOLUNTEER, name=f"志愿{index}")
        DutyShift.objects.create(grid=grids.taishan_1, region_code=grids.taishan_1.code, member=member, date=monday())
        services.patrol_plan(
            actor=people.clerk,
            kind=PatrolKind.DAILY_PATROL,
            grid=grids.taishan_1,
            planned_for=timezone.now() + datetime.timedelta(hours=index),
            members=[member],
        )
    with django_assert_max_num_queries(16):
        assert clerk_client.get(reverse("grid-detail", args=[grids.taishan_1.code])).status_code == 200


def test_the_edit_form_shows_phone_and_id_number_masked_and_keeps_them_when_untouched(clerk_client, grids):
    """Full values only through the audited unmask: the form shows 139****0002, and posting it back unchanged
    keeps the stored number (issue 9)."""
    member = grids.volunteer
    member.id_number = GOOD_ID
    member.save()
    url = reverse("grid-member-edit", args=[member.pk])
    body = clerk_client.get(url).content.decode()
    assert "13907330002" not in body and GOOD_ID not in body
    assert 'value="139****0002"' in body and 'value="430211********0016"' in body
    data = {
        "grid": member.grid.code,
        "role": member.role,
        "name": member.name,
        "phone": "139****0002",
        "id_number": "430211********0016",
        "is_active": "on",
    }
    assert clerk_client.post(url, data).status_code == 302
    member.refresh_from_db()
    assert (member.phone, member.id_number) == ("13907330002", GOOD_ID)
    data["phone"] = "139 0733 0099"  # a new full number replaces it
    assert clerk_client.post(url, data).status_code == 302
    member.refresh_from_db()
    assert member.phone == "13907330099"
    data["phone"] = "139****0099x"  # anything else typed is checked as a number
    response = clerk_client.post(url, data)
    assert response.status_code == 400 and "电话号码" in response.content.decode()
