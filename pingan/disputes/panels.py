"""What the dispute kind adds to the case detail page (declared in workflow.py as its Panels)."""

from __future__ import annotations

import importlib.util
from typing import Any

from pingan.accounts.models import User
from pingan.cases.choices import Outcome
from pingan.cases.models import Case
from pingan.cases.services import can_unmask

from .models import JudicialConfirmation, MediationResult


def _agreement_available(case: Case, mediation: MediationResult | None, user: User) -> bool:
    return (
        case.outcome == Outcome.SUCCESS
        and mediation is not None
        and mediation.outcome == Outcome.SUCCESS
        and importlib.util.find_spec("pingan.disputes.documents") is not None
        and can_unmask(case, user)
    )


def mediation(case: Case, user: User) -> dict[str, Any]:
    """调解情况: the sessions recorded and the result, with the 调解协议书 for those who may see it."""
    result = MediationResult.objects.filter(case=case).select_related("mediator").first()
    return {
        "mediation": result,
        "sessions": list(case.sessions.select_related("recorded_by")),
        "agreement": _agreement_available(case, result, user),
    }


def confirmation(case: Case, user: User) -> dict[str, Any]:
    """司法确认: the application to the court, once made."""
    return {"confirmation": JudicialConfirmation.objects.filter(case=case).select_related("court").first()}
