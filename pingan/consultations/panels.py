"""What the consultation kind adds to the case detail page (declared in workflow.py as its Panels): the
question with its channel and 12345 ticket, the answer and the escalation, the enterprise with its 三官一律."""

from __future__ import annotations

from typing import Any

from pingan.accounts.models import User
from pingan.cases.models import Case, CaseClock
from pingan.lawguard.choices import Speciality

from .choices import ANSWER_CLOCK
from .models import Consultation
from .services import current_guards


def _consultation(case: Case) -> Consultation | None:
    return (
        Consultation.objects.select_related(
            "enterprise__workstation__organization", "escalated_to", "answered_by", "asked_by"
        )
        .filter(pk=case.pk)
        .first()
    )


def question(case: Case, user: User) -> dict[str, Any]:
    """咨询问题: the question, channel, ticket, specialities, who asked, and the 答复时限."""
    consultation = _consultation(case)
    if consultation is None:
        return {"consultation": None}
    labels = dict(Speciality.choices)
    return {
        "consultation": consultation,
        "consult_specialities": [labels.get(value, value) for value in consultation.specialities],
        "answer_clock": CaseClock.objects.filter(case=case, name=ANSWER_CLOCK).first(),
    }


def answer(case: Case, user: User) -> dict[str, Any]:
    """答复与会诊: nothing of its own beyond the consultation (the template reads it)."""
    return {}


def enterprise(case: Case, user: User) -> dict[str, Any]:
    """咨询企业: the enterprise, its workstation and its current 三官一律 (names masked)."""
    consultation = Consultation.objects.select_related("enterprise").filter(pk=case.pk).first()
    if consultation is None:
        return {"consult_guards": None}
    return {"consult_guards": sorted(current_guards(consultation.enterprise).values(), key=lambda g: g.role)}
