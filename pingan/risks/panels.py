"""What the risk kind adds to the case detail page (declared in workflow.py as its Panels): the score on
the matrix, the tasks by stage, the review and its sign-off, the improvements, the score history."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from pingan.accounts.models import User
from pingan.cases.models import Case

from .choices import LEVEL_BADGE, RiskLevel, RiskStage
from .models import Risk, RiskReview, RiskTask
from .services import active_matrix, level_policy


def _risk(case: Case) -> Risk | None:
    return Risk.objects.select_related("owner_org").filter(pk=case.pk).first()


def score(case: Case, user: User) -> dict[str, Any]:
    """风险评估: level, score, residual, the matrix with the current and residual cells marked, the policy."""
    risk = _risk(case)
    if risk is None:
        return {"risk": None}
    matrix = active_matrix()
    rows = []
    for likelihood in range(matrix.size, 0, -1):
        cells = []
        for impact in range(1, matrix.size + 1):
            level = matrix.level_for(likelihood, impact)
            cells.append(
                {
                    "level": level,
                    "badge": LEVEL_BADGE.get(level, ""),
                    "current": (likelihood, impact) == (risk.likelihood, risk.impact),
                    "residual": (likelihood, impact) == (risk.residual_likelihood, risk.residual_impact),
                }
            )
        label = matrix.likelihood_labels[likelihood - 1] if len(matrix.likelihood_labels) >= likelihood else ""
        rows.append({"likelihood": likelihood, "label": label, "cells": cells})
    return {
        "risk": risk,
        "risk_badge": LEVEL_BADGE.get(risk.level, ""),
        "residual_badge": LEVEL_BADGE.get(risk.residual_level, ""),
        "matrix": matrix,
        "matrix_rows": rows,
        "impact_labels": list(enumerate(matrix.impact_labels, start=1)),
        "policy": level_policy(risk.level),
        "review_due": risk.next_review_at is not None and risk.next_review_at <= timezone.now(),
        "level_labels": dict(RiskLevel.choices),
    }


def tasks(case: Case, user: User) -> dict[str, Any]:
    """任务: the response plan and disposal tasks, with their records and evidence."""
    rows = list(
        RiskTask.objects.filter(risk_id=case.pk)
        .exclude(stage=RiskStage.IMPROVEMENT)
        .select_related("owner_org", "done_by")
        .prefetch_related("evidence")
        .order_by("stage", "due_date", "id")
    )
    today = timezone.localdate()
    return {"risk_tasks": rows, "today": today}


def review(case: Case, user: User) -> dict[str, Any]:
    """总结: the review, its author, and its sign-off with the state it applied to."""
    found = RiskReview.objects.select_related("author", "approved_by", "approved_org").filter(risk_id=case.pk).first()
    snapshot = found.approval_snapshot if found else {}
    return {
        "risk_review": found,
        "snapshot": snapshot,
        "snapshot_level": dict(RiskLevel.choices).get(snapshot.get("level", ""), ""),
        "snapshot_residual": dict(RiskLevel.choices).get(snapshot.get("residual_level", ""), ""),
    }


def improvements(case: Case, user: User) -> dict[str, Any]:
    """提升: the improvement measures and what they became."""
    return {
        "improvements": list(
            RiskTask.objects.filter(risk_id=case.pk, stage=RiskStage.IMPROVEMENT)
            .select_related("owner_org", "done_by")
            .order_by("due_date", "id")
        )
    }


def history(case: Case, user: User) -> dict[str, Any]:
    """评估记录: every score, who and when."""
    risk = _risk(case)
    return {"score_history": list(risk.scores.select_related("scored_by")) if risk else []}
