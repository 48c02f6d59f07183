"""Background work of the risk register: the periodic review sweep (复核提醒)."""

from __future__ import annotations

from django.tasks import task


@task()
def risk_review_sweep() -> int:
    """Tell the owner unit of every open risk whose periodic review (复核) came due, once per due date.
    Run hourly by the scheduler (core.schedule, `manage.py risk_review_sweep`). Returns how many risks."""
    from .services import review_sweep

    return review_sweep()
