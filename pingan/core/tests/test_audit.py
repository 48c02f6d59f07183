"""The audit log (审计日志) is append-only: written by audit_log(), never changed or removed."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from pingan.core.audit import audit_log
from pingan.core.context import RequestInfo, reset_request_info, set_request_info
from pingan.core.models import AuditAction, AuditLog


@pytest.fixture
def entry(dispute, people):
    party = dispute.parties.first()
    return audit_log(actor=people.clerk, action=AuditAction.UNMASK, obj=party, reason="核实当事人身份")


def test_audit_log_records_who_what_and_where_from(dispute, people):
    token = set_request_info(RequestInfo(ip="10.1.2.3", user_agent="pytest"))
    try:
        entry = audit_log(actor=people.clerk, action=AuditAction.VIEW_PERSONAL, obj=dispute, reason="回访")
    finally:
        reset_request_info(token)
    entry.refresh_from_db()
    assert entry.actor == people.clerk
    assert entry.action == AuditAction.VIEW_PERSONAL
    assert (entry.object_type, entry.object_id) == ("cases.case", str(dispute.pk))
    assert entry.region_code == dispute.region_code
    assert (entry.ip, entry.user_agent, entry.reason) == ("10.1.2.3", "pytest", "回访")


def test_anonymous_actor_is_recorded_as_nobody(db):
    entry = audit_log(actor=AnonymousUser(), action=AuditAction.IMPORT, object_type="regions.region")
    assert entry.actor is None


def test_entry_cannot_be_changed(entry):
    entry.reason = "改写"
    with pytest.raises(RuntimeError):
        entry.save()
    entry.refresh_from_db()
    assert entry.reason == "核实当事人身份"


def test_entry_cannot_be_deleted(entry):
    with pytest.raises(RuntimeError):
        entry.delete()
    assert AuditLog.objects.filter(pk=entry.pk).exists()


def test_bulk_update_and_delete_are_refused(entry):
    with pytest.raises(RuntimeError):
        AuditLog.objects.filter(pk=entry.pk).update(reason="改写")
    with pytest.raises(RuntimeError):
        AuditLog.objects.all().delete()
    assert AuditLog.objects.get(pk=entry.pk).reason == "核实当事人身份"
