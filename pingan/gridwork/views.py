"""Grid pages of the staff UI: grids with their people, roster, patrols and open cases; grid people (masked,
unmask with a reason), their import; the duty roster; patrols and visits with their findings; counts.

Views read through selectors (anything outside the user's jurisdiction is a 404) and write only through
services; an ApplicationError from a service is shown on the page with its status code."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from pingan.accounts.access import signed_in_user
from pingan.core.errors import ApplicationError
from pingan.core.forms import add_service_errors
from pingan.core.http import HtmxRequest
from pingan.core.validators import id_number_conversion_notice
from pingan.regions.models import Region
from pingan.regions.services import ImportResult, read_table

from . import selectors, services
from .choices import PatrolStatus, Shift
from .filters import GridMemberFilter, PatrolFilter
from .forms import (
    FindingCaseForm,
    FindingForm,
    GridMemberForm,
    MemberImportForm,
    PatrolCancelForm,
    PatrolLogForm,
    PatrolPlanForm,
    PeriodForm,
)
from .models import DutyShift, GridMember, Patrol, PatrolFinding

PAGE_SIZE = 50
DETAIL_LIMIT = 20


def _page(request: HttpRequest, queryset: QuerySet[Any]) -> Page[Any]:
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


# --- grids -----------------------------------------------------------------------------------------


@login_required
def grid_list(request: HttpRequest) -> HttpResponse:
    grids = selectors.grid_list(user=signed_in_user(request))
    query = request.GET.get("q", "").strip()
    if query:
        grids = grids.filter(Q(name__icontains=query) | Q(code__startswith=query))
    page = _page(request, grids)
    return render(request, "grids/grid_list.html", {"page": page, "grids": page.object_list, "q": query})


def _week_of(request: HttpRequest) -> datetime.date:
    chosen = parse_date(request.GET.get("week", "") or "") if request.GET.get("week") else None
    return selectors.week_start(chosen or timezone.localdate())


def _roster_table(grid: Region, shifts: Iterable[DutyShift], start: datetime.date) -> list[dict[str, Any]]:
    """Days of the week, each with its shifts and who is on duty."""
    by_key: dict[tuple[datetime.date, str], list[GridMember]] = {}
    for shift in shifts:
        by_key.setdefault((shift.date, shift.shift), []).append(shift.member)
    today = timezone.localdate()
    return [
        {
            "date": day,
            "is_today": day == today,
            "shifts": [(label, by_key.get((day, value), [])) for value, label in Shift.choices],
        }
        for day in (start + datetime.timedelta(days=offset) for offset in range(7))
    ]


@login_required
@never_cache
def grid_detail(request: HttpRequest, code: str) -> HttpResponse:
    user = signed_in_user(request)
    grid = selectors.grid_visible_or_404(user=user, code=code)
    start = _week_of(request)
    shifts = selectors.grid_roster(user=user, grid=grid, start=start)
    members = selectors.member_list(user=user).filter(grid=grid, is_active=True)
    patrols = selectors.patrol_list(user=user).filter(grid=grid)
    cases = selectors.grid_open_cases(user=user, grid=grid)
    context = {
        "grid": grid,
        "members": list(members),
        "roster": _roster_table(grid, shifts, start),
        "week": start,
        "previous_week": start - datetime.timedelta(days=7),
        "next_week": start + datetime.timedelta(days=7),
        "planned": list(patrols.filter(status=PatrolStatus.PLANNED).order_by("planned_for", "id")[:DETAIL_LIMIT]),
        "recent": list(patrols.exclude(status=PatrolStatus.PLANNED)[:DETAIL_LIMIT]),
        "cases": list(cases[:DETAIL_LIMIT]),
        "case_count": cases.count(),
        "can_manage": services.can_manage_grid(user, grid),
        "can_patrol": services.can_patrol_grid(user, grid),
        "can_unmask": bool(services.roles_covering(user, grid.code) & services.UNMASK_ROLES),
    }
    return render(request, "grids/grid_detail.html", context)


@login_required
def grid_roster(request: HttpRequest, code: str) -> HttpResponse:
    """The week's duty roster of a grid as a table of check boxes: people × (day, shift)."""
    user = signed_in_user(request)
    grid = selectors.grid_visible_or_404(user=user, code=code)
    status, error = 200, None
    if request.method == "POST":
        start = selectors.week_start(parse_date(request.POST.get("week", "")) or timezone.localdate())
        try:
            services.roster_week_plan(actor=user, grid=grid, week_start=start, shifts=_posted_shifts(request))
        except ApplicationError as exc:
            status, error = exc.status_code, exc.message
        else:
            messages.success(request, _("已保存 %(start)s 起一周的排班") % {"start": start})
            return redirect(f"{request.path}?week={start.isoformat()}")
        chosen = set(request.POST.getlist("shift"))
    else:
        start = _week_of(request)
        chosen = {
            f"{s.date.isoformat()}|{s.shift}|{s.member_id}"
            for s in selectors.grid_roster(user=user, grid=grid, start=start)
        }
    days = [start + datetime.timedelta(days=offset) for offset in range(7)]
    members = list(selectors.member_list(user=user).filter(grid=grid, is_active=True))
    rows = [
        {
            "member": member,
            "cells": [
                {"value": f"{day.isoformat()}|{value}|{member.pk}", "label": label, "day": day}
                for day in days
                for value, label in Shift.choices
            ],
        }
        for member in members
    ]
    context = {
        "grid": grid,
        "week": start,
        "days": days,
        "shifts": Shift.choices,
        "rows": rows,
        "chosen": chosen,
        "error": error,
        "can_manage": services.can_manage_grid(user, grid),
        "previous_week": start - datetime.timedelta(days=7),
        "next_week": start + datetime.timedelta(days=7),
    }
    return render(request, "grids/roster.html", context, status=status)


def _posted_shifts(request: HttpRequest) -> list[services.ShiftInput]:
    shifts = []
    for value in request.POST.getlist("shift"):
        day, _sep, rest = value.partition("|")
        shift, _sep, member = rest.partition("|")
        date = parse_date(day) if day else None
        if date is None or not member.isdigit():
            raise ApplicationError(_("排班数据无效,请刷新页面后重试"), field="shifts")
        shifts.append(services.ShiftInput(date=date, shift=shift, member_id=int(member)))
    return shifts


# --- grid people -----------------------------------------------------------------------------------


@login_required
def member_list(request: HttpRequest) -> HttpResponse:
    filterset = GridMemberFilter(request.GET, queryset=selectors.member_list(user=signed_in_user(request)))
    page = _page(request, filterset.qs)
    context = {"filter": filterset, "page": page, "members": page.object_list}
    return render(request, "grids/member_list.html", context)


def _tell_id_number_conversion(request: HttpRequest, form: GridMemberForm) -> None:
    """A 15-digit ID number is saved in its 18-digit form: say so."""
    if notice := id_number_conversion_notice(form.cleaned_data["id_number"]):
        messages.info(request, notice)


@login_required
def member_new(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    status = 200
    if request.method == "POST":
        form = GridMemberForm(request.POST, user=user)
        status = 400
        if form.is_valid():
            try:
                member = services.member_create(actor=user, **form.service_values())
            except ApplicationError as exc:
                add_service_errors(form, exc)
                status = exc.status_code
            else:
                messages.success(request, _("已添加网格人员 %(name)s") % {"name": member.masked_name})
                _tell_id_number_conversion(request, form)
                return redirect("grid-detail", code=member.grid.code)
    else:
        form = GridMemberForm(user=user, initial={"grid": request.GET.get("grid", "")})
    return render(request, "grids/member_form.html", {"form": form, "member": None}, status=status)


@login_required
@never_cache
def member_edit(request: HttpRequest, member_id: int) -> HttpResponse:
    user = signed_in_user(request)
    member = selectors.member_visible_or_404(user=user, member_id=member_id)
    status = 200
    if request.method == "POST":
        form = GridMemberForm(request.POST, user=user, member=member)
        status = 400
        if form.is_valid():
            try:
                services.member_update(actor=user, member=member, **form.service_values())
            except ApplicationError as exc:
                add_service_errors(form, exc)
                status = exc.status_code
            else:
                messages.success(request, _("已保存"))
                _tell_id_number_conversion(request, form)
                return redirect("grid-detail", code=form.cleaned_data["grid"].code)
    elif not services.can_manage_grid(user, member.grid):
        messages.error(request, _("只有管辖该网格的综治中心工作人员可以维护网格人员"))
        return redirect("grid-detail", code=member.grid.code)
    else:
        form = GridMemberForm(user=user, member=member)
    return render(request, "grids/member_form.html", {"form": form, "member": member}, status=status)


@login_required
@require_POST
@never_cache
def member_unmask(request: HtmxRequest, member_id: int) -> HttpResponse:
    """The member's phone and ID number in full, once, on the answer to a request with a reason (logged)."""
    user = signed_in_user(request)
    member = selectors.member_visible_or_404(user=user, member_id=member_id)
    try:
        services.member_unmask(actor=user, member=member, reason=request.POST.get("reason", ""))
    except ApplicationError as exc:
        status, full, error = exc.status_code, False, exc.message
    else:
        status, full, error = 200, True, ""
    context = {"member": member, "full": full, "unmask_error": error, "can_unmask": True}
    template = "grids/partials/member_item.html" if request.htmx else "grids/member_unmasked.html"
    response = render(request, template, context, status=status)
    response["Cache-Control"] = "no-store"
    return response


@login_required
def member_import(request: HttpRequest) -> HttpResponse:
    result: ImportResult | None = None
    status = 200
    if request.method == "POST":
        form = MemberImportForm(request.POST, request.FILES)
        status = 400
        if form.is_valid():
            try:
                result = services.members_import(
                    rows=read_table(form.cleaned_data["file"]), actor=signed_in_user(request)
                )
            except ApplicationError as exc:
                form.add_error("file", exc.message)
            else:
                status = 200 if result.ok else 400
    else:
        form = MemberImportForm()
    return render(request, "grids/member_import.html", {"form": form, "result": result}, status=status)


# --- patrols and visits ----------------------------------------------------------------------------


@login_required
def patrol_list(request: HttpRequest) -> HttpResponse:
    filterset = PatrolFilter(request.GET, queryset=selectors.patrol_list(user=signed_in_user(request)))
    page = _page(request, filterset.qs)
    context = {"filter": filterset, "page": page, "patrols": page.object_list}
    return render(request, "grids/patrol_list.html", context)


@login_required
def patrol_new(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    status = 200
    if request.method == "POST":
        form = PatrolPlanForm(request.POST, user=user)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                patrol = services.patrol_plan(
                    actor=user,
                    kind=data["kind"],
                    grid=data["grid"],
                    planned_for=data["planned_for"],
                    members=data["members"],
                    places=data["places"],
                    route=data["route"],
                    household=data["household"],
                )
            except ApplicationError as exc:
                add_service_errors(form, exc)
                status = exc.status_code
            else:
                messages.success(request, _("已安排%(kind)s") % {"kind": patrol.get_kind_display()})
                return redirect("patrol-detail", patrol_id=patrol.pk)
    else:
        form = PatrolPlanForm(user=user, initial={"grid": request.GET.get("grid", "")})
    return render(request, "grids/patrol_form.html", {"form": form}, status=status)


def _render_patrol(
    request: HttpRequest,
    patrol: Patrol,
    *,
    status: int = 200,
    log_form: forms.Form | None = None,
    cancel_form: forms.Form | None = None,
    finding_form: forms.Form | None = None,
) -> HttpResponse:
    user = signed_in_user(request)
    patrol = selectors.patrol_visible_or_404(user=user, patrol_id=patrol.pk)
    can_patrol = services.can_patrol_grid(user, patrol.grid)
    context = {
        "patrol": patrol,
        "members": list(patrol.members.all()),
        "findings": list(patrol.findings.all()),
        "can_patrol": can_patrol,
        "log_form": log_form or PatrolLogForm(patrol=patrol),
        "cancel_form": cancel_form or PatrolCancelForm(),
        "finding_form": finding_form or FindingForm(),
        "case_form": FindingCaseForm(),
    }
    return render(request, "grids/patrol_detail.html", context, status=status)


@login_required
@never_cache
def patrol_detail(request: HttpRequest, patrol_id: int) -> HttpResponse:
    return _render_patrol(request, selectors.patrol_visible_or_404(user=signed_in_user(request), patrol_id=patrol_id))


def _patrol_post(
    request: HttpRequest,
    patrol_id: int,
    *,
    form_class: type[forms.Form],
    form_name: str,
    write: Callable[..., Patrol | PatrolFinding],
    done: str,
) -> HttpResponse:
    """One shape for the patrol page's forms: validate, call the service, redirect back or re-render."""
    user = signed_in_user(request)
    patrol = selectors.patrol_visible_or_404(user=user, patrol_id=patrol_id)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            write(actor=user, patrol=patrol, **form.cleaned_data)
        except ApplicationError as exc:
            add_service_errors(form, exc)
            return _render_patrol(request, patrol, status=exc.status_code, **{form_name: form})
        messages.success(request, done)
        return redirect("patrol-detail", patrol_id=patrol.pk)
    return _render_patrol(request, patrol, status=400, **{form_name: form})


@login_required
@require_POST
def patrol_log(request: HttpRequest, patrol_id: int) -> HttpResponse:
    return _patrol_post(
        request, patrol_id, form_class=PatrolLogForm, form_name="log_form", write=services.patrol_log, done=_("已登记")
    )


@login_required
@require_POST
def patrol_cancel(request: HttpRequest, patrol_id: int) -> HttpResponse:
    return _patrol_post(
        request,
        patrol_id,
        form_class=PatrolCancelForm,
        form_name="cancel_form",
        write=services.patrol_cancel,
        done=_("已取消"),
    )


@login_required
@require_POST
def finding_add(request: HttpRequest, patrol_id: int) -> HttpResponse:
    return _patrol_post(
        request,
        patrol_id,
        form_class=FindingForm,
        form_name="finding_form",
        write=services.finding_add,
        done=_("已记录发现问题"),
    )


@login_required
@require_POST
def finding_case(request: HttpRequest, finding_id: int) -> HttpResponse:
    """Open an incident case from a finding, in one step."""
    user = signed_in_user(request)
    finding = selectors.finding_visible_or_404(user=user, finding_id=finding_id)
    form = FindingCaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, str(next(iter(form.errors.values()))[0]))
        return _render_patrol(request, finding.patrol, status=400)
    try:
        case = services.finding_open_case(actor=user, finding=finding, **form.cleaned_data)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return _render_patrol(request, finding.patrol, status=exc.status_code)
    messages.success(
        request,
        _("已立案,编号 %(number)s,已分流至 %(org)s") % {"number": case.number, "org": case.assigned_org.name},
    )
    return redirect("case-detail", case_id=case.pk)


@login_required
def patrol_counts(request: HttpRequest) -> HttpResponse:
    """Patrols and visits done in a period, per grid and per worker (巡查走访统计)."""
    user = signed_in_user(request)
    form = PeriodForm(request.GET or None)
    start, end = form.period()
    by_worker = request.GET.get("by") == "worker"
    rows: QuerySet[Any]
    if by_worker:
        rows = selectors.patrol_counts_by_worker(user=user, start=start, end=end)
    else:
        rows = selectors.patrol_counts_by_grid(user=user, start=start, end=end)
    page = _page(request, rows)
    context = {"form": form, "start": start, "end": end, "by_worker": by_worker, "page": page, "rows": page.object_list}
    return render(request, "grids/patrol_counts.html", context)
