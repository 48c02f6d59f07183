"""Limits on a signed-in session (等保 2.0 level 3, GB/T 22239-2019 8.1.4.1 b: 登录连接超时自动退出):

- idle: no request for PINGAN_SESSION_IDLE_MINUTES (default 30) ends the session;
- absolute: PINGAN_SESSION_MAX_HOURS (default 12) after signing in the session ends, however busy;
- one session per user, when PINGAN_SINGLE_SESSION is on (default off): signing in ends the user's other
  sessions (each is ended at its next request).

An ended session is signed out (audited as a sign-out with its reason) and a page request goes back to the
login page with a Chinese message; an API call continues as anonymous (401). Activity is written to the
session at most once a minute (ACTIVITY_STEP), so a busy page does not write the session on every request;
the idle limit therefore counts from a moment up to a minute before the last request (never later).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _

SIGNED_IN_AT = "pingan_signed_in_at"
LAST_SEEN = "pingan_last_seen"
SIGNIN = "pingan_signin"
ACTIVITY_STEP = 60  # seconds

# Why a session ended (the audit log's reason).
IDLE, MAX_AGE, REPLACED = "idle", "max_age", "replaced"


def _now() -> float:
    return timezone.now().timestamp()


def session_start(request: HttpRequest, user: Any) -> None:
    """Mark a new sign-in on its session (and, for one session per user, on the user)."""
    now = _now()
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN] = now
    marker = secrets.token_hex(16)
    request.session[SIGNIN] = marker
    type(user).objects.filter(pk=user.pk).update(current_signin=marker)
    user.current_signin = marker


@receiver(user_logged_in, dispatch_uid="pingan_session_start")
def _on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        session_start(request, user)


def session_end_reason(request: HttpRequest, now: float) -> str | None:
    """Why this signed-in session has ended (IDLE, MAX_AGE, REPLACED), or None while it holds."""
    session = request.session
    signed_in_at = session.get(SIGNED_IN_AT)
    last_seen = session.get(LAST_SEEN)
    if signed_in_at is None or last_seen is None:  # a session from before these limits: starts now
        return None
    if now - signed_in_at >= settings.PINGAN_SESSION_MAX_HOURS * 3600:
        return MAX_AGE
    if now - last_seen >= settings.PINGAN_SESSION_IDLE_MINUTES * 60:
        return IDLE
    if settings.PINGAN_SINGLE_SESSION and session.get(SIGNIN) != request.user.current_signin:  # type: ignore[union-attr]
        return REPLACED
    return None


def session_end_message(reason: str) -> str:
    if reason == MAX_AGE:
        return _("登录已超过 %(hours)d 小时,请重新登录") % {"hours": settings.PINGAN_SESSION_MAX_HOURS}
    if reason == REPLACED:
        return _("您的账号已在其他地方登录,本次登录已结束;如非本人操作,请立即修改密码")
    return _("您已 %(minutes)d 分钟未操作,请重新登录") % {"minutes": settings.PINGAN_SESSION_IDLE_MINUTES}


class SessionLimitMiddleware:
    """Ends a session past its idle or absolute limit, or replaced by a newer sign-in (see the module)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.user.is_authenticated:
            now = _now()
            reason = session_end_reason(request, now)
            if reason is not None:
                request.pingan_logout_reason = reason  # type: ignore[attr-defined]  # read by the audit
                logout(request)
                message = session_end_message(reason)
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                messages.warning(request, message, fail_silently=True)
                response = redirect_to_login(request.get_full_path() if request.method == "GET" else "/")
                if request.headers.get("HX-Request"):
                    response["HX-Redirect"] = response["Location"]
                return response
            session = request.session
            if SIGNED_IN_AT not in session:
                session[SIGNED_IN_AT] = now
                session[LAST_SEEN] = now
            elif now - session[LAST_SEEN] >= ACTIVITY_STEP:
                session[LAST_SEEN] = now
        return self.get_response(request)
