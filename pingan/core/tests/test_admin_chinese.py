"""The back office speaks Chinese: app and column names, Django's own strings that its zh_Hans catalogue
lacks (shipped in pingan/locale), permissions, and audit entries named by what they are (案件, not
cases.case)."""

from __future__ import annotations

import gettext
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.utils import translation

import pingan
from pingan.accounts.management.commands.setup_roles import AUDITOR
from pingan.core.admin import permission_label
from pingan.core.models import AuditLog, object_type_label

from .test_admin import roles, scene, staff_client, superuser, superuser_client  # noqa: F401 (fixtures; F811 below)

LOCALE = Path(pingan.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES"
ENGLISH = ["Tasks Database Backend", "TASKS DATABASE BACKEND", "Filter by", ">Core<", "cases.case", "Task Result"]


def _text(response) -> str:
    return re.sub(r"<script.*?</script>", "", response.content.decode(), flags=re.S)


def _visible(body: str) -> str:
    return re.sub(r"<[^>]+>", " ", body)


@pytest.mark.django_db
def test_the_index_names_every_app_in_chinese(superuser_client):  # noqa: F811
    body = _text(superuser_client.get("/admin/"))
    assert "后台任务队列" in body and "平台基础" in body
    for english in ENGLISH:
        assert english not in body


@pytest.mark.django_db
def test_the_audit_log_names_records_by_their_kind(client, django_user_model, roles, scene):  # noqa: F811
    client, _ = staff_client(client, django_user_model, roles, AUDITOR)
    body = _text(client.get("/admin/core/auditlog/"))
    assert '<td class="field-object_type_display">当事人</td>' in body
    assert "?object_type=cases.party" in body  # the filter keeps the stored value and shows the name
    assert re.search(r'<a href="\?object_type=cases\.party"[^>]*>\s*当事人\s*</a>', body)
    assert "按时间筛选" in body  # the date hierarchy ("Filter by %(field_name)s", missing from Django's zh_Hans)
    for english in ENGLISH:
        assert english not in _visible(body)
    entry = AuditLog.objects.filter(object_type="cases.party").latest("id")
    page = _text(client.get(f"/admin/core/auditlog/{entry.pk}/change/"))
    assert "当事人" in page and str(entry) in page
    assert str(entry) == f"查看完整个人信息 当事人 {entry.object_repr}"


def test_object_types_that_name_no_model_are_shown_as_stored():
    assert object_type_label("cases.case") == "案件"
    assert object_type_label("gone.model") == "gone.model"
    assert object_type_label("") == ""


@pytest.mark.django_db
def test_permissions_are_named_in_chinese(superuser_client, people):  # noqa: F811
    view_party = Permission.objects.get(codename="view_party")
    assert permission_label(view_party) == "案件 | 当事人 | 查看"
    historical = Permission.objects.get(codename="change_historicalregion")
    assert permission_label(historical) == "区划与组织 | 区划(历史记录) | 修改"
    body = _text(superuser_client.get(f"/admin/accounts/user/{people.clerk.pk}/change/"))
    assert "案件 | 当事人 | 查看" in body and "Can view party" not in body
    assert "案件 | 当事人 | 查看" in _text(superuser_client.get("/admin/auth/group/add/"))


@pytest.mark.django_db
def test_case_kinds_and_states_are_named(superuser_client, scene):  # noqa: F811
    body = _text(superuser_client.get("/admin/cases/case/"))
    assert '<td class="field-kind_name">矛盾纠纷</td>' in body
    assert ">dispute<" not in body
    assert _text(superuser_client.get("/admin/cases/category/")).count(">dispute<") == 0


def test_shipped_strings_are_translated():
    with translation.override("zh-hans"):
        assert translation.gettext("Filter by %(field_name)s") == "按%(field_name)s筛选"
        assert translation.gettext("Task Results") == "后台任务"
        assert translation.gettext("parent") == "上级"
        assert translation.ngettext("…and %(count)d more object.", "…and %(count)d more objects.", 2) == (
            "……以及其他 %(count)d 个对象。"
        )


@pytest.mark.django_db
def test_the_admin_javascript_catalogue_has_the_missing_strings(superuser_client):  # noqa: F811
    body = superuser_client.get("/admin/jsi18n/").content.decode()
    for text in ("今天(%(date)s)", "服务器"):
        assert json.dumps(text)[1:-1] in body  # the catalogue is JSON with \\u escapes


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_the_committed_catalogues_are_compiled_from_the_po_files(domain, tmp_path):
    """The .mo files are committed (GNU gettext need not be on a server); they must match their .po."""
    if shutil.which("msgfmt") is None:
        pytest.skip("GNU gettext's msgfmt is not installed")
    fresh = tmp_path / f"{domain}.mo"
    subprocess.run(["msgfmt", "-o", str(fresh), str(LOCALE / f"{domain}.po")], check=True)
    with fresh.open("rb") as new, (LOCALE / f"{domain}.mo").open("rb") as committed:
        # The whole catalogues compared: GNUTranslations has no public way to list them, typeshed omits _catalog.
        assert gettext.GNUTranslations(new)._catalog == gettext.GNUTranslations(committed)._catalog  # type: ignore[attr-defined]
