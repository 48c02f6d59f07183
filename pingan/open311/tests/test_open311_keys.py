"""API keys of Open311 clients: issued once (only a hash is kept), rotated, refused when wrong, and
issued from the command line and the back office."""

from __future__ import annotations

import io
import re
import shlex
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from pingan.accounts.choices import Role
from pingan.core.models import AuditLog
from pingan.demo import geography
from pingan.open311.models import Open311Client, key_digest
from pingan.open311.selectors import client_for_key
from pingan.open311.services import client_issue, client_key_rotate
from pingan.regions.models import Organization


def test_only_the_hash_of_a_key_is_stored(app):
    stored = Open311Client.objects.filter(pk=app.client.pk).values().get()
    assert app.key not in {str(v) for v in stored.values()}
    assert stored["key_hash"] == key_digest(app.key) and app.key.startswith(stored["key_prefix"] + ".")
    assert client_for_key(app.key) == app.client
    assert client_for_key(app.key + "x") is None


def test_the_service_account_is_a_clerk_of_its_organisation(app, hotline, other_app, zhuzhou):
    [membership] = app.client.service_user.memberships.all()
    assert (membership.organization, membership.role) == (hotline, Role.DEPARTMENT_STAFF)
    [centre_post] = other_app.client.service_user.memberships.all()
    assert (centre_post.organization, centre_post.role) == (zhuzhou.hetang_centre, Role.CENTRE_STAFF)


def test_rotating_a_key_stops_the_old_one(app, people):
    rotated = client_key_rotate(actor=people.leader, client=app.client)
    assert client_for_key(app.key) is None and client_for_key(rotated.key) == app.client
    assert AuditLog.objects.filter(object_id=str(app.client.pk), action="update").exists()


def test_issuing_refuses_a_nameless_client_or_a_closed_organisation(hotline):
    from pingan.core.errors import ApplicationError

    with pytest.raises(ApplicationError):
        client_issue(actor=None, name="  ", organization=hotline)
    hotline.is_active = False
    hotline.save()
    with pytest.raises(ApplicationError):
        client_issue(actor=None, name="随手拍", organization=hotline)
    assert not Open311Client.objects.exists()


def test_the_command_prints_the_key_once_and_rotates_it(hotline):
    out = io.StringIO()
    call_command("open311_issue_key", organization="H430200", name="12345随手拍", stdout=out)
    key = out.getvalue().strip().splitlines()[-1]
    client = client_for_key(key)
    assert client is not None and client.name == "12345随手拍"
    out = io.StringIO()
    call_command("open311_issue_key", rotate=client.key_prefix, stdout=out)
    assert client_for_key(key) is None and client_for_key(out.getvalue().strip().splitlines()[-1]) == client
    with pytest.raises(CommandError):
        call_command("open311_issue_key", organization="NOPE", name="x", stdout=io.StringIO())


def test_the_readme_example_works_on_the_demo(zhuzhou):
    """The README's `KEY=$(… open311_issue_key --organization … --name … | tail -1)`, as written, for an
    organisation code that load_demo creates."""
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    [line] = [line for line in readme.splitlines() if "manage.py open311_issue_key" in line]
    words = shlex.split(re.search(r"manage\.py (open311_issue_key[^|]*)", line).group(1))
    code = words[words.index("--organization") + 1]
    [spec] = [spec for spec in geography.org_specs() if spec.code == code]  # load_demo creates it
    assert (spec.region_code, spec.org_type) == ("430200", "centre")  # 株洲市综治中心
    Organization.objects.create(code=spec.code, name=spec.name, org_type=spec.org_type, region=zhuzhou.city)
    out = io.StringIO()
    call_command(*words, stdout=out)
    key = out.getvalue().splitlines()[-1]  # what `| tail -1` keeps
    client = client_for_key(key)
    assert client is not None and client.name == words[words.index("--name") + 1] == "12345随手拍(演示)"
    assert client.organization.code == "ZZZX-430200"


@pytest.fixture
def admin_client(client, django_user_model, zhuzhou):
    client.force_login(django_user_model.objects.create_superuser("root", password="Pingan-admin-2022"))
    return client


def test_the_back_office_issues_a_key_and_shows_it_once(admin_client, hotline):
    response = admin_client.post(
        "/admin/open311/open311client/add/",
        {"name": "12345随手拍", "organization": hotline.pk, "rate_limit": 30, "is_active": "on"},
        follow=True,
    )
    assert response.status_code == 200
    client = Open311Client.objects.get()
    [message] = [str(m) for m in response.context["messages"] if "API 密钥" in str(m)]
    key = message.rsplit(":", 1)[1]
    assert client_for_key(key) == client and client.rate_limit == 30
    assert admin_client.get(f"/admin/open311/open311client/{client.pk}/change/").status_code == 200
    assert key not in admin_client.get("/admin/open311/open311client/").content.decode()
    assert admin_client.get(f"/admin/open311/open311client/{client.pk}/delete/").status_code == 403


def test_the_back_office_rotates_keys(admin_client, app):
    response = admin_client.post(
        "/admin/open311/open311client/",
        {"action": "rotate_keys", "_selected_action": [app.client.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert client_for_key(app.key) is None
