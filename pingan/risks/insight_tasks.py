"""Background work of the risk register's links outward, on django.tasks (the database-backed worker in
production): the repeated-dispute sweep (`manage.py risk_suggestions`, scheduled in core.schedule)."""

from __future__ import annotations

from django.tasks import task


@task()
def risk_suggestions_sweep() -> dict[str, int]:
    """Run every active repeated-dispute rule and write what it finds to the review list (suggestions.sweep);
    returns how many suggestions were created, updated, left as they were, and kept back (decided already)."""
    from .suggestions import sweep

    return sweep().as_dict()
