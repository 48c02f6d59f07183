"""The password policy (等保 2.0 level 3, GB/T 22239-2019 8.1.4.1 a: 身份鉴别信息具有复杂度要求并定期更换).

- Complexity (`ComplexityValidator`): at least 8 characters from at least 3 of the 4 classes: capital
  letters A–Z, small letters a–z, digits 0–9, and symbols (any other character: punctuation, a space, a
  Chinese character). The rule of Windows' "Password must meet complexity requirements".
- Not containing the username, in any case (`UsernameValidator`).
- Not one of the last 5 passwords (`HistoryValidator`, PINGAN_PASSWORD_HISTORY), compared with the hashes
  kept in PasswordHistory, which every path that changes a password fills (models.User.save).
- Expiry: a password older than PINGAN_PASSWORD_MAX_AGE_DAYS (default 90; 0: never) must be changed, and
  so must a password someone else set (User.must_change_password: imported and demo accounts, a reset in
  the back office). Until then the web sends the user to 修改密码 (`PasswordChangeMiddleware`) and the API
  answers 403 `password_change_required` or `password_expired` (`password_change_refusal`).

The validators are Django's AUTH_PASSWORD_VALIDATORS, so the back office, `changepassword` and every form
that sets a password apply them; their messages and help texts are in Chinese.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from pingan.core.errors import PermissionDeniedError

PASSWORD_CHANGE_URL_NAME = "password-change"


def character_classes(password: str) -> int:
    """How many of the four classes (capitals, small letters, digits, symbols) `password` uses."""
    return sum(
        (
            any("A" <= ch <= "Z" for ch in password),
            any("a" <= ch <= "z" for ch in password),
            any("0" <= ch <= "9" for ch in password),
            any(not ("A" <= ch <= "Z" or "a" <= ch <= "z" or "0" <= ch <= "9") for ch in password),
        )
    )


class ComplexityValidator:
    def __init__(self, min_length: int = 8, min_classes: int = 3) -> None:
        self.min_length = min_length
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        problems = []
        if len(password) < self.min_length:
            problems.append(
                ValidationError(
                    _("密码太短,至少需要 %(min_length)d 个字符") % {"min_length": self.min_length},
                    code="password_too_short",
                )
            )
        if character_classes(password) < self.min_classes:
            problems.append(
                ValidationError(
                    _("密码须包含大写字母、小写字母、数字、符号中的至少 %(min_classes)d 类")
                    % {"min_classes": self.min_classes},
                    code="password_too_simple",
                )
            )
        if problems:
            raise ValidationError(problems)

    def get_help_text(self) -> str:
        return _("至少 %(min_length)d 个字符,且包含大写字母、小写字母、数字、符号中的至少 %(min_classes)d 类。") % {
            "min_length": self.min_length,
            "min_classes": self.min_classes,
        }


class UsernameValidator:
    def validate(self, password: str, user: Any = None) -> None:
        username = str(getattr(user, "username", "") or "")
        if username and username.casefold() in password.casefold():
            raise ValidationError(_("密码不能包含用户名"), code="password_contains_username")

    def get_help_text(self) -> str:
        return _("不能包含用户名(不区分大小写)。")


def recent_password_hashes(user: Any, count: int) -> list[str]:
    """The hashes of the user's last `count` passwords, the current one first."""
    if user is None or user.pk is None:
        return []
    from .models import PasswordHistory

    hashes = list(PasswordHistory.objects.filter(user=user).values_list("password", flat=True)[:count])
    current = user.stored_value("password") if hasattr(user, "stored_value") else None
    if current and current not in hashes:  # set before the history was kept
        hashes = [current, *hashes][:count]
    return hashes


class HistoryValidator:
    def __init__(self, count: int | None = None) -> None:
        self.count = count

    @property
    def history(self) -> int:
        return self.count if self.count is not None else settings.PINGAN_PASSWORD_HISTORY

    def validate(self, password: str, user: Any = None) -> None:
        if any(check_password(password, encoded) for encoded in recent_password_hashes(user, self.history)):
            raise ValidationError(
                _("新密码不能与最近使用过的 %(count)d 个密码(含当前密码)相同") % {"count": self.history},
                code="password_reused",
            )

    def get_help_text(self) -> str:
        return _("不能与最近使用过的 %(count)d 个密码(含当前密码)相同。") % {"count": self.history}


# --- expiry and forced change ---------------------------------------------------------------------------


def password_expires_at(user: Any) -> datetime.datetime | None:
    """When the user's password expires (None: it does not, or its age is unknown)."""
    days = settings.PINGAN_PASSWORD_MAX_AGE_DAYS
    if days <= 0 or user.password_changed_at is None:
        return None
    return user.password_changed_at + datetime.timedelta(days=days)


def password_change_due(user: Any) -> str | None:
    """Why the user must change their password before anything else: "password_change_required" (a password
    someone else set), "password_expired", or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    if user.must_change_password:
        return "password_change_required"
    expires = password_expires_at(user)
    if expires is not None and timezone.now() >= expires:
        return "password_expired"
    return None


def password_change_message(reason: str) -> str:
    if reason == "password_expired":
        days = settings.PINGAN_PASSWORD_MAX_AGE_DAYS
        return _("您的密码已使用超过 %(days)d 天,请先修改密码") % {"days": days}
    return _("您的密码由管理员设置或为初始密码,请先修改密码")


def password_change_refusal(user: Any) -> None:
    """For the API: refuse (403 in the API's error shape) a user who must first change their password."""
    reason = password_change_due(user)
    if reason is not None:
        raise PermissionDeniedError(
            _("%(message)s(请在网页端“修改密码”后再调用接口)") % {"message": password_change_message(reason)},
            code=reason,
        )


# Pages a user who must change their password may still open: the change itself and signing out (the back
# office's own change and sign-out as well), and the second factor's pages, which come first (the
# SecondFactorMiddleware runs before this one: a user verifies the code, then changes the password).
_ALLOWED_URL_NAMES = frozenset(
    {
        PASSWORD_CHANGE_URL_NAME,
        "logout",
        "admin:password_change",
        "admin:logout",
        "otp-enrol",
        "otp-verify",
        "otp-recovery-codes",
    }
)


class PasswordChangeMiddleware:
    """Sends a signed-in user whose password is due (see `password_change_due`) to 修改密码 from any page,
    the back office included. Public pages stay open; the API answers for itself (ApiAccess)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any) -> Any:
        match = request.resolver_match
        if match is None or hasattr(view_func, "cls") or match.view_name in _ALLOWED_URL_NAMES:
            return None
        if getattr(view_func, "login_required", True) is False and "admin" not in match.namespaces:
            return None  # a public page (the login page, /track/, /healthz)
        if password_change_due(request.user) is None:
            return None
        # The page says why (password_change_message), every time it is shown.
        target = reverse(PASSWORD_CHANGE_URL_NAME)
        if request.method == "GET" and not request.headers.get("HX-Request"):
            target += "?" + urlencode({"next": request.get_full_path()})
        response = redirect(target)
        if request.headers.get("HX-Request"):
            response["HX-Redirect"] = target
        return response
