"""Back office for people and their posts (人员与岗位), the security administrator's (安全管理员) desk."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from pingan.core.admin import HistoryAdmin

from .management.commands.setup_roles import ROLE_PERMISSIONS
from .models import Membership, User


class PingAnUserChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User

    def clean_groups(self):
        groups = self.cleaned_data.get("groups")
        admin_groups = sorted(g.name for g in groups or [] if g.name in ROLE_PERMISSIONS)
        if len(admin_groups) > 1:
            raise ValidationError(
                _("三员分立:同一账号只能担任系统管理员、安全管理员、安全审计员中的一个,当前选择了%(groups)s")
                % {"groups": "、".join(admin_groups)}
            )
        return groups


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ["organization", "role", "is_active"]
    autocomplete_fields = ["organization"]
    extra = 0


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = PingAnUserChangeForm
    list_display = ["username", "full_name", "phone", "organizations", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff", "is_superuser", "groups", "memberships__role"]
    search_fields = ["username", "full_name", "phone", "email"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("full_name", "phone", "email")}),
        (
            _("权限"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("重要日期"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "full_name", "phone", "password1", "password2")}),
    )
    readonly_fields = ["last_login", "date_joined"]
    inlines = [MembershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("memberships__organization")

    @admin.display(description=_("所在单位"))
    def organizations(self, obj: User) -> str:
        return "、".join(sorted({m.organization.name for m in obj.memberships.all() if m.is_active}))

    def get_readonly_fields(self, request, obj=None):
        # 三员分立: the security administrator manages others' accounts, but cannot make anyone a
        # superuser nor change their own groups and permissions.
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_superuser", "user_permissions"]
            if obj is not None and obj.pk == request.user.pk:
                readonly += ["groups", "is_staff", "is_active"]
        return readonly


@admin.register(Membership)
class MembershipAdmin(HistoryAdmin):
    list_display = ["user", "organization", "role", "is_active"]
    list_filter = ["role", "is_active", "organization__org_type"]
    search_fields = ["user__username", "user__full_name", "organization__name", "organization__code"]
    autocomplete_fields = ["user", "organization"]
    list_select_related = ["user", "organization"]
