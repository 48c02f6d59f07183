"""The staff web UI of the case engine: workbench, intake, list and export, detail with its actions.

Views read through selectors (which start from what the user may see: anything else is a 404) and write
only through services; an ApplicationError from a service is shown on the page with its status code."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from pingan.accounts.access import open_to_administrators, requires, sees_business_data, signed_in_user
from pingan.accounts.choices import ADMIN_ROLES, Role
from pingan.core.audit import audit_log
from pingan.core.errors import ApplicationError
from pingan.core.forms import add_service_errors
from pingan.core.models import AuditAction
from pingan.geo.coords import CoordSystem

from . import exports, files, selectors, services, workflows
from .choices import ExtensionStatus, Light
from .exports import cases_xlsx
from .extensions import extensions_for
from .filters import CaseFilter
from .forms import BasePartyFormSet, CaseIntakeForm, PartyEditForm, PartyFormSet, action_form, intake_regions
from .models import Case, ExportJob, ExtensionRequest, Notification, Party, open_light_q
from .parties import party_values
from .workbench import sections_for

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from pingan.accounts.models import User

    class HtmxHttpRequest(HttpRequest):
        """A request through django-htmx's middleware, which sets `htmx` (the pattern its docs give)."""

        htmx: HtmxDetails


PAGE_SIZE = 50
WORKBENCH_LIMIT = 100
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
INLINE_TYPES = ("image/",)
PARTY_ERROR_KEY = re.compile(r"^parties\[(\d+)\]\.(\w+)$")


def _visible_case(request: HttpRequest, case_id: int, *, detail: bool = False) -> Case:
    source = selectors.case_detail if detail else selectors.case_list
    return selectors.case_visible_or_404(source(user=request.user), case_id)


# --- workbench -------------------------------------------------------------------------------------


def _pending_extensions(user: User) -> list[ExtensionRequest]:
    """Extension requests this user may decide now (centre heads of the case's organisation, or centres
    above it), read from the kinds' declared `approve_extension` transition."""
    if not user.has_role(Role.CENTRE_HEAD, Role.CENTRE_STAFF):
        return []
    pending = (
        ExtensionRequest.objects.filter(
            status=ExtensionStatus.PENDING,
            case__in=selectors.cases_visible_to(user).open(),
        )
        .select_related("case__assigned_org__region", "case__category", "requested_by")
        .order_by("requested_at")[:50]
    )
    decidable = []
    for request in pending:
        case = request.case
        try:
            transition = workflows.get(case.kind).transition("approve_extension")
        except ApplicationError:
            continue
        if transition is None or case.status not in transition.sources or request.requested_by_id == user.pk:
            continue
        rel = workflows.relation(case, user)
        if rel.own_roles & transition.roles or rel.superior_roles & transition.superior_roles:
            decidable.append(request)
    return decidable


@open_to_administrators(*ADMIN_ROLES)
@login_required
def workbench(request: HttpRequest) -> HttpResponse:
    """The first screen after signing in; administrators (三员分立) work in the back office instead."""
    user = signed_in_user(request)
    if not sees_business_data(user):
        return redirect("admin:index")
    now = timezone.now()
    work = selectors.my_work(user=user)
    counts = work.aggregate(
        **{light: Count("pk", filter=open_light_q(light, now)) for light in (Light.RED, Light.YELLOW, Light.GREEN)}
    )
    light = request.GET.get("light", "")
    if light in (Light.GREEN, Light.YELLOW, Light.RED):
        work = work.with_light(light, now)
    else:
        light = ""
    notifications = Notification.objects.filter(user=user, read_at__isnull=True).select_related("case")
    context = {
        "cases": list(work[:WORKBENCH_LIMIT]),
        "limit": WORKBENCH_LIMIT,
        "light": light,
        "counts": counts,
        "lights": [(Light.RED, counts["red"]), (Light.YELLOW, counts["yellow"]), (Light.GREEN, counts["green"])],
        "extensions": _pending_extensions(user),
        "notifications": list(notifications[:20]),
        "can_register": services.can_register(user),
    }
    sections, section_context = sections_for(user)  # grid work, the leader's city view, …
    context.update(section_context, sections=sections, section_actions=[s.actions for s in sections if s.actions])
    return render(request, "cases/workbench.html", context)


@login_required
@require_POST
def notification_read(request: HtmxHttpRequest, notification_id: int) -> HttpResponse:
    services.notification_mark_read(user=signed_in_user(request), notification_id=notification_id)
    if request.htmx:
        return HttpResponse("")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = ""
    return redirect(target or "workbench")


# --- intake ----------------------------------------------------------------------------------------


def place_errors(exc: ApplicationError, form: forms.Form, formset: BasePartyFormSet, rows: list[int]) -> list[str]:
    """Put the service's field errors on the form and the party rows (`rows`: the formset row of each party
    passed to the service); return what fits nowhere. Any kind's intake page with the party formset uses it."""
    general: list[str] = []
    placed = False
    for key, field_messages in exc.fields.items():
        match = PARTY_ERROR_KEY.match(key)
        for message in field_messages:
            if match:
                index, name = int(match[1]), match[2]
                if index < len(rows) and name in formset.forms[rows[index]].fields:
                    formset.forms[rows[index]].add_error(name, message)
                    placed = True
                    continue
            elif key in form.fields:
                form.add_error(key, message)
                placed = True
                continue
            general.append(message)
    if not placed and not general:
        general.append(exc.message)
    return general


@requires(services.can_register, gettext_lazy("您的岗位不能登记案件"))
@login_required
def case_new(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    status = 200
    general_errors: list[str] = []
    pending: list[files.PendingUpload] = []
    if request.method == "POST":
        form = CaseIntakeForm(request.POST, request.FILES, user=user)
        formset = PartyFormSet(request.POST, prefix="parties")
        # Files chosen on an earlier try that came back with errors (see files.pending_keep).
        pending = files.pending_resolve(user=user, tokens=request.POST.getlist("pending_attachments"))
        status = 400
        if form.is_valid() and formset.is_valid():
            rows = formset.parties()
            data = form.cleaned_data
            kept = [upload.open() for upload in pending]
            try:
                case = services.case_register(
                    actor=user,
                    kind=data["kind"],
                    category=data["category"],
                    title=data["title"],
                    description=data["description"],
                    channel=data["channel"],
                    urgency=data["urgency"],
                    region=data["region"],
                    address=data["address"],
                    lat=data["lat"],
                    lng=data["lng"],
                    coord_system=data["coord_system"],
                    parties=[party for _index, party in rows],
                    attachments=[*kept, *data["attachments"]],
                )
            except ApplicationError as exc:
                general_errors = place_errors(exc, form, formset, [index for index, _party in rows])
                status = exc.status_code
            else:
                files.pending_discard(pending)
                messages.success(
                    request,
                    _("已登记,编号 %(number)s,已分流至 %(org)s")
                    % {"number": case.number, "org": case.assigned_org.name},
                )
                for notice in formset.id_number_notices():
                    messages.info(request, notice)
                return redirect("case-detail", case_id=case.pk)
            finally:
                for handle in kept:
                    handle.close()
        pending += files.pending_keep(user=user, uploads=request.FILES.getlist("attachments"))
    else:
        form = CaseIntakeForm(user=user)
        formset = PartyFormSet(prefix="parties")
    context = {
        "form": form,
        "formset": formset,
        "general_errors": general_errors,
        "pending": pending,
        "has_regions": intake_regions(user).exists(),  # the form's choice of regions
        "map_config": _intake_map_config(),
    }
    return render(request, "cases/case_form.html", context, status=status)


def _intake_map_config() -> dict[str, Any]:
    """What the intake form's map (static/map/intake.js) reads: the outlines and locator of the grid app."""
    return {
        "regionsUrl": reverse("api-map-regions"),
        "locateUrl": reverse("api-locate"),
        "wgs84": CoordSystem.WGS84,
        "texts": {
            "hint": _("点击地图上案发地点,自动填写经纬度(WGS-84)并显示所在网格;可滚动或双指缩放。"),
            "loading": _("正在加载地图…"),
            "locating": _("正在定位所在网格…"),
            "inGrid": _("所在网格:%(place)s"),
            "outside": _("该点不在任何网格内,请选择所在区划"),
            "outsideJurisdiction": _("该点不在您的辖区内"),
            "noShapes": _("本辖区暂无边界数据,请直接填写经纬度或选择区划"),
            "error": _("地图数据加载失败,请直接填写经纬度"),
        },
    }


# --- list and export -------------------------------------------------------------------------------


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    filterset = CaseFilter(request.GET, queryset=selectors.case_list(user=request.user), request=request)
    paginator = Paginator(filterset.qs, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "filter": filterset,
        "page": page,
        "cases": page.object_list,
        "filtered": bool(filterset.active_filters()),
    }
    return render(request, "cases/case_list.html", context)


@login_required
def case_export(request: HttpRequest) -> HttpResponse:
    filterset = CaseFilter(request.GET, queryset=selectors.case_list(user=request.user), request=request)
    query = request.GET.urlencode()
    back_to_list = reverse("case-list") + (f"?{query}" if query else "")
    if not filterset.is_valid():  # the list shows which condition is wrong; nothing is exported
        messages.error(request, _("筛选条件有误,请修改后再导出"))
        return redirect(back_to_list)
    queryset = filterset.qs
    rows = queryset.count()
    if exports.needs_job(user=request.user, rows=rows, region_filter=request.GET.get("region", "")):
        # The whole city or a large list: an export job, with a reason (cases.exports).
        context = {"rows": rows, "query": query, "filters": _filter_labels(filterset), "back_to_list": back_to_list}
        return render(request, "cases/export_request.html", context)
    content = cases_xlsx(queryset, masked=True)
    audit_log(
        actor=request.user,
        action=AuditAction.EXPORT,
        object_type="cases.case",
        changes={"filters": filterset.active_filters(), "rows": rows, "masked": True, "format": "xlsx"},
    )
    filename = _("案件列表-%(date)s.xlsx") % {"date": timezone.localtime().strftime("%Y%m%d-%H%M")}
    return HttpResponse(
        content,
        content_type=XLSX,
        headers={
            "Content-Disposition": content_disposition_header(True, filename),
            "Cache-Control": "no-store",
        },
    )


def _filter_labels(filterset: CaseFilter) -> list[tuple[str, Any]]:
    """The filters in effect as the form names them (区划: 430202), for the export request page."""
    fields = filterset.form.fields
    return [
        (str(fields[name].label) if name in fields else name, value)
        for name, value in filterset.active_filters().items()
    ]


@login_required
@require_POST
def export_job_new(request: HttpRequest) -> HttpResponse:
    """Start an export job with the list's filters (as the request form carried them) and a reason."""
    user = signed_in_user(request)
    query = request.POST.get("query", "")
    params = QueryDict(query)
    filterset = CaseFilter(params, queryset=selectors.case_list(user=user), request=request)
    back_to_list = reverse("case-list") + (f"?{query}" if query else "")
    if not filterset.is_valid():
        messages.error(request, _("筛选条件有误,请修改后再导出"))
        return redirect(back_to_list)
    rows = filterset.qs.count()
    filters = filterset.active_filters()
    try:
        job = exports.export_job_start(
            actor=user, query=params.dict(), filters=filters, rows=rows, reason=request.POST.get("reason", "")
        )
    except ApplicationError as exc:
        context = {
            "rows": rows,
            "query": query,
            "filters": _filter_labels(filterset),
            "back_to_list": back_to_list,
            "error": exc.message,
        }
        return render(request, "cases/export_request.html", context, status=exc.status_code)
    return redirect("case-export-job", job_id=job.pk)


@login_required
@never_cache
def export_job(request: HtmxHttpRequest, job_id: int) -> HttpResponse:
    """The job's progress; the page polls its status part with htmx until it is finished."""
    job = ExportJob.objects.filter(pk=job_id, requester=signed_in_user(request)).first()
    if job is None:
        raise Http404(_("导出任务不存在"))
    template = "cases/partials/export_status.html" if request.htmx else "cases/export_job.html"
    return render(request, template, {"job": job})


@login_required
@never_cache
def export_job_download(request: HttpRequest, job_id: int) -> HttpResponse | FileResponse:
    try:
        job, handle = exports.export_job_open(job_id=job_id, actor=signed_in_user(request))
    except ApplicationError as exc:
        if exc.status_code == 404:
            raise Http404(exc.message) from None
        messages.error(request, exc.message)
        return redirect("case-export-job", job_id=job_id)
    filename = _("案件列表-%(date)s.xlsx") % {"date": timezone.localtime(job.created_at).strftime("%Y%m%d-%H%M")}
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX)
    response["Cache-Control"] = "no-store"
    return response


# --- detail ----------------------------------------------------------------------------------------


def _action_panels(
    case: Case,
    user: User,
    *,
    bound_action: str = "",
    data: Mapping[str, Any] | None = None,
    error: ApplicationError | None = None,
) -> list[dict[str, Any]]:
    panels = []
    for transition in workflows.allowed_transitions(case, user):
        is_bound = transition.action == bound_action
        form = action_form(transition, case, data=data if is_bound else None)
        if is_bound and error is not None:
            form.is_valid()
            if error.fields:  # a refusal that names no field is shown above the page, not in the panel
                add_service_errors(form, error)
        panels.append({"transition": transition, "form": form, "open": is_bound})
    return panels


def _render_detail(
    request: HttpRequest,
    case: Case,
    *,
    status: int = 200,
    error: ApplicationError | None = None,
    bound_action: str = "",
    action_data: Mapping[str, Any] | None = None,
    full_parties: list[Party] | None = None,
    unmask_error: str = "",
    upload_error: str = "",
) -> HttpResponse:
    user = signed_in_user(request)
    workflow = workflows.get(case.kind)
    rel = workflows.relation(case, user)
    can_unmask = services.can_unmask(case, user)
    context: dict[str, Any] = {
        "case": case,
        "workflow": workflow,
        "state_label": workflow.state_label(case.status),
        "light": case.light(),
        "panels": _action_panels(case, user, bound_action=bound_action, data=action_data, error=error),
        "error": error,
        "events": selectors.case_events(case=case),
        "parties": full_parties if full_parties is not None else list(case.parties.all()),
        "full": full_parties is not None,
        "can_unmask": can_unmask,
        "unmask_error": unmask_error,
        "attachments": list(case.attachments.all()),
        "can_upload": not case.is_closed and (bool(rel.own_roles) or rel.is_assignee),
        "upload_error": upload_error,
        "children": list(case.children.all()),
        "pending_extension": case.extensions.filter(status=ExtensionStatus.PENDING).first(),
        "main_panels": [],
        "side_panels": [],
    }
    for panel in workflow.panels:  # what the kind adds to the page (e.g. the mediation record)
        if panel.context is not None:
            context.update(panel.context(case, user))
        context["side_panels" if panel.column == "side" else "main_panels"].append(panel)
    extensions, extension_context = extensions_for(case, user)  # what other apps add (cases.extensions)
    context.update(extension_context)
    for extension in extensions:
        context["side_panels" if extension.column == "side" else "main_panels"].append(extension)
    response = render(request, "cases/case_detail.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@never_cache
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    return _render_detail(request, _visible_case(request, case_id, detail=True))


@login_required
@require_POST
def case_action(request: HttpRequest, case_id: int, action: str) -> HttpResponse:
    case = _visible_case(request, case_id)
    data = request.POST.dict()
    data.pop("csrfmiddlewaretoken", None)
    try:
        services.case_transition(case=case, actor=signed_in_user(request), action=action, data=data)
    except ApplicationError as exc:
        return _render_detail(
            request,
            _visible_case(request, case_id, detail=True),
            status=exc.status_code,
            error=exc,
            bound_action=action,
            action_data=data,
        )
    transition = workflows.get(case.kind).transition(action)
    messages.success(request, _("已完成“%(action)s”") % {"action": transition.label if transition else action})
    return redirect("case-detail", case_id=case.pk)


@login_required
@require_POST
@never_cache
def case_unmask(request: HtmxHttpRequest, case_id: int) -> HttpResponse:
    user = signed_in_user(request)
    case = _visible_case(request, case_id, detail=True)
    reason = request.POST.get("reason", "")
    parties: list[Party] | None
    try:
        parties = services.parties_unmask(case=case, actor=user, reason=reason)
    except ApplicationError as exc:
        status, parties, unmask_error = exc.status_code, None, exc.message
    else:
        status, unmask_error = 200, ""
    if request.htmx:
        context = {
            "case": case,
            "parties": parties if parties is not None else list(case.parties.all()),
            "full": parties is not None,
            "can_unmask": services.can_unmask(case, user),
            "unmask_error": unmask_error,
        }
        response = render(request, "cases/partials/parties.html", context, status=status)
        response["Cache-Control"] = "no-store"
        return response
    return _render_detail(request, case, status=status, full_parties=parties, unmask_error=unmask_error)


@login_required
@never_cache
def party_edit(request: HttpRequest, case_id: int, party_id: int) -> HttpResponse:
    """补充/更正当事人信息: the party's form in full, for those who work the open case (the view is logged)."""
    user = signed_in_user(request)
    case = _visible_case(request, case_id)
    try:
        party = services.party_open(case=case, actor=user, party_id=party_id)
    except ApplicationError as exc:
        if exc.status_code == 404:
            raise Http404(exc.message) from None
        raise PermissionDenied(exc.message) from None
    status = 200
    if request.method == "POST":
        form = PartyEditForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            token = data.pop("edit_token", None)
            try:
                services.party_update(case=case, actor=user, party_id=party.pk, data=data, edit_token=token)
            except ApplicationError as exc:
                add_service_errors(form, exc)
                status = exc.status_code  # 409 for an edit of a stale copy
            else:
                messages.success(request, _("当事人信息已保存"))
                return redirect("case-detail", case_id=case.pk)
        else:
            status = 400
    else:
        initial = party_values(party)
        if party.id_number:  # shown as "按身份证号码": read from the number again, so a new number brings its own
            initial.update(gender="", birth_date=None)
        form = PartyEditForm(initial={**initial, "edit_token": services.party_edit_token(party)})
    response = render(request, "cases/party_form.html", {"case": case, "party": party, "form": form}, status=status)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def attachment_upload(request: HttpRequest, case_id: int) -> HttpResponse:
    user = signed_in_user(request)
    case = _visible_case(request, case_id)
    uploads = request.FILES.getlist("files")
    if not uploads:
        return _render_detail(
            request, _visible_case(request, case_id, detail=True), status=400, upload_error=_("请选择要上传的文件")
        )
    added = 0
    try:
        for upload in uploads:
            services.attachment_add(case=case, actor=user, upload=upload)
            added += 1
    except ApplicationError as exc:
        message = exc.message
        if added:
            message = _("已上传 %(added)s 个文件;%(message)s") % {"added": added, "message": message}
        return _render_detail(
            request, _visible_case(request, case_id, detail=True), status=exc.status_code, upload_error=message
        )
    messages.success(request, _("已上传 %(count)s 个附件") % {"count": added})
    return redirect("case-detail", case_id=case.pk)


@login_required
def attachment_download(request: HttpRequest, case_id: int, attachment_id: int) -> FileResponse:
    """Files are served only through here, after the jurisdiction check; never from a public media URL."""
    case = _visible_case(request, case_id)
    try:
        attachment, handle = services.attachment_open(
            case=case, actor=signed_in_user(request), attachment_id=attachment_id
        )
    except ApplicationError as exc:
        raise Http404(exc.message) from None
    response = FileResponse(
        handle,
        as_attachment=not attachment.content_type.startswith(INLINE_TYPES),
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response
