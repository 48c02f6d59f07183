"""The incidents' part of the scene: the 嵩山路街道 城管 squad the centre dispatches to, and its officer."""

from __future__ import annotations

import pytest

from conftest import make_org, make_user
from pingan.accounts.choices import Role
from pingan.regions.choices import OrgType

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


@pytest.fixture
def squad(zhuzhou):
    """嵩山路街道城管执法中队: a department at the township, inside the 嵩山路街道 centre's jurisdiction."""
    return make_org("CG430211004", "嵩山路街道城管执法中队", OrgType.OTHER, zhuzhou.songshan)


@pytest.fixture
def officer(squad):
    return make_user("songshan_chengguan", "马城管", (squad, Role.DEPARTMENT_STAFF))


@pytest.fixture
def photo():
    from django.core.files.uploadedfile import SimpleUploadedFile

    def make(name: str = "现场.png", content: bytes = PNG, content_type: str = "image/png"):
        return SimpleUploadedFile(name, content, content_type=content_type)

    return make


@pytest.fixture(autouse=True)
def _category_clocks(db):
    """The categories and per-category clocks of migrations 0001 and 0002. A transactional test elsewhere
    in this process (live server, task worker) flushes every table, data migrations' rows included: put
    them back first."""
    import importlib

    from django.apps import apps

    importlib.import_module("pingan.incidents.migrations.0001_default_categories").create_categories(apps, None)
    importlib.import_module("pingan.incidents.migrations.0002_category_clocks").create_clocks(apps, None)
