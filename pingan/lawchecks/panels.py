"""What the legal-service kind adds to the case detail page (declared in workflow.py as its Panels): the
service, the checklist with the answers, the findings with their suggestions, the report's review screen."""

from __future__ import annotations

from typing import Any

from pingan.accounts.models import User
from pingan.cases.models import Case

from .models import CheckItem, Finding, LegalService


def _service(case: Case) -> LegalService | None:
    return (
        LegalService.objects.select_related("enterprise", "served_by", "drafted_by", "reviewed_by")
        .filter(pk=case.pk)
        .first()
    )


def service(case: Case, user: User) -> dict[str, Any]:
    svc = _service(case)
    return {"lawservice": svc, "lawservice_experts": list(svc.experts.all()) if svc else []}


def checklist(case: Case, user: User) -> dict[str, Any]:
    items = list(CheckItem.objects.filter(service_id=case.pk))
    return {"lawservice_items": items or None}


def findings(case: Case, user: User) -> dict[str, Any]:
    rows = list(Finding.objects.filter(service_id=case.pk).select_related("item", "suggestion_record"))
    return {"lawservice_findings": rows or None}


def report(case: Case, user: User) -> dict[str, Any]:
    """The review screen: the report as it will read (the same context the documents are made from)."""
    from .documents import report_context

    svc = _service(case)
    if svc is None or svc.drafted_at is None:
        return {"lawservice_report": None}
    return {"lawservice_report": report_context(svc), "lawservice_report_service": svc}
