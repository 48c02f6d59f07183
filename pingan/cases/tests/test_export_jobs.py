"""Whole-city (or large) case exports are export jobs (cases.exports): asked for with a reason, audited with
it, run on the task queue (the immediate backend here) with their progress, downloadable by their requester
alone (each download audited) and expired after PINGAN_EXPORT_TTL_HOURS (export_cleanup deletes the file)."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.http import HttpRequest
from django.urls import reverse
from openpyxl import load_workbook

from conftest import PASSWORD, register_dispute
from pingan.cases import exports
from pingan.cases.choices import ExportStatus
from pingan.cases.models import ExportJob
from pingan.core.models import AuditAction, AuditLog


@pytest.fixture
def three_cases(zhuzhou, people, category):
    return [register_dispute(zhuzhou, people, category) for _ in range(3)]


@pytest.fixture
def leader_client(client, people):
    assert client.login(request=HttpRequest(), username=people.leader.username, password=PASSWORD)
    return client


def _numbers(content: bytes) -> list[str]:
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    return [str(row[0]) for row in rows[1:]]


def _start(client, reason: str = "年度矛盾纠纷排查统计", query: str = ""):
    return client.post(reverse("case-export-job-new"), {"query": query, "reason": reason})


def test_whole_city_export_asks_for_a_reason_first(leader_client, three_cases):
    response = leader_client.get(reverse("case-export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "导出事由" in response.content.decode()
    assert not ExportJob.objects.exists()
    assert not AuditLog.objects.filter(action=AuditAction.EXPORT).exists()


def test_an_export_without_a_real_reason_is_refused(leader_client, three_cases):
    response = _start(leader_client, reason=" ")
    assert response.status_code == 400
    assert "须填写事由" in response.content.decode()
    assert not ExportJob.objects.exists()


def test_a_district_export_stays_immediate(client, people, three_cases):
    """One district's list, under the threshold: the file at once, as before (logged)."""
    client.force_login(people.clerk)
    response = client.get(reverse("case-export"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert sorted(_numbers(response.content)) == sorted(c.number for c in three_cases)


def test_above_the_threshold_a_district_export_is_a_job(client, people, three_cases, settings):
    settings.PINGAN_EXPORT_IMMEDIATE_ROWS = 2
    client.force_login(people.clerk)
    response = client.get(reverse("case-export"))
    assert "导出事由" in response.content.decode()


def test_the_job_runs_with_its_progress_and_is_audited(leader_client, people, three_cases, monkeypatch):
    monkeypatch.setattr(exports, "PROGRESS_EVERY", 1)
    seen: list[tuple[str, int, int]] = []
    original = exports.job_progress

    def spy(job_id: int, rows_done: int, rows_total: int) -> None:
        original(job_id, rows_done, rows_total)
        job = ExportJob.objects.get(pk=job_id)
        seen.append((job.status, job.rows_done, job.progress))

    monkeypatch.setattr(exports, "job_progress", spy)
    response = _start(leader_client)
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("case-export-job", args=[job.pk])
    # Progress while running: after each row (here), then at the end; 100 % only once the file is written.
    assert seen == [("running", 1, 33), ("running", 2, 66), ("running", 3, 99), ("running", 3, 99)]
    assert (job.status, job.progress, job.rows_done, job.rows_total) == (ExportStatus.DONE, 100, 3, 3)
    assert job.requester == people.leader and job.file and job.finished_at is not None
    entry = AuditLog.objects.get(action=AuditAction.EXPORT)
    assert entry.reason == "年度矛盾纠纷排查统计" and entry.actor == people.leader
    assert (entry.object_type, entry.object_id) == ("cases.exportjob", str(job.pk))
    assert entry.changes["rows"] == 3 and entry.changes["masked"] is True


def test_the_job_page_polls_until_finished(leader_client, people):
    job = ExportJob.objects.create(
        requester=people.leader, reason="统计", expires_at=datetime.datetime(2026, 11, 19, tzinfo=datetime.UTC)
    )
    page = leader_client.get(reverse("case-export-job", args=[job.pk]))
    assert page.status_code == 200 and "导出任务" in page.content.decode()
    part = leader_client.get(reverse("case-export-job", args=[job.pk]), headers={"HX-Request": "true"})
    body = part.content.decode()
    assert 'hx-trigger="every 2s"' in body and "排队中" in body and "<html" not in body
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.FAILED)
    body = leader_client.get(reverse("case-export-job", args=[job.pk]), headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in body and "导出失败" in body


def test_only_the_requester_downloads_each_download_audited(leader_client, client, people, three_cases, api):
    _start(leader_client)
    job = ExportJob.objects.get()
    for _ in range(2):
        response = leader_client.get(reverse("case-export-job-download", args=[job.pk]))
        assert response.status_code == 200 and "no-store" in response["Cache-Control"]
        content = b"".join(response.streaming_content)
    assert sorted(_numbers(content)) == sorted(c.number for c in three_cases)
    downloads = AuditLog.objects.filter(action=AuditAction.DOWNLOAD, object_type="cases.exportjob")
    assert downloads.count() == 2 and {d.reason for d in downloads} == {"年度矛盾纠纷排查统计"}

    client.force_login(people.head)  # anyone else, even with a jurisdiction that covers the cases
    assert client.get(reverse("case-export-job", args=[job.pk])).status_code == 404
    assert client.get(reverse("case-export-job-download", args=[job.pk])).status_code == 404
    other = api(people.head)
    assert other.get(f"/api/v1/exports/{job.pk}/").status_code == 404
    assert other.get(f"/api/v1/exports/{job.pk}/file/").json()["error"]["code"] == "not_found"
    assert downloads.count() == 2


def test_the_job_expires_and_cleanup_deletes_its_file(leader_client, people, three_cases, settings, api):
    settings.PINGAN_EXPORT_TTL_HOURS = 24
    _start(leader_client)
    job = ExportJob.objects.get()
    name = job.file.name or ""
    assert default_storage.exists(name)
    with time_machine.travel(job.created_at + datetime.timedelta(hours=24, minutes=1)):
        leader_client.force_login(people.leader)  # a day later: the session of yesterday has ended (12 h limit)
        response = leader_client.get(reverse("case-export-job-download", args=[job.pk]))
        assert response.status_code == 302  # back to the job page, which says it expired
        refused = api(people.leader).get(f"/api/v1/exports/{job.pk}/file/")
        assert refused.status_code == 409 and "过期" in refused.json()["error"]["message"]
        call_command("export_cleanup", stdout=io.StringIO())
    job.refresh_from_db()
    assert job.status == ExportStatus.EXPIRED and not job.file and not default_storage.exists(name)
    leader_client.force_login(people.leader)
    assert "已过期" in leader_client.get(reverse("case-export-job", args=[job.pk])).content.decode()


def test_api_export_job(people, three_cases, api):
    leader = api(people.leader)
    refused = leader.get("/api/v1/cases/export.xlsx")
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "export_job_required"
    no_reason = leader.post("/api/v1/exports/", {"filters": {}}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["error"]["fields"]
    bad_filter = leader.post("/api/v1/exports/", {"filters": {"light": "purple"}, "reason": "季度统计"}, format="json")
    assert bad_filter.status_code == 400
    started = leader.post("/api/v1/exports/", {"filters": {"kind": "dispute"}, "reason": "季度统计"}, format="json")
    assert started.status_code == 202
    job = started.json()
    assert (job["status"], job["progress"], job["rows_done"], job["reason"]) == ("done", 100, 3, "季度统计")
    assert leader.get(f"/api/v1/exports/{job['id']}/").json()["download"] == job["download"]
    response = leader.get(job["download"])
    assert response.status_code == 200
    assert sorted(_numbers(b"".join(response.streaming_content))) == sorted(c.number for c in three_cases)


def test_the_request_page_names_the_filters_in_chinese(leader_client, three_cases):
    response = leader_client.get(reverse("case-export"), {"region": "430200", "kind": "dispute"})
    body = response.content.decode()
    assert "导出事由" in body and "案件类型:dispute" in body, body
