"""The camera register in the staff web UI (雪亮工程点位): list with filters, counts, detail, create, edit,
and the import of a whole file. Reads go through selectors (anything outside the jurisdiction is a 404),
writes through services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from pingan.accounts.access import open_to_administrators, signed_in_user
from pingan.accounts.choices import Role
from pingan.accounts.models import User
from pingan.core.errors import ApplicationError, PermissionDeniedError
from pingan.core.forms import add_service_errors
from pingan.regions.choices import RegionLevel
from pingan.regions.services import ImportResult

from . import selectors, services
from .filters import CameraFilter
from .forms import CameraForm, CameraImportForm
from .importing import read_camera_file
from .models import Camera

PAGE_SIZE = 50
MAX_ERRORS_SHOWN = 200
# The register is reference data that system administrators maintain too (services check where).
for_administrators = open_to_administrators(Role.SYSADMIN)


def _can_edit(user: User) -> bool:
    return services.edit_prefixes(user) != []


def _require_editor(user: User) -> None:
    if not _can_edit(user):
        raise PermissionDenied(_("只有综治中心工作人员和系统管理员可以维护视频监控点位"))


@for_administrators
@login_required
def camera_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    filterset = CameraFilter(request.GET, queryset=selectors.camera_list(user=user))
    page = Paginator(filterset.qs.order_by("code"), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filter": filterset,
        "page": page,
        "cameras": page.object_list,
        "can_edit": _can_edit(user),
    }
    return render(request, "cameras/camera_list.html", context)


@for_administrators
@login_required
def camera_counts(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    region = selectors.scope_region(user=user, code=request.GET.get("region", ""))
    counts = selectors.camera_counts(user=user, region=region)
    context = {
        **counts,
        "breadcrumbs": selectors.breadcrumbs(user=user, region=region),
        "drillable": region is None or region.level < RegionLevel.COMMUNITY,
    }
    return render(request, "cameras/camera_counts.html", context)


@for_administrators
@login_required
def camera_detail(request: HttpRequest, camera_id: int) -> HttpResponse:
    user = signed_in_user(request)
    camera = selectors.camera_get(user=user, camera_id=camera_id)
    places = selectors.breadcrumbs(user=user, region=camera.grid)
    context = {"camera": camera, "places": places, "can_edit": _can_edit(user)}
    return render(request, "cameras/camera_detail.html", context)


def _save(request: HttpRequest, form: CameraForm, camera: Camera | None = None) -> tuple[Camera | None, int]:
    """Call the service with the form's data; (camera, status) — camera None when refused."""
    user = signed_in_user(request)
    data = dict(form.cleaned_data)
    try:
        if camera is None:
            return services.camera_create(actor=user, **data), 200
        data.pop("code", None)
        return services.camera_update(actor=user, camera=camera, **data), 200
    except PermissionDeniedError:
        raise  # a 403 page (ServiceErrorMiddleware), not a form error
    except ApplicationError as exc:
        add_service_errors(form, exc, aliases={"location": "lng"})
        return None, exc.status_code


@for_administrators
@login_required
def camera_new(request: HttpRequest) -> HttpResponse:
    _require_editor(signed_in_user(request))
    status = 200
    form = CameraForm(request.POST or None)
    if request.method == "POST":
        status = 400
        if form.is_valid():
            camera, status = _save(request, form)
            if camera is not None:
                messages.success(
                    request, _("已登记点位 %(code)s,位于 %(grid)s") % {"code": camera.code, "grid": camera.grid.name}
                )
                return redirect("camera-detail", camera_id=camera.pk)
    return render(request, "cameras/camera_form.html", {"form": form, "camera": None}, status=status)


@for_administrators
@login_required
def camera_edit(request: HttpRequest, camera_id: int) -> HttpResponse:
    user = signed_in_user(request)
    camera = selectors.camera_get(user=user, camera_id=camera_id)
    _require_editor(user)
    status = 200
    form = CameraForm(request.POST or None, camera=camera)
    if request.method == "POST":
        status = 400
        if form.is_valid():
            saved, status = _save(request, form, camera)
            if saved is not None:
                messages.success(request, _("已保存点位 %(code)s") % {"code": saved.code})
                return redirect("camera-detail", camera_id=saved.pk)
    return render(request, "cameras/camera_form.html", {"form": form, "camera": camera}, status=status)


@for_administrators
@login_required
def camera_import(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    _require_editor(user)
    result: ImportResult | None = None
    status = 200
    form = CameraImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                rows = read_camera_file(form.cleaned_data["file"])
                result = services.cameras_import(rows=rows, actor=user, coord_system=form.cleaned_data["coord_system"])
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
    return render(request, "cameras/camera_import.html", context, status=status)
