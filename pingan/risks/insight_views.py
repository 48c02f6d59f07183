"""Pages of the risk register's links outward: 升级为风险 from a dispute or an incident (the form's page; the
same form is a panel on their detail pages, cases.extensions), and the review list of repeated-dispute
suggestions (风险研判, /risks/suggestions/). Reads start from the user's jurisdiction; writes go through
the services (raising, suggestions); a refusal is shown on the page with its status code."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pingan.accounts.access import signed_in_user
from pingan.accounts.models import User
from pingan.cases import selectors as case_selectors
from pingan.cases.models import Case
from pingan.core.errors import ApplicationError, PermissionDeniedError
from pingan.core.forms import add_service_errors

from . import raising, suggestions
from .insight_filters import SuggestionFilter
from .insight_forms import DismissForm, RaiseForm, ScoreForm
from .insight_models import RiskSuggestion, SuggestionStatus

PAGE_SIZE = 30


def _source_case(request: HttpRequest, case_id: int) -> Case:
    return case_selectors.case_visible_or_404(case_selectors.case_detail(user=request.user), case_id)


def raise_context(case: Case, user: User, form: RaiseForm | None = None) -> dict[str, Any]:
    """What the raise form needs (on its own page and as the panel on the case's page)."""
    return {
        "source": case,
        "form": form or RaiseForm(user=user, initial={"title": case.title}),
        "matrix": raising.matrix_cells(),
        "parties": list(case.parties.all()),
    }


@login_required
def risk_raise(request: HttpRequest, case_id: int) -> HttpResponse:
    """升级为风险: the risk signs, category, likelihood × impact, owner unit; the parties come along masked."""
    user = signed_in_user(request)
    case = _source_case(request, case_id)
    if not raising.may_raise_from(case, user):
        raise PermissionDeniedError(_("您没有在该案件所在区划登记风险的权限"))
    status = 200
    form = RaiseForm(request.POST or None, user=user, initial={"title": case.title})
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                risk = raising.risk_raise_from_case(actor=user, source_case=case, **data)
            except ApplicationError as exc:
                add_service_errors(form, exc)
                status = exc.status_code
            else:
                messages.success(request, _("已升级为风险 %(number)s") % {"number": risk.number})
                return redirect("case-detail", case_id=risk.pk)
    return render(request, "risks/insight/raise.html", raise_context(case, user, form), status=status)


# --- the review list ---------------------------------------------------------------------------------


@login_required
def suggestion_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    params = request.GET.copy()
    if "status" not in params:
        params["status"] = SuggestionStatus.PENDING  # the list opens on what waits for a decision
    filterset = SuggestionFilter(params, queryset=suggestions.suggestions_for(user), request=request)
    page = Paginator(filterset.qs.order_by("-latest_case_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "risks/insight/suggestion_list.html", {"filter": filterset, "page": page})


def _render_suggestion(
    request: HttpRequest,
    suggestion: RiskSuggestion,
    *,
    accept_form: ScoreForm | None = None,
    dismiss_form: DismissForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = signed_in_user(request)
    decidable = suggestion.status == SuggestionStatus.PENDING and suggestions.may_decide(user, suggestion)
    cases = list(
        case_selectors.cases_visible_to(user)
        .filter(risk_suggestions=suggestion)
        .select_related("region", "category")
        .order_by("registered_at", "id")
    )
    initial = {
        "category": suggestion.rule.risk_category.code if suggestion.rule.risk_category else None,
        "title": _("%(subject)s 矛盾纠纷反复发生") % {"subject": suggestion.subject},
    }
    context = {
        "suggestion": suggestion,
        "cases": cases,
        "decidable": decidable,
        "accept_form": accept_form or ScoreForm(user=user, initial=initial),
        "dismiss_form": dismiss_form or DismissForm(),
        "matrix": raising.matrix_cells(),
    }
    return render(request, "risks/insight/suggestion_detail.html", context, status=status)


@login_required
def suggestion_detail(request: HttpRequest, suggestion_id: int) -> HttpResponse:
    user = signed_in_user(request)
    return _render_suggestion(request, suggestions.suggestion_visible_or_404(user, suggestion_id))


@login_required
@require_POST
def suggestion_accept(request: HttpRequest, suggestion_id: int) -> HttpResponse:
    user = signed_in_user(request)
    suggestion = suggestions.suggestion_visible_or_404(user, suggestion_id)
    form = ScoreForm(request.POST, user=user)
    status = 400
    if form.is_valid():
        try:
            risk = suggestions.suggestion_accept(actor=user, suggestion_id=suggestion.pk, **form.cleaned_data)
        except ApplicationError as exc:
            add_service_errors(form, exc)
            status = exc.status_code
        else:
            messages.success(request, _("已采纳,登记风险 %(number)s") % {"number": risk.number})
            return redirect("case-detail", case_id=risk.pk)
    suggestion.refresh_from_db()
    return _render_suggestion(request, suggestion, accept_form=form, status=status)


@login_required
@require_POST
def suggestion_dismiss(request: HttpRequest, suggestion_id: int) -> HttpResponse:
    user = signed_in_user(request)
    suggestion = suggestions.suggestion_visible_or_404(user, suggestion_id)
    form = DismissForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            suggestions.suggestion_dismiss(actor=user, suggestion_id=suggestion.pk, reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            add_service_errors(form, exc)
            status = exc.status_code
        else:
            messages.success(request, _("已驳回该建议"))
            return redirect("risk-suggestion-list")
    suggestion.refresh_from_db()
    return _render_suggestion(request, suggestion, dismiss_form=form, status=status)
