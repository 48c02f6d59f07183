"""Sign-in lockout (django-axes): the answer a locked account or address gets, and the audit of each lockout.

Axes counts the failures of every door that calls django.contrib.auth.authenticate with the request (the
web login, the admin login, the API token endpoint); settings.py says how many lock, for how long, and
that the client address is core.middleware.client_ip. When a failure locks, or a locked caller tries
again, axes marks the request and its middleware asks `lockout_response` for the answer: a page for the
web and the back office, the API's error shape (429 with Retry-After) under /api/."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_login_failed
from django.db.models import Max, QuerySet, Sum
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from pingan.core.api import error_body
from pingan.core.audit import audit_log
from pingan.core.jurisdiction import prefix_q
from pingan.core.models import AuditAction

from .choices import Role
from .models import User

LOCKED_OUT = "locked_out"


def may_unlock(user: Any) -> bool:
    """Lifting a lockout is the security administrator's (安全管理员) alone among the three administrators;
    the superuser, the installation account, may too."""
    return bool(user.is_authenticated and user.is_active and (user.is_superuser or user.has_role(Role.SECADMIN)))


def administers_citywide(user: Any) -> bool:
    """A security administrator of the whole city (or the superuser): addresses and accounts without a post
    belong to no district, so only they unlock them (as only the city's auditors read entries of no place)."""
    return bool(
        user.is_superuser
        or any(len(prefix) <= len(settings.PINGAN_CITY_CODE) - 2 for prefix in user.jurisdiction_prefixes())
    )


def unlockable_usernames(user: Any) -> QuerySet[User, str] | None:
    """The accounts `user` may unlock: None for all (city-wide), else the people holding a post inside their
    jurisdiction (the accounts their UserAdmin shows them)."""
    if administers_citywide(user):
        return None
    inside = prefix_q("memberships__organization__region__code", user.jurisdiction_prefixes())
    return User.objects.filter(inside).values_list("username", flat=True).distinct()


def locked_until(request: HttpRequest, credentials: dict[str, Any] | None = None) -> datetime:
    """When the lockout of this request's account or address ends (the later of the two): the cool-off
    counted from the last failure recorded (a try during the lockout is refused without being recorded, so
    it does not move the end; settings.AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT)."""
    AxesProxyHandler.update_request(request)
    username = get_client_username(request, credentials)
    address = getattr(request, "axes_ip_address", None)
    ends = [
        *_lockout_ends("username", [username] if username else []).values(),
        *_lockout_ends("ip_address", [address] if address else []).values(),
    ]
    return max(ends, default=timezone.now())


def lockout_message(until: datetime) -> str:
    return _("登录失败次数过多,该账号或当前网络地址已被锁定,请于 %(until)s 后再试,或联系安全管理员解锁。") % {
        "until": timezone.localtime(until).strftime("%H:%M")
    }


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    """settings.AXES_LOCKOUT_CALLABLE. 429 Too Many Requests with Retry-After (RFC 6585 §4, RFC 9110
    §10.2.3): the caller may try again after the lockout, so this is not a 403 (which in this API means
    "you may not, ever"), and a client can read from the header when."""
    until = locked_until(request, credentials)
    retry_after = max(1, int((until - timezone.now()).total_seconds() + 0.999))
    message = lockout_message(until)
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse(error_body(LOCKED_OUT, message), status=429, json_dumps_params={"ensure_ascii": False})
    else:
        response = render(
            request,
            "registration/locked_out.html",
            {
                "message": message,
                "until": until,
                "minutes": int((get_cool_off(request) or timedelta(0)).total_seconds() // 60),
                "failures": settings.AXES_FAILURE_LIMIT,
            },
            status=429,
        )
    response["Retry-After"] = str(retry_after)
    return response


def second_factor_failed(request: HttpRequest, username: str) -> HttpResponse | None:
    """A wrong code on the second factor's page counts as a failed sign-in, like a wrong password: it is
    audited (LOGIN_FAILED) and counted by the lockout, so guessing codes locks the account too (django-otp's
    own throttle only slows the guessing). Returns the lockout answer when this failure locks, else None."""
    credentials = {"username": username}
    user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    return end_locked_session(request, username) if getattr(request, "axes_locked_out", False) else None


def end_locked_session(request: HttpRequest, username: str) -> HttpResponse | None:
    """A half-signed-in session (password given, code not yet) of an account or address that is locked out
    ends here, with the lockout answer: a code is not checked while the lockout lasts. None when not locked."""
    credentials = {"username": username}
    if not (getattr(request, "axes_locked_out", False) or AxesProxyHandler.is_locked(request, credentials)):
        return None
    logout(request)
    return lockout_response(request, credentials=credentials)


@receiver(user_locked_out)
def _audit_lockout(
    sender: Any, request: HttpRequest, username: str | None, ip_address: str | None, **kwargs: Any
) -> None:
    """Audit the failure that locks (LOCKOUT). Axes sends the signal again for every refused try during the
    lockout; those carry no failure count and are left to the audit of failed sign-ins."""
    failures = getattr(request, "axes_failures_since_start", None)
    if failures is None:
        return
    account = User.objects.filter(username=username).first() if username else None
    until = locked_until(request, getattr(request, "axes_credentials", None))
    audit_log(
        actor=None,
        action=AuditAction.LOCKOUT,
        obj=account,
        object_type="" if account else "accounts.signinfailures",
        object_id="" if account else (username or ip_address or "")[:64],
        changes={
            "username": (username or "")[:150],
            "ip_address": ip_address or "",
            "failures": failures,
            "locked_until": timezone.localtime(until).isoformat(),
        },
    )


@dataclass(frozen=True)
class Lockouts:
    """Accounts and addresses locked now, each with when its lockout ends."""

    usernames: dict[str, datetime]
    addresses: dict[str, datetime]


def _lockout_ends(field: str, values: list[str] | None = None) -> dict[str, datetime]:
    """The accounts (field "username") or addresses ("ip_address") locked now, among `values` (None: all),
    each with when its lockout ends: the failures counted within the cool-off reach the limit."""
    cool_off = get_cool_off() or timedelta(0)
    recent = AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - cool_off).exclude(
        **{f"{field}__isnull": True}
    )
    if values is not None:
        recent = recent.filter(**{f"{field}__in": values})
    rows = (
        recent.values(field)
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
    )
    return {row[field]: row["last"] + cool_off for row in rows}


def current_lockouts() -> Lockouts:
    """What is locked now, as axes decides it (settings.AXES_LOCKOUT_PARAMETERS: the failures of an account
    from every address, and of an address for every account, within the cool-off), in two queries."""
    return Lockouts(usernames=_lockout_ends("username"), addresses=_lockout_ends("ip_address"))
