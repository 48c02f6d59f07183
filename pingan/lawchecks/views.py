"""The legal services' pages: the register (/lawservices/, filtered by the one LegalServiceFilter the API
shares), the workstation's "offer a service" form, the report downloads (audit-logged); and the portal's
pages (book a 体检, the self-check questionnaire, 我的体检 with the issued report). A service's detail is the
engine's case page, with the kind's panels and its actions."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from pingan.accounts.access import requires, signed_in_user
from pingan.cases import workflows
from pingan.cases.models import Case, Category
from pingan.cases.services import can_register
from pingan.core.audit import audit_log
from pingan.core.errors import ApplicationError
from pingan.core.models import AuditAction
from pingan.lawguard.models import Enterprise
from pingan.lawguard.portal import NOT_AN_ENTERPRISE, portal_view

from . import documents, selectors, services
from .choices import KIND
from .filters import LegalServiceFilter
from .forms import BookForm, OfferForm, SelfCheckForm
from .models import LegalService

PAGE_SIZE = 30
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


@login_required
def service_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    filterset = LegalServiceFilter(request.GET, queryset=selectors.services_for(user), request=request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    workflow = workflows.get(KIND)
    for case in page.object_list:
        case.state_label = workflow.state_label(case.status)
    context = {
        "filter": filterset,
        "page": page,
        "services": page.object_list,
        "can_offer": can_register(user),
        "filtered": any(request.GET.get(name) for name in filterset.filters),
    }
    return render(request, "lawchecks/service_list.html", context)


def _refused(request: HttpRequest, form: Any, error: ApplicationError, template: str) -> HttpResponse:
    """The page again with the service's refusal on its field (or above the form), and its 4xx status."""
    placed = False
    for key, messages in error.fields.items():
        for message in messages:
            form.add_error(key if key in form.fields else None, message)
            placed = True
    if not placed:
        form.add_error(None, error.message)
    return render(request, template, {"form": form}, status=error.status_code)


def _categories() -> list[tuple[str, str]]:
    return [(c.code, c.name) for c in Category.objects.filter(kind=KIND, is_active=True).order_by("sort_order")]


@requires(can_register, gettext_lazy("您的岗位不能登记法律服务"))
@login_required
@never_cache
def service_offer(request: HttpRequest) -> HttpResponse:
    """The workstation offers a 体检 (or another service) to an enterprise in its jurisdiction."""
    user = signed_in_user(request)
    form = OfferForm(request.POST or None, categories=_categories())
    template = "lawchecks/offer.html"
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            enterprise = Enterprise.objects.filter(credit_code=data["credit_code"].strip().upper()).first()
            try:
                if enterprise is None or not user.can_see_code(enterprise.region_code):
                    raise ApplicationError(_("企业不存在或不在您的辖区内"), field="credit_code")
                case = services.service_register(
                    actor=user,
                    enterprise=enterprise,
                    category=Category.objects.get(code=data["category"]),
                    origin="offered",
                    wished_date=data["wished_date"],
                    wished_slot=data["wished_slot"],
                    concerns=data["concerns"],
                )
                return redirect("case-detail", case.pk)
            except ApplicationError as error:
                return _refused(request, form, error, template)
        status = 400
    return render(request, template, {"form": form}, status=status)


def _report_response(request: HttpRequest, service: LegalService, fmt: str) -> HttpResponse:
    """The report as a file: the frozen attachment once issued (rendered now for one issued without its
    documents, 补录); the draft rendered on the fly before. Every download is logged."""
    if fmt not in CONTENT_TYPES:
        raise Http404
    attachment = service.report_docx if fmt == "docx" else service.report_pdf
    if attachment is not None:
        with attachment.file.open("rb") as handle:
            content = handle.read()
    else:
        content = documents.report_docx(service) if fmt == "docx" else documents.report_pdf(service)
    audit_log(
        actor=request.user,
        action=AuditAction.DOWNLOAD,
        obj=service.case,
        region_code=service.case.region_code,
        changes={"report": service.report_number or "draft", "format": fmt},
    )
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(documents.filename(service, fmt))}"
    return response


@login_required
def service_report(request: HttpRequest, case_id: int, fmt: str) -> HttpResponse:
    user = signed_in_user(request)
    case = selectors.services_for(user).filter(pk=case_id).first()
    if case is None or not hasattr(case, "legalservice") or case.legalservice.drafted_at is None:
        raise Http404(_("报告不存在或不在您的辖区内"))
    return _report_response(request, case.legalservice, fmt)


# --- the portal ----------------------------------------------------------------------------------------


def enterprise_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A portal page (lawguard.portal.portal_view), refused (403) to a user without an enterprise account:
    the access marks admit every signed-in user, so the page checks `request.enterprise` itself."""

    @wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if getattr(request, "enterprise", None) is None:
            raise PermissionDenied(NOT_AN_ENTERPRISE)
        return view(request, *args, **kwargs)

    return portal_view(checked)


@enterprise_only
def portal_list(request: HttpRequest) -> HttpResponse:
    rows = list(selectors.portal_services(request.enterprise))  # type: ignore[attr-defined]
    return render(request, "lawchecks/portal_list.html", {"services": rows})


@enterprise_only
@never_cache
def portal_book(request: HttpRequest) -> HttpResponse:
    form = BookForm(request.POST or None)
    template = "lawchecks/portal_book.html"
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.portal_book(user=signed_in_user(request), enterprise=request.enterprise, **form.cleaned_data)  # type: ignore[attr-defined]
                return redirect("lawchecks-portal-list")
            except ApplicationError as error:
                return _refused(request, form, error, template)
        status = 400
    return render(request, template, {"form": form}, status=status)


def _own(request: HttpRequest, case_id: int) -> LegalService:
    service = selectors.portal_services(request.enterprise).filter(pk=case_id).first()  # type: ignore[attr-defined]
    if service is None:
        raise Http404(_("体检不存在"))
    return service


@enterprise_only
@never_cache
def portal_self_check(request: HttpRequest, case_id: int) -> HttpResponse:
    """The self-check questionnaire: one page, each item 符合/不符合/不适用 with a note."""
    service = _own(request, case_id)
    case: Case = service.case
    form = SelfCheckForm(request.POST or None)
    form.for_case(case)
    status = 200
    if request.method == "POST":
        try:
            services.portal_self_check(
                user=signed_in_user(request),
                enterprise=service.enterprise,
                case=case,
                answers={
                    key[5:]: {"answer": value, "note": request.POST.get(f"note_{key[5:]}", "")}
                    for key, value in request.POST.items()
                    if key.startswith("item_") and value
                },
            )
            return redirect("lawchecks-portal-list")
        except ApplicationError as error:
            form.add_error(None, error.message)
            status = 409 if error.status_code == 409 else 400
    context: dict[str, Any] = {"form": form, "service": service, "open": case.status == "self_check"}
    return render(request, "lawchecks/portal_self_check.html", context, status=status)


@enterprise_only
def portal_report(request: HttpRequest, case_id: int, fmt: str) -> HttpResponse:
    service = _own(request, case_id)
    if service.issued_at is None:
        raise Http404(_("报告尚未出具"))
    return _report_response(request, service, fmt)
