"""Who may open which staff page or API endpoint (三员分立).

Administrators (系统管理员, 安全管理员, 安全审计员) administer: they work in the back office and read the audit
log, never cases, parties or statistics. So every staff page and API endpoint is closed to a user who holds
no business post (BUSINESS_ROLES), unless the view says which administrators it serves
(`open_to_administrators`, e.g. the camera register that system administrators maintain). A view may also
require a test of its own (`requires`, e.g. registering a case). The middleware and the API's default
permission apply both rules, and the navigation shows a link only when `may_open` says the same view would
let the user in, so the menu and the views cannot disagree.

Public views are marked with Django's `login_not_required`; the back office (/admin/) guards itself with model
permissions and `BusinessRecordAdminMixin`."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext_lazy
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request

from pingan.core.admin_types import ModelAdminMixinBase
from pingan.core.errors import PermissionDeniedError

from .choices import BUSINESS_ROLES
from .passwords import password_change_refusal

if TYPE_CHECKING:
    from .models import User

NO_BUSINESS_POST = gettext_lazy("您的岗位不办理、不查看业务数据(三员分立:管理员请使用管理后台)")


def signed_in_user(request: HttpRequest | Request) -> User:
    """The user of a staff page or API call. Those let no anonymous caller in (login_required, ApiAccess):
    one who reaches here anyway is refused."""
    user = request.user
    if not user.is_authenticated:
        raise PermissionDenied
    return user


def sees_business_data(user) -> bool:
    """Holds a post that works or reads cases (anything but an administrator's post)."""
    return user.is_authenticated and user.has_role(*BUSINESS_ROLES)


def open_to_administrators(*roles: str) -> Callable:
    """Mark a view (function or DRF view class) as serving these administrators too; its service still
    checks the exact right (e.g. where a system administrator may maintain cameras)."""

    def mark(view):
        view.administrator_roles = frozenset(roles)
        return view

    return mark


def open_to_everyone(view):
    """Mark a view as open to every signed-in user, business post or not (their own account: 修改密码)."""
    view.open_to_everyone = True
    return view


def requires(predicate: Callable[[Any], bool], message) -> Callable:
    """Mark a view as open only to users for whom `predicate(user)` holds (checked before the view runs)."""

    def mark(view):
        view.access_predicate = predicate
        view.access_message = message
        return view

    return mark


def _marks(view) -> Any:
    return getattr(view, "cls", view)  # a DRF view function carries its class


def refusal(user, view) -> str | None:
    """Why `user` may not open `view` (None: they may). Anonymous users are left to login_required."""
    marks = _marks(view)
    # Public pages carry Django's login_not_required mark (DRF marks every API view so, and leaves its
    # views to their permission classes: ApiAccess).
    if not user.is_authenticated or (marks is view and getattr(view, "login_required", True) is False):
        return None
    # Open to everyone: no business post needed, but the view's own test still applies (the enterprise portal
    # is open to enterprise users, who hold no post, and to them alone).
    if not getattr(marks, "open_to_everyone", False) and not sees_business_data(user):
        admitted: frozenset[str] = getattr(marks, "administrator_roles", frozenset())
        if not admitted or not (user.is_superuser or user.has_role(*admitted)):
            return str(NO_BUSINESS_POST)
    predicate = getattr(marks, "access_predicate", None)
    if predicate is not None and not predicate(user):
        return str(marks.access_message)
    return None


def may_open(user, view) -> bool:
    return refusal(user, view) is None


class AccessMiddleware:
    """Refuses (403) a staff page the user may not open. API views are left to `ApiAccess` (which answers
    in the API's error shape, after token authentication); the back office guards itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if hasattr(view_func, "cls") or (match is not None and "admin" in match.namespaces):
            return None
        reason = refusal(request.user, view_func)
        if reason:
            raise PermissionDenied(reason)
        return None


class ApiAccess(IsAuthenticated):
    """The API's default permission: signed in, and the same rules as the staff pages (a refusal is a 403
    in the API's error shape)."""

    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        password_change_refusal(request.user)  # a password to change first: 403 with its own code
        reason = refusal(request.user, type(view))
        if reason is not None:
            raise PermissionDeniedError(reason)  # the 403 says why, as the page would
        return True


class BusinessRecordAdminMixin(ModelAdminMixinBase):
    """Business records in the back office (cases, parties, timelines, patrols, citizens' requests): only for
    staff who also hold a business post, never for an administrator's post alone, superuser or not."""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return sees_business_data(request.user) and super().has_view_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return sees_business_data(request.user) and super().has_change_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return sees_business_data(request.user) and super().has_add_permission(request, *args)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return sees_business_data(request.user) and super().has_delete_permission(request, obj)
