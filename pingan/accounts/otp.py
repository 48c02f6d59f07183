"""The second factor (动态口令, TOTP) for the 三员 administrators, leaders and everyone who may unmask personal
data (等保 2.0 level 3: 双因素鉴别 for administrators and for access to important data).

django-otp keeps the devices: a TOTP device (otp_totp, RFC 6238 with the defaults every phone authenticator
uses: SHA-1, 6 digits, 30-second steps) and a static device holding ten one-time recovery codes (otp_static).
Its OTPMiddleware marks a session verified once `django_otp.login` has stored the device that accepted a
code; `SecondFactorMiddleware` below keeps a user who must present a second factor out of every other page
and session-authenticated API call until then.

Enrolment is trust on first use: a user with no confirmed device sets one up right after the password step
(the QR code is rendered here, on the server, by segno: the secret never leaves for an outside service). A
user who has one can never enrol another: only the security administrator's reset (`otp_reset`) deletes the
devices, and the user then enrols again at the next sign-in. See docs/access.md, "动态口令".

Reads and writes live together here (one small concern); the views are in otp_views.py."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp import devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.models import Device, VerifyNotAllowed
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import AllowAny

from pingan.core.api import error_body
from pingan.core.audit import audit_log
from pingan.core.errors import ApplicationError, PermissionDeniedError
from pingan.core.models import AuditAction

from .choices import OTP_ROLES, Role

if TYPE_CHECKING:
    from .models import User

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "手机动态口令"
RECOVERY_DEVICE_NAME = "恢复码"
# What a phone authenticator shows: 6 digits (a code typed with spaces is accepted too).
_TOTP_CODE = re.compile(r"^\d{6}$")
# The session key under which freshly made recovery codes wait to be shown, once.
RECOVERY_CODES_SESSION_KEY = "pingan_otp_recovery_codes"


# --- Who ---------------------------------------------------------------------------------------------


def holds_otp_post(user: Any) -> bool:
    """The user's posts call for a second factor: an administrator (the three roles, or anyone who may enter the
    back office: staff and superusers), a leader, or a role that may unmask personal data (choices.OTP_ROLES)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser or user.is_staff or user.has_role(*OTP_ROLES))


def otp_required(user: Any) -> bool:
    """Whether `user` must present a second factor now: they hold such a post and the second factor is
    enforced (settings.PINGAN_OTP_ENFORCED, on by default)."""
    return bool(settings.PINGAN_OTP_ENFORCED) and holds_otp_post(user)


def is_verified(user: Any) -> bool:
    """The session has passed the second factor (django-otp's OTPMiddleware set `otp_device`)."""
    return getattr(user, "otp_device", None) is not None


def has_confirmed_device(user: Any) -> bool:
    return user_has_device(user, confirmed=True)


def may_reset_otp(user: Any) -> bool:
    """Only the security administrator (安全管理员, by post or by group) resets another user's devices; a superuser
    (the installation account) may too."""
    from .management.commands.setup_roles import SECADMIN

    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser or user.has_role(Role.SECADMIN) or user.groups.filter(name=SECADMIN).exists())


# --- Codes ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CodeCheck:
    """What checking a code found: the device that accepted it (None: refused), and when throttled, until when."""

    device: Device | None
    locked_until: Any = None  # a datetime while django-otp's throttle refuses any attempt

    @property
    def ok(self) -> bool:
        return self.device is not None


def normalize_code(code: str) -> str:
    """A code as typed: spaces and hyphens dropped (phones show "123 456"), lower case (recovery codes)."""
    return re.sub(r"[\s\-]", "", code or "").lower()


def check_code(user: Any, code: str) -> CodeCheck:
    """Check a 6-digit TOTP code or a recovery code against the user's confirmed devices, with django-otp's
    throttling (each failure doubles the wait before the device accepts another attempt) and its replay guard
    (a TOTP code is accepted once; a recovery code is deleted when used). The devices are locked for update
    while checking, so two concurrent requests cannot both use one code."""
    code = normalize_code(code)
    if not code or not getattr(user, "is_authenticated", False):
        return CodeCheck(None)
    model = TOTPDevice if _TOTP_CODE.match(code) else StaticDevice
    locked_until = None
    with transaction.atomic():
        for device in model.objects.devices_for_user(user, confirmed=True).select_for_update():
            allowed, data = device.verify_is_allowed()
            if not allowed:
                if data and data.get("reason") == VerifyNotAllowed.N_FAILED_ATTEMPTS:
                    locked_until = data.get("locked_until")
                continue
            if device.verify_token(code):
                return CodeCheck(device)
    return CodeCheck(None, locked_until)


def verify_code(user: Any, code: str) -> bool:
    """A 6-digit TOTP code or a one-time recovery code of `user` is good (django-otp's throttling applies).
    For the API token endpoint: issue a token to a user for whom `otp_required(user)` holds only when this
    is true."""
    return check_code(user, code).ok


# --- Enrolment ---------------------------------------------------------------------------------------------


def pending_device(user: User) -> TOTPDevice:
    """The user's unconfirmed TOTP device, made on first call and kept until confirmed (a reload of the
    enrolment page shows the same secret, so a phone that already scanned it still works)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def base32_secret(device: TOTPDevice) -> str:
    """The secret as a phone authenticator takes it when typed in by hand (RFC 4648 base32, in groups of 4)."""
    from base64 import b32encode

    text = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// key URI (Google Authenticator's Key Uri Format, built by django-otp) as an
    inline SVG QR code, drawn here with segno: nothing leaves the server."""
    qr = segno.make(device.config_url, error="m", micro=False)
    return qr.svg_inline(
        scale=4, border=4, omitsize=True, svgclass="otp-qr", title=_("用手机令牌应用扫描此二维码"), lineclass=None
    )


@transaction.atomic
def enrol_confirm(user: User, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the user's pending TOTP device with a current code from their phone. On success the device is
    confirmed, ten fresh recovery codes replace any earlier ones and are returned (to be shown once), and the
    enrolment is audited; None when the code is wrong (throttled like any verification)."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
    if has_confirmed_device(user) or not device.verify_token(normalize_code(code)):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    StaticDevice.objects.filter(user=user).delete()
    recovery = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _i in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=token) for token in codes)
    audit_log(actor=user, action=AuditAction.OTP_ENROL, obj=user, changes={"recovery_codes": RECOVERY_CODE_COUNT})
    return codes


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# --- Reset (the security administrator) ----------------------------------------------------------------


@transaction.atomic
def otp_reset(*, actor: Any, user: User, reason: str = "") -> int:
    """Delete every second-factor device of `user` (TOTP and recovery codes): at the next page they open
    (and their next sign-in) they enrol again. Only the security administrator, and never on their own account
    (another one must do it). Audited; returns how many devices went."""
    if not may_reset_otp(actor):
        raise PermissionDeniedError(_("只有安全管理员可以重置动态口令"))
    if actor.pk == user.pk:
        raise ApplicationError(_("不能重置自己的动态口令,请由另一位安全管理员办理"))
    removed = 0
    for device in list(devices_for_user(user, confirmed=None)):
        device.delete()
        removed += 1
    audit_log(actor=actor, action=AuditAction.OTP_RESET, obj=user, reason=reason, changes={"devices_removed": removed})
    return removed


# --- The gate ----------------------------------------------------------------------------------------------

# Views a user who has passed only the password step may still open (by URL name).
_OPEN_BEFORE_SECOND_FACTOR = frozenset({"otp-enrol", "otp-verify", "otp-recovery-codes", "logout", "api-token"})


def second_factor_url(user: Any, next_url: str = "") -> str:
    name = "otp-verify" if has_confirmed_device(user) else "otp-enrol"
    url = reverse(name)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def _is_public_api_view(cls: Any) -> bool:
    """A DRF view that lets anyone in, or that never reads the session, is not the gate's business."""
    permissions = list(getattr(cls, "permission_classes", []))
    if all(issubclass(p, AllowAny) for p in permissions if isinstance(p, type)):
        return True
    return not any(
        isinstance(a, type) and issubclass(a, SessionAuthentication) for a in getattr(cls, "authentication_classes", [])
    )


def _is_token_call(request: HttpRequest, cls: Any) -> bool:
    """The call names, in its Authorization header, the scheme of one of the view's other authenticators
    (`Token …`). Such an authenticator either accepts the credentials or refuses the call (401): it never falls
    back to the session. Any other header ("Bearer x" where only Token is known) leaves the session in charge,
    so the gate applies."""
    header = request.META.get("HTTP_AUTHORIZATION", "").split()
    if not header:
        return False
    authenticators: list[Any] = list(getattr(cls, "authentication_classes", []))
    for authenticator in authenticators:
        if not isinstance(authenticator, type) or issubclass(authenticator, SessionAuthentication):
            continue
        instance: Any = authenticator()
        scheme = (instance.authenticate_header(request) or "").split()
        if scheme and scheme[0].lower() == header[0].lower():
            return True
    return False


class SecondFactorMiddleware:
    """Until a user who must present a second factor has done so in this session, every page redirects to the
    enrolment or verification page (with ?next=), and every session-authenticated API call answers 403 in
    the API's error shape (code `otp_required`). Public pages (login_not_required), the second-factor pages
    and sign-out stay open. Place after django_otp's OTPMiddleware."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any) -> Any:
        if not settings.PINGAN_OTP_ENFORCED:
            return None
        match = request.resolver_match
        if match is not None and match.url_name in _OPEN_BEFORE_SECOND_FACTOR:
            return None
        cls = getattr(view_func, "cls", None)
        if cls is not None:  # a DRF view
            if _is_public_api_view(cls) or _is_token_call(request, cls):
                return None  # a token call: the token was issued after the second factor
        elif getattr(view_func, "login_required", True) is False:
            return None  # public pages, the login page
        user = request.user
        if not otp_required(user) or is_verified(user):
            return None
        if cls is not None:
            message = _("请先完成动态口令验证(双因素认证)后再调用接口")
            return JsonResponse(error_body("otp_required", message), status=403)
        target = second_factor_url(user, request.get_full_path() if request.method == "GET" else "")
        if getattr(request, "htmx", False):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return HttpResponseRedirect(target)


def complete_second_factor(request: HttpRequest, device: Device) -> None:
    """Mark this session verified by `device` (django-otp stores it in the session; OTPMiddleware reads it)."""
    otp_login(request, device)
