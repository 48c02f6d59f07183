"""The register's staff pages: lists with filters in a fixed number of queries, the detail with masked
contacts and the 三官一律's history, forms that re-render refusals with 400, the import's error report, the
logged export, portal accounts, workstations and experts, and 404 outside the jurisdiction."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from conftest import credit_code
from pingan.core.models import AuditAction, AuditLog
from pingan.lawguard import services
from pingan.lawguard.choices import GuardRole, Industry, Scale, SpecialisationLevel
from pingan.lawguard.models import Enterprise, EnterpriseAccount


@pytest.fixture
def scene(lawguard_scene):
    return lawguard_scene


@pytest.fixture
def staff_client(client, scene):
    client.force_login(scene.staff)
    return client


def add_enterprises(scene, zhuzhou, count, start=0):
    for index in range(start, start + count):
        enterprise = services.enterprise_create(
            actor=scene.staff,
            name=f"泰山企业{index:03d}",
            credit_code=credit_code(f"91430211MA4L{index:05d}"),
            industry=Industry.C,
            scale=Scale.SMALL,
            level=SpecialisationLevel.LITTLE_GIANT if index % 2 else "",
            address="泰山路",
            region=zhuzhou.taishan,
        )
        if index % 2:
            services.guard_assign(
                actor=scene.staff,
                enterprise=enterprise,
                role=GuardRole.JUDGE,
                person_name="周法官",
                unit="天元区人民法院",
                started_on=datetime.date(2022, 1, 1),
            )


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_list_takes_a_fixed_number_of_queries(staff_client, scene, zhuzhou):
    url = reverse("lawguard-enterprise-list")
    add_enterprises(scene, zhuzhou, 2)
    few = queries(staff_client, url)
    add_enterprises(scene, zhuzhou, 12, start=2)
    assert queries(staff_client, url) == few
    station_url = reverse("lawguard-workstation-list")
    first = queries(staff_client, station_url)
    services.workstation_create(
        actor=scene.staff.__class__.objects.get(username="tianyuan_clerk"),
        code="W430211X",
        name="天元区法治护航工作站",
        region=zhuzhou.tianyuan,
        address="x",
    )
    assert queries(staff_client, station_url) == first


def test_list_filters_and_search(staff_client, scene, zhuzhou):
    add_enterprises(scene, zhuzhou, 4)
    url = reverse("lawguard-enterprise-list")
    body = staff_client.get(url, {"level": SpecialisationLevel.LITTLE_GIANT}).content.decode()
    assert "泰山企业001" in body and "泰山企业000" not in body
    body = staff_client.get(url, {"has_guards": "false"}).content.decode()
    assert "泰山企业000" in body and "泰山企业001" not in body and scene.enterprise.name not in body
    body = staff_client.get(url, {"q": scene.enterprise.credit_code.lower()}).content.decode()
    assert scene.enterprise.name in body and "泰山企业000" not in body
    body = staff_client.get(url, {"workstation": scene.station.pk, "scale": "medium"}).content.decode()
    assert scene.enterprise.name in body and "泰山企业000" not in body
    assert "荷塘机电" not in staff_client.get(url).content.decode()


def test_detail_shows_masked_contacts_and_the_guard_history(staff_client, scene):
    services.contact_add(actor=scene.staff, enterprise=scene.enterprise, name="李法务", phone="13907331234")
    services.guard_assign(
        actor=scene.staff,
        enterprise=scene.enterprise,
        role=GuardRole.JUDGE,
        person_name="钱法官",
        unit="天元区人民法院",
        started_on=datetime.date(2022, 7, 1),
        end_reason="工作调动",
    )
    url = reverse("lawguard-enterprise-detail", args=[scene.enterprise.pk])
    body = staff_client.get(url).content.decode()
    assert "13907331234" not in body and "1234" in body
    assert "钱法官" in body and "周法官" in body and "2022-06-30" in body and "工作调动" in body
    refused = staff_client.post(reverse("lawguard-contacts-unmask", args=[scene.enterprise.pk]), {"reason": "1"})
    assert refused.status_code == 400 and "13907331234" not in refused.content.decode()
    shown = staff_client.post(
        reverse("lawguard-contacts-unmask", args=[scene.enterprise.pk]), {"reason": "核实联系方式"}
    )
    assert shown.status_code == 200 and "13907331234" in shown.content.decode()
    assert AuditLog.objects.filter(action=AuditAction.UNMASK, reason="核实联系方式").exists()


def test_forms_re_render_refusals_with_400(staff_client, scene, zhuzhou):
    data = {
        "name": "新企业",
        "credit_code": scene.enterprise.credit_code,
        "industry": "C",
        "scale": "small",
        "address": "泰山路",
        "region": zhuzhou.taishan.code,
        "coord_system": "wgs84",
    }
    response = staff_client.post(reverse("lawguard-enterprise-new"), data)
    assert response.status_code == 400 and "已登记" in response.content.decode()
    response = staff_client.post(reverse("lawguard-enterprise-new"), {**data, "credit_code": "91440300192317458F"})
    enterprise = Enterprise.objects.get(credit_code="91440300192317458F")
    assert response.status_code == 302 and response["Location"].endswith(f"/{enterprise.pk}/")
    guard_url = reverse("lawguard-guard-assign", args=[enterprise.pk])
    bad = staff_client.post(
        guard_url, {"role": "judge", "person_name": "x", "unit": "y", "started_on": "2022-01-01", "username": "nobody"}
    )
    assert bad.status_code == 400 and "nobody" in bad.content.decode()
    edit = staff_client.post(
        reverse("lawguard-enterprise-edit", args=[enterprise.pk]),
        {**data, "region": zhuzhou.yuetang_c.code, "credit_code": enterprise.credit_code},
    )
    assert edit.status_code == 400


def test_the_import_page_reports_every_error(staff_client, scene):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["企业名称", "统一社会信用代码", "行业门类", "企业规模", "地址", "区划代码"])
    sheet.append(["甲", "91440300192317458X", "C", "小型", "泰山路", "430211004001"])
    sheet.append(["乙", "91440300192317458F", "C", "小型", "泰山路", "430211004001"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("e.xlsx", buffer.getvalue())
    response = staff_client.post(reverse("lawguard-enterprise-import"), {"file": upload})
    assert response.status_code == 400
    assert "第 2 行:【统一社会信用代码】" in response.content.decode()
    assert not Enterprise.objects.filter(name="乙").exists()
    template = staff_client.get(reverse("lawguard-enterprise-import-template"))
    assert load_workbook(io.BytesIO(template.content)).active["A1"].value == "企业名称"


def test_the_export_is_logged_and_holds_the_jurisdiction_only(staff_client, scene):
    response = staff_client.get(reverse("lawguard-enterprise-export"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == [scene.enterprise.name]
    entry = AuditLog.objects.get(action=AuditAction.EXPORT)
    assert entry.changes["rows"] == 1


def test_the_workstation_opens_a_portal_account_once(staff_client, scene):
    response = staff_client.post(
        reverse("lawguard-account-new", args=[scene.enterprise.pk]), {"username": "zs_new", "full_name": "钻石"}
    )
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert "临时密码" in response.content.decode()
    account = EnterpriseAccount.objects.get(user__username="zs_new")
    assert account.user.must_change_password
    response = staff_client.post(reverse("lawguard-account-deactivate", args=[account.pk]))
    assert response.status_code == 302
    account.refresh_from_db()
    assert not account.is_active


def test_workstation_and_expert_pages(client, scene, people, zhuzhou):
    client.force_login(people.district_clerk)
    station = client.get(reverse("lawguard-workstation-detail", args=[scene.station.pk])).content.decode()
    assert "林站长" in station and scene.enterprise.name in station
    response = client.post(
        reverse("lawguard-workstation-new"),
        {
            "code": "W430211",
            "name": "天元区工作站",
            "region": zhuzhou.tianyuan.code,
            "address": "黄河路",
            "regions": "430211004",
        },
    )
    assert response.status_code == 302
    experts = client.get(reverse("lawguard-expert-list"), {"speciality": "labour"}).content.decode()
    assert "邓律师" in experts and "何教授" not in experts
    response = client.post(
        reverse("lawguard-expert-edit", args=[scene.expert_2.pk]),
        {
            "name": "邓律师",
            "unit": "湖南某律师事务所",
            "specialities": ["labour", "contract"],
            "joined_on": "2021-05-01",
            "is_active": "on",
        },
    )
    assert response.status_code == 400  # 天元区's clerk does not keep the city's team
    assert client.get(reverse("lawguard-enterprise-list")).status_code == 200


def test_my_enterprises_for_a_guard_holder(client, scene, people):
    services.guard_assign(
        actor=scene.staff,
        enterprise=scene.enterprise,
        role=GuardRole.POLICE,
        person_name="孙司法",
        unit="嵩山路派出所",
        user=people.justice,
        started_on=datetime.date(2023, 1, 1),
    )
    client.force_login(people.justice)
    assert scene.enterprise.name in client.get(reverse("lawguard-enterprise-mine")).content.decode()


@pytest.mark.parametrize(
    "name",
    [
        "lawguard-enterprise-detail",
        "lawguard-enterprise-edit",
        "lawguard-enterprise-deactivate",
        "lawguard-contact-add",
        "lawguard-guard-assign",
        "lawguard-account-new",
    ],
)
def test_an_enterprise_outside_the_jurisdiction_is_a_404(staff_client, scene, name):
    assert staff_client.get(reverse(name, args=[scene.other.pk])).status_code == 404


def test_other_objects_outside_the_jurisdiction_are_404(client, scene, people):
    client.force_login(people.hetang_clerk)
    enterprise = scene.enterprise
    guard = enterprise.guard_assignments.first()
    contact = services.contact_add(actor=scene.staff, enterprise=enterprise, name="李", phone="13907331234")
    account = EnterpriseAccount.objects.get(enterprise=enterprise)
    for url, method in [
        (reverse("lawguard-enterprise-detail", args=[enterprise.pk]), "get"),
        (reverse("lawguard-guard-end", args=[enterprise.pk, guard.pk]), "get"),
        (reverse("lawguard-contact-remove", args=[enterprise.pk, contact.pk]), "post"),
        (reverse("lawguard-contacts-unmask", args=[enterprise.pk]), "post"),
        (reverse("lawguard-account-deactivate", args=[account.pk]), "post"),
        (reverse("lawguard-workstation-detail", args=[scene.station.pk]), "get"),
        (reverse("lawguard-workstation-edit", args=[scene.station.pk]), "get"),
    ]:
        assert getattr(client, method)(url).status_code == 404, url


def test_the_portal_user_is_refused_and_the_nav_shows_the_register(client, scene):
    client.force_login(scene.portal_user)
    assert client.get(reverse("lawguard-enterprise-list")).status_code == 403
    client.force_login(scene.staff)
    body = client.get(reverse("lawguard-enterprise-list")).content.decode()
    assert reverse("lawguard-workstation-list") in body and "法治护航" in body


def test_detail_links_to_the_enterprises_cases(staff_client, scene, dispute):
    from pingan.lawguard.choices import LinkRelation
    from pingan.lawguard.services import link_case

    link_case(enterprise=scene.enterprise, case=dispute, relation=LinkRelation.DISPUTE)
    body = staff_client.get(reverse("lawguard-enterprise-detail", args=[scene.enterprise.pk])).content.decode()
    assert dispute.number in body and reverse("case-detail", args=[dispute.pk]) in body


def test_editing_keeps_the_located_point(staff_client, scene, grids):
    enterprise = services.enterprise_create(
        actor=scene.staff,
        name="定位企业",
        credit_code=credit_code("91430211MA4L7K6J5"),
        industry=Industry.C,
        scale=Scale.SMALL,
        address="泰山路",
        lng=113.09,
        lat=27.80,
    )
    url = reverse("lawguard-enterprise-edit", args=[enterprise.pk])
    form = staff_client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(coord_system="wgs84", name="定位企业(新名)", workstation=scene.station.pk)
    assert staff_client.post(url, data).status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.name == "定位企业(新名)" and enterprise.grid_code == grids.taishan_1.code
    assert enterprise.lng == pytest.approx(113.09)
