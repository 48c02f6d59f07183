"""The second-factor pages (动态口令): enrolment with a QR code, the recovery codes shown once, and the
verification after the password step. See pingan.accounts.otp for the rules."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from . import otp
from .access import signed_in_user
from .lockout import end_locked_session, second_factor_failed


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("动态口令"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}),
    )


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _not_for_this_session(request: HttpRequest) -> HttpResponse | None:
    """Where to send a visitor these pages are not for: anonymous → sign in; no second factor needed or
    already verified → on."""
    if not request.user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    if not otp.otp_required(request.user) or otp.is_verified(request.user):
        return HttpResponseRedirect(_next_url(request))
    return None


def _throttled_message(locked_until) -> str:
    seconds = max(1, int((locked_until - timezone.now()).total_seconds()) + 1)
    return _("尝试过于频繁,请 %(seconds)s 秒后再试") % {"seconds": seconds}


@login_not_required  # the password step is checked above; the gate (otp.SecondFactorMiddleware) leaves it open
@never_cache
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    """Bind a phone authenticator: scan the QR code (or type the secret), enter the current code."""
    elsewhere = _not_for_this_session(request)
    if elsewhere is not None:
        return elsewhere
    user = signed_in_user(request)
    if otp.has_confirmed_device(user):  # enrolled already: only a reset by security starts over
        return redirect(otp.second_factor_url(user, _next_url(request)))
    device = otp.pending_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, data = device.verify_is_allowed()
        codes = otp.enrol_confirm(user, device, form.cleaned_data["code"]) if allowed else None
        if codes is not None:
            device.refresh_from_db()
            otp.complete_second_factor(request, device)
            request.session[otp.RECOVERY_CODES_SESSION_KEY] = codes
            return redirect(f"{resolve_url('otp-recovery-codes')}?{urlencode({'next': _next_url(request)})}")
        if not allowed and data and data.get("locked_until"):
            form.add_error("code", _throttled_message(data["locked_until"]))
        else:
            form.add_error("code", _("动态口令不正确:请核对手机时间并输入应用当前显示的 6 位数字"))
    context = {
        "form": form,
        "qr_svg": otp.qr_svg(device),
        "secret": otp.base32_secret(device),
        "next": _next_url(request),
        "digits": device.digits,
        "period": device.step,
    }
    return render(request, "accounts/otp_enrol.html", context, status=400 if form.errors else 200)


@login_not_required
@never_cache
@require_http_methods(["GET"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """The ten recovery codes, shown once right after enrolment (they are not kept in readable form)."""
    if not request.user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    codes = request.session.pop(otp.RECOVERY_CODES_SESSION_KEY, None)
    if not codes:
        return HttpResponseRedirect(_next_url(request))
    return render(request, "accounts/otp_recovery_codes.html", {"codes": codes, "next": _next_url(request)})


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: the code the phone shows now, or one of the recovery codes."""
    elsewhere = _not_for_this_session(request)
    if elsewhere is not None:
        return elsewhere
    if not otp.has_confirmed_device(request.user):
        return redirect(otp.second_factor_url(request.user, _next_url(request)))
    username = request.user.get_username()
    if request.method == "POST" and (locked := end_locked_session(request, username)) is not None:
        return locked
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = otp.check_code(request.user, form.cleaned_data["code"])
        if check.device is not None:
            otp.complete_second_factor(request, check.device)
            if check.device.persistent_id.startswith("otp_static."):
                left = otp.recovery_codes_left(signed_in_user(request))
                messages.warning(
                    request,
                    _("您使用了一个恢复码,还剩 %(left)s 个。恢复码用完前请找回手机,或请安全管理员重置动态口令。")
                    % {"left": left},
                )
            return HttpResponseRedirect(_next_url(request))
        if check.locked_until is not None:
            form.add_error("code", _throttled_message(check.locked_until))
        else:
            if (locked := second_factor_failed(request, username)) is not None:
                return locked
            form.add_error("code", _("动态口令或恢复码不正确,或已使用过"))
    context = {"form": form, "next": _next_url(request)}
    return render(request, "accounts/otp_verify.html", context, status=400 if form.errors else 200)
