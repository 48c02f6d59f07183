"""Staff pages of 法治护航's outcomes: the suggestions (/lawguard/suggestions/, with the 回访 and overdue
views and the lifecycle's actions), dispute help (/lawguard/dispute-help/new/?enterprise=…), the recovered-loss
ledger (/lawguard/losses/, totals, Excel export, recording a loss). Reads start from the user's jurisdiction;
writes go through outcome_services; a refusal re-renders the page with its status code."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from pingan.accounts.access import signed_in_user
from pingan.core.audit import audit_log
from pingan.core.errors import ApplicationError
from pingan.core.forms import add_service_errors
from pingan.core.models import AuditAction
from pingan.core.spreadsheets import text_cell

from . import outcome_selectors as sel
from . import outcome_services as svc
from .choices import SuggestionStatus
from .models import Enterprise, Suggestion
from .outcome_filters import LossFilter, SuggestionFilter
from .outcome_forms import (
    SERVICE_ERROR_ALIASES,
    AcceptForm,
    DeclineForm,
    DisputeHelpForm,
    ImplementForm,
    LossForm,
    VerifyForm,
)
from .selectors import enterprises_for

PAGE_SIZE = 30
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
S = SuggestionStatus

# action → (form, service, the states it starts from, staff only)
ACTIONS: dict[str, tuple[type, Any, set[str]]] = {
    "accept": (AcceptForm, svc.suggestion_accept, {S.ISSUED}),
    "decline": (DeclineForm, svc.suggestion_decline, {S.ISSUED}),
    "implement": (ImplementForm, svc.suggestion_implement, {S.ACCEPTED}),
    "verify": (VerifyForm, svc.suggestion_verify, {S.IMPLEMENTED}),
}
ACTION_LABELS = {
    "accept": _("记录企业采纳"),
    "decline": _("记录企业不采纳"),
    "implement": _("记录已落实"),
    "verify": _("回访验证"),
}


def action_call(action: str, *, actor: Any, suggestion: Suggestion, data: dict[str, Any]) -> Suggestion:
    """Run one lifecycle action with a form's (or a serializer's) cleaned data."""
    service = ACTIONS[action][1]
    if action == "decline":
        return service(actor=actor, suggestion=suggestion, reason=data["reason"])
    if action == "accept":
        return service(actor=actor, suggestion=suggestion, reply=data.get("reply", ""))
    if action == "implement":
        return service(actor=actor, suggestion=suggestion, note=data["note"])
    return service(
        actor=actor,
        suggestion=suggestion,
        note=data["note"],
        at=data.get("at"),
        implemented=data.get("implemented", True),
    )


def available_actions(suggestion: Suggestion) -> list[str]:
    return [name for name, (_form, _service, states) in ACTIONS.items() if suggestion.status in states]


@login_required
def suggestion_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    filterset = SuggestionFilter(request.GET or None, queryset=sel.suggestions_for(user), request=request)
    queryset = filterset.qs if filterset.is_bound else sel.suggestions_for(user)
    page = Paginator(queryset.order_by("revisit_on", "-issued_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    return render(
        request,
        "lawguard/outcomes/suggestion_list.html",
        {"filter": filterset, "page": page, "today": today},
        status=400 if filterset.is_bound and filterset.errors else 200,
    )


def _render_suggestion(
    request: HttpRequest, suggestion: Suggestion, *, forms: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    forms = forms or {}
    names = available_actions(suggestion)
    names += [name for name in forms if name not in names]  # a refused action's form, with its error
    actions = [(name, ACTION_LABELS[name], forms.get(name) or ACTIONS[name][0]()) for name in names]
    context = {
        "suggestion": suggestion,
        "actions": actions,
        "versions": sel.suggestion_history(suggestion),
        "today": timezone.localdate(),
    }
    return render(request, "lawguard/outcomes/suggestion_detail.html", context, status=status)


@login_required
def suggestion_detail(request: HttpRequest, suggestion_id: int) -> HttpResponse:
    user = signed_in_user(request)
    return _render_suggestion(request, sel.suggestion_visible_or_404(sel.suggestions_for(user), suggestion_id))


@login_required
@require_POST
def suggestion_action(request: HttpRequest, suggestion_id: int, action: str) -> HttpResponse:
    user = signed_in_user(request)
    suggestion = sel.suggestion_visible_or_404(sel.suggestions_for(user), suggestion_id)
    if action not in ACTIONS:
        raise Http404
    form = ACTIONS[action][0](request.POST)
    status = 400
    if form.is_valid():
        try:
            action_call(action, actor=user, suggestion=suggestion, data=form.cleaned_data)
        except ApplicationError as exc:
            add_service_errors(form, exc)
            status = exc.status_code
        else:
            messages.success(request, _("已保存"))
            return redirect("lawguard-suggestion-detail", suggestion_id=suggestion.pk)
    suggestion.refresh_from_db()
    return _render_suggestion(request, suggestion, forms={action: form}, status=status)


# --- dispute help ---------------------------------------------------------------------------------------


@login_required
def dispute_help_new(request: HttpRequest) -> HttpResponse:
    """申请纠纷化解 on behalf of an enterprise of the jurisdiction (?enterprise=<id>)."""
    user = signed_in_user(request)
    enterprise = enterprises_for(user).filter(pk=_int(request.GET.get("enterprise"))).first()
    if enterprise is None:
        raise Http404
    form = DisputeHelpForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                case = svc.dispute_help_open(actor=user, enterprise=enterprise, **form.service_kwargs())
            except ApplicationError as exc:
                add_service_errors(form, exc, aliases=SERVICE_ERROR_ALIASES)
                status = exc.status_code
            else:
                messages.success(request, _("已登记纠纷 %(number)s") % {"number": case.number})
                return redirect("case-detail", case_id=case.pk)
    return render(
        request, "lawguard/outcomes/dispute_help.html", {"form": form, "enterprise": enterprise}, status=status
    )


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


# --- the recovered-loss ledger --------------------------------------------------------------------------


def _losses(request: HttpRequest) -> tuple[LossFilter, Any]:
    user = signed_in_user(request)
    filterset = LossFilter(request.GET or None, queryset=sel.losses_for(user), request=request)
    return filterset, (filterset.qs if filterset.is_bound else sel.losses_for(user))


@login_required
def loss_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    filterset, queryset = _losses(request)
    bad = filterset.is_bound and bool(filterset.errors)
    totals = sel.loss_totals(queryset, sel.ratings_for(user))
    page = Paginator(queryset.order_by("-recovered_on", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "lawguard/outcomes/loss_list.html",
        {"filter": filterset, "page": page, "totals": totals},
        status=400 if bad else 200,
    )


LOSS_COLUMNS = (
    _("企业"),
    _("工作站"),
    _("案件编号"),
    _("挽回金额(元)"),
    _("挽回方式"),
    _("挽回日期"),
    _("情况说明"),
    _("登记时间"),
)


def losses_xlsx(queryset: Any) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("挽回损失"))
    sheet.append([str(c) for c in LOSS_COLUMNS])
    for loss in queryset.order_by("-recovered_on", "-id"):
        sheet.append(
            [
                text_cell(sheet, loss.enterprise.name),
                text_cell(sheet, loss.workstation.organization.name if loss.workstation else ""),
                loss.case.number,
                float(loss.amount),
                str(loss.get_method_display()),
                loss.recovered_on,
                text_cell(sheet, loss.description),
                timezone.localtime(loss.recorded_at).replace(tzinfo=None),
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def loss_export_response(*, user: Any, filterset: LossFilter, queryset: Any) -> HttpResponse:
    """The ledger as Excel (the caller's jurisdiction and filters), logged (AuditAction.EXPORT)."""
    rows = queryset.count()
    content = losses_xlsx(queryset.select_related("enterprise", "case", "workstation__organization"))
    filters = {k: v for k, v in (filterset.data or {}).items() if k in filterset.filters and v}
    audit_log(
        actor=user,
        action=AuditAction.EXPORT,
        object_type="lawguard.recoveredloss",
        changes={"filters": filters, "rows": rows},
    )
    filename = f"losses-{timezone.localtime():%Y%m%d-%H%M}.xlsx"
    return HttpResponse(
        content, content_type=XLSX, headers={"Content-Disposition": content_disposition_header(True, filename)}
    )


@login_required
def loss_export(request: HttpRequest) -> HttpResponse:
    filterset, queryset = _losses(request)
    if filterset.is_bound and filterset.errors:
        return loss_list(request)
    return loss_export_response(user=signed_in_user(request), filterset=filterset, queryset=queryset)


@login_required
def loss_new(request: HttpRequest) -> HttpResponse:
    """登记挽回损失 for an enterprise of the jurisdiction (?enterprise=<id>), on one of its cases."""
    user = signed_in_user(request)
    enterprise: Enterprise | None = enterprises_for(user).filter(pk=_int(request.GET.get("enterprise"))).first()
    if enterprise is None:
        raise Http404
    cases = sel.linked_cases(enterprise)
    form = LossForm(request.POST or None, cases=cases)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                svc.recovered_loss_record(actor=user, enterprise=enterprise, **form.cleaned_data)
            except ApplicationError as exc:
                add_service_errors(form, exc)
                status = exc.status_code
            else:
                messages.success(request, _("已登记挽回损失"))
                return redirect("lawguard-loss-list")
    return render(request, "lawguard/outcomes/loss_new.html", {"form": form, "enterprise": enterprise}, status=status)
