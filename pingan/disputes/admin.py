"""Mediation records shown read-only on the case page of the back office (they change only through
the dispute workflow's services)."""

from __future__ import annotations

from pingan.cases.admin import CASE_INLINES
from pingan.core.admin import ReadOnlyInline

from .models import JudicialConfirmation, MediationResult, MediationSession


class MediationSessionInline(ReadOnlyInline):
    model = MediationSession
    fields = ["held_at", "place", "online_link", "attendees", "notes", "recorded_by"]


class MediationResultInline(ReadOnlyInline):
    model = MediationResult
    fields = [
        "outcome",
        "agreement_number",
        "disputed_matters",
        "responsibilities",
        "terms",
        "amount",
        "performance_method",
        "performance_detail",
        "performance_deadline",
        "instalments",
        "advised_route",
        "mediator",
        "concluded_at",
    ]


class JudicialConfirmationInline(ReadOnlyInline):
    model = JudicialConfirmation
    fields = ["court", "status", "applied_by", "applied_at"]


CASE_INLINES.extend([MediationSessionInline, MediationResultInline, JudicialConfirmationInline])
