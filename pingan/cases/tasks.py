"""Background work of the case engine, on django.tasks (immediate in the embedded default, the
database-backed worker of django-tasks-db in production)."""

from __future__ import annotations

from django.tasks import task

from pingan.accounts.choices import Role

NOTIFIED_ROLES = [Role.CENTRE_STAFF, Role.CENTRE_HEAD, Role.DEPARTMENT_STAFF, Role.MEDIATOR]


@task()
def notify_organization(*, case_id: int, org_id: int, message: str) -> int:
    """Put a message in the inbox of everyone who works cases in the organisation (and the assignee)."""
    from pingan.accounts.models import Membership

    from .models import Case, Notification

    case = Case.objects.filter(pk=case_id).only("id", "assignee_id").first()
    if case is None:
        return 0
    users = set(
        Membership.objects.filter(organization_id=org_id, is_active=True, role__in=NOTIFIED_ROLES).values_list(
            "user_id", flat=True
        )
    )
    if case.assignee_id:
        users.add(case.assignee_id)
    Notification.objects.bulk_create(Notification(user_id=u, case_id=case_id, message=message) for u in users)
    return len(users)


@task()
def sla_sweep() -> dict[str, int]:
    """Send the clocks' alerts that came due since the last sweep — 临期预警 before a deadline, 超期 at it,
    超期升级 after the declared delay — each once per clock and deadline, with its timeline event and the
    notifications, in a handful of set-based statements (see clocks.sweep). Run every few minutes by the
    worker's scheduler or cron (`manage.py sla_sweep`). Returns how many of each level it sent."""
    from .clocks import sweep

    return sweep().as_dict()


@task()
def export_run(*, job_id: int) -> str:
    """Write an export job's file (cases.exports.export_job_run), updating its progress as it goes."""
    from .exports import export_job_run

    return export_job_run(job_id)


@task()
def export_cleanup() -> int:
    """Delete the files of export jobs past PINGAN_EXPORT_TTL_HOURS (`manage.py export_cleanup`, hourly)."""
    from .exports import export_jobs_expire

    return export_jobs_expire()
