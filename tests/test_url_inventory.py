"""Every URL of the site is classified here by how it keeps users inside their jurisdiction, and the
classification is checked. A new endpoint fails `test_every_url_is_classified` until someone decides
which rule protects it (and tests it)."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLResolver, get_resolver, reverse

import pingan
from conftest import mediate_to_agreement
from pingan.cases.services import attachment_add

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

PUBLIC = {"healthz", "login", "logout", "track", "api-token"}
# Any signed-in user, administrators included: the API's schema and documentation name no data (tested below).
SIGNED_IN = {"api-schema", "api-docs"}
# The caller's own records, never anyone else's (their API tokens): anonymous callers get 401, another
# user's token is 404 (pingan/accounts/tests/test_api_tokens.py). Open to administrators too: they may hold
# a token and must be able to revoke it.
OWN = {"api-token-logout", "api-token-list", "api-token-detail"}
# One object, addressed by id: outside the jurisdiction it answers 404 (tested in the apps' suites, and
# below for anonymous callers).
OBJECT = {
    "case-detail",
    "case-action",
    "case-agreement",
    "case-attachment-upload",
    "case-attachment",
    "case-unmask",
    "api-case-detail",
    "api-case-agreement",
    "api-case-attachments",
    "api-case-download",
    "api-case-events",
    "api-case-transitions",
    "api-case-unmask",
    "api-region-detail",
    "api-organization-detail",
    "notification-read",
    "api-notification-read",
}
# Lists and figures: they start from what the user may see (checked below with two districts).
SCOPED_LIST = {
    "workbench",
    "case-list",
    "case-export",
    "case-new",
    "dashboard",
    "dashboard-drilldown",
    "api-case-list",
    "api-case-export",
    "api-region-list",
    "api-organization-list",
    "api-category-list",
    "api-mediator-list",
    "api-notification-list",
    "stats-summary",
    "stats-breakdown",
    "stats-drilldown",
}


# Apps added later classify their own URLs in pingan/<app>/tests/url_classes*.py (sets PUBLIC, OBJECT and
# SCOPED_LIST; URL_ARGS, name → reverse() args for object URLs that take more than a case id; SCOPED_GETS,
# list URLs that 荷塘区 must see without any 天元区 data), so that parallel work never edits this file at once.
APP_URL_ARGS: dict[str, list] = {}
APP_SCOPED_GETS: list[str] = []
for _path in sorted(Path(pingan.__file__).parent.glob("*/tests/url_classes*.py")):
    _classes = importlib.import_module(f"pingan.{_path.parent.parent.name}.tests.{_path.stem}")
    PUBLIC |= getattr(_classes, "PUBLIC", set())
    OBJECT |= getattr(_classes, "OBJECT", set())
    SCOPED_LIST |= getattr(_classes, "SCOPED_LIST", set())
    APP_URL_ARGS.update(getattr(_classes, "URL_ARGS", {}))
    APP_SCOPED_GETS.extend(getattr(_classes, "SCOPED_GETS", []))


def _url_names(patterns, top=True):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if top and str(pattern.pattern) == "admin/":
                continue  # the Django admin: staff only, guarded by model permissions (pingan/core/tests)
            yield from _url_names(pattern.url_patterns, top=False)
        elif pattern.name:
            yield pattern.name


def test_every_url_is_classified():
    names = set(_url_names(get_resolver().url_patterns))
    assert names == PUBLIC | SIGNED_IN | OWN | OBJECT | SCOPED_LIST


@pytest.mark.django_db
def test_the_api_documentation_needs_a_sign_in(client, people):
    schema = client.get(reverse("api-schema"), HTTP_ACCEPT="application/json")
    assert schema.status_code == 401 and schema.json()["error"]["code"] == "not_authenticated"
    docs = client.get(reverse("api-docs"))
    assert docs.status_code == 302 and docs["Location"].startswith(reverse("login"))
    client.force_login(people.clerk)
    assert client.get(reverse("api-schema")).status_code == 200
    assert client.get(reverse("api-docs")).status_code == 200


@pytest.fixture
def concluded(dispute, people):
    case = mediate_to_agreement(dispute, people)
    attachment = attachment_add(case=case, actor=people.clerk, upload=SimpleUploadedFile("a.png", PNG))
    return case, attachment


def _url(name: str, case, attachment) -> str:
    args = {
        "case-action": [case.pk, "accept"],
        "case-attachment": [case.pk, attachment.pk],
        "api-case-download": [case.pk, attachment.pk],
        "api-region-detail": [case.region_code],
        "api-organization-detail": [case.assigned_org.code],
        "notification-read": [1],
        "api-notification-read": [1],
        **APP_URL_ARGS,
    }.get(name, [case.pk] if name in OBJECT else [])
    return reverse(name, args=args)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(OBJECT | SCOPED_LIST))
def test_anonymous_callers_get_nothing(client, concluded, name):
    case, attachment = concluded
    url = _url(name, case, attachment)
    response = client.post(url) if name in {"case-action", "case-unmask", "case-attachment-upload"} else client.get(url)
    if url.startswith("/api/"):
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "not_authenticated"
    else:
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


SCOPED_GETS = [
    "/",
    "/cases/",
    "/cases/new/",
    "/cases/export.xlsx",
    "/dashboard/",
    "/api/v1/cases/",
    "/api/v1/cases/export.xlsx",
    "/api/v1/regions/",
    "/api/v1/organizations/",
    "/api/v1/notifications/",
    "/api/v1/stats/drilldown/?indicator=received&part=numerator",
    "/dashboard/drilldown/?indicator=received&part=numerator",
    *APP_SCOPED_GETS,
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", SCOPED_GETS)
def test_lists_show_nothing_from_another_district(client, concluded, people, url):
    """荷塘区 sees neither the 天元区 case nor the 天元区 regions and organisations in any list or export."""
    case, _attachment = concluded
    client.force_login(people.hetang_clerk)
    response = client.get(url)
    assert response.status_code == 200
    body = _text(response)
    for secret in (case.number, "嵩山路", "天元区", "泰山社区"):
        assert secret not in body, f"{url} shows {secret!r} to 荷塘区"


def _text(response) -> str:
    if response["Content-Type"].startswith("application/vnd.openxmlformats"):
        import io

        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(response.content)).active
        return " ".join(str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell)
    return response.content.decode()
