"""The drive pages: the list, the create/edit form, the dashboard (figures, by region, by week) and the
drill-down to the cases behind every number; hand tags are added and removed from the dashboard."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from pingan.accounts.access import requires, signed_in_user
from pingan.cases import workflows
from pingan.core.errors import ApplicationError, NotFoundError
from pingan.core.forms import add_service_errors
from pingan.core.jurisdiction import prefix_q

from . import figures, selectors, services
from .filters import DriveFilter
from .forms import DriveForm, TagForm
from .models import Drive

PAGE_SIZE = 30
DRILLDOWN_PAGE_SIZE = 50
TAG_LIMIT = 50


@login_required
def drive_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    drives = selectors.drives_visible_to(user)
    filterset = DriveFilter(request.GET or None, queryset=drives, request=request)
    status = 200
    if filterset.is_bound and not filterset.is_valid():
        status, drives = 400, drives.none()
    elif filterset.is_bound:
        drives = filterset.qs
    page = Paginator(drives.order_by("-start_date", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "drives/drive_list.html",
        {"filter": filterset, "page": page, "can_create": selectors.may_create(user)},
        status=status,
    )


def _drive_or_404(request: HttpRequest, drive_id: int) -> Drive:
    try:
        return selectors.drive_or_404(signed_in_user(request), drive_id)
    except NotFoundError as exc:
        raise Http404(exc.message) from None


def _save(request: HttpRequest, form: DriveForm, drive: Drive | None) -> Drive | None:
    if not form.is_valid():
        return None
    data = form.cleaned_data
    try:
        return services.drive_save(actor=signed_in_user(request), drive=drive, **data)
    except ApplicationError as exc:
        add_service_errors(form, exc)
        return None


@requires(selectors.may_create, gettext_lazy("您的岗位不能组织专项行动"))
@login_required
def drive_new(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = DriveForm(request.POST or None, user=user)
    if request.method == "POST":
        drive = _save(request, form, None)
        if drive is not None:
            messages.success(request, _("已创建专项行动“%(name)s”") % {"name": drive.name})
            return redirect("drive-detail", drive.pk)
    status = 400 if form.is_bound else 200
    return render(request, "drives/drive_form.html", {"form": form, "drive": None}, status=status)


@login_required
def drive_edit(request: HttpRequest, drive_id: int) -> HttpResponse:
    user = signed_in_user(request)
    drive = _drive_or_404(request, drive_id)
    if not selectors.may_manage(user, drive.region):
        return render(request, "403.html", {"exception": _("您无权修改该专项行动")}, status=403)
    form = DriveForm(request.POST or None, user=user, initial=DriveForm.initial_for(drive))
    if request.method == "POST":
        saved = _save(request, form, drive)
        if saved is not None:
            messages.success(request, _("已保存专项行动“%(name)s”") % {"name": saved.name})
            return redirect("drive-detail", saved.pk)
    status = 400 if form.is_bound else 200
    return render(request, "drives/drive_form.html", {"form": form, "drive": drive}, status=status)


def _percent(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 2)


def _detail(request: HttpRequest, drive: Drive, *, tag_form: TagForm | None = None, status: int = 200) -> HttpResponse:
    user = signed_in_user(request)
    try:
        region = selectors.breakdown_region(user, drive, request.GET.get("region", "").strip())
    except NotFoundError as exc:
        raise Http404(exc.message) from None
    cases = selectors.drive_cases_for(user, drive)
    totals = figures.totals(drive, cases)
    region_rows = figures.by_region(drive, cases, region)
    week_rows = figures.by_week(drive, cases)
    cases_url = reverse("drive-cases", args=[drive.pk])
    for row in region_rows:
        row["links"] = {
            code: f"{cases_url}?{urlencode({'figure': code, 'region': region.code, 'area': row['key']})}"
            for code in figures.FIGURES
        }
        row["drill"] = f"?{urlencode({'region': row['key']})}" if row["drillable"] else ""
    for row in week_rows:
        row["links"] = {
            code: f"{cases_url}?{urlencode({'figure': code, 'week': row['key']})}" for code in figures.FIGURES
        }
    charts = {
        "labels": [row["label"] for row in week_rows],
        "found": [row["found"] for row in week_rows],
        "mediated": [row["mediated"] for row in week_rows],
        "success_rate": [_percent(row["success_rate"]) for row in week_rows],
        "texts": {
            "found": _("排查数"),
            "mediated": _("调解终结数"),
            "success_rate": _("调解成功率(%)"),
            "empty": _("暂无数据"),
        },
    }
    visible_tags = drive.tags.filter(prefix_q("case__region_code", user.jurisdiction_prefixes()))
    tags = list(visible_tags.select_related("case", "tagged_by")[:TAG_LIMIT])
    context: dict[str, Any] = {
        "drive": drive,
        "region": region,
        "parent_region": region.parent if region != drive.region and region.parent_id else None,
        "totals": totals,
        **{
            f"{code}_url": f"{cases_url}?{urlencode({'figure': code, 'region': region.code})}"
            for code in figures.FIGURES
        },
        "region_rows": region_rows,
        "week_rows": week_rows,
        "charts": charts,
        "tags": tags,
        "can_manage": selectors.may_manage(user, drive.region),
        "can_tag": selectors.may_tag(user),
        "tag_form": tag_form or TagForm(),
        "definitions": figures.FIGURE_DEFINITIONS,
        "kind_labels": [dict(workflows.kind_choices()).get(kind, kind) for kind in drive.kinds],
    }
    return render(request, "drives/drive_detail.html", context, status=status)


@login_required
def drive_detail(request: HttpRequest, drive_id: int) -> HttpResponse:
    return _detail(request, _drive_or_404(request, drive_id))


@login_required
def drive_cases(request: HttpRequest, drive_id: int) -> HttpResponse:
    """The cases behind a number of the dashboard (the same filter the count used)."""
    user = signed_in_user(request)
    drive = _drive_or_404(request, drive_id)
    figure = request.GET.get("figure", "found")
    error, page, status, region = "", None, 200, None
    try:
        code = request.GET.get("region", "").strip()
        region = selectors.breakdown_region(user, drive, code) if code else None
        cases = figures.drilldown(
            drive,
            selectors.drive_cases_for(user, drive),
            figure=figure,
            region=region,
            area=request.GET.get("area", "").strip(),
            week=request.GET.get("week", "").strip(),
        ).select_related("category", "region")
        page = Paginator(cases, DRILLDOWN_PAGE_SIZE).get_page(request.GET.get("page"))
    except NotFoundError as exc:
        raise Http404(exc.message) from None
    except ApplicationError as exc:
        error, status = exc.message, 400
    rows = []
    if page is not None:
        tagged = dict(drive.tags.filter(case_id__in=[c.pk for c in page]).values_list("case_id", "mode"))
        for case in page:
            rows.append(
                {"case": case, "status": workflows.get(case.kind).state_label(case.status), "tag": tagged.get(case.pk)}
            )
    return render(
        request,
        "drives/drive_cases.html",
        {
            "drive": drive,
            "figure": figure,
            "figure_name": figures.FIGURE_NAMES.get(figure, figure),
            "figure_definition": figures.FIGURE_DEFINITIONS.get(figure, ""),
            "region": region,
            "area": request.GET.get("area", ""),
            "week": request.GET.get("week", ""),
            "error": error,
            "page": page,
            "rows": rows,
        },
        status=status,
    )


def _tag_post(request: HttpRequest, drive_id: int, *, remove: bool) -> HttpResponse:
    user = signed_in_user(request)
    drive = _drive_or_404(request, drive_id)
    data = request.POST
    try:
        if remove:
            services.drive_untag(drive=drive, case_ref=data.get("case", ""), actor=user, reason=data.get("reason", ""))
            messages.success(request, _("已取消标记"))
        else:
            services.drive_tag(
                drive=drive,
                case_ref=data.get("case", ""),
                actor=user,
                mode=data.get("mode", ""),
                reason=data.get("reason", ""),
            )
            messages.success(request, _("已标记"))
    except ApplicationError as exc:
        if exc.status_code == 403:
            return render(request, "403.html", {"exception": exc.message}, status=403)
        form = TagForm(request.POST)
        form.is_valid()
        add_service_errors(form, exc)
        return _detail(request, drive, tag_form=form, status=400)
    return redirect("drive-detail", drive.pk)


@login_required
@require_POST
def drive_tag(request: HttpRequest, drive_id: int) -> HttpResponse:
    return _tag_post(request, drive_id, remove=False)


@login_required
@require_POST
def drive_untag(request: HttpRequest, drive_id: int) -> HttpResponse:
    return _tag_post(request, drive_id, remove=True)
