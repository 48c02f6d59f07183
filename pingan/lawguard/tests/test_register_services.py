"""The register's services: credit codes checked and unique, places located, jurisdiction, contacts with the
audited unmask, 三官一律 with their history, workstations, experts, portal accounts, the all-or-nothing import."""

from __future__ import annotations

import datetime

import pytest

from conftest import credit_code
from pingan.accounts.models import User
from pingan.core.errors import ApplicationError, ConflictError, PermissionDeniedError
from pingan.core.models import AuditAction, AuditLog
from pingan.lawguard import selectors, services
from pingan.lawguard.choices import GuardRole, Industry, Scale, SpecialisationLevel, Speciality
from pingan.lawguard.models import Enterprise, GuardAssignment, Workstation
from pingan.regions.choices import OrgType

# 比亚迪股份有限公司's published code (see pingan/core/tests/test_credit_code.py): a real, valid code.
REAL_CODE = "91440300192317458F"


def create(actor, **overrides):
    values = {
        "name": "株洲新材料科技有限公司",
        "credit_code": REAL_CODE,
        "industry": Industry.C,
        "scale": Scale.SMALL,
        "address": "株洲市天元区泰山路9号",
    }
    values.update(overrides)
    return services.enterprise_create(actor=actor, **values)


@pytest.fixture
def scene(lawguard_scene, zhuzhou):
    return lawguard_scene


def test_create_normalises_the_code_and_finds_the_workstation(scene, zhuzhou):
    enterprise = create(scene.staff, credit_code=" 9144 0300 1923 1745 8f ", region=zhuzhou.taishan)
    assert enterprise.credit_code == REAL_CODE
    assert enterprise.region_code == "430211004001" and enterprise.grid_code == ""
    assert enterprise.workstation == scene.station  # 嵩山路 serves 泰山社区
    assert AuditLog.objects.filter(action=AuditAction.CREATE, object_id=str(enterprise.pk)).exists()


def test_a_wrong_check_character_is_refused_on_the_field(scene, zhuzhou):
    with pytest.raises(ApplicationError) as info:
        create(scene.staff, credit_code=REAL_CODE[:17] + "G", region=zhuzhou.taishan)
    assert "校验位" in info.value.fields["credit_code"][0]
    assert not Enterprise.objects.filter(name="株洲新材料科技有限公司").exists()


def test_a_duplicate_code_is_refused_with_a_clear_message(scene, zhuzhou):
    with pytest.raises(ApplicationError) as info:
        create(scene.staff, credit_code=scene.enterprise.credit_code.lower(), region=zhuzhou.taishan)
    assert info.value.code == "duplicate"
    assert "已登记" in info.value.fields["credit_code"][0]


def test_coordinates_locate_the_grid_cell(scene, grids, zhuzhou):
    enterprise = create(scene.staff, lng=113.11, lat=27.80)
    assert enterprise.grid_code == grids.taishan_2.code and enterprise.region == zhuzhou.taishan
    with pytest.raises(ApplicationError) as info:
        create(scene.staff, credit_code=credit_code("91430200MA4L0X9Y8"), lng=112.0, lat=26.0)
    assert "location" in info.value.fields


def test_a_region_outside_the_jurisdiction_is_refused(scene, zhuzhou, people):
    with pytest.raises(ApplicationError) as info:
        create(scene.staff, region=zhuzhou.yuetang_c)
    assert info.value.code == "outside_jurisdiction"
    with pytest.raises(PermissionDeniedError):
        create(people.mediator, region=zhuzhou.taishan)  # a mediator does not keep the register
    assert create(people.hetang_clerk, region=zhuzhou.yuetang_c).workstation is None


def test_update_checks_the_code_and_place_again(scene, zhuzhou):
    enterprise = scene.enterprise
    with pytest.raises(ApplicationError):
        services.enterprise_update(actor=scene.staff, enterprise=enterprise, credit_code=scene.other.credit_code)
    with pytest.raises(ApplicationError):
        services.enterprise_update(actor=scene.staff, enterprise=enterprise, region=zhuzhou.yuetang_c)
    services.enterprise_update(actor=scene.staff, enterprise=enterprise, name="株洲钻石切削刀具有限公司")
    enterprise.refresh_from_db()
    assert enterprise.name == "株洲钻石切削刀具有限公司" and enterprise.region == zhuzhou.taishan
    with pytest.raises(PermissionDeniedError):
        services.enterprise_update(actor=scene.staff, enterprise=scene.other, name="x")


def test_deactivate_keeps_the_record_and_closes_the_portal(scene):
    from pingan.lawguard.portal import enterprise_of

    services.enterprise_deactivate(actor=scene.staff, enterprise=scene.enterprise, reason="企业注销")
    assert enterprise_of(scene.portal_user) is None
    with pytest.raises(ConflictError):
        services.enterprise_deactivate(actor=scene.staff, enterprise=scene.enterprise, reason="再次")


def test_contacts_are_encrypted_masked_and_unmasked_with_a_reason(scene):
    contact = services.contact_add(
        actor=scene.staff, enterprise=scene.enterprise, name="李法务", phone="139 0733 1234", position="法务经理"
    )
    assert contact.phone == "13907331234" and contact.is_primary
    assert contact.masked["phone"] != contact.phone and "1234" in contact.masked["phone"]
    with pytest.raises(ApplicationError) as info:
        services.contact_add(actor=scene.staff, enterprise=scene.enterprise, name="王", phone="12345")
    assert "phone" in info.value.fields
    with pytest.raises(ApplicationError):
        services.contacts_unmask(actor=scene.staff, enterprise=scene.enterprise, reason="12")
    shown = services.contacts_unmask(actor=scene.staff, enterprise=scene.enterprise, reason="回访核实联系方式")
    assert [c.phone for c in shown] == ["13907331234"]
    entry = AuditLog.objects.get(action=AuditAction.UNMASK)
    assert entry.reason == "回访核实联系方式" and entry.region_code == scene.enterprise.region_code
    services.contact_remove(actor=scene.staff, contact=contact)
    assert not scene.enterprise.contacts.exists()


def test_a_new_holder_ends_the_current_one_and_history_is_kept(scene):
    enterprise = scene.enterprise
    new = services.guard_assign(
        actor=scene.staff,
        enterprise=enterprise,
        role=GuardRole.JUDGE,
        person_name="钱法官",
        unit="天元区人民法院",
        started_on=datetime.date(2022, 7, 1),
        end_reason="工作调动",
    )
    judges = list(enterprise.guard_assignments.filter(role=GuardRole.JUDGE).order_by("started_on"))
    assert [(j.person_name, j.started_on, j.ended_on) for j in judges] == [
        ("周法官", datetime.date(2022, 1, 1), datetime.date(2022, 6, 30)),
        ("钱法官", datetime.date(2022, 7, 1), None),
    ]
    assert judges[0].end_reason == "工作调动" and new.created_by == scene.staff
    # Only one current per role; the other roles are untouched.
    assert enterprise.guard_assignments.filter(ended_on__isnull=True).count() == 4
    history = list(selectors.guard_history(enterprise).filter(role=GuardRole.JUDGE))
    assert [h.person_name for h in history] == ["钱法官", "周法官"]


def test_a_holder_starting_the_same_day_ends_the_same_day_and_earlier_starts_are_refused(scene):
    services.guard_assign(
        actor=scene.staff,
        enterprise=scene.enterprise,
        role=GuardRole.LAWYER,
        person_name="赵律师",
        unit="某律所",
        started_on=datetime.date(2022, 1, 1),
    )
    old = GuardAssignment.objects.get(person_name="王律师")
    assert old.ended_on == datetime.date(2022, 1, 1)
    with pytest.raises(ApplicationError) as info:
        services.guard_assign(
            actor=scene.staff,
            enterprise=scene.enterprise,
            role=GuardRole.LAWYER,
            person_name="孙律师",
            unit="某律所",
            started_on=datetime.date(2021, 12, 1),
        )
    assert "started_on" in info.value.fields


def test_guard_end_and_my_enterprises(scene, people):
    assignment = services.guard_assign(
        actor=scene.staff,
        enterprise=scene.enterprise,
        role=GuardRole.POLICE,
        person_name="孙司法",
        unit="嵩山路派出所",
        user=people.justice,
        phone="13907330009",
        started_on=datetime.date(2023, 1, 1),
    )
    assert list(selectors.my_guard_enterprises(people.justice)) == [scene.enterprise]
    with pytest.raises(ApplicationError):
        services.guard_end(actor=scene.staff, assignment=assignment, ended_on=datetime.date(2022, 1, 1), reason="x")
    services.guard_end(actor=scene.staff, assignment=assignment, ended_on=datetime.date(2024, 1, 1), reason="期满")
    assert list(selectors.my_guard_enterprises(people.justice)) == []
    with pytest.raises(ConflictError):
        services.guard_end(actor=scene.staff, assignment=assignment, ended_on=datetime.date(2024, 1, 1), reason="期满")


def test_jurisdiction_of_the_register(scene, people, zhuzhou):
    assert set(selectors.enterprises_for(people.clerk)) == {scene.enterprise}
    assert set(selectors.enterprises_for(people.hetang_clerk)) == {scene.other}
    assert set(selectors.enterprises_for(people.leader)) == {scene.enterprise, scene.other}
    assert set(selectors.enterprises_for(scene.staff)) == {scene.enterprise}
    assert not selectors.enterprises_for(scene.portal_user).exists()  # the portal user holds no post
    # A workstation sees what it serves even outside its own region.
    services.enterprise_update(actor=people.hetang_clerk, enterprise=scene.other, workstation=scene.station)
    assert set(selectors.enterprises_for(scene.staff)) == {scene.enterprise, scene.other}


def test_workstation_creates_its_organisation(scene, people, zhuzhou):
    station = services.workstation_create(
        actor=people.district_clerk,
        code="W430211",
        name="天元区法治护航工作站",
        region=zhuzhou.tianyuan,
        address="天元区黄河路1号",
        regions=[zhuzhou.tianyuan],
    )
    assert station.organization.org_type == OrgType.LAW_WORKSTATION
    assert list(station.regions.all()) == [zhuzhou.tianyuan]
    with pytest.raises(ApplicationError) as info:
        services.workstation_create(
            actor=people.district_clerk, code="W430211", name="x", region=zhuzhou.tianyuan, address="x"
        )
    assert info.value.code == "duplicate"
    with pytest.raises(ApplicationError):
        services.workstation_create(
            actor=people.district_clerk, code="W430202", name="荷塘", region=zhuzhou.hetang, address="x"
        )
    with pytest.raises(PermissionDeniedError):
        services.workstation_create(actor=scene.staff, code="W1", name="x", region=zhuzhou.songshan, address="x")
    services.workstation_update(actor=people.district_clerk, workstation=station, is_active=False)
    assert not Workstation.objects.get(pk=station.pk).organization.is_active


@pytest.fixture
def city_clerk(zhuzhou):
    from conftest import make_user
    from pingan.accounts.choices import Role

    return make_user("city_clerk", "市综治", (zhuzhou.city_centre, Role.CENTRE_STAFF))


def test_experts_and_the_ranking_for_a_question(scene, people, city_clerk):
    with pytest.raises(PermissionDeniedError):  # a leader reads the team, the centre keeps it
        services.expert_update(actor=people.leader, expert=scene.expert, is_active=False)
    expert = services.expert_create(
        actor=city_clerk,
        team=scene.team_org,
        name="曾律师",
        unit="湖南某律师事务所",
        specialities=[Speciality.CONTRACT, Speciality.IP, Speciality.LABOUR],
        joined_on=datetime.date(2022, 3, 1),
    )
    with pytest.raises(ApplicationError):
        services.expert_create(
            actor=city_clerk,
            team=scene.team_org,
            name="x",
            unit="y",
            specialities=["astrology"],
            joined_on=datetime.date(2022, 3, 1),
        )
    ranked = selectors.experts_for_question([Speciality.IP, Speciality.CONTRACT])
    # Both match two fields; 何教授 has fewer fields overall (more specialised); 邓律师 matches none.
    assert ranked == [scene.expert, expert]
    assert selectors.experts_for_question([Speciality.LABOUR]) == [scene.expert_2, expert]
    services.expert_update(actor=city_clerk, expert=expert, is_active=False)
    assert selectors.experts_for_question([Speciality.LABOUR]) == [scene.expert_2]
    assert selectors.experts_for_question([Speciality.TAX]) == []


def test_portal_accounts_are_opened_by_the_workstation(scene, people):
    account, password = services.enterprise_account_create(
        actor=scene.staff, enterprise=scene.enterprise, username="zuanshi2", full_name="钻石法务"
    )
    user = User.objects.get(username="zuanshi2")
    assert user.check_password(password) and user.must_change_password
    assert not user.memberships.exists() and account.created_by == scene.staff
    with pytest.raises(ApplicationError):
        services.enterprise_account_create(actor=scene.staff, enterprise=scene.enterprise, username="ZUANSHI2")
    with pytest.raises(PermissionDeniedError):
        services.enterprise_account_create(actor=people.clerk, enterprise=scene.enterprise, username="other")
    with pytest.raises(PermissionDeniedError):
        services.enterprise_account_create(actor=scene.staff, enterprise=scene.other, username="other")
    services.enterprise_account_deactivate(actor=scene.staff, account=account)
    user.refresh_from_db()
    assert not user.is_active
    assert AuditLog.objects.filter(object_type="lawguard.enterpriseaccount").count() == 2


# --- import ---

HEADER = ["企业名称", "统一社会信用代码", "行业门类", "企业规模", "专精特新等级", "地址", "区划代码"]


def rows(*values):
    return [dict(zip(HEADER, row, strict=True)) for row in values]


def test_import_is_all_or_nothing_with_row_and_column_errors(scene):
    good = credit_code("91430211MA4L1A2B3")
    result = services.enterprises_import(
        actor=scene.staff,
        rows=rows(
            ["甲公司", good, "C", "小型", "", "泰山路1号", "430211004001"],
            ["乙公司", good.lower(), "制造业", "微型", "", "泰山路2号", "430211004001"],
            ["丙公司", scene.enterprise.credit_code, "C", "小型", "", "泰山路3号", "430211004001"],
            ["丁公司", REAL_CODE[:17] + "0", "Z", "巨型", "", "", "430211004001"],
            ["戊公司", credit_code("91430202MA4L1A2B4"), "C", "小型", "", "月塘路1号", "430202001001"],
        ),
    )
    assert not result.ok
    joined = "\n".join(result.errors)
    assert "第 3 行:【统一社会信用代码】" in joined and "与第 2 行重复" in joined
    assert "第 4 行:【统一社会信用代码】" in joined and "已在企业名录中登记" in joined
    assert "第 5 行:【统一社会信用代码】" in joined
    assert "第 5 行:【行业门类】" in joined and "第 5 行:【企业规模】" in joined and "第 5 行:【地址】" in joined
    assert "第 6 行:【区划代码】不在您的辖区内" in joined
    assert Enterprise.objects.count() == 2  # nothing written


def test_import_writes_a_clean_file(scene, grids):
    result = services.enterprises_import(
        actor=scene.staff,
        rows=[
            {**row, "经度": lng, "纬度": lat}
            for row, (lng, lat) in zip(
                rows(
                    ["甲公司", credit_code("91430211MA4L1A2B3"), "C", "小型", "创新型中小企业", "泰山路1号", ""],
                    ["乙公司", credit_code("91430211MA4L1A2B5"), "I", "micro", "", "泰山路2号", "430211004001"],
                ),
                [("113.09", "27.80"), ("", "")],
                strict=True,
            )
        ],
    )
    assert result.ok and result.created == 2
    first = Enterprise.objects.get(name="甲公司")
    assert first.grid_code == grids.taishan_1.code and first.level == SpecialisationLevel.INNOVATIVE
    assert first.workstation == scene.station
    assert AuditLog.objects.filter(action=AuditAction.IMPORT, object_type="lawguard.enterprise").exists()


def test_the_import_template_reads_back_as_a_valid_file(scene):
    import io

    from pingan.regions.services import read_table

    table = read_table(io.BytesIO(services.import_template()), field="file")
    result = services.enterprises_import(actor=scene.staff, rows=table)
    assert result.ok and result.created == 1
