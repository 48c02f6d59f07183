"""The user's own account pages: 修改密码."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordChangeView
from django.http import HttpResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from .access import open_to_everyone, sees_business_data
from .passwords import password_change_due, password_change_message, password_expires_at


class PasswordChange(PasswordChangeView):
    """修改密码: the old password, a new one twice (the policy's validators check it). Where a user whose
    password is due is sent (pingan.accounts.passwords.PasswordChangeMiddleware); open to every signed-in
    user, administrators included."""

    template_name = "accounts/password_change.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        reason = password_change_due(self.request.user)
        context["due_message"] = password_change_message(reason) if reason else ""
        context["expires_at"] = password_expires_at(self.request.user)
        context["next"] = self._next()
        return context

    def _next(self) -> str:
        target = self.request.POST.get("next") or self.request.GET.get("next") or ""
        allowed = url_has_allowed_host_and_scheme(
            target, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        )
        return target if allowed else ""

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("密码已修改"))
        return response

    def get_success_url(self) -> str:
        if next_url := self._next():
            return next_url
        user = self.request.user
        return reverse("workbench") if sees_business_data(user) or not user.is_staff else reverse("admin:index")


password_change = open_to_everyone(login_required(PasswordChange.as_view()))
