"""Back office for people and their posts (人员与岗位), the security administrator's (安全管理员) desk."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from pingan.core.admin import (
    HistoryAdmin,
    JurisdictionAdminMixin,
    MaskedPersonalDataAdminMixin,
    MaskedPersonalDataForm,
    PermissionLabelsMixin,
)
from pingan.core.validators import normalize_phone
from pingan.regions.admin import ImportAdminMixin

from . import otp, services
from .lockout import current_lockouts, may_unlock, unlockable_usernames
from .management.commands.setup_roles import ROLE_PERMISSIONS
from .models import Membership, SignInFailures, User


class PingAnUserChangeForm(MaskedPersonalDataForm, UserChangeForm):
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
class UserAdmin(
    MaskedPersonalDataAdminMixin, JurisdictionAdminMixin, PermissionLabelsMixin, ImportAdminMixin, DjangoUserAdmin
):
    # A district's security administrator sees the people who hold a post in the district.
    jurisdiction_field = "memberships__organization__region__code"
    jurisdiction_distinct = True
    form = PingAnUserChangeForm
    list_display = ["username", "full_name", "masked_phone", "organizations", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff", "is_superuser", "groups", "memberships__role"]
    # The phone is encrypted (core.fields): found by its blind index, typed in full (get_search_results).
    search_fields = ["username", "full_name", "email"]
    fieldsets = (
        (None, {"fields": ("username", "password", "must_change_password", "password_changed_at")}),
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
    readonly_fields = ["last_login", "date_joined", "password_changed_at"]
    inlines = [MembershipInline]
    actions = ["reset_second_factor"]
    # "从Excel/CSV导入" on the changelist, for those who may add and change users (the 安全管理员).
    import_service = staticmethod(services.users_import)
    import_columns = (
        ("用户名", _("必填;已有用户按用户名更新姓名和手机号")),
        ("姓名", _("必填;同一用户的各行须一致")),
        ("手机号", _("可选,11位手机号;留空则不改动已有号码")),
        ("机构代码", _("必填,须是已启用的组织机构")),
        ("角色", _("必填,如 综治中心工作人员、调解员、网格员;管理员角色不能导入")),
        ("启用", _("可选,是 或 否,默认为 是")),
    )
    import_note = _(
        "第一行为表头,列名如下(中文或英文均可),每行一个岗位(用户、机构、角色),一人多岗写多行。"
        "导入前逐行检查,任何一行有错误则全部不导入;按用户名新增或更新用户,新增或启用、停用所列岗位,"
        "未列出的岗位不变。表格中不含密码:新用户导入后须由安全管理员在后台设置初始密码。"
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("memberships__organization")

    def get_search_results(self, request, queryset, search_term):
        """A full phone number typed into the search box finds its holder (exact, by the blind index)."""
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        try:
            phone = normalize_phone(search_term)
        except ValidationError:
            return found, may_have_duplicates
        return found | queryset.filter(phone=phone), may_have_duplicates

    @admin.display(description=_("所在单位"))
    def organizations(self, obj: User) -> str:
        return "、".join(sorted({m.organization.name for m in obj.memberships.all() if m.is_active}))

    def has_reset_otp_permission(self, request) -> bool:
        return otp.may_reset_otp(request.user)

    @admin.action(description=_("重置动态口令(下次登录时重新绑定)"), permissions=["reset_otp"])
    def reset_second_factor(self, request, queryset) -> None:
        """The security administrator's reset of a lost phone or used-up recovery codes (pingan.accounts.otp)."""
        reset = []
        for user in queryset:
            if user.pk == request.user.pk:
                self.message_user(request, _("不能重置自己的动态口令,请由另一位安全管理员办理"), messages.ERROR)
                continue
            otp.otp_reset(actor=request.user, user=user)
            reset.append(str(user))
        if reset:
            self.message_user(
                request, _("已重置动态口令:%(users)s。他们下次登录时须重新绑定。") % {"users": "、".join(reset)}
            )

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
class MembershipAdmin(JurisdictionAdminMixin, HistoryAdmin):
    jurisdiction_field = "organization__region__code"
    list_display = ["user", "organization", "role", "is_active"]
    list_filter = ["role", "is_active", "organization__org_type"]
    search_fields = ["user__username", "user__full_name", "organization__name", "organization__code"]
    autocomplete_fields = ["user", "organization"]
    list_select_related = ["user", "organization"]


# The device tables stay out of the back office: they hold TOTP secrets. The security administrator resets a
# user's devices with the action above; the user enrols again himself (pingan.accounts.otp_views).
for _device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device_model):
        admin.site.unregister(_device_model)


@admin.register(SignInFailures)
class SignInFailuresAdmin(admin.ModelAdmin):
    """登录失败与锁定: the security administrator's (安全管理员) page to lift a lockout, and only theirs (not the
    system administrator's nor the auditor's, who reads the LOCKOUT and UNLOCK entries in the audit log).
    The counters are axes'; they are never edited, only cleared by an unlock, which is audited."""

    list_display = ["username", "ip_address", "failures_since_start", "attempt_time", "account_state", "address_state"]
    search_fields = ["username", "ip_address"]
    ordering = ["-attempt_time"]
    fields = readonly_fields = (
        "username",
        "ip_address",
        "user_agent",
        "path_info",
        "failures_since_start",
        "attempt_time",
    )
    actions = ["unlock_accounts", "unlock_addresses"]

    def get_queryset(self, request: HttpRequest):
        # A district's security administrator sees (and unlocks) the accounts of the district's people.
        allowed = unlockable_usernames(request.user)
        queryset = super().get_queryset(request)
        return queryset if allowed is None else queryset.filter(username__in=allowed)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return may_unlock(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return may_unlock(request.user) and super().has_view_permission(request, obj)

    def has_unlock_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_unlock_addresses_permission(self, request: HttpRequest) -> bool:
        # An address belongs to no district: the city's security administrators unlock it.
        return self.has_view_permission(request) and unlockable_usernames(request.user) is None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # an unlock clears counters, audited; a plain delete would not be

    def changelist_view(self, request: HttpRequest, extra_context=None):
        self._lockouts = current_lockouts()
        return super().changelist_view(request, extra_context)

    def _state(self, until) -> str:
        return _("锁定至 %(until)s") % {"until": localtime(until).strftime("%m-%d %H:%M")} if until else "—"

    @admin.display(description=_("账号状态"))
    def account_state(self, row: SignInFailures) -> str:
        return self._state(self._lockouts.usernames.get(row.username or ""))

    @admin.display(description=_("来源地址状态"))
    def address_state(self, row: SignInFailures) -> str:
        return self._state(self._lockouts.addresses.get(row.ip_address or ""))

    def _unlock(self, request: HttpRequest, queryset, field: str) -> None:
        assert isinstance(request.user, User)  # the back office lets in signed-in staff only
        targets = sorted({value for value in queryset.values_list(field, flat=True) if value})
        for target in targets:
            services.sign_in_unlock(actor=request.user, **{field: target})
        self.message_user(request, _("已解除锁定:%(targets)s") % {"targets": "、".join(targets) or "—"})

    @admin.action(description=_("解除所选账号的锁定"), permissions=["unlock"])
    def unlock_accounts(self, request: HttpRequest, queryset) -> None:
        self._unlock(request, queryset, "username")

    @admin.action(description=_("解除所选来源地址的锁定"), permissions=["unlock_addresses"])
    def unlock_addresses(self, request: HttpRequest, queryset) -> None:
        self._unlock(request, queryset, "ip_address")
