"""Background work of the consultations: closing the answered ones left unrated (自动办结)."""

from __future__ import annotations

from django.tasks import task


@task()
def consult_autoclose() -> int:
    """办结 the consultations answered more than RATING_WINDOW_DAYS working days ago without a rating. Run hourly
    by the scheduler (core.schedule, `manage.py consult_autoclose`). Returns how many were closed."""
    from .services import consultations_autoclose

    return consultations_autoclose()
