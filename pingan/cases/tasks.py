"""Background work of the case engine, on django.tasks (immediate in the embedded default, the
database-backed worker of django-tasks-db in production)."""

from __future__ import annotations

from django.tasks import task
from django.utils import timezone

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
def sla_sweep() -> int:
    """Mark cases that ran past their deadline since the last sweep (one OVERDUE event each) and tell
    their organisations. Run every few minutes by the worker's scheduler or cron (`manage.py sla_sweep`)."""
    from .choices import EventType
    from .events import event_record
    from .models import Case

    now = timezone.now()
    overdue = (
        Case.objects.open()
        .filter(deadline__lt=now)
        .exclude(events__type=EventType.OVERDUE)
        .select_related("assigned_org")
    )
    count = 0
    for case in overdue.iterator(chunk_size=500):
        event_record(
            case=case,
            actor=None,
            type=EventType.OVERDUE,
            previous=case.status,
            params={"deadline": timezone.localtime(case.deadline).isoformat()},
        )
        notify_organization.call(
            case_id=case.pk, org_id=case.assigned_org_id, message=f"案件 {case.number} 已超过办理期限"
        )
        count += 1
    return count
