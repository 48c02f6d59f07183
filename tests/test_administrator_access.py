"""三员分立 over the whole URL inventory: the three administrators administer and audit, they do not read
business data. Every staff page and API endpoint answers them 403 or 404, except the back office (where
the auditor reads the audit log), the workbench (which sends them there), and the pages a view declares
for system administrators (the camera register and the outline import, which they maintain). The same test
decides the navigation (accounts.access.may_open), so what the menu offers is what opens."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import resolve, reverse

from conftest import make_user
from pingan.accounts.access import may_open
from pingan.accounts.choices import ADMIN_ROLES, Role
from pingan.accounts.management.commands.setup_roles import AUDITOR, SECADMIN, SYSADMIN
from pingan.core.models import AuditLog
from tests import test_url_inventory as inventory
from tests.test_url_inventory import OBJECT, SCOPED_LIST, _url

concluded = inventory.concluded  # the inventory's scene: a concluded mediation with an attachment

POSTED = {"case-action", "case-unmask", "case-attachment-upload", "notification-read"}
GROUP = {Role.SYSADMIN: SYSADMIN, Role.SECADMIN: SECADMIN, Role.AUDITOR: AUDITOR}
# What a system administrator maintains outside the back office (views marked open_to_administrators).
SYSADMIN_WORK = {name for name in OBJECT | SCOPED_LIST if name.startswith(("camera-", "api-camera-"))} | {
    "api-shape-import"
}


@pytest.fixture
def administrators(zhuzhou):
    """The city's three administrators, as setup_roles describes them: staff in their group, holding the
    role in the city's centre."""
    call_command("setup_roles", stdout=None)
    from django.contrib.auth.models import Group

    people = {}
    for role in sorted(ADMIN_ROLES):
        user = make_user(f"city_{role}", str(Role(role).label), (zhuzhou.city_centre, role))
        user.is_staff = True
        user.save()
        user.groups.add(Group.objects.get(name=GROUP[role]))
        people[role] = user
    return people


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(ADMIN_ROLES))
@pytest.mark.parametrize("name", sorted(OBJECT | SCOPED_LIST - {"workbench"}))
def test_administrators_open_no_business_page_or_endpoint(client, concluded, administrators, role, name):
    case, attachment = concluded
    url = _url(name, case, attachment)
    user = administrators[role]
    client.force_login(user)
    response = client.post(url) if name in POSTED else client.get(url)
    if role == Role.SYSADMIN and name in SYSADMIN_WORK:
        # Open to them: an empty import is a 400, and camera 1 does not exist.
        assert response.status_code in (200, 400, 404, 405), url
    else:
        assert response.status_code in (403, 404), f"{url} answers {response.status_code} to {role}"
        assert case.number not in response.content.decode()
    assert may_open(user, resolve(url).func) == (role == Role.SYSADMIN and name in SYSADMIN_WORK)


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(ADMIN_ROLES))
def test_the_api_refuses_administrators_in_its_error_shape(api, concluded, administrators, role):
    response = api(administrators[role]).get("/api/v1/cases/")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(ADMIN_ROLES))
def test_the_workbench_sends_administrators_to_the_back_office(client, administrators, role):
    client.force_login(administrators[role])
    response = client.get(reverse("workbench"))
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")
    page = client.get(reverse("admin:index")).content.decode()
    assert ("审计日志" in page) == (role == Role.AUDITOR)


BUSINESS_ADMINS = {"cases.Case", "cases.Party", "cases.CaseEvent", "cases.ExtensionRequest", "grids.Patrol"}
BUSINESS_ADMINS |= {"open311.Open311Request"}
# The back office of each administrator: the auditor reads the log and the history of what administrators
# change; none of them opens a business record, and the auditor no personal data (grid people) either.
OPENS = {
    Role.AUDITOR: {"core.AuditLog", "regions.Region", "regions.Organization", "accounts.User"},
    Role.SECADMIN: {"accounts.User", "accounts.Membership", "open311.Open311Client"},
    Role.SYSADMIN: {"regions.Region", "cases.Category", "cases.RoutingRule", "grids.GridMember"},
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(ADMIN_ROLES))
@pytest.mark.parametrize("model", sorted(admin.site._registry, key=lambda m: m._meta.label), ids=str)
def test_administrators_open_no_business_record_in_the_back_office(client, concluded, administrators, role, model):
    client.force_login(administrators[role])
    label = model._meta.label
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    status = client.get(url).status_code
    if label in BUSINESS_ADMINS or (role == Role.AUDITOR and label == "grids.GridMember"):
        assert status == 403, label
    if label in OPENS[role]:
        assert status == 200, label


@pytest.mark.django_db
def test_the_auditor_still_reads_the_log_of_case_work(client, concluded, administrators, people):
    case, _attachment = concluded
    client.force_login(administrators[Role.AUDITOR])
    assert AuditLog.objects.filter(object_type="cases.case").exists()
    assert client.get(reverse("admin:core_auditlog_changelist")).status_code == 200


@pytest.mark.django_db
def test_the_navigation_offers_only_what_opens(client, people, administrators):
    client.force_login(people.clerk)
    clerk = client.get(reverse("case-list")).content.decode()
    assert 'href="/cases/new/"' in clerk and 'href="/report/"' in clerk
    client.force_login(people.leader)
    leader = client.get(reverse("case-list")).content.decode()
    assert 'href="/cases/new/"' not in leader and 'href="/report/"' not in leader
    assert 'href="/dashboard/"' in leader and 'href="/map/"' in leader
    client.force_login(administrators[Role.AUDITOR])
    auditor = client.get(reverse("track")).content.decode()
    assert 'href="/admin/"' in auditor
    for link in ("/cases/", "/cases/new/", "/report/", "/dashboard/", "/map/", "/grids/", "/cameras/"):
        assert f'href="{link}"' not in auditor, link
    client.force_login(administrators[Role.SYSADMIN])
    assert 'href="/cameras/"' in client.get(reverse("track")).content.decode()
