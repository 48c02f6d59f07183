"""Creating and editing drives, tagging cases in and out by hand: every field checked, nothing half-written,
who may do what, and a log of every tag added and removed."""

from __future__ import annotations

import datetime

import pytest

from pingan.cases.models import Category
from pingan.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from pingan.core.models import AuditLog
from pingan.drives import figures, selectors, services
from pingan.drives.choices import TagAction, TagMode
from pingan.drives.models import Drive, DriveCase, DriveTagLog

from .conftest import NOVEMBER, make_drive

pytestmark = pytest.mark.django_db


def _found(user, drive):
    drive = selectors.drive_or_404(user, drive.pk)
    return figures.totals(drive, selectors.drive_cases_for(user, drive))["found"]


def test_a_drive_is_saved_with_its_scope_and_audited(zhuzhou, people):
    drive = make_drive(
        people.leader,
        zhuzhou.city,
        zhuzhou.city_centre,
        categories=[Category.objects.get(code="marriage_family")],
        target_regions=[zhuzhou.tianyuan],
        description="  婚恋家庭纠纷排查化解  ",
    )
    assert drive.region_code == "430200" and drive.description == "婚恋家庭纠纷排查化解"
    assert drive.scope_prefixes() == [zhuzhou.tianyuan.prefix]
    assert AuditLog.objects.filter(object_type="drives.drive", object_id=str(drive.pk), action="create").exists()
    assert drive.history.count() == 1
    edited = services.drive_save(
        actor=people.leader,
        drive=drive,
        name="婚恋家庭纠纷排查化解(二期)",
        start_date=NOVEMBER[0],
        end_date=NOVEMBER[1],
        kinds=["dispute"],
        region=zhuzhou.city,
        lead_org=zhuzhou.city_centre,
    )
    assert edited.pk == drive.pk and list(edited.target_regions.all()) == [] and edited.history.count() == 2


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"name": "  "}, "name"),
        ({"start_date": None}, "start_date"),
        ({"end_date": datetime.date(2026, 10, 31)}, "end_date"),  # before the start
        ({"end_date": datetime.date(2030, 1, 1)}, "end_date"),  # more than three years
        ({"start_date": datetime.date(1980, 1, 1)}, "start_date"),
        ({"kinds": []}, "kinds"),
        ({"kinds": ["parking"]}, "kinds"),
        ({"categories": "incident"}, "categories"),  # a category of another kind
        ({"target_regions": "hetang"}, "target_regions"),  # outside the drive's region
        ({"lead_org": "hetang"}, "lead_org"),  # does not cover the drive's region
        ({"status": "paused"}, "status"),
        ({"region": None}, "region"),
    ],
)
def test_bad_input_is_refused_and_nothing_written(zhuzhou, people, changes, field):
    data = {
        "actor": people.district_clerk,
        "name": "天元区矛盾纠纷排查",
        "start_date": NOVEMBER[0],
        "end_date": NOVEMBER[1],
        "kinds": ["dispute"],
        "region": zhuzhou.tianyuan,
        "lead_org": zhuzhou.tianyuan_centre,
        **changes,
    }
    if data.get("categories") == "incident":
        data["categories"] = [Category.objects.filter(kind="incident").first()]
    if data.get("target_regions") == "hetang":
        data["target_regions"] = [zhuzhou.hetang]
    if data.get("lead_org") == "hetang":
        data["lead_org"] = zhuzhou.hetang_centre
    with pytest.raises(ApplicationError) as refused:
        services.drive_save(**data)
    assert field in refused.value.fields
    assert not Drive.objects.exists() and not AuditLog.objects.filter(object_type="drives.drive").exists()


def test_only_centres_and_leaders_at_or_above_the_drives_region_run_it(zhuzhou, people):
    kwargs = {"name": "排查", "start_date": NOVEMBER[0], "end_date": NOVEMBER[1], "kinds": ["dispute"]}
    for actor in (people.hetang_clerk, people.clerk, people.mediator, people.justice):  # elsewhere, below, no post
        with pytest.raises(ApplicationError) as refused:
            services.drive_save(actor=actor, region=zhuzhou.tianyuan, lead_org=zhuzhou.tianyuan_centre, **kwargs)
        assert "region" in refused.value.fields
    drive = services.drive_save(
        actor=people.district_clerk, region=zhuzhou.tianyuan, lead_org=zhuzhou.tianyuan_centre, **kwargs
    )
    assert selectors.may_manage(people.leader, drive.region)  # the city, above it
    with pytest.raises(PermissionDeniedError):  # the township's clerk cannot edit the district's drive
        services.drive_save(
            actor=people.clerk, drive=drive, region=zhuzhou.songshan, lead_org=zhuzhou.songshan_centre, **kwargs
        )


def test_who_sees_which_drive(zhuzhou, people):
    city = make_drive(people.leader, zhuzhou.city, zhuzhou.city_centre, name="全市")
    tianyuan = make_drive(people.district_clerk, zhuzhou.tianyuan, zhuzhou.tianyuan_centre, name="天元区")
    assert set(selectors.drives_visible_to(people.leader)) == {city, tianyuan}
    assert set(selectors.drives_visible_to(people.clerk)) == {city, tianyuan}  # they cover 嵩山路街道
    assert set(selectors.drives_visible_to(people.hetang_clerk)) == {city}
    with pytest.raises(NotFoundError):
        selectors.drive_or_404(people.hetang_clerk, tianyuan.pk)


def test_tagging_a_case_in_and_out_with_a_log(scene):
    s = scene
    assert _found(s.p.leader, s.drive) == 4
    tag = services.drive_tag(drive=s.drive, case_ref=s.october.number, actor=s.p.clerk, reason="十月排查发现,纳入专项")
    assert tag.mode == TagMode.INCLUDE and tag.tagged_by == s.p.clerk and tag.reason == "十月排查发现,纳入专项"
    assert _found(s.p.leader, s.drive) == 5
    services.drive_tag(drive=s.drive, case_ref=s.open.pk, actor=s.p.clerk, mode=TagMode.EXCLUDE, reason="重复登记")
    assert _found(s.p.leader, s.drive) == 4
    drive = selectors.drive_or_404(s.p.leader, s.drive.pk)
    found = figures.drilldown(drive, selectors.drive_cases_for(s.p.leader, drive))
    assert s.october in found and s.open not in found
    # The week table lists the October week of the case tagged in, and still adds up.
    weeks = figures.by_week(drive, selectors.drive_cases_for(s.p.leader, drive))
    assert weeks[0]["key"] == "2026-10-19" and weeks[0]["found"] == 1 and sum(w["found"] for w in weeks) == 4

    services.drive_untag(drive=s.drive, case_ref=s.open.pk, actor=s.p.head, reason="核实并非重复")
    assert _found(s.p.leader, s.drive) == 5
    log = list(
        DriveTagLog.objects.filter(drive=s.drive).order_by("id").values_list("case_id", "action", "mode", "actor_id")
    )
    assert log == [
        (s.october.pk, TagAction.ADDED, TagMode.INCLUDE, s.p.clerk.pk),
        (s.open.pk, TagAction.ADDED, TagMode.EXCLUDE, s.p.clerk.pk),
        (s.open.pk, TagAction.REMOVED, TagMode.EXCLUDE, s.p.head.pk),
    ]
    assert AuditLog.objects.filter(object_type="drives.drive", reason="核实并非重复").exists()


@pytest.mark.parametrize(
    "who, case, mode, reason, error",
    [
        ("clerk", "agreed", TagMode.INCLUDE, "纳入", ApplicationError),  # counted anyway
        ("clerk", "october", TagMode.EXCLUDE, "排除", ApplicationError),  # not counted anyway
        ("clerk", "october", TagMode.INCLUDE, " ", ApplicationError),  # no reason
        ("clerk", "october", "maybe", "纳入", ApplicationError),
        ("clerk", "hetang", TagMode.EXCLUDE, "排除", NotFoundError),  # outside the clerk's jurisdiction
        ("grid_worker", "october", TagMode.INCLUDE, "纳入专项", PermissionDeniedError),
        ("justice", "october", TagMode.INCLUDE, "纳入专项", PermissionDeniedError),
    ],
)
def test_bad_tags_are_refused_and_nothing_written(scene, who, case, mode, reason, error):
    s = scene
    actor = s.grid_worker if who == "grid_worker" else getattr(s.p, who)
    with pytest.raises(error):
        services.drive_tag(drive=s.drive, case_ref=getattr(s, case).pk, actor=actor, mode=mode, reason=reason)
    assert not DriveCase.objects.exists() and not DriveTagLog.objects.exists()


def test_only_cases_inside_the_drives_target_regions_can_be_tagged(scene):
    s = scene
    drive = make_drive(s.p.leader, s.z.city, s.z.city_centre, target_regions=[s.z.hetang])
    with pytest.raises(ApplicationError) as refused:
        services.drive_tag(drive=drive, case_ref=s.october.pk, actor=s.p.leader, reason="纳入专项")
    assert refused.value.fields == {"case": ["案件不在专项行动的排查区域内"]}
    with pytest.raises(ApplicationError):  # a tag twice
        services.drive_tag(drive=s.drive, case_ref=s.october.pk, actor=s.p.leader, reason="纳入专项")
        services.drive_tag(drive=s.drive, case_ref=s.october.pk, actor=s.p.leader, reason="再次纳入")
    with pytest.raises(ApplicationError):  # nothing to remove
        services.drive_untag(drive=s.drive, case_ref=s.agreed.pk, actor=s.p.leader, reason="取消")
