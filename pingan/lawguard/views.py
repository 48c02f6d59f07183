"""法治护航's register in the staff web UI: enterprises (list, export, import, detail with contacts, 三官一律
and portal accounts), workstations and the expert team. Reads go through selectors (anything outside the
jurisdiction is a 404), writes through services; a refused write re-renders its form with status 400/409."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from pingan.accounts.access import signed_in_user
from pingan.accounts.models import User
from pingan.core.audit import audit_log
from pingan.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from pingan.core.forms import add_service_errors
from pingan.core.models import AuditAction
from pingan.core.spreadsheets import text_cell
from pingan.regions.choices import OrgType
from pingan.regions.models import Organization
from pingan.regions.services import ImportResult, read_table

from . import selectors, services
from .choices import Speciality
from .filters import EnterpriseFilter, ExpertFilter, WorkstationFilter
from .forms import (
    AccountForm,
    ContactForm,
    DeactivateForm,
    EnterpriseForm,
    ExpertForm,
    GuardAssignForm,
    GuardEndForm,
    ImportForm,
    UnmaskForm,
    WorkstationForm,
)
from .models import Enterprise, EnterpriseContact, Expert, GuardAssignment, Workstation

PAGE_SIZE = 50
MAX_ERRORS_SHOWN = 200
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _form_page(
    request: HttpRequest, form: forms.Form, *, title: str, cancel: str, status: int = 200, **extra: Any
) -> HttpResponse:
    context = {"form": form, "title": title, "cancel": cancel, **extra}
    return render(request, "lawguard/form.html", context, status=status)


def _attempt(form: forms.Form, call: Callable[[], Any], aliases: dict[str, str] | None = None) -> tuple[Any, int]:
    """Run a service call for a valid form: (result, 200), or (None, the refusal's status) with its errors on
    the form. A refusal of rights is a 403 page, not a form error."""
    try:
        return call(), 200
    except PermissionDeniedError:
        raise
    except ApplicationError as exc:
        add_service_errors(form, exc, aliases=aliases)
        return None, exc.status_code


# --- enterprises ---


def _enterprise_filter(request: HttpRequest, user: User) -> EnterpriseFilter:
    return EnterpriseFilter(request.GET, queryset=selectors.enterprise_list(user=user), request=request)


@login_required
def enterprise_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    filterset = _enterprise_filter(request, user)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filter": filterset,
        "page": page,
        "enterprises": page.object_list,
        "can_edit": services.can_keep_register(user),
        "query": request.GET.urlencode(),
        "mine": False,
    }
    return render(request, "lawguard/enterprise_list.html", context)


@login_required
def enterprise_mine(request: HttpRequest) -> HttpResponse:
    """我联系的企业: where the user serves as one of the 三官一律."""
    user = signed_in_user(request)
    enterprises = selectors.my_guard_enterprises(user)
    page = Paginator(enterprises, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "enterprises": page.object_list, "can_edit": False, "mine": True}
    return render(request, "lawguard/enterprise_list.html", context)


EXPORT_COLUMNS = (
    ("企业名称", lambda e: e.name),
    ("统一社会信用代码", lambda e: e.credit_code),
    ("行业门类", lambda e: e.get_industry_display()),
    ("企业规模", lambda e: e.get_scale_display()),
    ("专精特新等级", lambda e: e.get_level_display()),
    ("地址", lambda e: e.address),
    ("所在区划", lambda e: e.region.name),
    ("区划代码", lambda e: e.region_code),
    ("所在网格", lambda e: e.grid_code),
    ("服务工作站", lambda e: e.workstation.organization.name if e.workstation else ""),
    ("三官一律", lambda e: "是" if e.has_guards else "否"),
    ("在册", lambda e: "是" if e.is_active else "否"),
)


@login_required
def enterprise_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as an Excel file (contacts left out: no personal data), logged."""
    user = signed_in_user(request)
    filterset = _enterprise_filter(request, user)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("企业名录"))
    sheet.append([_(label) for label, _value in EXPORT_COLUMNS])
    count = 0
    for enterprise in filterset.qs.iterator(chunk_size=500):
        sheet.append([text_cell(sheet, value(enterprise)) for _label, value in EXPORT_COLUMNS])
        count += 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    audit_log(
        actor=user,
        action=AuditAction.EXPORT,
        object_type=Enterprise._meta.label_lower,
        changes={"rows": count, "filters": {k: v for k, v in request.GET.items() if v}},
    )
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="enterprises-{timezone.localdate():%Y%m%d}.xlsx"'
    return response


@login_required
@never_cache
def enterprise_detail(request: HttpRequest, enterprise_id: int, **extra: Any) -> HttpResponse:
    user = signed_in_user(request)
    enterprise = selectors.enterprise_get(user=user, enterprise_id=enterprise_id)
    guards = list(selectors.guard_history(enterprise))
    links = enterprise.links.select_related("case", "workstation__organization").order_by("-created_at")
    context = {
        "enterprise": enterprise,
        "contacts": extra.pop("contacts", None) or list(enterprise.contacts.all()),
        "current_guards": [g for g in guards if g.ended_on is None],
        "past_guards": [g for g in guards if g.ended_on is not None],
        "links": links[:50],
        "link_count": links.count(),
        "suggestion_count": enterprise.suggestions.count(),
        "suggestions_by_status": dict(
            enterprise.suggestions.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
        ),
        "accounts": list(enterprise.accounts.select_related("user")),
        "can_edit": services.can_keep_register(user),
        "can_unmask": services.can_unmask_contacts(user, enterprise),
        "can_open_accounts": services.can_open_accounts(user, enterprise),
        "unmask_form": extra.pop("unmask_form", None) or UnmaskForm(),
        "full": extra.pop("full", False),
        "contact_form": ContactForm(),
        **extra,
    }
    return render(request, "lawguard/enterprise_detail.html", context, status=extra.get("status", 200))


def _save_enterprise(request: HttpRequest, form: EnterpriseForm, enterprise: Enterprise | None) -> tuple[Any, int]:
    user = signed_in_user(request)
    data = dict(form.cleaned_data)
    if data.get("lng") is None and data.get("lat") is None:
        data.pop("lng"), data.pop("lat")
    if enterprise is None:
        return _attempt(form, lambda: services.enterprise_create(actor=user, **data))
    coord_system = data.pop("coord_system")
    # Only what was changed: a region left alone keeps the located point and grid cell.
    changes = {k: v for k, v in data.items() if k in form.changed_data}
    if "lng" in form.changed_data or "lat" in form.changed_data:
        changes.update(lng=form.cleaned_data["lng"], lat=form.cleaned_data["lat"])
    return _attempt(
        form,
        lambda: services.enterprise_update(actor=user, enterprise=enterprise, coord_system=coord_system, **changes),
    )


@login_required
def enterprise_new(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if not services.can_keep_register(user):
        raise PermissionDeniedError(_("只有综治中心工作人员和法治护航工作站人员可以维护企业名录"))
    form = EnterpriseForm(request.POST or None, workstations=selectors.workstations_for(user))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            enterprise, status = _save_enterprise(request, form, None)
            if enterprise is not None:
                messages.success(request, _("已登记企业 %(name)s") % {"name": enterprise.name})
                return redirect("lawguard-enterprise-detail", enterprise_id=enterprise.pk)
    return _form_page(request, form, title=_("登记企业"), cancel=reverse("lawguard-enterprise-list"), status=status)


@login_required
def enterprise_edit(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    user = signed_in_user(request)
    enterprise = selectors.enterprise_get(user=user, enterprise_id=enterprise_id)
    form = EnterpriseForm(request.POST or None, enterprise=enterprise, workstations=selectors.workstations_for(user))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            saved, status = _save_enterprise(request, form, enterprise)
            if saved is not None:
                messages.success(request, _("已保存 %(name)s") % {"name": saved.name})
                return redirect("lawguard-enterprise-detail", enterprise_id=saved.pk)
    cancel = reverse("lawguard-enterprise-detail", args=[enterprise.pk])
    return _form_page(request, form, title=_("修改企业信息"), cancel=cancel, status=status)


@login_required
def enterprise_deactivate(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    user = signed_in_user(request)
    enterprise = selectors.enterprise_get(user=user, enterprise_id=enterprise_id)
    form = DeactivateForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            done, status = _attempt(
                form, lambda: services.enterprise_deactivate(actor=user, enterprise=enterprise, reason=reason)
            )
            if done is not None:
                messages.success(request, _("已将 %(name)s 移出名录") % {"name": enterprise.name})
                return redirect("lawguard-enterprise-detail", enterprise_id=enterprise.pk)
    cancel = reverse("lawguard-enterprise-detail", args=[enterprise.pk])
    return _form_page(request, form, title=_("移出名录"), cancel=cancel, status=status, subject=enterprise)


@login_required
def enterprise_import(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if not services.can_keep_register(user):
        raise PermissionDeniedError(_("只有综治中心工作人员和法治护航工作站人员可以维护企业名录"))
    result: ImportResult | None = None
    status = 200
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                rows = read_table(form.cleaned_data["file"], field="file")
                result = services.enterprises_import(rows=rows, actor=user)
            except PermissionDeniedError:
                raise
            except ApplicationError as exc:
                form.add_error("file", exc.message)
            else:
                status = 200 if result.ok else 400
    context = {
        "form": form,
        "result": result,
        "errors": result.errors[:MAX_ERRORS_SHOWN] if result else [],
        "more_errors": max(len(result.errors) - MAX_ERRORS_SHOWN, 0) if result else 0,
    }
    return render(request, "lawguard/enterprise_import.html", context, status=status)


@login_required
def enterprise_import_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(services.import_template(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="enterprise-import-template.xlsx"'
    return response


# --- contacts ---


@login_required
def contact_add(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    user = signed_in_user(request)
    enterprise = selectors.enterprise_get(user=user, enterprise_id=enterprise_id)
    form = ContactForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            contact, status = _attempt(form, lambda: services.contact_add(actor=user, enterprise=enterprise, **data))
            if contact is not None:
                messages.success(request, _("已添加联系人"))
                return redirect("lawguard-enterprise-detail", enterprise_id=enterprise.pk)
    cancel = reverse("lawguard-enterprise-detail", args=[enterprise.pk])
    return _form_page(request, form, title=_("添加联系人"), cancel=cancel, status=status, subject=enterprise)


@login_required
@require_POST
def contact_remove(request: HttpRequest, enterprise_id: int, contact_id: int) -> HttpResponse:
    user = signed_in_user(request)
    enterprise = selectors.enterprise_get(user=user, enterprise_id=enterprise_id)
    contact = EnterpriseContact.objects.filter(enterprise=enterprise, pk=contact_id).first()
    if contact is None:
        raise NotFoundError(_("联系人不存在"))
    services.contact_remove(actor=user, contact=contact)
    messages.success(request, _("已删除联系人"))
    return redirect("lawguard-enterprise-detail", enterprise_id=enterprise.pk)


@login_required
@require_POST
@never_cache
def contacts_unmask(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    user = signed_in_user(request)
    enterprise = selectors.enterprise_get(user=user, enterprise_id=enterprise_id)
    form = UnmaskForm(request.POST)
    try:
        contacts = services.contacts_unmask(actor=user, enterprise=enterprise, reason=request.POST.get("reason", ""))
    except PermissionDeniedError:
        raise
    except ApplicationError as exc:
        form.is_valid()
        add_service_errors(form, exc)
        return enterprise_detail(request, enterprise.pk, unmask_form=form, status=exc.status_code)
    response = enterprise_detail(request, enterprise.pk, contacts=contacts, full=True)
    response["Cache-Control"] = "no-store"
    return response


# --- 三官一律 ---


def _user_by_username(username: str) -> User | None:
    if not username:
        return None
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise ApplicationError(_("用户名 %(name)s 不存在") % {"name": username}, field="username")
    return user


@login_required
def guard_assign(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    user = signed_in_user(request)
    enterprise = selectors.enterprise_get(user=user, enterprise_id=enterprise_id)
    form = GuardAssignForm(request.POST or None, initial={"role": request.GET.get("role", "")})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            username = data.pop("username")
            assignment, status = _attempt(
                form,
                lambda: services.guard_assign(
                    actor=user, enterprise=enterprise, user=_user_by_username(username), **data
                ),
            )
            if assignment is not None:
                messages.success(request, _("已派驻 %(role)s") % {"role": assignment.get_role_display()})
                return redirect("lawguard-enterprise-detail", enterprise_id=enterprise.pk)
    cancel = reverse("lawguard-enterprise-detail", args=[enterprise.pk])
    return _form_page(request, form, title=_("派驻三官一律"), cancel=cancel, status=status, subject=enterprise)


@login_required
def guard_end(request: HttpRequest, enterprise_id: int, assignment_id: int) -> HttpResponse:
    user = signed_in_user(request)
    enterprise = selectors.enterprise_get(user=user, enterprise_id=enterprise_id)
    assignment = GuardAssignment.objects.filter(enterprise=enterprise, pk=assignment_id).first()
    if assignment is None:
        raise NotFoundError(_("派驻记录不存在"))
    form = GuardEndForm(request.POST or None, initial={"ended_on": timezone.localdate()})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            ended, status = _attempt(form, lambda: services.guard_end(actor=user, assignment=assignment, **data))
            if ended is not None:
                messages.success(request, _("已结束派驻"))
                return redirect("lawguard-enterprise-detail", enterprise_id=enterprise.pk)
    cancel = reverse("lawguard-enterprise-detail", args=[enterprise.pk])
    title = _("结束派驻:%(who)s") % {"who": assignment}
    return _form_page(request, form, title=title, cancel=cancel, status=status, subject=enterprise)


# --- portal accounts ---


@login_required
@never_cache
def account_new(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    user = signed_in_user(request)
    enterprise = selectors.enterprise_get(user=user, enterprise_id=enterprise_id)
    if not services.can_open_accounts(user, enterprise):
        raise PermissionDeniedError(_("只有为该企业提供服务的工作站人员可以开通企业账号"))
    form = AccountForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            created, status = _attempt(
                form, lambda: services.enterprise_account_create(actor=user, enterprise=enterprise, **data)
            )
            if created is not None:
                account, password = created
                # The temporary password is shown once, on this answer only (never stored in clear).
                context = {"enterprise": enterprise, "account": account, "password": password}
                response = render(request, "lawguard/account_created.html", context)
                response["Cache-Control"] = "no-store"
                return response
    cancel = reverse("lawguard-enterprise-detail", args=[enterprise.pk])
    return _form_page(request, form, title=_("开通企业账号"), cancel=cancel, status=status, subject=enterprise)


@login_required
@require_POST
def account_deactivate(request: HttpRequest, account_id: int) -> HttpResponse:
    user = signed_in_user(request)
    account = selectors.account_get(user=user, account_id=account_id)
    try:
        services.enterprise_account_deactivate(actor=user, account=account, reason=request.POST.get("reason", ""))
    except PermissionDeniedError:
        raise
    except ApplicationError as exc:
        return enterprise_detail(request, account.enterprise_id, account_error=exc.message, status=exc.status_code)
    messages.success(request, _("已停用账号 %(name)s") % {"name": account.user.username})
    return redirect("lawguard-enterprise-detail", enterprise_id=account.enterprise_id)


# --- workstations ---


@login_required
def workstation_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    filterset = WorkstationFilter(request.GET, queryset=selectors.workstations_for(user))
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filter": filterset,
        "page": page,
        "workstations": page.object_list,
        "can_set_up": services.can_set_up(user),
    }
    return render(request, "lawguard/workstation_list.html", context)


@login_required
def workstation_detail(request: HttpRequest, workstation_id: int) -> HttpResponse:
    user = signed_in_user(request)
    station = selectors.workstation_get(user=user, workstation_id=workstation_id)
    enterprises = selectors.enterprise_list(user=user).filter(workstation=station)
    context = {
        "station": station,
        "regions": list(station.regions.all()),
        "enterprises": enterprises[:100],
        "enterprise_count": enterprises.count(),
        "staff": list(selectors.workstation_staff(station)),
        "can_set_up": services.can_set_up(user),
    }
    return render(request, "lawguard/workstation_detail.html", context)


def _workstation_form_page(request: HttpRequest, station: Workstation | None) -> HttpResponse:
    user = signed_in_user(request)
    if not services.can_set_up(user):
        raise PermissionDeniedError(_("只有综治中心工作人员可以设立工作站、维护专家库"))
    form = WorkstationForm(request.POST or None, workstation=station)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            if station is None:
                data.pop("is_active")
                saved, status = _attempt(form, lambda: services.workstation_create(actor=user, **data))
            else:
                data.pop("code"), data.pop("region")
                saved, status = _attempt(
                    form, lambda: services.workstation_update(actor=user, workstation=station, **data)
                )
            if saved is not None:
                messages.success(request, _("已保存工作站 %(name)s") % {"name": saved})
                return redirect("lawguard-workstation-detail", workstation_id=saved.pk)
    cancel = (
        reverse("lawguard-workstation-detail", args=[station.pk]) if station else reverse("lawguard-workstation-list")
    )
    title = _("修改工作站") if station else _("设立工作站")
    return _form_page(request, form, title=title, cancel=cancel, status=status)


@login_required
def workstation_new(request: HttpRequest) -> HttpResponse:
    return _workstation_form_page(request, None)


@login_required
def workstation_edit(request: HttpRequest, workstation_id: int) -> HttpResponse:
    station = selectors.workstation_get(user=signed_in_user(request), workstation_id=workstation_id)
    return _workstation_form_page(request, station)


# --- experts ---


@login_required
def expert_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    filterset = ExpertFilter(request.GET, queryset=selectors.experts_for(user))
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    labels = dict(Speciality.choices)
    for expert in page.object_list:
        expert.speciality_labels = [labels.get(value, value) for value in expert.specialities]
    context = {"filter": filterset, "page": page, "experts": page.object_list, "can_set_up": services.can_set_up(user)}
    return render(request, "lawguard/expert_list.html", context)


def _team_for(user: User) -> Organization | None:
    """The expert team a new expert joins: the team inside (or above) the user's jurisdiction."""
    teams = Organization.objects.filter(org_type=OrgType.EXPERT_TEAM, is_active=True).select_related("region")
    prefixes = user.jurisdiction_prefixes()
    for team in teams:
        if user.is_superuser or any(team.region.code.startswith(p) for p in prefixes):
            return team
    return None


def _expert_form_page(request: HttpRequest, expert: Expert | None) -> HttpResponse:
    user = signed_in_user(request)
    if not services.can_set_up(user):
        raise PermissionDeniedError(_("只有综治中心工作人员可以设立工作站、维护专家库"))
    form = ExpertForm(request.POST or None, expert=expert)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            if not data["phone"]:
                data.pop("phone")
            if expert is None:
                team = _team_for(user)
                if team is None:
                    form.add_error(None, _("您的辖区内没有法律专家团"))
                    saved = None
                else:
                    saved, status = _attempt(form, lambda: services.expert_create(actor=user, team=team, **data))
            else:
                saved, status = _attempt(form, lambda: services.expert_update(actor=user, expert=expert, **data))
            if saved is not None:
                messages.success(request, _("已保存专家 %(name)s") % {"name": saved.name})
                return redirect("lawguard-expert-list")
    title = _("修改专家信息") if expert else _("专家入库")
    return _form_page(request, form, title=title, cancel=reverse("lawguard-expert-list"), status=status)


@login_required
def expert_new(request: HttpRequest) -> HttpResponse:
    return _expert_form_page(request, None)


@login_required
def expert_edit(request: HttpRequest, expert_id: int) -> HttpResponse:
    expert = selectors.expert_get(user=signed_in_user(request), expert_id=expert_id)
    return _expert_form_page(request, expert)
