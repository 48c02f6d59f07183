"""The banner that tells calendar administrators a year's holiday notice is still missing."""

from django import template
from django.utils import timezone

from pingan.workcalendar.checks import uncovered_years

register = template.Library()


@register.inclusion_tag("workcalendar/notice_banner.html")
def notice_banner(user) -> dict:
    """Shown to back-office staff who may enter notices, while this year or the next is provisional
    (the same years as check W001). Other users, and pages rendered without one, cost no query."""
    if not getattr(user, "is_staff", False) or not user.has_perm("workcalendar.add_holidaynotice"):
        return {"years": []}
    return {"years": uncovered_years(timezone.localdate())}
