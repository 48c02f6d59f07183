"""Optimistic locking on the back office's change pages of regions and organisations (core.admin
StaleEditAdminMixin): saving a stale copy is refused with the changed fields named, in Chinese."""

from __future__ import annotations

import re

import pytest

from pingan.regions.models import Organization

pytestmark = pytest.mark.django_db


def test_saving_a_stale_organisation_page_names_the_changed_field(client, zhuzhou, admin_user):
    org = zhuzhou.songshan_centre
    client.force_login(admin_user)
    url = f"/admin/regions/organization/{org.pk}/change/"
    page = client.get(url).content.decode()
    token = re.search(r'name="edit_token" value="([0-9a-f]+)"', page)
    assert token
    form = {
        name: value
        for name, value in re.findall(r'<input type="text" name="(\w+)" value="([^"]*)"', page)
        if name != "edit_token"
    }
    Organization.objects.filter(pk=org.pk).update(name="嵩山路街道综治中心(新)")  # another administrator

    data = {
        **form,
        "code": org.code,
        "name": "嵩山路街道综治中心(旧页)",
        "org_type": org.org_type,
        "region": org.region_id,
        "is_active": "on",
        "edit_token": token.group(1),
    }
    response = client.post(url, data)
    assert response.status_code == 200 and "其他人已修改了" in response.content.decode()
    org.refresh_from_db()
    assert org.name == "嵩山路街道综治中心(新)"
