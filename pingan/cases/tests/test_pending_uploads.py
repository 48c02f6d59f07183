"""Attachments survive a submit that comes back with errors: the intake form keeps the files that passed
the checks as pending uploads (a signed token on the page, "已选择:现场.png ×"), registers them on the next
submit, lets the clerk drop one, and attachments_gc removes what nobody came back for."""

from __future__ import annotations

import datetime
import os
import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from pingan.cases.files import PENDING_DIR, pending_resolve
from pingan.cases.models import Case

from .test_views import PNG, intake_data

BAD_ID = "430211198503150010"  # wrong GB 11643 check digit (the right one is 6)


@pytest.fixture
def clerk_client(client, people):
    client.force_login(people.clerk)
    return client


def _tokens(response) -> list[str]:
    return re.findall(r'name="pending_attachments" value="([^"]+)"', response.content.decode())


def _pending_files() -> list[str]:
    if not default_storage.exists(PENDING_DIR):
        return []
    folders, _files = default_storage.listdir(PENDING_DIR)
    return [
        f"{PENDING_DIR}/{folder}/{name}"
        for folder in folders
        for name in default_storage.listdir(f"{PENDING_DIR}/{folder}")[1]
    ]


def _fail_once(clerk_client, zhuzhou, category, *uploads):
    data = intake_data(zhuzhou, category, attachments=list(uploads), **{"parties-0-id_number": BAD_ID})
    response = clerk_client.post(reverse("case-new"), data)
    assert response.status_code == 400
    assert not Case.objects.exists()
    return response


@pytest.mark.django_db
def test_files_are_kept_across_a_failed_submit_and_registered_on_the_next(clerk_client, zhuzhou, category):
    photo = SimpleUploadedFile("现场 照片.png", PNG, content_type="image/png")
    response = _fail_once(clerk_client, zhuzhou, category, photo)
    body = response.content.decode()
    assert "已选择:现场 照片.png" in body and "已选择的附件已保留,无需重新选择。" in body
    tokens = _tokens(response)
    assert len(tokens) == 1 and len(_pending_files()) == 1

    fixed = intake_data(zhuzhou, category, pending_attachments=tokens)
    response = clerk_client.post(reverse("case-new"), fixed)
    assert response.status_code == 302
    attachment = Case.objects.get().attachments.get()
    assert attachment.original_name == "现场 照片.png" and attachment.size == len(PNG)
    assert attachment.file.read() == PNG
    assert _pending_files() == []  # used, then removed


@pytest.mark.django_db
def test_a_second_failure_keeps_old_and_new_files_and_a_dropped_one_is_not_registered(clerk_client, zhuzhou, category):
    first = _tokens(_fail_once(clerk_client, zhuzhou, category, SimpleUploadedFile("a.png", PNG)))
    data = intake_data(
        zhuzhou,
        category,
        pending_attachments=first,
        attachments=[SimpleUploadedFile("b.png", PNG), SimpleUploadedFile("病毒.exe", b"MZ")],
        **{"parties-0-id_number": BAD_ID},
    )
    response = clerk_client.post(reverse("case-new"), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "已选择:a.png" in body and "已选择:b.png" in body and "病毒.exe" not in body  # refused files are not kept
    both = _tokens(response)
    assert len(both) == 2
    # The clerk unticks a.png (clicks its ×): only b.png is registered.
    response = clerk_client.post(reverse("case-new"), intake_data(zhuzhou, category, pending_attachments=both[1:]))
    assert response.status_code == 302
    assert [a.original_name for a in Case.objects.get().attachments.all()] == ["b.png"]


@pytest.mark.django_db
def test_a_token_is_good_only_for_its_user_and_only_when_signed(clerk_client, people, zhuzhou, category):
    token = _tokens(_fail_once(clerk_client, zhuzhou, category, SimpleUploadedFile("a.png", PNG)))[0]
    assert [p.name for p in pending_resolve(user=people.clerk, tokens=[token])] == ["a.png"]
    assert pending_resolve(user=people.head, tokens=[token]) == []  # a colleague cannot take it
    assert pending_resolve(user=people.clerk, tokens=[token[:-2] + "xx", "pending/1/a.png"]) == []


@pytest.mark.django_db
def test_attachments_gc_removes_pending_uploads_left_behind(clerk_client, zhuzhou, category):
    _fail_once(clerk_client, zhuzhou, category, SimpleUploadedFile("a.png", PNG))
    # The file's time is the kernel's, the test's clock is pinned: date the file by the test's clock.
    minute_ago = (timezone.now() - datetime.timedelta(minutes=1)).timestamp()
    for path in _pending_files():
        os.utime(default_storage.path(path), (minute_ago, minute_ago))
    call_command("attachments_gc", verbosity=0)
    assert len(_pending_files()) == 1  # young: the clerk may still come back
    for path in _pending_files():
        os.utime(default_storage.path(path), (0, 0))
    call_command("attachments_gc", verbosity=0)
    assert _pending_files() == []
