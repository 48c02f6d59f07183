"""The back office: every page opens for a superuser, nothing opens for others, records that change
only through services stay read-only, and the three administrators (三员分立) each see only their part."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from conftest import GOOD_ID, mediate_to_agreement
from pingan.accounts.choices import Role
from pingan.accounts.management.commands.setup_roles import AUDITOR, SECADMIN, SYSADMIN
from pingan.accounts.models import Membership
from pingan.cases.models import Case, Party
from pingan.core.audit import audit_log
from pingan.core.models import AuditAction, AuditLog
from pingan.regions.models import Organization, Region

PASSWORD = "Pingan-admin-2022"
REGISTERED = sorted(admin.site._registry, key=lambda m: m._meta.label)


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def scene(dispute, people):
    """A concluded mediation, a logged unmasking and a changed party: something on every page."""
    case = mediate_to_agreement(dispute, people)
    party = case.parties.first()
    for phone in ("13900139000", "13700137000"):  # two saves: the history page shows the change between them
        party.phone = phone
        party.save()
    audit_log(actor=people.clerk, action=AuditAction.UNMASK, obj=party, reason="核实身份")
    return case


@pytest.fixture
def superuser(django_user_model, zhuzhou):
    """The operator, who also heads the city's centre: business records in the back office need a business
    post (三员分立), superuser or not."""
    user = django_user_model.objects.create_superuser("root", password=PASSWORD)
    Membership.objects.create(user=user, organization=zhuzhou.city_centre, role=Role.CENTRE_HEAD)
    return user


@pytest.fixture
def superuser_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def roles(db):
    call_command("setup_roles", stdout=None)
    return {name: Group.objects.get(name=name) for name in (SYSADMIN, SECADMIN, AUDITOR)}


ROLE_OF_GROUP = {SYSADMIN: Role.SYSADMIN, SECADMIN: Role.SECADMIN, AUDITOR: Role.AUDITOR}


def staff_client(client, django_user_model, roles, group: str, org_code: str = "C430200"):
    """An administrator of the city (or of the organisation `org_code`): a staff account in the group, holding
    the matching role in the organisation whose jurisdiction it administers."""
    user = django_user_model.objects.create_user(f"staff_{len(group)}_{group}", password=PASSWORD, is_staff=True)
    user.groups.add(roles[group])
    organization = Organization.objects.filter(code=org_code).first()
    if organization is not None:
        Membership.objects.create(user=user, organization=organization, role=ROLE_OF_GROUP[group])
    client.force_login(user)
    return client, user


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label)
def test_superuser_opens_every_changelist_and_change_page(model, superuser_client, scene):
    assert superuser_client.get(admin_url(model, "changelist")).status_code == 200
    obj = model._default_manager.first()
    if obj is not None:
        assert superuser_client.get(admin_url(model, "change", obj.pk)).status_code == 200
    model_admin = admin.site._registry[model]
    if hasattr(model_admin, "history_view") and obj is not None:
        assert superuser_client.get(admin_url(model, "history", obj.pk)).status_code == 200


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label)
def test_non_staff_user_is_sent_to_the_login_page(model, client, people):
    client.force_login(people.clerk)
    response = client.get(admin_url(model, "changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_anonymous_visitor_is_sent_to_the_login_page(client, db):
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_staff_without_permissions_is_refused(client, django_user_model, zhuzhou):
    user = django_user_model.objects.create_user("bare", password=PASSWORD, is_staff=True)
    client.force_login(user)
    assert client.get("/admin/regions/region/").status_code == 403
    assert client.get("/admin/core/auditlog/").status_code == 403


def test_superuser_add_pages_open(superuser_client, zhuzhou):
    for url in [
        "/admin/regions/region/add/",
        "/admin/regions/organization/add/",
        "/admin/accounts/user/add/",
        "/admin/cases/category/add/",
        "/admin/cases/slapolicy/add/",
        "/admin/cases/routingrule/add/",
    ]:
        assert superuser_client.get(url).status_code == 200, url


def test_cases_and_logs_are_read_only_even_for_a_superuser(superuser_client, scene):
    entry = AuditLog.objects.first()
    for model, obj in [(Case, scene), (AuditLog, entry), (Party, scene.parties.first())]:
        assert superuser_client.get(admin_url(model, "add")).status_code == 403
        assert superuser_client.get(admin_url(model, "delete", obj.pk)).status_code == 403
    before = scene.title
    superuser_client.post(admin_url(Case, "change", scene.pk), {"title": "改过的标题"})
    scene.refresh_from_db()
    assert scene.title == before


def test_case_page_shows_mediation_and_masked_parties(superuser_client, scene):
    body = superuser_client.get(admin_url(Case, "change", scene.pk)).content.decode()
    assert scene.mediation.agreement_number in body
    assert "430211********0016" in body
    assert GOOD_ID not in body and "13700137000" not in body


def test_party_history_is_masked(superuser_client, scene):
    party = scene.parties.first()
    body = superuser_client.get(admin_url(Party, "history", party.pk)).content.decode()
    assert "139****9000" in body and "137****7000" in body
    assert "13900139000" not in body and "13700137000" not in body


def test_history_revert_is_refused_without_change_permission(superuser_client, scene):
    party = scene.parties.first()
    first = party.history.earliest("history_date")
    url = reverse("admin:cases_party_simple_history", args=[party.pk, first.history_id])
    assert superuser_client.get(url).status_code == 200
    assert superuser_client.post(url, {}).status_code == 403


def test_category_names_and_order_are_edited_in_the_list(superuser_client, category):
    from pingan.cases.models import Category

    rows = list(Category.objects.all())
    data: dict[str, object] = {
        "form-TOTAL_FORMS": str(len(rows)),
        "form-INITIAL_FORMS": str(len(rows)),
        "_save": "保存",
    }
    for i, row in enumerate(rows):
        data |= {
            f"form-{i}-id": row.pk,
            f"form-{i}-name": row.name,
            f"form-{i}-sort_order": row.sort_order,
            f"form-{i}-is_active": "on" if row.is_active else "",
        }
    index = rows.index(category)
    data |= {f"form-{index}-name": "邻里关系", f"form-{index}-sort_order": 99}
    response = superuser_client.post("/admin/cases/category/", data)
    assert response.status_code == 302
    category.refresh_from_db()
    assert (category.name, category.sort_order) == ("邻里关系", 99)


# --- 三员分立 ---------------------------------------------------------------------------------------


def test_setup_roles_is_idempotent(roles):
    counts = {name: group.permissions.count() for name, group in roles.items()}
    call_command("setup_roles", stdout=None)
    assert {name: Group.objects.get(name=name).permissions.count() for name in roles} == counts
    assert all(counts.values())


def test_system_administrator_maintains_reference_data_only(client, django_user_model, roles, scene):
    client, _ = staff_client(client, django_user_model, roles, SYSADMIN)
    assert client.get("/admin/regions/region/add/").status_code == 200
    assert client.get("/admin/cases/routingrule/add/").status_code == 200
    assert client.get("/admin/workcalendar/calendaroverride/add/").status_code == 200
    assert client.get("/admin/core/auditlog/").status_code == 403
    assert client.get("/admin/accounts/user/").status_code == 403


def test_security_administrator_manages_accounts_only(client, django_user_model, roles, scene, people):
    client, me = staff_client(client, django_user_model, roles, SECADMIN)
    assert client.get("/admin/accounts/user/").status_code == 200
    assert client.get(admin_url(type(people.clerk), "change", people.clerk.pk)).status_code == 200
    assert client.get("/admin/regions/region/add/").status_code == 403
    assert client.get("/admin/core/auditlog/").status_code == 403
    own = client.get(admin_url(type(me), "change", me.pk)).content.decode()
    assert 'name="is_superuser"' not in own and 'name="groups"' not in own


def test_security_auditor_reads_the_log_and_history_only(client, django_user_model, roles, scene):
    client, _ = staff_client(client, django_user_model, roles, AUDITOR)
    body = client.get("/admin/core/auditlog/").content.decode()
    assert "核实身份" in body
    party = scene.parties.first()
    for url in [admin_url(Party, "history", party.pk), admin_url(Case, "history", scene.pk), "/admin/cases/party/"]:
        assert client.get(url).status_code == 403, url
    assert client.get("/admin/regions/region/add/").status_code == 403
    assert client.get("/admin/accounts/user/add/").status_code == 403
    region = scene.region
    first = region.history.earliest("history_date")
    url = reverse("admin:regions_region_simple_history", args=[region.pk, first.history_id])
    assert client.get(url).status_code == 200
    assert client.post(url, {"code": region.code, "name": "篡改", "level": region.level}).status_code == 403


def test_one_account_holds_one_administrator_role(superuser_client, roles, people):
    from pingan.accounts.admin import PingAnUserChangeForm

    user = people.clerk
    form = PingAnUserChangeForm(
        instance=user,
        data={
            "username": user.username,
            "groups": [roles[SYSADMIN].pk, roles[AUDITOR].pk],
            "date_joined": "2026-01-01 08:00:00",
            "is_active": "on",
        },
    )
    assert not form.is_valid()
    assert "三员分立" in form.errors["groups"][0]


# --- jurisdiction: a district's administrators see their district only -----------------------------


def test_district_system_administrator_sees_only_the_district(client, django_user_model, roles, scene):
    client, _ = staff_client(client, django_user_model, roles, SYSADMIN, org_code="C430202")  # 荷塘区
    regions = client.get("/admin/regions/region/?q=&all=").content.decode()
    assert "荷塘区" in regions and "天元区" not in regions and "嵩山路街道" not in regions
    organizations = client.get("/admin/regions/organization/").content.decode()
    assert "荷塘区综治中心" in organizations and "天元区综治中心" not in organizations
    tianyuan = Region.objects.get(code="430211")
    assert client.get(admin_url(Region, "change", tianyuan.pk)).status_code == 302  # "does not exist"
    autocomplete = client.get(
        "/admin/autocomplete/",
        {"app_label": "regions", "model_name": "organization", "field_name": "region", "term": "天元"},
    ).json()
    assert autocomplete["results"] == []


def test_district_auditor_reads_only_the_district_log(client, django_user_model, roles, scene):
    client, _ = staff_client(client, django_user_model, roles, AUDITOR, org_code="C430202")
    assert "核实身份" not in client.get("/admin/core/auditlog/").content.decode()
    assert client.get(admin_url(Case, "change", scene.pk)).status_code == 403


def test_city_auditor_reads_the_whole_log(client, django_user_model, roles, scene):
    client, _ = staff_client(client, django_user_model, roles, AUDITOR)
    assert "核实身份" in client.get("/admin/core/auditlog/").content.decode()
    assert client.get("/admin/cases/case/").status_code == 403


def test_district_security_administrator_sees_only_the_district_people(client, django_user_model, roles, scene):
    client, _ = staff_client(client, django_user_model, roles, SECADMIN, org_code="C430202")
    users = client.get("/admin/accounts/user/").content.decode()
    assert "hetang_clerk" in users and "songshan_clerk" not in users
    memberships = client.get("/admin/accounts/membership/").content.decode()
    assert "荷塘区综治中心" in memberships and "嵩山路街道综治中心" not in memberships


# --- personal data in the back office: masked on change pages too (issue 9) -----------------------------


def test_change_pages_show_phones_and_id_numbers_masked_and_keep_them(superuser_client, grids, people):
    member = grids.volunteer
    member.id_number = GOOD_ID
    member.save()
    url = admin_url(type(member), "change", member.pk)
    body = superuser_client.get(url).content.decode()
    assert "13907330002" not in body and GOOD_ID not in body and 'value="139****0002"' in body
    data = {
        "grid": member.grid.pk,
        "role": member.role,
        "name": member.name,
        "phone": "139****0002",
        "id_number": "430211********0016",
        "building": "5栋",
        "is_active": "on",
    }
    assert superuser_client.post(url, data).status_code == 302
    member.refresh_from_db()
    assert (member.phone, member.id_number, member.building) == ("13907330002", GOOD_ID, "5栋")
    history = superuser_client.get(admin_url(type(member), "history", member.pk)).content.decode()
    assert "13907330002" not in history and GOOD_ID not in history
    user = people.clerk
    user.phone = "13800138000"
    user.save()
    page = superuser_client.get(admin_url(type(user), "change", user.pk)).content.decode()
    assert "13800138000" not in page and 'value="138****8000"' in page
    listing = superuser_client.get(admin_url(type(user), "changelist"), {"q": "138 0013 8000"}).content.decode()
    assert "138****8000" in listing and "13800138000" not in listing and user.username in listing


def test_who_may_only_look_sees_phones_and_id_numbers_masked(client, django_user_model, grids, people, zhuzhou):
    """An auditor-like view-only account: the change page shows the masked values as text, no inputs."""
    from django.contrib.auth.models import Permission

    looker = django_user_model.objects.create_user("looker", password=PASSWORD, is_staff=True)
    looker.user_permissions.add(*Permission.objects.filter(codename__in=["view_gridmember", "view_user"]))
    Membership.objects.create(user=looker, organization=zhuzhou.city_centre, role=Role.AUDITOR)
    client.force_login(looker)
    member = grids.volunteer
    member.id_number = GOOD_ID
    member.save()
    body = client.get(admin_url(type(member), "change", member.pk)).content.decode()
    assert "13907330002" not in body and GOOD_ID not in body
    assert "139****0002" in body and "430211********0016" in body and 'name="phone"' not in body
    people.clerk.phone = "13800138000"
    people.clerk.save()
    page = client.get(admin_url(type(people.clerk), "change", people.clerk.pk)).content.decode()
    assert "13800138000" not in page and "138****8000" in page
